//! Scenarios built into snapshots and walked (expected addresses computed here from the
//! scenario's own mapping list, not from its `pa` expectations), `smmu collect --root` on the
//! fixture trees, and `smmu` with no arguments off a terminal.
mod common;
use common::*;
use std::time::{Duration, Instant};

fn scenarios() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(asset("scenarios"))
        .expect("assets/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

fn map_through(maps: &[serde_json::Value], a: u64) -> Option<u64> {
    maps.iter().find_map(|m| {
        let (va, pa, sz) = (hex(&m["va"]), hex(&m["pa"]), hex(&m["size"]));
        (a >= va && a - va < sz).then(|| pa + (a - va))
    })
}

#[test]
fn scenarios_build_and_walk_to_their_mappings() {
    let all = scenarios();
    assert!(all.len() >= 8, "eight teaching scenarios");
    let mut checked = 0;
    for sc in &all {
        let spec = read_json(sc);
        let name = sc.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        let out = scratch(&format!("{name}.snapshot.json"), b"");
        let r = smmu(["scenario".as_ref(), "build".as_ref(), sc.as_os_str(), "-o".as_ref(), out.as_os_str()]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let snap = read_json(&out);
        assert_eq!(snap["smmu_explorer_snapshot"], 1, "{name}: snapshot version");
        let r = smmu(["scenario".as_ref(), "check".as_ref(), sc.as_os_str()]);
        assert_eq!(r.code, 0, "{name}: scenario check: {}{}", r.stdout, r.stderr);
        for w in spec["walks"].as_array().expect("walks") {
            if w["expect"] != "translated" {
                continue;
            }
            let sid = hex(&w["sid"]);
            let iova = hex(&w["iova"]);
            let stream = spec["streams"]
                .as_array()
                .expect("streams")
                .iter()
                .find(|s| hex(&s["sid"]) == sid)
                .expect("stream")
                .clone();
            let ssid = w.get("ssid").filter(|s| !s.is_null()).map(num);
            let s1 = |a: u64| -> Option<u64> {
                let ctxs = stream["s1"]["contexts"].as_array()?;
                let ctx = match ssid {
                    Some(n) => {
                        ctxs.iter().find(|c| c.get("ssid").map(num) == Some(n)).or_else(|| ctxs.get(n as usize))?
                    }
                    None => ctxs.first()?,
                };
                map_through(ctx["mappings"].as_array()?, a)
            };
            let s2 = |a: u64| -> Option<u64> { map_through(stream["s2"]["mappings"].as_array()?, a) };
            let want = match stream["config"].as_str().unwrap_or("") {
                "s1" => s1(iova),
                "s2" => s2(iova),
                "nested" => s1(iova).and_then(s2),
                "bypass" => Some(iova),
                _ => None,
            };
            let Some(want) = want else { continue };
            let mut args: Vec<String> = vec![
                "walk".into(),
                out.display().to_string(),
                "--sid".into(),
                format!("{sid:#x}"),
                "--iova".into(),
                format!("{iova:#x}"),
                "--json".into(),
            ];
            if let Some(n) = ssid {
                args.push("--ssid".into());
                args.push(n.to_string());
            }
            if let Some(a) = w["access"].as_str() {
                args.push("--access".into());
                args.push(a.into());
            }
            let v = smmu(&args).json();
            assert_eq!(v["outcome"], "translated", "{name} sid {sid:#x} iova {iova:#x}");
            assert_eq!(hex(&v["pa"]), want, "{name} sid {sid:#x} iova {iova:#x}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} translated walks checked");
}

/// IHI 0070 3.4 / VMSAv8-64: a nested 4-level over 4-level walk reads 4 stage-1 descriptors,
/// each at an IPA needing a 4-read stage-2 walk, plus a 4-read stage-2 walk of the output:
/// 24 translation-table reads; finding the CD (an IPA in nested mode) takes 4 more.
#[test]
fn nested_walk_reads_24_descriptors_plus_cd() {
    let sc = asset("scenarios/05-nested-4k-over-4k.json");
    let out = scratch("05.snapshot.json", b"");
    smmu(["scenario".as_ref(), "build".as_ref(), sc.as_os_str(), "-o".as_ref(), out.as_os_str()]).ok();
    let v = smmu([
        "walk".as_ref(),
        out.as_os_str(),
        "--sid".as_ref(),
        "0x40".as_ref(),
        "--iova".as_ref(),
        "0x100000042".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    let steps = v["steps"].as_array().expect("steps");
    let tt: Vec<&serde_json::Value> =
        steps.iter().filter(|s| s["stage"] != "config" && !s["address"].is_null() && s["kind"] != "decision").collect();
    let s1 = tt.iter().filter(|s| s["stage"] == "1").count();
    let s2 = tt.iter().filter(|s| s["stage"] == "2").count();
    assert_eq!(s1, 4, "stage-1 descriptor reads");
    assert_eq!(s2, 6 * 4, "stage-2 reads: CD + 4 stage-1 tables + output, 4 levels each");
    assert_eq!(hex(&v["pa"]), 0x9_0000_1042);
}

/// A 2MB block at level 2 (4KB granule): descriptor bits[1:0] = 0b01 and output address
/// bits [47:21] (VMSAv8-64 block descriptor).
#[test]
fn block_descriptor_encoding() {
    let sc = asset("scenarios/01-s1-4k-48bit-2m-block.json");
    let out = scratch("01.snapshot.json", b"");
    smmu(["scenario".as_ref(), "build".as_ref(), sc.as_os_str(), "-o".as_ref(), out.as_os_str()]).ok();
    let v = smmu([
        "walk".as_ref(),
        out.as_os_str(),
        "--sid".as_ref(),
        "0x8".as_ref(),
        "--iova".as_ref(),
        "0x100123456".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    let steps = v["steps"].as_array().expect("steps");
    let leaf = steps.iter().rev().find(|s| s["stage"] == "1" && !s["value"].is_null()).expect("leaf");
    let d = hex(&leaf["value"]);
    assert_eq!(d & 3, 0b01, "block descriptor: {d:#x}");
    assert_eq!(d & 0x0000_ffff_ffe0_0000, 0x4020_0000, "OA[47:21]");
    assert_eq!(d & (1 << 10), 1 << 10, "AF set");
    assert_eq!(leaf["level"], 2);
    // index at level 0 = IOVA[47:39] = 0, level 1 = IOVA[38:30] = 4, level 2 = IOVA[29:21] = 0.
    let l1 = steps.iter().find(|s| s["stage"] == "1" && s["level"] == 1 && !s["address"].is_null()).expect("L1");
    let l0 = steps.iter().find(|s| s["stage"] == "1" && s["level"] == 0 && !s["address"].is_null()).expect("L0");
    let l0_table = hex(&l0["value"]) & 0x0000_ffff_ffff_f000;
    assert_eq!(hex(&l1["address"]), l0_table + 4 * 8, "L1 descriptor at table + IOVA[38:30] * 8");
}

#[test]
fn scenario_bad_input() {
    let f = scratch(
        "bad-scenario.json",
        b"{\"name\": \"x\", \"streams\": [{\"sid\": \"0x1\", \"config\": \"s1\", \"s1\": {\"granule\": 12345}}]}",
    );
    let r = smmu(["scenario".as_ref(), "build".as_ref(), f.as_os_str()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    let f = scratch("bad-scenario2.json", b"{ not json");
    let r = smmu(["scenario".as_ref(), "build".as_ref(), f.as_os_str()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("line") || r.stderr.contains("column"), "{}", r.stderr);
}

/// Snapshots that are not what they claim: unknown version, truncated, walks into memory
/// that is not in the image (a missing read, distinct from a fault).
#[test]
fn walk_bad_snapshots() {
    let f = scratch("snap-v99.json", b"{\"smmu_explorer_snapshot\": 99, \"registers\": {}, \"memory\": []}");
    let r = smmu(["walk".as_ref(), f.as_os_str(), "--sid".as_ref(), "0".as_ref(), "--iova".as_ref(), "0".as_ref()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("99") || r.stderr.contains("version"), "{}", r.stderr);
    let full = std::fs::read(capture_snapshot("qemu-s1-4k")).expect("snap");
    let f = scratch("snap-trunc.json", &full[..full.len() / 2]);
    let r =
        smmu(["walk".as_ref(), f.as_os_str(), "--sid".as_ref(), "0x10".as_ref(), "--iova".as_ref(), "0x1000".as_ref()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    // Registers only, no memory: the STE read is missing, which the walk reports as such.
    let regs = serde_json::json!({"smmu_explorer_snapshot": 1, "registers": {"IDR0": "0x0d44101a", "IDR1": "0x02730010", "IDR5": "0x74", "CR0": "0xd", "STRTAB_BASE": "0x40000000450d7000", "STRTAB_BASE_CFG": "0x00010210"}, "memory": []});
    let f = scratch("snap-nomem.json", regs.to_string().as_bytes());
    let r = smmu([
        "walk".as_ref(),
        f.as_os_str(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0x1000".as_ref(),
        "--json".as_ref(),
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr).to_lowercase();
    assert!(
        all.contains("0x450d7000") && (all.contains("missing") || all.contains("not in")),
        "names the missing address: {all}"
    );
}

#[test]
fn collect_on_fixture_trees() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hosts");
    let mut n = 0;
    for e in std::fs::read_dir(&root).expect("fixtures/hosts") {
        let dir = e.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        let out = scratch(&format!("collect-{}.json", dir.file_name().and_then(|x| x.to_str()).unwrap_or("x")), b"");
        let r = smmu(["collect".as_ref(), "--root".as_ref(), dir.as_os_str(), "-o".as_ref(), out.as_os_str()]);
        assert_eq!(r.code, 0, "{}: {}", dir.display(), r.stderr);
        assert!(!r.stderr.contains("panicked"));
        let v = read_json(&out);
        assert_eq!(v["smmu_explorer_snapshot"], 1, "{}", dir.display());
        n += 1;
    }
    assert!(n >= 2);
    // A root that does not exist: exit 1 or a snapshot saying everything is missing; no panic.
    let r = smmu(["collect", "--root", "/nonexistent/root", "--json"]);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// `smmu` with no arguments when stdout is not a terminal must not hang.
#[test]
fn no_args_off_a_terminal_does_not_hang() {
    use std::process::{Command, Stdio};
    let mut child =
        Command::new(bin()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("smmu with no arguments is still running after 10 s without a terminal");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!text.contains("panicked"), "{text}");
    assert!(!text.is_empty(), "says something");
}

/// ptdump coalesces adjacent leaves with equal attributes: scenario 05's stage 2 maps one
/// 2MB range with 4KB pages ("blocks": false): 512 leaves, one range; scenario 01 has a 2MB
/// block (rw) and a 4KB page (r) next to it: two ranges, since their permissions differ.
#[test]
fn ptdump_coalesces_equal_neighbours() {
    let sc = asset("scenarios/05-nested-4k-over-4k.json");
    let out = scratch("05p.snapshot.json", b"");
    smmu(["scenario".as_ref(), "build".as_ref(), sc.as_os_str(), "-o".as_ref(), out.as_os_str()]).ok();
    let v = smmu([
        "ptdump".as_ref(),
        out.as_os_str(),
        "--sid".as_ref(),
        "0x40".as_ref(),
        "--stage".as_ref(),
        "2".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    let maps = v["mappings"].as_array().expect("mappings");
    let m = maps.iter().find(|m| hex(&m["input"]) == 0x2_0000_0000).expect("the 2MB stage-2 mapping");
    assert_eq!(hex(&m["output"]), 0x9_0000_0000);
    assert_eq!(hex(&m["size"]), 0x20_0000);
    assert_eq!(hex(&m["leaf_size"]), 0x1000);
    assert_eq!(m["leaves"], 512);
    let sc = asset("scenarios/01-s1-4k-48bit-2m-block.json");
    let out = scratch("01p.snapshot.json", b"");
    smmu(["scenario".as_ref(), "build".as_ref(), sc.as_os_str(), "-o".as_ref(), out.as_os_str()]).ok();
    let v = smmu(["ptdump".as_ref(), out.as_os_str(), "--sid".as_ref(), "0x8".as_ref(), "--json".as_ref()]).json();
    let maps = v["mappings"].as_array().expect("mappings");
    assert_eq!(maps.len(), 2, "{maps:?}");
    assert_eq!(
        (hex(&maps[0]["input"]), hex(&maps[0]["size"]), hex(&maps[0]["output"])),
        (0x1_0000_0000, 0x20_0000, 0x4020_0000)
    );
    assert_eq!(
        (hex(&maps[1]["input"]), hex(&maps[1]["size"]), hex(&maps[1]["output"])),
        (0x1_0020_0000, 0x1000, 0x5000_1000)
    );
}

/// `smmu collect --root` on a sysfs/procfs tree built from what the stage-1 capture's guest
/// reported (PCI devices, iommu groups, default domain types, kernel version and command line)
/// with the repository's QEMU virt device tree blob, and `--devmem` an image holding the
/// registers QEMU's monitor read at the SMMU base 0x09050000: the snapshot has the capture's
/// register values and each PCI device's StreamID as the capture lists it (DT iommu-map
/// rid-base 0: StreamID = RID).
#[cfg(unix)]
#[test]
fn collect_a_tree_built_from_the_capture() {
    use std::os::unix::fs::symlink;
    let cap = capture("qemu-s1-4k");
    let root = scratch("host-s1", b"");
    let _ = std::fs::remove_file(&root);
    let mk = |p: &str| std::fs::create_dir_all(root.join(p)).expect("mkdir");
    let put = |p: &str, s: &str| std::fs::write(root.join(p), s).expect("write");
    for d in [
        "proc",
        "sys/firmware",
        "sys/kernel/iommu_groups",
        "sys/bus/pci/devices",
        "sys/devices/platform/9050000.smmuv3",
        "sys/bus/platform/drivers/arm-smmu-v3",
        "sys/class/iommu/smmu3.0x0000000009050000/devices",
    ] {
        mk(d);
    }
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hosts/qemu-virt-dt/sys/firmware/fdt"),
        root.join("sys/firmware/fdt"),
    )
    .expect("fdt");
    put("proc/version", &format!("{}\n", cap["kernel"]["version"].as_str().expect("version")));
    put("proc/cmdline", &format!("{}\n", cap["kernel"]["cmdline"].as_str().expect("cmdline")));
    put("proc/iomem", "09050000-0906ffff : 9050000.smmuv3\n40000000-7fffffff : System RAM\n");
    symlink("../../../devices/platform/9050000.smmuv3", root.join("sys/class/iommu/smmu3.0x0000000009050000/device"))
        .expect("ln");
    symlink("../../../../bus/platform/drivers/arm-smmu-v3", root.join("sys/devices/platform/9050000.smmuv3/driver"))
        .expect("ln");
    symlink(
        "../../../../devices/platform/9050000.smmuv3",
        root.join("sys/bus/platform/drivers/arm-smmu-v3/9050000.smmuv3"),
    )
    .expect("ln");
    let devs = cap["pci_devices"].as_array().expect("pci");
    for d in devs {
        let bdf = d["bdf"].as_str().expect("bdf");
        let p = format!("sys/bus/pci/devices/{bdf}");
        mk(&p);
        for k in ["vendor", "device", "class"] {
            put(&format!("{p}/{k}"), &format!("{}\n", d[k].as_str().expect(k)));
        }
        let g = d["iommu_group"].as_str().expect("group");
        mk(&format!("sys/kernel/iommu_groups/{g}/devices"));
        put(&format!("sys/kernel/iommu_groups/{g}/type"), &format!("{}\n", d["domain_type"].as_str().expect("type")));
        symlink(format!("../../../../kernel/iommu_groups/{g}"), root.join(format!("{p}/iommu_group"))).expect("ln");
        symlink(
            format!("../../../../bus/pci/devices/{bdf}"),
            root.join(format!("sys/kernel/iommu_groups/{g}/devices/{bdf}")),
        )
        .expect("ln");
        symlink(
            format!("../../../../bus/pci/devices/{bdf}"),
            root.join(format!("sys/class/iommu/smmu3.0x0000000009050000/devices/{bdf}")),
        )
        .expect("ln");
        symlink("../../../class/iommu/smmu3.0x0000000009050000", root.join(format!("{p}/iommu"))).expect("ln");
    }
    // /dev/mem image: the capture's registers at smmu_base + offset.
    // A sparse file: only the two register pages at smmu_base hold data.
    let base = hex(&cap["smmu_base"]);
    let mut page = vec![0u8; 0x20000];
    for (name, v) in cap["registers"].as_object().expect("regs") {
        if name.starts_with("rsvd") {
            continue;
        }
        let off = hex(&v["offset"]) as usize;
        page[off..off + 4].copy_from_slice(&(hex(&v["qemu_monitor_at_snapshot"]) as u32).to_le_bytes());
    }
    let mem = scratch("devmem-s1.img", b"");
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&mem).expect("open devmem image");
        f.seek(SeekFrom::Start(base)).expect("seek");
        f.write_all(&page).expect("write");
    }
    let out = scratch("collect-s1.json", b"");
    let r = smmu([
        "collect".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--devmem".as_ref(),
        mem.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = read_json(&out);
    for (name, val, _) in capture_registers(&cap) {
        let name = name.replace("EVTQ_", "EVENTQ_");
        if let Some(got) = v["registers"].get(&name) {
            assert_eq!(hex(got), val, "register {name}");
        } else {
            assert!(name == "AGBPA", "register {name} not collected");
        }
    }
    let text = v.to_string();
    assert!(text.contains("7.3.4+deb13-arm64"), "kernel version recorded");
    let pci = v["host"]["pci_devices"].as_array().expect("pci_devices");
    assert_eq!(pci.len(), devs.len());
    for d in devs {
        let p = pci.iter().find(|p| p["bdf"] == d["bdf"]).expect("device");
        assert_eq!(p["sid"], d["sid"], "{}", d["bdf"]);
        assert_eq!(p["iommu_group"], d["iommu_group"]);
    }
    let groups = v["host"]["iommu_groups"].as_array().expect("groups");
    assert!(groups.iter().all(|g| g["default_domain_type"] == "DMA"));
    let _ = std::fs::remove_file(&mem);
}
