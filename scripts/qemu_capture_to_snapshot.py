#!/usr/bin/env python3
"""One-off converter: a QEMU capture folder (capture.json + memory.json, see the shared
fixtures README) -> an smmu-explorer snapshot (version 1) plus a replay file holding QEMU's
own translation and walk traces for the walker tests.

Usage: scripts/qemu_capture_to_snapshot.py CAPTURE_DIR NAME
writes assets/samples/NAME.snapshot.json and core/tests/data/NAME.qemu-walks.json
"""
import json, os, sys

# Capture register names -> spec register names (64-bit registers captured as _lo/_hi).
SKIP = ("rsvd_",)

def value(r):
    # The memory image was taken at the snapshot marker; QEMU's monitor read the
    # registers at the same moment (the guest's later devmem reads can advance CMDQ).
    for k in ("qemu_monitor_at_snapshot", "guest_devmem_after_snapshot", "guest_devmem_after_boot"):
        v = r.get(k)
        if v is not None:
            return int(v, 16)
    return None

def main():
    src, name = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cap = json.load(open(os.path.join(src, "capture.json")))
    mem = json.load(open(os.path.join(src, "memory.json")))
    regs = {}
    halves = {}
    for rname, r in cap["registers"].items():
        if rname.startswith(SKIP):
            continue
        v = value(r)
        if v is None:
            continue
        n = rname.replace("(page1)", "")
        if n.endswith("_lo") or n.endswith("_hi"):
            halves.setdefault(n[:-3], {})[n[-2:]] = v
            continue
        regs[n] = "0x%08x" % v
    for n, h in halves.items():
        regs[n] = "0x%016x" % ((h.get("hi", 0) << 32) | h.get("lo", 0))
    snap = {
        "smmu_explorer_snapshot": 1,
        "registers": dict(sorted(regs.items())),
        "memory": [{"pa": p["pa"], "hex": p["hex"], "roles": p.get("roles", [])} for p in mem["pages"]],
        "kernel": {"version": cap["kernel"]["version"], "cmdline": cap["kernel"]["cmdline"],
                   "dmesg_smmu": cap.get("kernel_dmesg_smmu", [])},
        "provenance": {
            "source": "QEMU %s capture '%s' (shared fixtures), converted by scripts/qemu_capture_to_snapshot.py"
                      % (cap["qemu"]["version"], cap["name"]),
            "qemu_machine": cap["qemu"]["machine"],
            "smmu_stage_property": cap["qemu"]["smmu_stage_property"],
            "smmu_base": cap["smmu_base"],
            "registers": "QEMU monitor at the snapshot marker (64-bit registers joined from _lo/_hi)",
            "memory": "guest RAM pages holding the stream table, STEs, CDs, page tables and queues",
            "capture_provenance": cap["provenance"],
        },
        "notes": [
            "PCI devices: " + ", ".join("%s sid %s" % (d["bdf"], d["sid"]) for d in cap["pci_devices"]),
            "QEMU 10.0 quirk: it accepts up to 511 STEs in a level-2 stream table for L1STD.Span=9, "
            "where the architecture gives 2^(Span-1) = 256.",
        ],
    }
    out = os.path.join(root, "assets", "samples", name + ".snapshot.json")
    with open(out, "w") as f:
        json.dump(snap, f, indent=1)
        f.write("\n")
    replay = {
        "provenance": "QEMU %s trace events (smmu_get_pte, smmuv3_translate_success, smmuv3_record_event) "
                      "from capture '%s' in the shared fixtures; copied verbatim by "
                      "scripts/qemu_capture_to_snapshot.py" % (cap["qemu"]["version"], cap["name"]),
        "structures": cap["structures"],
        "domains": cap["domains"],
        "qemu_translations": cap["qemu_translations"],
        "qemu_walks": cap["qemu_walks"],
        "evtq_entries": cap["evtq"]["entries"],
    }
    out2 = os.path.join(root, "core", "tests", "data", name + ".qemu-walks.json")
    with open(out2, "w") as f:
        json.dump(replay, f, indent=1)
        f.write("\n")
    print(out, out2)

main()
