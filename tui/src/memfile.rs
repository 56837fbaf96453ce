//! Memory-mapped memory images: raw binary files placed at a physical base address
//! (`--mem FILE@0xBASE`) and ELF cores (QEMU `dump-guest-memory`, kdump vmcore) whose PT_LOAD
//! segments give physical addresses. Files are mapped, never read whole: resident memory
//! does not grow with the image size.

use memmap2::Mmap;
use smmu_core::mem::{MemError, PhysMem};

struct Region {
    base: u64,
    len: u64,
    /// Offset of the region in the mapping.
    off: usize,
}

/// One mapped file with the physical ranges it provides.
pub struct MappedImage {
    pub name: String,
    map: Mmap,
    regions: Vec<Region>,
    pub kind: &'static str,
}

/// Bytes of overlapping segments compared at most while checking that they agree.
const MAX_OVERLAP_CHECK: u64 = 1 << 30;

/// Shortens a user's value for an error message.
fn clip(s: &str) -> String {
    crate::collect::safefs::clip(s, 200)
}

/// One PT_LOAD: (program header index, p_paddr, p_offset, p_filesz).
type Load = (usize, u64, u64, u64);

/// The PT_LOAD segments of an ELF file (either class, either byte order), read with the
/// `object` crate.
fn pt_loads<H>(data: &[u8]) -> Result<Vec<Load>, String>
where
    H: object::read::elf::FileHeader<Endian = object::Endianness>,
{
    use object::read::elf::ProgramHeader;
    let h = H::parse(data).map_err(|e| format!("ELF header: {e}"))?;
    let e = h.endian().map_err(|e| format!("ELF header: {e}"))?;
    let phs = h.program_headers(e, data).map_err(|e| format!("ELF program headers: {e}"))?;
    let mut v = Vec::new();
    for (i, ph) in phs.iter().enumerate() {
        if ph.p_type(e) != object::elf::PT_LOAD {
            continue;
        }
        v.push((i, ph.p_paddr(e).into(), ph.p_offset(e).into(), ph.p_filesz(e).into()));
    }
    Ok(v)
}

/// Turns possibly nested, adjacent or overlapping segments into disjoint sorted regions.
/// Overlapping segments must give the same bytes for the same address (as a snapshot's chunks
/// must); each address is then served by one region, whichever segment it came from.
fn disjoint(map: &[u8], mut segs: Vec<(usize, Region)>) -> Result<Vec<Region>, String> {
    segs.sort_by_key(|(i, r)| (r.base, std::cmp::Reverse(r.len), *i));
    let mut out: Vec<Region> = Vec::new();
    let mut origin: Vec<usize> = Vec::new();
    let mut compared = 0u64;
    for (i, r) in segs {
        let r_end = r.base.saturating_add(r.len);
        // The disjoint regions this segment overlaps: those ending after its base.
        let first = out.partition_point(|o| o.base.saturating_add(o.len) <= r.base);
        for (k, o) in out.iter().enumerate().skip(first) {
            if o.base >= r_end {
                break;
            }
            let lo = o.base.max(r.base);
            let hi = o.base.saturating_add(o.len).min(r_end);
            let oa = o.off.saturating_add((lo - o.base) as usize);
            let ra = r.off.saturating_add((lo - r.base) as usize);
            if oa == ra {
                continue; // the same file bytes
            }
            compared = compared.saturating_add(hi - lo);
            if compared > MAX_OVERLAP_CHECK {
                return Err(format!(
                    "PT_LOAD segments overlap by more than {MAX_OVERLAP_CHECK} bytes at different file offsets: \
                     too much to check"
                ));
            }
            let n = (hi - lo) as usize;
            let (a, b) = (map.get(oa..oa.saturating_add(n)), map.get(ra..ra.saturating_add(n)));
            if a.is_none() || a != b {
                let at = a
                    .zip(b)
                    .and_then(|(a, b)| a.iter().zip(b).position(|(x, y)| x != y))
                    .map(|p| lo + p as u64)
                    .unwrap_or(lo);
                return Err(format!(
                    "PT_LOAD {} and PT_LOAD {i} overlap at {lo:#x}-{:#x} with different bytes (first at {at:#x}): \
                     the image contradicts itself",
                    origin.get(k).copied().unwrap_or(0),
                    hi - 1
                ));
            }
        }
        // The part beyond what is already covered becomes a new region.
        let covered = out.last().map(|o| o.base.saturating_add(o.len)).unwrap_or(0);
        let start = r.base.max(covered);
        if start < r_end {
            let skip = start - r.base;
            out.push(Region { base: start, len: r_end - start, off: r.off.saturating_add(skip as usize) });
            origin.push(i);
        }
    }
    Ok(out)
}

impl MappedImage {
    /// Parses `FILE@0xBASE` (raw image) or `FILE` (an ELF core, detected by its magic).
    pub fn open_spec(spec: &str) -> Result<Self, String> {
        let (path, base) = match spec.rsplit_once('@') {
            Some((p, b)) => {
                let v = crate::common::parse_num(b).map_err(|e| clip(&format!("--mem {spec}: base address {e}")))?;
                (p, Some(v))
            }
            None => (spec, None),
        };
        let shown = clip(path);
        // A FIFO or a device would block or never end: regular files only, opened without
        // blocking.
        let f = crate::collect::safefs::open_arg(std::path::Path::new(path), crate::collect::safefs::Device::None)
            .map_err(|e| match crate::collect::safefs::refusal(&e) {
                Some(r) => format!("--mem: {r}"),
                None => format!("{shown}: {e}"),
            })?;
        let map = crate::collect::safefs::map_readonly(&f).map_err(|e| format!("{shown}: cannot map: {e}"))?;
        let is_elf = map.get(0..4) == Some(b"\x7fELF".as_slice());
        match (is_elf, base) {
            (true, None) => Self::elf(&shown, map),
            (_, Some(base)) => {
                let len = map.len() as u64;
                if base.checked_add(len).is_none() {
                    return Err(format!("{shown}@{base:#x}: image of {len} bytes wraps past 2^64"));
                }
                Ok(MappedImage { name: path.into(), regions: vec![Region { base, len, off: 0 }], map, kind: "raw" })
            }
            (false, None) => Err(format!("{shown}: not an ELF core; give a raw image as FILE@0xBASE")),
        }
    }

    fn elf(path: &str, map: Mmap) -> Result<Self, String> {
        let b: &[u8] = &map;
        let loads = match b.get(4) {
            Some(1) => pt_loads::<object::elf::FileHeader32<object::Endianness>>(b),
            Some(2) => pt_loads::<object::elf::FileHeader64<object::Endianness>>(b),
            _ => Err("ELF class is neither ELFCLASS32 nor ELFCLASS64".to_string()),
        }
        .map_err(|e| format!("{path}: {e}"))?;
        let mut segs = Vec::new();
        for (i, paddr, off, filesz) in loads {
            let end = off.checked_add(filesz).ok_or_else(|| format!("{path}: PT_LOAD {i}: offset + size overflows"))?;
            if end > b.len() as u64 {
                return Err(format!(
                    "{path}: ELF PT_LOAD {i} (offset {off:#x}, {filesz:#x} bytes) extends past the end of the file \
                     ({} bytes; truncated?)",
                    b.len()
                ));
            }
            if paddr.checked_add(filesz).is_none() {
                return Err(format!("{path}: ELF PT_LOAD {i} at {paddr:#x} ({filesz:#x} bytes) wraps past 2^64"));
            }
            if filesz == 0 {
                continue;
            }
            // off + filesz <= the file's length, which fits in usize: the cast is exact.
            segs.push((i, Region { base: paddr, len: filesz, off: off as usize }));
        }
        if segs.is_empty() {
            return Err(format!("{path}: ELF has no PT_LOAD segments with file data"));
        }
        let regions = disjoint(b, segs).map_err(|e| format!("{path}: {e}"))?;
        Ok(MappedImage { name: path.into(), map, regions, kind: "elf" })
    }

    /// Physical ranges provided: (base, length), disjoint and sorted.
    pub fn ranges(&self) -> Vec<(u64, u64)> {
        self.regions.iter().map(|r| (r.base, r.len)).collect()
    }
}

impl PhysMem for MappedImage {
    /// Reads across adjacent regions (segments that touch, or the pieces of nested ones).
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        let missing = MemError::Missing { addr: pa, len: buf.len() };
        let mut i = self.regions.partition_point(|r| r.base <= pa).checked_sub(1).ok_or(missing.clone())?;
        let mut at = pa;
        let mut done = 0usize;
        while done < buf.len() {
            let r = self.regions.get(i).ok_or(missing.clone())?;
            if at < r.base {
                return Err(missing);
            }
            let rel = at - r.base;
            if rel >= r.len {
                return Err(missing);
            }
            let n = ((r.len - rel) as usize).min(buf.len() - done);
            let s = r.off.checked_add(rel as usize).ok_or(missing.clone())?;
            let src = self.map.get(s..s.saturating_add(n)).ok_or(missing.clone())?;
            buf.get_mut(done..done + n).ok_or(missing.clone())?.copy_from_slice(src);
            done += n;
            at = at.checked_add(n as u64).ok_or(missing.clone())?;
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn raw_image_at_base() {
        let dir = std::env::temp_dir().join(format!("smmu-memfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("raw.bin");
        let mut f = std::fs::File::create(&p).unwrap();
        f.write_all(&(0u8..64).collect::<Vec<_>>()).unwrap();
        drop(f);
        let m = MappedImage::open_spec(&format!("{}@0x1000", p.display())).unwrap();
        assert_eq!(m.read_u64_le(0x1008).unwrap(), u64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 15]));
        assert!(m.read_u64_le(0x1039).is_err());
        assert!(m.read_u64_le(0xff8).is_err());
    }

    fn rss_kb() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }

    #[test]
    fn large_sparse_image_is_not_read_whole() {
        // A 4GB raw image (sparse on disk): mapping it and reading a few words must not make
        // the process resident size grow with the image.
        let dir = std::env::temp_dir().join(format!("smmu-memfile-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("big.bin");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(4 << 30).unwrap();
        use std::io::{Seek, SeekFrom};
        let mut f = f;
        f.seek(SeekFrom::Start((3 << 30) + 0x100)).unwrap();
        f.write_all(&0xfeed_f00d_u64.to_le_bytes()).unwrap();
        drop(f);
        let before = rss_kb();
        let m = MappedImage::open_spec(&format!("{}@0x40000000", p.display())).unwrap();
        assert_eq!(m.read_u64_le(0x4000_0000 + (3 << 30) + 0x100).unwrap(), 0xfeed_f00d);
        for i in 0..64u64 {
            let _ = m.read_u64_le(0x4000_0000 + i * (64 << 20));
        }
        let after = rss_kb();
        assert!(after.saturating_sub(before) < 64 * 1024, "RSS grew by {} KB", after - before);
        drop(m);
        let _ = std::fs::remove_file(&p);
    }

    #[test]
    fn elf_core_pt_load_by_paddr() {
        // A minimal ELF64 LE core: one PT_LOAD with p_paddr 0x4000_0000, 16 bytes.
        let mut b = vec![0u8; 64 + 56];
        b[0..4].copy_from_slice(b"\x7fELF");
        b[4] = 2;
        b[5] = 1;
        b[6] = 1;
        b[16..18].copy_from_slice(&4u16.to_le_bytes()); // ET_CORE
        b[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
        b[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        b[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes());
        let ph = 64;
        b[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes());
        b[ph + 8..ph + 16].copy_from_slice(&120u64.to_le_bytes());
        b[ph + 16..ph + 24].copy_from_slice(&0xffff_0000_0000u64.to_le_bytes()); // vaddr: ignored
        b[ph + 24..ph + 32].copy_from_slice(&0x4000_0000u64.to_le_bytes());
        b[ph + 32..ph + 40].copy_from_slice(&16u64.to_le_bytes());
        b.extend_from_slice(&0x1122334455667788u64.to_le_bytes());
        b.extend_from_slice(&0x99u64.to_le_bytes());
        let dir = std::env::temp_dir().join(format!("smmu-memfile-elf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("core.elf");
        std::fs::write(&p, &b).unwrap();
        let m = MappedImage::open_spec(&p.display().to_string()).unwrap();
        assert_eq!(m.kind, "elf");
        assert_eq!(m.read_u64_le(0x4000_0000).unwrap(), 0x1122334455667788);
        assert_eq!(m.read_u64_le(0x4000_0008).unwrap(), 0x99);
        assert!(m.read_u64_le(0x4000_0010).is_err());
        // a truncated segment is an error, not a panic
        std::fs::write(&p, &b[..130]).unwrap();
        assert!(MappedImage::open_spec(&p.display().to_string()).is_err());
    }

    /// An ELF64 LE core whose PT_LOADs are (p_paddr, p_offset, p_filesz), followed by `data`
    /// (file offsets count from the start of the file; the headers take 64 + 56 * n bytes).
    fn core(loads: &[(u64, u64, u64)], data: &[u8]) -> Vec<u8> {
        let n = loads.len();
        let mut b = vec![0u8; 64 + 56 * n];
        b[0..4].copy_from_slice(b"\x7fELF");
        b[4] = 2; // ELFCLASS64
        b[5] = 1; // ELFDATA2LSB
        b[6] = 1; // EV_CURRENT
        b[16..18].copy_from_slice(&4u16.to_le_bytes()); // ET_CORE
        b[20..24].copy_from_slice(&1u32.to_le_bytes());
        b[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
        b[0x34..0x36].copy_from_slice(&64u16.to_le_bytes());
        b[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        b[0x38..0x3a].copy_from_slice(&(n as u16).to_le_bytes());
        for (k, (pa, off, sz)) in loads.iter().enumerate() {
            let ph = 64 + 56 * k;
            b[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
            b[ph + 8..ph + 16].copy_from_slice(&off.to_le_bytes());
            b[ph + 24..ph + 32].copy_from_slice(&pa.to_le_bytes());
            b[ph + 32..ph + 40].copy_from_slice(&sz.to_le_bytes());
            b[ph + 40..ph + 48].copy_from_slice(&sz.to_le_bytes());
        }
        b.extend_from_slice(data);
        b
    }

    fn open_bytes(name: &str, b: &[u8]) -> Result<MappedImage, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, b).unwrap();
        MappedImage::open_spec(&p.display().to_string())
    }

    #[test]
    fn nested_pt_load_does_not_hide_the_outer_one() {
        // 0x1000 bytes at 0x8000_0000 (bytes 0..), and inside it a second PT_LOAD for
        // 0x8000_0100..0x8000_0110 pointing at the same file bytes: addresses past the inner
        // one must still come from the outer one.
        let data: Vec<u8> = (0..0x1000u32).map(|i| (i % 251) as u8).collect();
        let hdr = 64 + 56 * 2;
        let b = core(&[(0x8000_0000, hdr, 0x1000), (0x8000_0100, hdr + 0x100, 0x10)], &data);
        let m = open_bytes("nested.elf", &b).unwrap();
        let mut buf = [0u8; 8];
        m.read(0x8000_0800, &mut buf).unwrap();
        assert_eq!(buf[0], (0x800 % 251) as u8);
        m.read(0x8000_0108, &mut buf).unwrap(); // crosses the end of the inner segment
        assert_eq!(buf[0], (0x108 % 251) as u8);
        assert_eq!(m.ranges().iter().map(|r| r.1).sum::<u64>(), 0x1000, "each byte once");
    }

    #[test]
    fn adjacent_pt_loads_read_as_one() {
        // Two segments that touch (0x1000..0x1010 and 0x1010..0x1020), stored out of order.
        let data: Vec<u8> = (0..32u8).collect();
        let hdr = 64 + 56 * 2;
        let b = core(&[(0x1010, hdr + 16, 16), (0x1000, hdr, 16)], &data);
        let m = open_bytes("adjacent.elf", &b).unwrap();
        assert_eq!(m.read_u64_le(0x100c).unwrap(), u64::from_le_bytes([12, 13, 14, 15, 16, 17, 18, 19]));
        assert!(m.read_u64_le(0x101c).is_err(), "past the end");
    }

    #[test]
    fn overlapping_pt_loads_must_agree() {
        // Overlap at different file offsets: same bytes load, different bytes are rejected.
        let mut data = vec![7u8; 32];
        let hdr = 64 + 56 * 2;
        let b = core(&[(0x2000, hdr, 16), (0x2008, hdr + 16, 16)], &data);
        assert!(open_bytes("same.elf", &b).is_ok());
        data[16] = 9;
        let b = core(&[(0x2000, hdr, 16), (0x2008, hdr + 16, 16)], &data);
        let e = open_bytes("conflict.elf", &b).err().unwrap();
        assert!(e.contains("overlap at 0x2008-0x200f with different bytes (first at 0x2008)"), "{e}");
    }

    #[test]
    fn fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &p,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        let e = MappedImage::open_spec(&format!("{}@0x0", p.display())).err().unwrap();
        assert!(e.contains("is a FIFO, not a regular file"), "{e}");
    }

    #[test]
    fn errors_do_not_echo_huge_values() {
        let spec = format!("{}@0x1000", "x".repeat(1 << 20));
        let e = MappedImage::open_spec(&spec).err().unwrap();
        assert!(e.len() < 1000, "{} bytes", e.len());
    }
}
