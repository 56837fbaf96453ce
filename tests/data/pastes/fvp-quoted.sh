function device_args()
{
	smmu_args=$smmu_args" -C pci.pci_smmuv3.mmu.SMMU_AIDR=2"
	smmu_args=$smmu_args" -C pci.pci_smmuv3.mmu.SMMU_IDR0=0x0046123B"
	smmu_args=$smmu_args" -C pci.pci_smmuv3.mmu.SMMU_IDR1=0x00600002"
	smmu_args=$smmu_args" -C pci.pci_smmuv3.mmu.SMMU_IDR3=0x1714"
	smmu_args=$smmu_args" -C pci.pci_smmuv3.mmu.SMMU_IDR5=0xFFFF0472"
	smmu_args=$smmu_args" -C pci.pci_smmuv3.mmu.SMMU_S_IDR1=0xA0000002"
	smmu_args=$smmu_args" -C 'pci.pci_smmuv3.mmu.SMMU_S_IDR2=0'"

	cpu_args=$cpu_args" -C cluster0.NUM_CORES=4"
}
