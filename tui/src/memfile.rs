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

const PT_LOAD: u32 = 1;

fn rd<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    let s = b.get(off..off.checked_add(N)?)?;
    let mut a = [0u8; N];
    a.copy_from_slice(s);
    Some(a)
}

fn u16le(b: &[u8], o: usize) -> Option<u64> {
    rd::<2>(b, o).map(|a| u16::from_le_bytes(a) as u64)
}
fn u32le(b: &[u8], o: usize) -> Option<u64> {
    rd::<4>(b, o).map(|a| u32::from_le_bytes(a) as u64)
}
fn u64le(b: &[u8], o: usize) -> Option<u64> {
    rd::<8>(b, o).map(u64::from_le_bytes)
}

impl MappedImage {
    /// Parses `FILE@0xBASE` (raw image) or `FILE` (an ELF core, detected by its magic).
    pub fn open_spec(spec: &str) -> Result<Self, String> {
        let (path, base) = match spec.rsplit_once('@') {
            Some((p, b)) => {
                let v = crate::common::parse_num(b).map_err(|e| format!("--mem {spec}: base address {e}"))?;
                (p, Some(v))
            }
            None => (spec, None),
        };
        let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
        // SAFETY: the file is mapped read-only; a concurrent truncation by another process
        // would fault, which is the accepted risk of every mmap-based reader.
        let map = unsafe { Mmap::map(&f) }.map_err(|e| format!("{path}: cannot map: {e}"))?;
        let is_elf = map.get(0..4) == Some(b"\x7fELF".as_slice());
        match (is_elf, base) {
            (true, None) => Self::elf(path, map),
            (_, Some(base)) => {
                let len = map.len() as u64;
                if base.checked_add(len).is_none() {
                    return Err(format!("{path}@{base:#x}: image of {len} bytes wraps past 2^64"));
                }
                Ok(MappedImage { name: path.into(), regions: vec![Region { base, len, off: 0 }], map, kind: "raw" })
            }
            (false, None) => Err(format!("{path}: not an ELF core; give a raw image as FILE@0xBASE")),
        }
    }

    fn elf(path: &str, map: Mmap) -> Result<Self, String> {
        let b: &[u8] = &map;
        let bad = |what: &str| format!("{path}: ELF {what}");
        if b.get(4) != Some(&2) {
            return Err(bad("is not 64-bit (ELFCLASS64 expected)"));
        }
        if b.get(5) != Some(&1) {
            return Err(bad("is not little-endian"));
        }
        let phoff = u64le(b, 0x20).ok_or_else(|| bad("header truncated"))?;
        let phentsize = u16le(b, 0x36).ok_or_else(|| bad("header truncated"))?;
        let phnum = u16le(b, 0x38).ok_or_else(|| bad("header truncated"))?;
        if phentsize < 56 {
            return Err(bad(&format!("program header size {phentsize} is too small")));
        }
        let mut regions = vec![];
        for i in 0..phnum {
            let o = phoff
                .checked_add(i * phentsize)
                .and_then(|x| usize::try_from(x).ok())
                .ok_or_else(|| bad("program header offset overflows"))?;
            let ty = u32le(b, o).ok_or_else(|| bad(&format!("program header {i} truncated")))?;
            if ty != PT_LOAD as u64 {
                continue;
            }
            let off = u64le(b, o + 8).ok_or_else(|| bad("program header truncated"))?;
            let paddr = u64le(b, o + 24).ok_or_else(|| bad("program header truncated"))?;
            let filesz = u64le(b, o + 32).ok_or_else(|| bad("program header truncated"))?;
            let end = off.checked_add(filesz).ok_or_else(|| bad("segment overflows"))?;
            if end > b.len() as u64 {
                return Err(bad(&format!(
                    "PT_LOAD {i} (offset {off:#x}, {filesz:#x} bytes) extends past the end of the file"
                )));
            }
            if filesz == 0 {
                continue;
            }
            regions.push(Region { base: paddr, len: filesz, off: off as usize });
        }
        if regions.is_empty() {
            return Err(bad("has no PT_LOAD segments"));
        }
        regions.sort_by_key(|r| r.base);
        Ok(MappedImage { name: path.into(), map, regions, kind: "elf" })
    }

    /// Physical ranges provided: (base, length).
    pub fn ranges(&self) -> Vec<(u64, u64)> {
        self.regions.iter().map(|r| (r.base, r.len)).collect()
    }
}

impl PhysMem for MappedImage {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        let missing = MemError::Missing { addr: pa, len: buf.len() };
        let i = self.regions.partition_point(|r| r.base <= pa);
        let r = i.checked_sub(1).and_then(|i| self.regions.get(i)).ok_or(missing.clone())?;
        let rel = pa - r.base;
        let end = rel.checked_add(buf.len() as u64).ok_or(missing.clone())?;
        if end > r.len {
            return Err(missing);
        }
        let s = r.off.checked_add(rel as usize).ok_or(missing.clone())?;
        let src = self.map.get(s..s + buf.len()).ok_or(missing)?;
        buf.copy_from_slice(src);
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
}
