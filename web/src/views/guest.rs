//! Guest IDRs: what the chosen VMM profile presents, field by field against the host.

use super::table::{self, Cell};
use super::{hex, Cx};
use crate::analysis::vmm_result;
use crate::state::Named;
use egui::{RichText, Ui};
use smmu_core::regset::RegisterInfo;

#[derive(Default)]
pub struct GuestView;

impl GuestView {
    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx) {
        super::forward::options(ui, cx);
        let vmm = cx.state.vmm;
        let host_regs = &cx.analysis.registers;
        let Some(r) = cx.report(ui) else { return };
        super::forward::vmm_answer(ui, r, vmm);
        let guest = vmm_result(r, vmm).map(|m| &m.guest).unwrap_or(&r.guest);
        ui.label(format!("The ID registers the {} profile presents to the guest, beside the host's:", vmm.key()));
        for (name, val) in guest {
            let host = host_regs.iter().find(|h| h.name.eq_ignore_ascii_case(name));
            let decoded = smmu_core::regs::by_name(name)
                .zip(smmu_core::snapshot::parse_hex_u64(val))
                .map(|(reg, x)| RegisterInfo::new(reg, x));
            let head = match host {
                Some(h) => format!("{name}  guest {val}  host {}", h.value),
                None => format!("{name}  guest {val}"),
            };
            egui::CollapsingHeader::new(RichText::new(head).monospace()).id_salt(("guest", name)).show(ui, |ui| {
                let Some(d) = decoded else { return };
                let rows: Vec<Vec<Cell>> = d
                    .fields
                    .iter()
                    .map(|f| {
                        let hv = host.and_then(|h| h.fields.iter().find(|x| x.name == f.name)).map(|x| x.value);
                        let hc = match hv {
                            Some(h) if h != f.value => {
                                Cell::mono(format!("host {}", hex(h))).colour(ui.visuals().warn_fg_color)
                            }
                            Some(h) => Cell::mono(format!("host {}", hex(h))).weak(),
                            None => Cell::text(""),
                        };
                        vec![Cell::mono(f.name), Cell::mono(hex(f.value)), hc, Cell::text(&f.meaning)]
                    })
                    .collect();
                table::show(ui, egui::Id::NULL.with(name), &["Field", "Guest", "Host", "Meaning"], &rows, 3);
            });
        }
    }
}
