//! Every command, event record and PRI queue entry field against a table transcribed by hand
//! from IHI 0070 G.b (and, where the G.b text lacks a record's figure, from the public
//! definitions of Linux's arm-smmu-v3.h and QEMU's smmuv3-internal.h). The table is the
//! independent fact: the code's layouts must place each field exactly there, declare no field
//! the table lacks, decode random words to those bits and encode back.
//!
//! Source column: `fig` = the record or command figure as G.b's text renders it, `tbl` = the
//! table of 4.4.1.1, `txt` = a width or range stated in the G.b text (4.1.6: VA fields are
//! Address[63:12], PA/IPA fields Address[55:12], MSIAddress[55:2]; 8: SubstreamID[19:0],
//! PRGIndex[8:0]), `lnx` = Linux 6.12 arm-smmu-v3.h (CMDQ_*, EVTQ_*, PRIQ_* masks), `qemu` =
//! QEMU 10.0 smmuv3-internal.h, `common` = a common field (4.1.6, 7.3) at the bits every
//! figure that shows it gives.

use proptest::prelude::*;
use smmu_core::model::{Layout, Version, V3_0, V3_2, V3_3, V3_4};
use smmu_core::queues::{cmd, event, pri};

/// (layout, field, msb, lsb, source)
type Row = (&'static str, &'static str, u16, u16, &'static str);

// Commands: word 0 is bits [63:0], word 1 bits [127:64].
const HDR: &[(&str, u16, u16, &str)] = &[("Opcode", 7, 0, "txt 4.1.1")];
#[rustfmt::skip]
static COMMANDS: &[Row] = &[
    ("CMD_PREFETCH_CONFIG", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_PREFETCH_CONFIG", "SSV", 11, 11, "lnx CMDQ_0_SSV"),
    ("CMD_PREFETCH_CONFIG", "SubstreamID", 31, 12, "qemu CMD_SSID"),
    ("CMD_PREFETCH_CONFIG", "StreamID", 63, 32, "lnx CMDQ_PREFETCH_0_SID"),
    ("CMD_PREFETCH_ADDR", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_PREFETCH_ADDR", "SSV", 11, 11, "lnx CMDQ_0_SSV"),
    ("CMD_PREFETCH_ADDR", "SubstreamID", 31, 12, "qemu CMD_SSID"),
    ("CMD_PREFETCH_ADDR", "StreamID", 63, 32, "lnx CMDQ_PREFETCH_0_SID"),
    ("CMD_PREFETCH_ADDR", "Size", 68, 64, "lnx CMDQ_PREFETCH_1_SIZE"),
    ("CMD_PREFETCH_ADDR", "Address", 127, 76, "lnx CMDQ_PREFETCH_1_ADDR_MASK, txt Address[63:12]"),
    ("CMD_CFGI_STE", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_CFGI_STE", "StreamID", 63, 32, "lnx CMDQ_CFGI_0_SID"),
    ("CMD_CFGI_STE", "Leaf", 64, 64, "lnx CMDQ_CFGI_1_LEAF"),
    ("CMD_CFGI_STE_RANGE", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_CFGI_STE_RANGE", "StreamID", 63, 32, "lnx CMDQ_CFGI_0_SID"),
    ("CMD_CFGI_STE_RANGE", "Range", 68, 64, "lnx CMDQ_CFGI_1_RANGE"),
    ("CMD_CFGI_CD", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_CFGI_CD", "SubstreamID", 31, 12, "lnx CMDQ_CFGI_0_SSID"),
    ("CMD_CFGI_CD", "StreamID", 63, 32, "lnx CMDQ_CFGI_0_SID"),
    ("CMD_CFGI_CD", "Leaf", 64, 64, "lnx CMDQ_CFGI_1_LEAF"),
    ("CMD_CFGI_CD_ALL", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_CFGI_CD_ALL", "StreamID", 63, 32, "lnx CMDQ_CFGI_0_SID"),
    ("CMD_CFGI_VMS_PIDM", "SSec", 10, 10, "common 4.1.6"),
    ("CMD_CFGI_VMS_PIDM", "VMID", 47, 32, "common 4.4 (no public figure of this command)"),
    ("CMD_TLBI_NH_ALL", "VMID", 47, 32, "lnx CMDQ_TLBI_0_VMID"),
    ("CMD_TLBI_NH_ASID", "VMID", 47, 32, "fig 4.4.2.2"),
    ("CMD_TLBI_NH_ASID", "ASID", 63, 48, "fig 4.4.2.2"),
    ("CMD_TLBI_NH_VA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VA", "VMID", 47, 32, "lnx CMDQ_TLBI_0_VMID"),
    ("CMD_TLBI_NH_VA", "ASID", 63, 48, "lnx CMDQ_TLBI_0_ASID"),
    ("CMD_TLBI_NH_VA", "Leaf", 64, 64, "lnx CMDQ_TLBI_1_LEAF"),
    ("CMD_TLBI_NH_VA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VA", "Address", 127, 76, "lnx CMDQ_TLBI_1_VA_MASK, txt Address[63:12]"),
    ("CMD_TLBI_NH_VAA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VAA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VAA", "VMID", 47, 32, "lnx CMDQ_TLBI_0_VMID"),
    ("CMD_TLBI_NH_VAA", "Leaf", 64, 64, "lnx CMDQ_TLBI_1_LEAF"),
    ("CMD_TLBI_NH_VAA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VAA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VAA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_NH_VAA", "Address", 127, 76, "lnx CMDQ_TLBI_1_VA_MASK"),
    ("CMD_TLBI_EL3_VA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL3_VA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL3_VA", "Leaf", 64, 64, "lnx CMDQ_TLBI_1_LEAF"),
    ("CMD_TLBI_EL3_VA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL3_VA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL3_VA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL3_VA", "Address", 127, 76, "lnx CMDQ_TLBI_1_VA_MASK"),
    ("CMD_TLBI_EL2_ASID", "ASID", 63, 48, "lnx CMDQ_TLBI_0_ASID"),
    ("CMD_TLBI_EL2_VA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VA", "ASID", 63, 48, "lnx CMDQ_TLBI_0_ASID"),
    ("CMD_TLBI_EL2_VA", "Leaf", 64, 64, "lnx CMDQ_TLBI_1_LEAF"),
    ("CMD_TLBI_EL2_VA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VA", "Address", 127, 76, "lnx CMDQ_TLBI_1_VA_MASK"),
    ("CMD_TLBI_EL2_VAA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VAA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VAA", "Leaf", 64, 64, "lnx CMDQ_TLBI_1_LEAF"),
    ("CMD_TLBI_EL2_VAA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VAA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VAA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_EL2_VAA", "Address", 127, 76, "lnx CMDQ_TLBI_1_VA_MASK"),
    ("CMD_TLBI_S12_VMALL", "VMID", 47, 32, "lnx CMDQ_TLBI_0_VMID"),
    ("CMD_TLBI_S2_IPA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_S2_IPA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_S2_IPA", "VMID", 47, 32, "lnx CMDQ_TLBI_0_VMID"),
    ("CMD_TLBI_S2_IPA", "Leaf", 64, 64, "lnx CMDQ_TLBI_1_LEAF"),
    ("CMD_TLBI_S2_IPA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_S2_IPA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_S2_IPA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_S2_IPA", "Address", 119, 76, "txt Address[55:12] (lnx CMDQ_TLBI_1_IPA_MASK [51:12])"),
    ("CMD_ATC_INV", "Global", 9, 9, "lnx CMDQ_ATC_0_GLOBAL"),
    ("CMD_ATC_INV", "SSV", 11, 11, "lnx CMDQ_0_SSV"),
    ("CMD_ATC_INV", "SubstreamID", 31, 12, "lnx CMDQ_ATC_0_SSID"),
    ("CMD_ATC_INV", "StreamID", 63, 32, "lnx CMDQ_ATC_0_SID"),
    ("CMD_ATC_INV", "Size", 69, 64, "lnx CMDQ_ATC_1_SIZE"),
    ("CMD_ATC_INV", "Address", 127, 76, "lnx CMDQ_ATC_1_ADDR_MASK"),
    ("CMD_PRI_RESP", "SSV", 11, 11, "lnx CMDQ_0_SSV"),
    ("CMD_PRI_RESP", "SubstreamID", 31, 12, "lnx CMDQ_PRI_0_SSID"),
    ("CMD_PRI_RESP", "StreamID", 63, 32, "lnx CMDQ_PRI_0_SID"),
    ("CMD_PRI_RESP", "PRGIndex", 72, 64, "lnx CMDQ_PRI_1_GRPID"),
    ("CMD_PRI_RESP", "Resp", 77, 76, "lnx CMDQ_PRI_1_RESP"),
    ("CMD_RESUME", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_RESUME", "Ac", 12, 12, "lnx CMDQ_RESUME_0_RESP [13:12]: RETRY = 1"),
    ("CMD_RESUME", "Ab", 13, 13, "lnx CMDQ_RESUME_0_RESP [13:12]: ABORT = 2"),
    ("CMD_RESUME", "StreamID", 63, 32, "lnx CMDQ_RESUME_0_SID"),
    ("CMD_RESUME", "STAG", 79, 64, "lnx CMDQ_RESUME_1_STAG"),
    ("CMD_STALL_TERM", "SSec", 10, 10, "qemu CMD_SSEC"),
    ("CMD_STALL_TERM", "StreamID", 63, 32, "qemu CMD_SID"),
    ("CMD_SYNC", "CS", 13, 12, "lnx CMDQ_SYNC_0_CS"),
    ("CMD_SYNC", "MSH", 23, 22, "lnx CMDQ_SYNC_0_MSH"),
    ("CMD_SYNC", "MSIAttr", 27, 24, "lnx CMDQ_SYNC_0_MSIATTR"),
    ("CMD_SYNC", "MSIData", 63, 32, "lnx CMDQ_SYNC_0_MSIDATA"),
    ("CMD_SYNC", "MSIAddress", 119, 66, "txt MSIAddress[55:2] (lnx CMDQ_SYNC_1_MSIADDR_MASK [51:2])"),
    ("CMD_TLBI_S_EL2_ASID", "ASID", 63, 48, "4.4.2.14: encoded as CMD_TLBI_EL2_ASID"),
    ("CMD_TLBI_S_EL2_VA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VA", "ASID", 63, 48, "4.4.2.12: encoded as CMD_TLBI_EL2_VA"),
    ("CMD_TLBI_S_EL2_VA", "Leaf", 64, 64, "4.4.2.12: encoded as CMD_TLBI_EL2_VA"),
    ("CMD_TLBI_S_EL2_VA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VA", "Address", 127, 76, "4.4.2.12: encoded as CMD_TLBI_EL2_VA"),
    ("CMD_TLBI_S_EL2_VAA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VAA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VAA", "Leaf", 64, 64, "4.4.2.13: encoded as CMD_TLBI_EL2_VAA"),
    ("CMD_TLBI_S_EL2_VAA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VAA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VAA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_EL2_VAA", "Address", 127, 76, "4.4.2.13: encoded as CMD_TLBI_EL2_VAA"),
    ("CMD_TLBI_S_S12_VMALL", "VMID", 47, 32, "4.4.3.4: the Secure CMD_TLBI_S12_VMALL"),
    ("CMD_TLBI_S_S2_IPA", "NUM", 16, 12, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_S2_IPA", "SCALE", 25, 20, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_S2_IPA", "VMID", 47, 32, "4.4.3.3: similar to CMD_TLBI_S2_IPA"),
    ("CMD_TLBI_S_S2_IPA", "Leaf", 64, 64, "4.4.3.3: similar to CMD_TLBI_S2_IPA"),
    ("CMD_TLBI_S_S2_IPA", "TTL128", 71, 71, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_S2_IPA", "TTL", 73, 72, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_S2_IPA", "TG", 75, 74, "tbl 4.4.1.1"),
    ("CMD_TLBI_S_S2_IPA", "Address", 119, 76, "txt Address[55:12]"),
];

// Event records: word 0 bits [63:0] ... word 3 bits [255:192].
#[rustfmt::skip]
static EVENTS: &[Row] = &[
    ("F_UUT", "Type", 7, 0, "fig 7.3.2"),
    ("F_UUT", "SSV", 11, 11, "fig 7.3.2"),
    ("F_UUT", "SubstreamID", 31, 12, "fig 7.3.2"),
    ("F_UUT", "StreamID", 63, 32, "fig 7.3.2"),
    ("F_UUT", "Reason", 79, 64, "fig 7.3.2"),
    ("F_UUT", "PnU", 97, 97, "fig 7.3.2"),
    ("F_UUT", "InD", 98, 98, "fig 7.3.2"),
    ("F_UUT", "RnW", 99, 99, "fig 7.3.2"),
    ("F_UUT", "InputAddr", 191, 128, "fig 7.3.2"),
    ("C_BAD_STREAMID", "Type", 7, 0, "fig 7.3.3"),
    ("C_BAD_STREAMID", "SSV", 11, 11, "fig 7.3.3"),
    ("C_BAD_STREAMID", "SubstreamID", 31, 12, "fig 7.3.3"),
    ("C_BAD_STREAMID", "StreamID", 63, 32, "fig 7.3.3"),
    ("F_STE_FETCH", "Type", 7, 0, "fig 7.3.4"),
    ("F_STE_FETCH", "SSV", 11, 11, "common 7.3"),
    ("F_STE_FETCH", "SubstreamID", 31, 12, "common 7.3"),
    ("F_STE_FETCH", "StreamID", 63, 32, "common 7.3"),
    ("F_STE_FETCH", "Reason", 79, 64, "fig 7.3.4"),
    ("F_STE_FETCH", "GPCF", 80, 80, "fig 7.3.4"),
    ("F_STE_FETCH", "FetchAddr", 247, 195, "fig 7.3.4"),
    ("C_BAD_STE", "Type", 7, 0, "fig 7.3.5"),
    ("C_BAD_STE", "SSV", 11, 11, "fig 7.3.5"),
    ("C_BAD_STE", "SubstreamID", 31, 12, "fig 7.3.5"),
    ("C_BAD_STE", "StreamID", 63, 32, "fig 7.3.5"),
    ("F_BAD_ATS_TREQ", "Type", 7, 0, "common 7.3"),
    ("F_BAD_ATS_TREQ", "SSV", 11, 11, "common 7.3"),
    ("F_BAD_ATS_TREQ", "SubstreamID", 31, 12, "common 7.3"),
    ("F_BAD_ATS_TREQ", "StreamID", 63, 32, "common 7.3"),
    ("F_STREAM_DISABLED", "Type", 7, 0, "fig 7.3.7"),
    ("F_STREAM_DISABLED", "StreamID", 63, 32, "fig 7.3.7"),
    ("F_TRANSL_FORBIDDEN", "Type", 7, 0, "fig 7.3.8"),
    ("F_TRANSL_FORBIDDEN", "StreamID", 63, 32, "fig 7.3.8"),
    ("F_TRANSL_FORBIDDEN", "RnW", 99, 99, "fig 7.3.8"),
    ("F_TRANSL_FORBIDDEN", "InputAddr", 191, 128, "fig 7.3.8"),
    ("C_BAD_SUBSTREAMID", "Type", 7, 0, "fig 7.3.9"),
    ("C_BAD_SUBSTREAMID", "SubstreamID", 31, 12, "fig 7.3.9"),
    ("C_BAD_SUBSTREAMID", "StreamID", 63, 32, "fig 7.3.9"),
    ("F_CD_FETCH", "Type", 7, 0, "common 7.3"),
    ("F_CD_FETCH", "SSV", 11, 11, "common 7.3"),
    ("F_CD_FETCH", "SubstreamID", 31, 12, "common 7.3"),
    ("F_CD_FETCH", "StreamID", 63, 32, "common 7.3"),
    ("F_CD_FETCH", "Reason", 79, 64, "as fig 7.3.4 / 7.3.20"),
    ("F_CD_FETCH", "GPCF", 80, 80, "as fig 7.3.4 / 7.3.20"),
    ("F_CD_FETCH", "FetchAddr", 247, 195, "as fig 7.3.4 / 7.3.20"),
    ("C_BAD_CD", "Type", 7, 0, "fig 7.3.11"),
    ("C_BAD_CD", "SSV", 11, 11, "fig 7.3.11"),
    ("C_BAD_CD", "SubstreamID", 31, 12, "fig 7.3.11"),
    ("C_BAD_CD", "StreamID", 63, 32, "fig 7.3.11"),
    ("F_WALK_EABT", "Type", 7, 0, "common 7.3"),
    ("F_WALK_EABT", "SSV", 11, 11, "lnx EVTQ_0_SSV"),
    ("F_WALK_EABT", "SubstreamID", 31, 12, "lnx EVTQ_0_SSID"),
    ("F_WALK_EABT", "StreamID", 63, 32, "lnx EVTQ_0_SID"),
    ("F_WALK_EABT", "Reason", 79, 64, "as fig 7.3.4"),
    ("F_WALK_EABT", "GPCF", 80, 80, "as fig 7.3.4"),
    ("F_WALK_EABT", "PnU", 97, 97, "lnx EVTQ_1_PnU"),
    ("F_WALK_EABT", "InD", 98, 98, "lnx EVTQ_1_InD"),
    ("F_WALK_EABT", "RnW", 99, 99, "lnx EVTQ_1_RnW"),
    ("F_WALK_EABT", "S2", 103, 103, "lnx EVTQ_1_S2"),
    ("F_WALK_EABT", "CLASS", 105, 104, "lnx EVTQ_1_CLASS"),
    ("F_WALK_EABT", "InputAddr", 191, 128, "lnx EVTQ_2_ADDR"),
    ("F_WALK_EABT", "FetchAddr", 247, 195, "as fig 7.3.4"),
    ("F_TLB_CONFLICT", "Type", 7, 0, "common 7.3"),
    ("F_TLB_CONFLICT", "SSV", 11, 11, "lnx EVTQ_0_SSV"),
    ("F_TLB_CONFLICT", "SubstreamID", 31, 12, "lnx EVTQ_0_SSID"),
    ("F_TLB_CONFLICT", "StreamID", 63, 32, "lnx EVTQ_0_SID"),
    ("F_TLB_CONFLICT", "Reason", 79, 64, "as fig 7.3.2"),
    ("F_TLB_CONFLICT", "PnU", 97, 97, "lnx EVTQ_1_PnU"),
    ("F_TLB_CONFLICT", "InD", 98, 98, "lnx EVTQ_1_InD"),
    ("F_TLB_CONFLICT", "RnW", 99, 99, "lnx EVTQ_1_RnW"),
    ("F_TLB_CONFLICT", "NSIPA", 100, 100, "qemu EVT_SET_NSIPA"),
    ("F_TLB_CONFLICT", "S2", 103, 103, "lnx EVTQ_1_S2"),
    ("F_TLB_CONFLICT", "InputAddr", 191, 128, "lnx EVTQ_2_ADDR"),
    ("F_TLB_CONFLICT", "IPA", 247, 204, "fig 7.3.17 (247), txt IPA[55:12]"),
    ("F_CFG_CONFLICT", "Type", 7, 0, "fig 7.3.18"),
    ("F_CFG_CONFLICT", "SSV", 11, 11, "fig 7.3.18"),
    ("F_CFG_CONFLICT", "SubstreamID", 31, 12, "fig 7.3.18"),
    ("F_CFG_CONFLICT", "StreamID", 63, 32, "fig 7.3.18"),
    ("F_CFG_CONFLICT", "Reason", 95, 64, "fig 7.3.18"),
    ("E_PAGE_REQUEST", "Type", 7, 0, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "SSV", 11, 11, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "SubstreamID", 31, 12, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "StreamID", 63, 32, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "uX", 98, 98, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "uW", 99, 99, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "uR", 100, 100, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "pX", 101, 101, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "pW", 102, 102, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "pR", 103, 103, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "Span", 115, 108, "fig 7.3.19"),
    ("E_PAGE_REQUEST", "InputAddr", 191, 140, "fig 7.3.19"),
    ("F_VMS_FETCH", "Type", 7, 0, "fig 7.3.20"),
    ("F_VMS_FETCH", "SSV", 11, 11, "fig 7.3.20"),
    ("F_VMS_FETCH", "SubstreamID", 31, 12, "fig 7.3.20"),
    ("F_VMS_FETCH", "StreamID", 63, 32, "fig 7.3.20"),
    ("F_VMS_FETCH", "Reason", 79, 64, "fig 7.3.20"),
    ("F_VMS_FETCH", "GPCF", 80, 80, "fig 7.3.20"),
    ("F_VMS_FETCH", "FetchAddr", 247, 195, "fig 7.3.20"),
];

/// The four translation fault records (7.3.13 - 7.3.16): no figure in the G.b text.
#[rustfmt::skip]
const FAULT: &[(&str, u16, u16, &str)] = &[
    ("Type", 7, 0, "common 7.3"),
    ("SSV", 11, 11, "lnx EVTQ_0_SSV"),
    ("SubstreamID", 31, 12, "lnx EVTQ_0_SSID"),
    ("StreamID", 63, 32, "lnx EVTQ_0_SID"),
    ("STAG", 79, 64, "lnx EVTQ_1_STAG"),
    ("Stall", 95, 95, "lnx EVTQ_1_STALL"),
    ("PnU", 97, 97, "lnx EVTQ_1_PnU"),
    ("InD", 98, 98, "lnx EVTQ_1_InD"),
    ("RnW", 99, 99, "lnx EVTQ_1_RnW"),
    ("NSIPA", 100, 100, "qemu EVT_SET_NSIPA"),
    ("S2", 103, 103, "lnx EVTQ_1_S2"),
    ("CLASS", 105, 104, "lnx EVTQ_1_CLASS"),
    ("InputAddr", 191, 128, "lnx EVTQ_2_ADDR"),
    ("IPA", 247, 204, "txt IPA[55:12] (lnx EVTQ_3_IPA [51:12])"),
];

#[rustfmt::skip]
static PRI: &[Row] = &[
    ("PRI_ENTRY", "StreamID", 31, 0, "lnx PRIQ_0_SID, txt StreamID[31:0]"),
    ("PRI_ENTRY", "SubstreamID", 51, 32, "lnx PRIQ_0_SSID, txt SubstreamID[19:0]"),
    ("PRI_ENTRY", "Priv", 58, 58, "lnx PRIQ_0_PERM_PRIV"),
    ("PRI_ENTRY", "X", 59, 59, "lnx PRIQ_0_PERM_EXEC"),
    ("PRI_ENTRY", "R", 60, 60, "lnx PRIQ_0_PERM_READ"),
    ("PRI_ENTRY", "W", 61, 61, "lnx PRIQ_0_PERM_WRITE"),
    ("PRI_ENTRY", "Last", 62, 62, "lnx PRIQ_0_PRG_LAST"),
    ("PRI_ENTRY", "SSV", 63, 63, "lnx PRIQ_0_SSID_V"),
    ("PRI_ENTRY", "PRGIndex", 72, 64, "lnx PRIQ_1_PRG_IDX, txt PRGIndex[8:0]"),
    ("PRI_ENTRY", "Address", 127, 76, "lnx PRIQ_1_ADDR_MASK, txt Page address[63:12]"),
];

/// The whole table: (layout, field, msb, lsb).
fn table() -> Vec<(&'static str, &'static str, u16, u16)> {
    let mut t: Vec<_> = Vec::new();
    for c in cmd::COMMANDS {
        for (f, m, l, _) in HDR {
            t.push((c.name(), *f, *m, *l));
        }
    }
    for (l, f, m, b, _) in COMMANDS.iter().chain(EVENTS).chain(PRI) {
        t.push((*l, *f, *m, *b));
    }
    for rec in ["F_TRANSLATION", "F_ADDR_SIZE", "F_ACCESS", "F_PERMISSION"] {
        for (f, m, l, _) in FAULT {
            t.push((rec, *f, *m, *l));
        }
    }
    t.push(("F_PERMISSION", "TTRnW", 108, 108)); // lnx EVTQ_1_TT_READ
    t
}

fn layouts() -> Vec<&'static Layout> {
    let mut v: Vec<&'static Layout> = cmd::COMMANDS.iter().map(|c| c.layout).collect();
    v.extend(event::EVENT_TYPES.iter().map(|t| t.layout));
    v.push(&pri::PRI_ENTRY);
    v
}

#[test]
fn every_table_field_is_declared_at_its_spec_bits() {
    let all = layouts();
    for (l, f, msb, lsb) in table() {
        let layout = all.iter().find(|x| x.name == l).unwrap_or_else(|| panic!("no layout {l}"));
        let d = layout.fields.iter().find(|x| x.name == f).unwrap_or_else(|| panic!("{l} has no field {f}"));
        assert_eq!((d.msb(), d.lsb), (msb, lsb), "{l}.{f}");
    }
}

#[test]
fn no_declared_field_is_missing_from_the_spec_table() {
    let t = table();
    for l in layouts() {
        for f in l.fields {
            assert!(
                t.iter().any(|(tl, tf, _, _)| *tl == l.name && *tf == f.name),
                "{}.{} is not in the spec table",
                l.name,
                f.name
            );
        }
    }
    // And every command and record of the spec is modelled (4.1.1, 7.3).
    assert_eq!(cmd::COMMANDS.len(), 34);
    assert_eq!(event::EVENT_TYPES.len(), 19);
}

#[test]
fn opcodes_and_event_numbers_are_the_specs() {
    // 4.1.1, transcribed.
    #[rustfmt::skip]
    let ops: &[(u8, &str)] = &[
        (0x01, "CMD_PREFETCH_CONFIG"), (0x02, "CMD_PREFETCH_ADDR"), (0x03, "CMD_CFGI_STE"), (0x04, "CMD_CFGI_STE_RANGE"),
        (0x05, "CMD_CFGI_CD"), (0x06, "CMD_CFGI_CD_ALL"), (0x07, "CMD_CFGI_VMS_PIDM"), (0x10, "CMD_TLBI_NH_ALL"),
        (0x11, "CMD_TLBI_NH_ASID"), (0x12, "CMD_TLBI_NH_VA"), (0x13, "CMD_TLBI_NH_VAA"), (0x18, "CMD_TLBI_EL3_ALL"),
        (0x1A, "CMD_TLBI_EL3_VA"), (0x20, "CMD_TLBI_EL2_ALL"), (0x21, "CMD_TLBI_EL2_ASID"), (0x22, "CMD_TLBI_EL2_VA"),
        (0x23, "CMD_TLBI_EL2_VAA"), (0x28, "CMD_TLBI_S12_VMALL"), (0x2A, "CMD_TLBI_S2_IPA"), (0x30, "CMD_TLBI_NSNH_ALL"),
        (0x40, "CMD_ATC_INV"), (0x41, "CMD_PRI_RESP"), (0x44, "CMD_RESUME"), (0x45, "CMD_STALL_TERM"), (0x46, "CMD_SYNC"),
        (0x50, "CMD_TLBI_S_EL2_ALL"), (0x51, "CMD_TLBI_S_EL2_ASID"), (0x52, "CMD_TLBI_S_EL2_VA"), (0x53, "CMD_TLBI_S_EL2_VAA"),
        (0x58, "CMD_TLBI_S_S12_VMALL"), (0x5A, "CMD_TLBI_S_S2_IPA"), (0x60, "CMD_TLBI_SNH_ALL"), (0x70, "CMD_DPTI_ALL"),
        (0x73, "CMD_DPTI_PA"),
    ];
    for (op, name) in ops {
        assert_eq!(cmd::by_opcode(*op).map(|c| c.name()), Some(*name), "{op:#x}");
        assert_eq!(cmd::decode(&[*op as u64, 0]).name, *name);
    }
    for op in 0..=255u8 {
        if !ops.iter().any(|(o, _)| *o == op) {
            assert!(cmd::by_opcode(op).is_none(), "{op:#x} is Reserved or IMPLEMENTATION DEFINED");
        }
    }
    // 7.3.2 - 7.3.20, transcribed.
    #[rustfmt::skip]
    let evs: &[(u8, &str)] = &[
        (0x01, "F_UUT"), (0x02, "C_BAD_STREAMID"), (0x03, "F_STE_FETCH"), (0x04, "C_BAD_STE"), (0x05, "F_BAD_ATS_TREQ"),
        (0x06, "F_STREAM_DISABLED"), (0x07, "F_TRANSL_FORBIDDEN"), (0x08, "C_BAD_SUBSTREAMID"), (0x09, "F_CD_FETCH"),
        (0x0A, "C_BAD_CD"), (0x0B, "F_WALK_EABT"), (0x10, "F_TRANSLATION"), (0x11, "F_ADDR_SIZE"), (0x12, "F_ACCESS"),
        (0x13, "F_PERMISSION"), (0x20, "F_TLB_CONFLICT"), (0x21, "F_CFG_CONFLICT"), (0x24, "E_PAGE_REQUEST"), (0x25, "F_VMS_FETCH"),
    ];
    for (code, name) in evs {
        assert_eq!(event::by_code(*code).map(|t| t.name()), Some(*name), "{code:#x}");
        assert_eq!(event::decode(&[*code as u64, 0, 0, 0]).type_name, *name);
    }
    for code in 0xE0..=0xEFu8 {
        assert_eq!(event::decode(&[code as u64, 0, 0, 0]).type_name, "IMPDEF_EVENT");
    }
}

/// (layout, field, introduced in, (gating ID-register field, minimum))
type VersionRow = (&'static str, &'static str, Version, Option<(&'static str, u64)>);

#[test]
fn versions_and_gates_are_the_specs() {
    // (layout, field, introduced in, gating ID-register field, minimum)
    #[rustfmt::skip]
    let rows: &[VersionRow] = &[
        // 4.4.1.1: range invalidation and the level hint need SMMU_IDR3.RIL (SMMUv3.2).
        ("CMD_TLBI_NH_VA", "NUM", V3_2, Some(("IDR3.RIL", 1))),
        ("CMD_TLBI_NH_VA", "SCALE", V3_2, Some(("IDR3.RIL", 1))),
        ("CMD_TLBI_NH_VA", "TTL", V3_2, Some(("IDR3.RIL", 1))),
        ("CMD_TLBI_NH_VA", "TG", V3_2, Some(("IDR3.RIL", 1))),
        ("CMD_TLBI_S2_IPA", "TTL", V3_2, Some(("IDR3.RIL", 1))),
        // 4.4.1.1: TTL128, for 128-bit descriptors (SMMU_IDR5.D128).
        ("CMD_TLBI_NH_VA", "TTL128", V3_4, Some(("IDR5.D128", 1))),
        // 7.3: GPCF, Granule Protection Checks of RME (SMMU_IDR0.RME_IMPL, SMMUv3.3).
        ("F_STE_FETCH", "GPCF", V3_3, Some(("IDR0.RME_IMPL", 1))),
        ("F_WALK_EABT", "GPCF", V3_3, Some(("IDR0.RME_IMPL", 1))),
        // Fields of SMMUv3.0.
        ("CMD_TLBI_NH_VA", "ASID", V3_0, None),
        ("F_TRANSLATION", "InputAddr", V3_0, None),
        ("F_PERMISSION", "TTRnW", V3_0, None),
        ("PRI_ENTRY", "PRGIndex", V3_0, None),
    ];
    let all = layouts();
    for (l, f, since, gate) in rows {
        let layout = all.iter().find(|x| x.name == *l).unwrap();
        let d = layout.fields.iter().find(|x| x.name == *f).unwrap();
        assert_eq!(d.since, *since, "{l}.{f}");
        assert_eq!(d.gate.map(|g| (g.label(), g.min)), gate.map(|(n, m)| (n.to_string(), m)), "{l}.{f}");
    }
    assert_eq!(cmd::by_opcode(0x07).map(|c| c.since), Some(V3_2)); // CMD_CFGI_VMS_PIDM: the VMS of SMMUv3.2
    assert_eq!(event::by_code(0x25).map(|t| t.since), Some(V3_2)); // F_VMS_FETCH
}

/// Bits `msb..=lsb` of little-endian words, by plain shifting (independent of the model).
fn bits(words: &[u64], msb: u16, lsb: u16) -> u64 {
    let mut v = 0u64;
    for (i, b) in (lsb..=msb).enumerate() {
        let w = words[(b / 64) as usize];
        v |= ((w >> (b % 64)) & 1) << i;
    }
    v
}

proptest! {
    #[test]
    fn decode_places_each_field_at_its_spec_bits(w in proptest::collection::vec(any::<u64>(), 4)) {
        let all = layouts();
        for (l, f, msb, lsb) in table() {
            let layout = all.iter().find(|x| x.name == l).unwrap();
            let n = layout.words();
            let d = layout.decode(&w[..n]);
            let got = d.fields.iter().find(|x| x.name == f).map(|x| x.value);
            prop_assert_eq!(got, Some(bits(&w[..n], msb, lsb)), "{}.{}", l, f);
        }
    }

    #[test]
    fn encode_round_trips_through_decode(w in proptest::collection::vec(any::<u64>(), 4)) {
        let all = layouts();
        for l in &all {
            let n = l.words();
            // Each field set from the random words' bits at its spec position.
            let vals: Vec<(&str, u64)> = table().iter().filter(|r| r.0 == l.name).map(|r| (r.1, bits(&w[..n], r.2, r.3))).collect();
            let enc = l.encode(&vals).unwrap();
            // The encoding holds exactly those bits and nothing else.
            let mut want = vec![0u64; n];
            for (_, _, msb, lsb) in table().iter().filter(|r| r.0 == l.name) {
                for b in *lsb..=*msb {
                    want[(b / 64) as usize] |= w[(b / 64) as usize] & (1 << (b % 64));
                }
            }
            prop_assert_eq!(&enc, &want, "{}", l.name);
            let d = l.decode(&enc);
            for (name, v) in &vals {
                prop_assert_eq!(d.value(name), Some(*v), "{}.{}", l.name, name);
            }
            prop_assert!(d.res0.is_empty());
        }
    }
}

#[test]
fn legality_rules_follow_the_spec() {
    use smmu_core::regset::RegisterSet;
    let ill = |w: [u64; 2], ctx: &cmd::CheckContext| {
        cmd::check(&w, ctx).iter().filter(|p| p.kind == "CERROR_ILL").map(|p| p.section).collect::<Vec<_>>()
    };
    let ns = cmd::CheckContext::default();
    let regs = |pairs: &[(&str, u64)]| {
        let mut r = RegisterSet::new();
        for (n, v) in pairs {
            r.insert_named(n, *v, Default::default());
        }
        r
    };
    // 4.7.3: CS == 0b11 is Reserved (CERROR_ILL); SIG_SEV without SEV is SIG_NONE, not illegal.
    assert_eq!(ill([0x46 | 3 << 12, 0], &ns), ["4.7.3"]);
    let no_sev = regs(&[("IDR0", 0)]);
    assert!(ill([0x46 | 2 << 12, 0], &cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&no_sev) })
        .is_empty());
    // 4.7.3: MSH 0b01 is Reserved but treated as Non-shareable: not illegal.
    assert!(ill([0x46 | 1 << 22, 0], &ns).is_empty());
    // 4.5.2: Resp 0b11 is ILLEGAL.
    assert_eq!(ill([0x41, 3 << 12], &ns), ["4.5.2"]);
    // 4.7.1, 4.7.2: CMD_RESUME / CMD_STALL_TERM need the Stall model (IDR0.STALL_MODEL != 0b01)
    // and are illegal on the Realm queue.
    let no_stall = regs(&[("IDR0", 1 << 24)]);
    let ctx = cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&no_stall) };
    assert_eq!(ill([0x44, 0], &ctx), ["4.7.1"]);
    assert_eq!(ill([0x45, 0], &ctx), ["4.7.2"]);
    assert_eq!(ill([0x44, 0], &cmd::CheckContext { queue: cmd::QueueKind::Realm, regs: None }), ["4.7.1"]);
    // 4.4.2.5: CMD_TLBI_EL3_ALL only on the Secure queue, and never with RME.
    assert_eq!(ill([0x18, 0], &ns), ["4.4.2.5"]);
    let rme = regs(&[("IDR0", 1 << 30)]);
    assert_eq!(ill([0x18, 0], &cmd::CheckContext { queue: cmd::QueueKind::Secure, regs: Some(&rme) }), ["4.4.2.5"]);
    // 4.1.6: SSec == 1 on the Non-secure or Realm queue.
    assert_eq!(ill([0x03 | 1 << 10, 0], &ns), ["4.1.6"]);
    assert_eq!(ill([0x03 | 1 << 10, 0], &cmd::CheckContext { queue: cmd::QueueKind::Realm, regs: None }), ["4.1.6"]);
    // 4.1.3: a command newer than the SMMU's version is a Reserved opcode there: CMD_CFGI_VMS_PIDM
    // (SMMUv3.2) on an SMMUv3.1 with MPAM reported.
    let v31 = regs(&[("AIDR", 1), ("IDR3", 1 << 7)]);
    assert_eq!(ill([0x07, 0], &cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&v31) }), ["4.1.3"]);
    // 4.4.1.1: range fields on an SMMU without RIL are RES0 (optionally illegal), never
    // CERROR_ILL; with RIL the Reserved combination TG != 0, NUM = SCALE = TTL = 0 is.
    let no_ril = regs(&[("IDR3", 0), ("IDR0", 2)]);
    let c = cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&no_ril) };
    let w = [0x12u64 | 1 << 12, 1 << 10 | 3 << 8];
    assert!(ill(w, &c).is_empty());
    assert!(cmd::check(&w, &c).iter().any(|p| p.kind == "CERROR_ILL_OPTIONAL" && p.message.contains("IDR3.RIL")));
    let ril = regs(&[("IDR3", 1 << 10), ("IDR0", 2)]);
    assert_eq!(
        ill([0x12, 1 << 10], &cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&ril) }),
        ["4.4.1.1"]
    );
    // 4.5.1: Size > 52 may raise CERROR_ILL.
    assert!(cmd::check(&[0x40, 53], &ns).iter().any(|p| p.kind == "CERROR_ILL_OPTIONAL" && p.section == "4.5.1"));
    // 4.6.1: CMD_DPTI_ALL needs SMMU_IDR3.DPT.
    let no_dpt = regs(&[("IDR3", 0)]);
    assert_eq!(ill([0x70, 0], &cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&no_dpt) }), ["4.6.1"]);
}

#[test]
fn pri_entry_decodes_as_linux_prints_it() {
    // Linux arm_smmu_handle_ppr prints "sid 0x100.0x1: [3L] unprivileged RW access at iova
    // 0xffff80001000" for this entry (core/tests/klog_logs.rs has the printed form).
    let w0 = 0x100 | 1 << 32 | 1 << 60 | 1 << 61 | 1 << 62 | 1 << 63;
    let w1 = 3 | 0xffff80001000u64 >> 12 << 12;
    let p = pri::decode(&[w0, w1]);
    assert_eq!((p.sid, p.ssid, p.prg_index, p.last), (0x100, Some(1), 3, true));
    assert_eq!(p.address, "0xffff80001000");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
}

#[test]
fn fields_an_smmu_lacks_are_flagged_when_its_registers_are_known() {
    use smmu_core::queues::queue::{decode_entry_with, DecodedEntry, QueueId};
    use smmu_core::regset::RegisterSet;
    // F_STE_FETCH with GPCF set, from an SMMU without RME (SMMU_IDR0.RME_IMPL == 0): GPCF is
    // an SMMUv3.3 RME field (7.3), RES0 there.
    let mut r = RegisterSet::new();
    r.insert_named("IDR0", 0, Default::default());
    let w = [0x03u64, 1 << 16, 0, 0];
    let e = event::decode_words_with(&w, Some(&r));
    assert!(e.problems.iter().any(|p| p.contains("GPCF") && p.contains("IDR0.RME_IMPL")), "{:?}", e.problems);
    assert!(event::decode(&w).problems.is_empty());
    // The same through the queue decoder.
    match decode_entry_with(QueueId::Evtq, &w, Some(&r)) {
        DecodedEntry::Event(e) => assert!(e.problems.iter().any(|p| p.contains("GPCF"))),
        _ => panic!("not an event"),
    }
    // F_VMS_FETCH (SMMUv3.2) from an SMMUv3.1.
    let mut v31 = RegisterSet::new();
    v31.insert_named("AIDR", 1, Default::default());
    let e = event::decode_words_with(&[0x25, 0, 0, 0], Some(&v31));
    assert!(e.problems.iter().any(|p| p.contains("SMMUv3.2")), "{:?}", e.problems);
}

#[test]
fn ssv_without_substreams_is_constrained_unpredictable_not_illegal() {
    use smmu_core::regset::RegisterSet;
    // SMMU_IDR1.SSIDSIZE == 0, SMMU_IDR0.ATS == 1 and PRI == 1 (bits 10 and 16).
    let mut r = RegisterSet::new();
    r.insert_named("IDR1", 0, Default::default());
    r.insert_named("IDR0", 1 << 10 | 1 << 16, Default::default());
    let ctx = cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&r) };
    for (w, sec) in [([0x40u64 | 1 << 11, 0], "4.5.1"), ([0x41 | 1 << 11, 0], "4.5.2"), ([0x01 | 1 << 11, 0], "4.2")] {
        let p = cmd::check(&w, &ctx);
        assert!(p.iter().all(|p| p.kind != "CERROR_ILL"), "{p:?}");
        assert!(p.iter().any(|p| p.kind == "NOTE" && p.section == sec), "{p:?}");
    }
}
