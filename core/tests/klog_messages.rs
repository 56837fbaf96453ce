//! `smmu log` against the driver's own message formats (Linux 6.1 arm-smmu-v3.c, Debian
//! 6.1.172; linux-6.18.y), printed as dmesg, `dmesg -T`, journalctl -k and kern.log show
//! them, with and without the `arm-smmu-v3 <dev>:` prefix. Expected values follow from the
//! formats and from IHI 0070 (SMMU_GERROR bit 0 is CMDQ_ERR, 6.3.19; CMDQ_CONS.ERR is bits
//! [30:24], 6.3.27), not from this parser's output.
use smmu_core::klog::{self, features::KernelVersion, Options};

fn parse(t: &str) -> klog::LogReport {
    klog::parse(t, &Options::default())
}

#[test]
fn issue_14_messages_are_explained_with_any_prefix() {
    let msgs = [
        "IDR0.COHACC overridden by FW configuration (true)",
        "2-level strtab only covers 8/16 bits of SID",
        "failed to allocate queue (0x100000 bytes) for cmdq",
        "SMMU currently enabled! Resetting...",
        "unknown output address size. Truncating to 48-bit",
    ];
    let prefixes = [
        "[    1.234567] arm-smmu-v3 arm-smmu-v3.0.auto: ",
        "[Mon Dec  1 12:00:00 2025] arm-smmu-v3 9050000.smmuv3: ",
        "Dec 01 12:00:00 host kernel: arm-smmu-v3 arm-smmu-v3.0.auto: ",
        "Dec  1 12:00:00 host kernel: [    1.2] arm-smmu-v3 arm-smmu-v3.0.auto: ",
        "",
        "[    1.234567] ",
    ];
    for p in prefixes {
        let text: String = msgs.iter().map(|m| format!("{p}{m}\n")).collect();
        let r = parse(&text);
        assert!(r.unparsed.is_empty(), "{p:?}: {:?}", r.unparsed);
        assert_eq!(r.messages.len(), msgs.len(), "{p:?}");
        for (m, want) in r.messages.iter().zip(msgs) {
            assert_eq!(m.text, want);
            assert!(!m.explanation.is_empty());
        }
    }
}

#[test]
fn every_table_message_is_recognised() {
    for d in klog::messages::MESSAGES.iter().filter(|d| d.handling == klog::messages::Handling::Explained) {
        // Fill each conversion with a plausible value.
        let text = d.format.replace("%s", "x").replace("%08X", "0").replace("%pr", "[mem 0x0-0xffff]");
        let mut out = String::new();
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            if c == '%' {
                while it.peek().is_some_and(|c| !c.is_ascii_alphabetic() || matches!(c, 'l' | 'z' | 'h')) {
                    it.next();
                }
                it.next();
                out.push('1');
            } else {
                out.push(c);
            }
        }
        assert!(klog::messages::lookup(&out).is_some_and(|m| m.id == d.id), "{} {out:?}", d.id);
    }
}

#[test]
fn prefixless_global_error_cmdq_error_and_banner() {
    let r = parse(
        "unexpected global error reported (0x00000001), this could be serious\n\
         CMDQ error (cons 0x01000010): Illegal command\n\
         ias 48-bit, oas 44-bit (features 0x00001fbf)\n",
    );
    assert_eq!(r.global_errors.len(), 1);
    assert!(r.global_errors[0].errors[0].starts_with("CMDQ_ERR"));
    assert_eq!(r.command_errors.len(), 1);
    assert_eq!(r.command_errors[0].error.as_deref(), Some("CERROR_ILL"));
    assert_eq!(r.probe.len(), 1);
    assert_eq!(r.probe[0].oas, Some(44));
}

#[test]
fn wrapped_cmd_sync_timeout_is_rejoined() {
    let r = parse(
        "[  100.7] arm-smmu-v3 9050000.smmuv3: CMD_SYNC timeout at 0x00000146\n\
         [hwprod 0x00000146, hwcons 0x00000145]\n",
    );
    assert_eq!(r.cmd_sync_timeouts.len(), 1);
    assert_eq!(r.cmd_sync_timeouts[0].hwcons.as_deref(), Some("0x00000145"));
    assert_eq!(r.cmd_sync_timeouts[0].cons_rd, Some(0x145));
    assert!(r.unparsed.is_empty());
}

#[test]
fn decoded_lines_only_keep_what_they_say() {
    // Linux 6.18 arm_smmu_dump_event formats, no raw dwords.
    let r = parse(
        "arm-smmu-v3 9050000.smmuv3: event: F_TRANSLATION client: 0000:00:03.0 sid: 0x18 ssid: 0x0 iova: 0x12345000 ipa: 0x0\n\
         arm-smmu-v3 9050000.smmuv3: unpriv data write s1 \"Input address caused fault\" stag: 0x0\n",
    );
    let e = &r.events[0];
    assert_eq!(e.event.type_name, "F_TRANSLATION");
    assert_eq!(e.event.sid, 0x18);
    assert_eq!(e.event.class.as_deref(), Some("IN"));
    assert_eq!(e.event.s2, Some(false));
    assert!(!e.event.advice.contains("CD"), "{}", e.event.advice);
    assert!(e.event.problems.is_empty());
}

#[test]
fn stag_without_stall_is_explained() {
    let r = parse(
        "arm-smmu-v3 x.smmuv3: event 0x10 received:\n\
         arm-smmu-v3 x.smmuv3: \t0x0000001800000010\n\
         arm-smmu-v3 x.smmuv3: \t0x0000020a00000000\n\
         arm-smmu-v3 x.smmuv3: \t0x0000000012345000\n\
         arm-smmu-v3 x.smmuv3: \t0x0000000000000000\n",
    );
    let e = &r.events[0];
    assert_eq!(e.event.stall, Some(false));
    assert!(e.notes.iter().any(|n| n.contains("STAG means nothing")), "{:?}", e.notes);
}

#[test]
fn kernel_version_overflow_is_rejected() {
    assert_eq!(KernelVersion::parse("6.4294967296"), None);
}
