//! `smmu collect` on trees and files made to hurt it (issue 16, robustness items 3, 4 and 6):
//! FIFOs where files should be, symlinks out of the tree or into devices, runaway sizes,
//! SMMUs that must not be touched, and saved kernel logs standing in for /dev/kmsg (issue 14).
//! Fixture trees: tests/fixtures/hosts/{hostile,dt-disabled}/ (PROVENANCE.md there); FIFOs
//! and sparse files cannot live in git, so those trees are made here.
use serde_json::Value;
use smmu_tui::collect::{self, Options, Status};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn fixture(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hosts").join(p)
}

fn source<'a>(c: &'a collect::Collection, name: &str) -> Vec<&'a collect::SourceReport> {
    c.sources.iter().filter(|s| s.source == name).collect()
}

/// Runs `collect` on another thread and fails (instead of hanging the test run) if it does not
/// finish in 60 s.
fn collect_bounded(opts: Options) -> collect::Collection {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(collect::collect(&opts));
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("collect finished within 60 s (a FIFO or device must not block it)")
}

fn mkfifo(p: &Path) {
    use rustix::fs::{FileType, Mode};
    rustix::fs::mknodat(rustix::fs::CWD, p, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
}

/// QEMU 10.0's stage-1 SMMUv3 ID registers (IDR0=0x0d44101a, IDR1=0x02730010, IDR3=0x1404,
/// IDR5=0x74, AIDR=0x1, as its monitor and a guest's devmem print them) at each base.
fn qemu_devmem(dir: &Path, bases: &[u64]) -> PathBuf {
    use std::os::unix::fs::FileExt;
    let p = dir.join("mem");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(bases.iter().max().unwrap() + 0x20000).unwrap();
    for base in bases {
        for (off, v) in [(0x0u64, 0x0d44101au32), (0x4, 0x02730010), (0xc, 0x1404), (0x14, 0x74), (0x1c, 0x1)] {
            f.write_all_at(&v.to_le_bytes(), base + off).unwrap();
        }
    }
    p
}

fn run_bin(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut c = Command::new(env!("CARGO_BIN_EXE_smmu"));
    c.args(args).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    c.stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        let mut si = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            si.write_all(s.as_bytes()).unwrap();
        }
    }
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn symlinks_out_of_the_tree_read_nothing_of_the_host() {
    // hostile/: proc/version -> /dev/zero, proc/cmdline -> /etc/passwd, IORT -> ../../..(x10)/etc/passwd,
    // dev/mem -> /dev/mem, dev/kmsg -> /dev/kmsg, midr_el1 -> /proc/self/environ.
    let c = collect_bounded(Options { root: fixture("hostile"), ..Default::default() });
    for name in ["kernel.version", "kernel.cmdline", "firmware.iort", "cpu.midr", "registers", "kernel.log"] {
        let s = source(&c, name);
        assert!(!s.is_empty(), "{name} reported");
        assert!(s.iter().all(|r| r.status != Status::Found), "{name}: {s:?}");
    }
    let json = c.snapshot.to_json();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let first = passwd.lines().next().unwrap_or("root:x:0:0");
    assert!(!json.contains(first), "host /etc/passwd leaked into the snapshot");
    assert!(!json.contains("PATH="), "the test process's environment leaked into the snapshot");
    assert!(c.snapshot.registers.is_empty(), "no register was read through a symlinked dev/mem");
    // The SMMU itself is still found (sysfs class name and /proc/iomem).
    assert_eq!(c.smmus.len(), 1);
    assert_eq!(c.smmus[0].instance.base.as_deref(), Some("0x9050000"));
}

#[test]
fn fifos_are_refused_and_never_block() {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    std::fs::create_dir_all(r.join("proc")).unwrap();
    std::fs::create_dir_all(r.join("dev")).unwrap();
    std::fs::create_dir_all(r.join("sys/firmware/acpi/tables")).unwrap();
    std::fs::write(r.join("proc/version"), "Linux version 6.12.0\n").unwrap();
    for p in ["proc/iomem", "dev/kmsg", "dev/mem", "proc/cmdline", "sys/firmware/acpi/tables/IORT"] {
        mkfifo(&r.join(p));
    }
    std::fs::create_dir_all(r.join("sys/class/iommu/smmu3.0x0000000009050000")).unwrap();
    let c = collect_bounded(Options { root: r.to_path_buf(), ..Default::default() });
    for name in ["procfs.iomem", "kernel.log", "kernel.cmdline", "firmware.iort", "registers"] {
        let s = source(&c, name);
        assert_eq!(s.len(), 1, "{name}: {s:?}");
        assert_eq!(s[0].status, Status::Refused, "{name}: {s:?}");
        assert!(s[0].reason.as_deref().unwrap_or("").contains("is a FIFO, not a regular file"), "{name}: {s:?}");
    }
    assert_eq!(source(&c, "kernel.version")[0].status, Status::Found);
}

#[test]
fn a_devmem_fifo_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("mem");
    mkfifo(&p);
    match collect::devmem::Devmem::open(&p) {
        Err(collect::devmem::DevmemError::Unsafe(m)) => assert!(m.contains("is a FIFO"), "{m}"),
        Err(e) => panic!("unexpected {e:?}"),
        Ok(_) => panic!("a FIFO opened as /dev/mem"),
    }
    let c = collect_bounded(Options { root: fixture("qemu-virt-dt"), devmem: Some(p), ..Default::default() });
    let r = source(&c, "registers");
    assert_eq!(r[0].status, Status::Refused, "{r:?}");
}

#[test]
fn runaway_files_are_capped() {
    // A 100 MB proc/version (sparse) and a 60 KB MIDR_EL1 of garbage: refused / reported,
    // never read whole, and the message does not echo the value in full.
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    std::fs::create_dir_all(r.join("proc")).unwrap();
    let f = std::fs::File::create(r.join("proc/version")).unwrap();
    f.set_len(100 << 20).unwrap();
    let midr = r.join("sys/devices/system/cpu/cpu0/regs/identification");
    std::fs::create_dir_all(&midr).unwrap();
    std::fs::write(midr.join("midr_el1"), "z".repeat(60_000)).unwrap();
    let c = collect_bounded(Options { root: r.to_path_buf(), ..Default::default() });
    let v = &source(&c, "kernel.version")[0];
    assert_eq!(v.status, Status::Refused, "{v:?}");
    assert!(v.reason.as_deref().unwrap().contains("is larger than 65536 bytes"), "{v:?}");
    let m = &source(&c, "cpu.midr")[0];
    assert_eq!(m.status, Status::Error);
    let why = m.reason.as_deref().unwrap();
    assert!(why.len() < 200 && why.contains("60000 bytes in all"), "{why}");
}

#[test]
fn a_device_node_in_a_copied_tree_is_never_mapped() {
    // dev/mem as a real character device inside a --root tree (needs CAP_MKNOD; skipped
    // without it): refused, because a copied tree has only regular files.
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    std::fs::create_dir_all(r.join("dev")).unwrap();
    std::fs::create_dir_all(r.join("sys/class/iommu/smmu3.0x0000000009050000")).unwrap();
    use rustix::fs::{FileType, Mode};
    // /dev/zero is character device 1:5.
    if rustix::fs::mknodat(
        rustix::fs::CWD,
        r.join("dev/mem"),
        FileType::CharacterDevice,
        Mode::RUSR,
        rustix::fs::makedev(1, 5),
    )
    .is_err()
    {
        eprintln!("skipped: mknod not permitted");
        return;
    }
    let c = collect_bounded(Options { root: r.to_path_buf(), ..Default::default() });
    let s = &source(&c, "registers")[0];
    assert_eq!(s.status, Status::Refused, "{s:?}");
    assert!(s.reason.as_deref().unwrap().contains("refused under --root"), "{s:?}");
    assert!(c.snapshot.registers.is_empty());
}

#[test]
fn disabled_and_unbound_smmus_are_not_read_unless_forced() {
    // dt-disabled/: smmuv3@9050000 has status = "disabled"; smmuv3@a000000 is "okay" but its
    // platform device has no driver bound.
    let t = tempfile::tempdir().unwrap();
    let mem = qemu_devmem(t.path(), &[0x0905_0000, 0x0a00_0000]);
    let c = collect_bounded(Options { root: fixture("dt-disabled"), devmem: Some(mem.clone()), ..Default::default() });
    assert_eq!(c.smmus.len(), 2, "{:?}", c.smmus);
    let regs = source(&c, "registers");
    assert_eq!(regs.len(), 2, "{regs:?}");
    assert!(regs.iter().all(|r| r.status == Status::Skipped), "{regs:?}");
    let why = |base: &str| {
        regs.iter().find(|r| r.detail.as_deref() == Some(&format!("SMMU at {base}"))).map(|r| r.reason.clone().unwrap())
    };
    assert!(why("0x9050000").unwrap().contains("status = \"disabled\""), "{regs:?}");
    assert!(why("0xa000000").unwrap().contains("no driver is bound"), "{regs:?}");
    assert!(regs.iter().all(|r| r.fix.as_deref() == Some("pass --force-disabled to read it anyway")));
    assert!(c.snapshot.registers.is_empty());
    assert!(c.smmus.iter().all(|s| s.skipped.is_some()));

    let c = collect_bounded(Options {
        root: fixture("dt-disabled"),
        devmem: Some(mem),
        force_disabled: true,
        ..Default::default()
    });
    assert!(source(&c, "registers").iter().all(|r| r.status == Status::Found));
    assert_eq!(c.snapshot.registers.get("IDR0"), Some(0x0d44_101a));
    assert_eq!(c.notes.iter().filter(|n| n.contains("(--force-disabled)")).count(), 2, "{:?}", c.notes);
}

/// The kernel lines a real guest's /dev/kmsg gave (tests/fixtures/hosts/qemu-virt-dt/dev/kmsg).
fn kmsg_lines() -> Vec<String> {
    std::fs::read_to_string(fixture("qemu-virt-dt/dev/kmsg")).unwrap().lines().map(str::to_string).collect()
}

fn text_of(l: &str) -> &str {
    l.split_once("] ").map(|x| x.1).unwrap_or(l)
}

#[test]
fn saved_kern_log_stands_in_for_dev_kmsg() {
    // dt-disabled/ has no dev/kmsg but var/log/kern.log (rsyslog format), kern.log.1 and dmesg.0.
    let c = collect_bounded(Options { root: fixture("dt-disabled"), ..Default::default() });
    let s = &source(&c, "kernel.log")[0];
    assert_eq!(s.status, Status::Found, "{s:?}");
    assert!(s.path.ends_with("var/log/kern.log"), "{s:?}");
    let k = c.snapshot.file.kernel.clone().unwrap();
    let lines: Vec<String> = k["log"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
    assert_eq!(lines, kmsg_lines(), "the lines as /dev/kmsg gave them");
    assert_eq!(k["log_source"]["format"], "syslog (kern.log)");
    assert_eq!(k["log_source"]["how"], "saved log in the tree (no dev/kmsg)");
    assert!(c.notes.iter().any(|n| n.contains("var/log/kern.log.1, var/log/dmesg.0")), "{:?}", c.notes);
    // Decoded as `smmu log` decodes it: the probe banner's features word is there.
    assert!(k["log_decoded"].to_string().contains("0x00008305") || k["log_decoded"].to_string().contains("8305"));
}

#[test]
fn kernel_log_file_in_every_saved_format() {
    let t = tempfile::tempdir().unwrap();
    let lines = kmsg_lines();
    let usec = |l: &str| -> u64 {
        let ts = l.trim_start_matches('[').split(']').next().unwrap().trim();
        let (a, b) = ts.split_once('.').unwrap();
        a.parse::<u64>().unwrap() * 1_000_000 + b.parse::<u64>().unwrap()
    };
    // Each format as its tool prints it (dmesg -T: "[Sun Dec  1 10:15:01 2026] text";
    // journalctl -k: "Dec 01 10:15:01 debian kernel: text"; -o short-monotonic:
    // "[    1.780792] debian kernel: text"; /dev/kmsg records saved with cat: "6,N,usec,-;text").
    let cases: Vec<(&str, String, bool, &str)> = vec![
        ("dmesg", lines.join("\n"), true, "dmesg"),
        (
            "dmesg-T",
            lines.iter().map(|l| format!("[Sun Dec  1 10:15:01 2026] {}", text_of(l))).collect::<Vec<_>>().join("\n"),
            false,
            "dmesg -T",
        ),
        (
            "journal",
            lines
                .iter()
                .map(|l| format!("Dec 01 10:15:01 debian kernel: {}", text_of(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            false,
            "journalctl -k",
        ),
        (
            "journal-mono",
            lines
                .iter()
                .map(|l| format!("{}] debian kernel: {}", l.split(']').next().unwrap(), text_of(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            true,
            "journalctl -k",
        ),
        (
            "records",
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| format!("6,{},{},-;{}", 500 + i, usec(l), text_of(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            true,
            "/dev/kmsg records",
        ),
    ];
    for (name, text, keeps_time, format) in cases {
        let p = t.path().join(name);
        std::fs::write(&p, format!("{text}\nunrelated: eth0 link up\n")).unwrap();
        let c =
            collect_bounded(Options { root: fixture("no-smmu"), kernel_log: Some(p.clone()), ..Default::default() });
        let k = c.snapshot.file.kernel.clone().unwrap();
        let got: Vec<String> = k["log"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
        let want: Vec<String> =
            if keeps_time { lines.clone() } else { lines.iter().map(|l| text_of(l).to_string()).collect() };
        assert_eq!(got, want, "{name}");
        assert_eq!(k["log_source"]["format"], format, "{name}");
        assert_eq!(k["log_source"]["how"], "--kernel-log", "{name}");
        assert_eq!(k["log_source"]["lines_read"], lines.len() + 1, "{name}");
    }
}

#[test]
fn kernel_log_from_standard_input_and_usage_errors() {
    let log = kmsg_lines().join("\n");
    let root = fixture("no-smmu");
    let (rc, out, err) =
        run_bin(&["collect", "--root", root.to_str().unwrap(), "--kernel-log", "-", "--json"], Some(&log));
    assert_eq!(rc, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["kernel"]["log"].as_array().unwrap().len(), kmsg_lines().len());
    assert_eq!(v["kernel"]["log_source"]["path"], "standard input");

    let (rc, _, err) = run_bin(&["collect", "--kernel-log", "/nonexistent/kern.log"], None);
    assert_eq!(rc, 2, "{err}");
    // Bare --iommufd: which devices? A usage error that says how to name them.
    let (rc, _, err) = run_bin(&["collect", "--root", root.to_str().unwrap(), "--iommufd"], None);
    assert_eq!(rc, 2, "{err}");
    assert!(err.contains("--iommufd vfio0,vfio1"), "{err}");
}

#[test]
fn iommufd_takes_a_device_list_and_explains_failures() {
    // Under --root nothing is opened; the request is reported as skipped.
    let c =
        collect_bounded(Options { root: fixture("qemu-virt-dt"), iommufd: vec!["vfio0".into()], ..Default::default() });
    let s = &source(&c, "iommufd")[0];
    assert_eq!(s.status, Status::Skipped, "{s:?}");
    // A regular file is not a VFIO cdev: refused before any ioctl, with what to give instead.
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("not-a-device");
    std::fs::write(&f, "x").unwrap();
    match collect::iommufd::get_hw_info(&f, &f) {
        Err(collect::iommufd::IommufdError::Hinted { msg, hint }) => {
            assert!(msg.contains("is not a character device") && msg.contains("no ioctl was tried"), "{msg}");
            assert!(hint.contains("VFIO cdev"), "{hint}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // ENOTTY from the bind ioctl means the file is not a VFIO device (Linux: -ENOTTY for an
    // unknown ioctl); EBUSY that a VMM holds it.
    let h = collect::iommufd::errno_hint(rustix::io::Errno::NOTTY, true).unwrap();
    assert!(h.contains("does not know VFIO ioctls"), "{h}");
    assert!(collect::iommufd::errno_hint(rustix::io::Errno::BUSY, true).unwrap().contains("in use"));
    assert!(collect::iommufd::errno_hint(rustix::io::Errno::NODEV, false).unwrap().contains("no IOMMU"));
}
