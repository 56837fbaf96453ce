//! `smmu cmd` end to end, with commands Linux 7.3.4 queued on QEMU 10.0.2 (qemu-s1-4k).
use std::process::{Command, Stdio};

fn smmu(args: &[&str]) -> (i32, String) {
    let o =
        Command::new(env!("CARGO_BIN_EXE_smmu")).args(args).env("NO_COLOR", "1").stdin(Stdio::null()).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into())
}

#[test]
fn tlbi_nh_va_json() {
    // QEMU traced: smmuv3_range_inval asid=2 addr=0xffff8000 tg=1 num_pages=0x1 ttl=3 leaf=1.
    let (code, out) = smmu(&["cmd", "0x0002000000000012", "0x00000000ffff8701", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["name"], "CMD_TLBI_NH_VA");
    assert_eq!(v["opcode"], "0x12");
    let f =
        |n: &str| v["fields"].as_array().unwrap().iter().find(|f| f["name"] == n).unwrap()["value"].as_u64().unwrap();
    assert_eq!((f("ASID"), f("TG"), f("TTL"), f("Leaf"), f("Address") << 12), (2, 1, 3, 1, 0xffff8000));
    assert_eq!(v["iommufd"]["accepted"], true);
}

#[test]
fn cfgi_all_and_illegal() {
    let (code, out) = smmu(&["cmd", "0x4", "0x1f"]);
    assert_eq!(code, 0);
    assert!(out.contains("CMD_CFGI_ALL") && out.contains("legal"), "{out}");
    let (_, out) = smmu(&["cmd", "0x0", "0x0"]);
    assert!(out.contains("CERROR_ILL") && out.contains("Reserved"), "{out}");
    let (_, out) = smmu(&["cmd", "0x18", "0x0"]);
    assert!(out.contains("only valid on the Secure Command queue"), "{out}");
    let (_, out) = smmu(&["cmd", "--secure", "0x18", "0x0"]);
    assert!(!out.contains("CERROR_ILL:"), "{out}");
    assert_eq!(smmu(&["cmd", "0x1"]).0, 2);
    assert_eq!(smmu(&["cmd", "nothex", "0"]).0, 1);
}

#[test]
fn feature_checks_with_idr0() {
    // QEMU 10.0's stage-1-only SMMU: IDR0 without PRI, ATS or S2P.
    let (_, out) = smmu(&["cmd", "--idr0", "0x0", "0x41", "0x0"]);
    assert!(out.contains("SMMU_IDR0.PRI"), "{out}");
    let (_, out) = smmu(&["cmd", "--idr0", "0x10000", "0x41", "0x0"]);
    assert!(!out.contains("SMMU_IDR0.PRI"), "{out}");
    assert_eq!(smmu(&["cmd", "--idr0", "zz", "0x41", "0x0"]).0, 2);
}
