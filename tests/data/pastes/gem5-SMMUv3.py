    walk_assoc = Param.Unsigned(4, "Walk cache associativity (0=full)")
    walk_policy = Param.String("rr", "Walk cache replacement policy")
    walk_enable = Param.Bool(True, "Walk cache enable")
    wc_nonfinal_enable = Param.Bool(
        False, "Nonfinal translations use walk cache"
    )

    walk_lat = Param.Cycles(4, "Walk cache lookup latency")

    # [28:27] ST_LEVEL = 0b01, 2-level Stream Table supported in addition
    # to Linear Stream table.
    # [25:24] STALL_MODEL = 0b01, Stall is not supported, all faults
    # terminate transaction.
    # [22:21] TTENDIAN = 0b10, Endianness support for translation table walks
    # (0b10 = Little-endian).
    # [19] CD2L = 0b1, 2-level CD table supported.
    # [18] VMID16 = 0b1, 16-bit VMID supported.
    # [12] ASID16 = 0b1, 16-bit ASID supported.
    # [3:2] TTF = 0b10, Translation Table Formats (Stage 1/2)
    # (0b10 = AArch64).
    # [1] S1P = 0b1, Stage 1 translation supported.
    # [0] S2P = 0b1, Stage 2 translation supported.
    smmu_idr0 = Param.UInt32(0x094C100F, "SMMU_IDR0 register")

    # [25:21] CMDQS = 0b00111, Maximum number of Command queue entries
    # as log 2 (entries) (0b00111 = 128 entries).
    smmu_idr1 = Param.UInt32(0x00E00000, "SMMU_IDR1 register")

    smmu_idr2 = Param.UInt32(0, "SMMU_IDR2 register")
    smmu_idr3 = Param.UInt32(0, "SMMU_IDR3 register")
    smmu_idr4 = Param.UInt32(0, "SMMU_IDR4 register")

    # [6] GRAN64K = 0b1, 64KB translation granule supported.
    # [4] GRAN4K = 0b1, 4KB translation granule supported.
    # [2:0] OAS = 0b101, Output Address Size (0b101 = 48-bit).
    smmu_idr5 = Param.UInt32(0x55, "SMMU_IDR5 register")
    smmu_iidr = Param.UInt32(0, "SMMU_IIDR register")

    # [7:0] (0 = SMMUv3.0) (1 = SMMUv3.1)
    smmu_aidr = Param.UInt32(0, "SMMU_AIDR register")

    def generateDeviceTree(self, state):
        reg_addr = self.reg_map.start
