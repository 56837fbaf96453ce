#!/bin/bash
# Launch the Base FVP with the SMMUv3.2 parameters used by TF-A/Hafnium test scripts.
MODEL=${MODEL:-FVP_Base_RevC-2xAEMvA}

"$MODEL" \
	-C cluster0.NUM_CORES=4 -C cluster1.NUM_CORES=4 \
	-C bp.dram_metadata.is_enabled=1 \
	-C pci.pci_smmuv3.mmu.SMMU_AIDR=2 -C pci.pci_smmuv3.mmu.SMMU_IDR0=0x0046123B \
	-C pci.pci_smmuv3.mmu.SMMU_IDR1=0x00600002 -C pci.pci_smmuv3.mmu.SMMU_IDR3=0x1714 \
	-C pci.pci_smmuv3.mmu.SMMU_IDR5=0xFFFF0472 -C pci.pci_smmuv3.mmu.SMMU_S_IDR1=0xA0000002 \
	-C pci.pci_smmuv3.mmu.SMMU_S_IDR2=0 -C pci.pci_smmuv3.mmu.SMMU_S_IDR3=0 \
	-C bp.pl011_uart0.out_file="$LOG_DIR/uart0.log" \
	-C bp.ve_sysregs.exit_on_shutdown=1
