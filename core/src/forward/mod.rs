//! VMM forwarding verdicts, guest IDR synthesis, VMM profiles, pools, claim checks. OWNER: forwarding helper.
