//! Physical memory images: the trait every reader of guest/host memory uses, and a sparse
//! in-memory image. (Memory-mapped raw and ELF images live in the CLI crate, which may do
//! I/O; they implement the same trait.)

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemError {
    /// The address is not in the image (distinct from a translation fault).
    #[error("memory at {addr:#x} ({len} bytes) is not in the image")]
    Missing { addr: u64, len: usize },
}

/// Read-only physical memory.
pub trait PhysMem {
    /// Reads `buf.len()` bytes at physical address `pa`.
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError>;
    fn read_u64_le(&self, pa: u64) -> Result<u64, MemError> {
        let mut b = [0u8; 8];
        self.read(pa, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn read_u32_le(&self, pa: u64) -> Result<u32, MemError> {
        let mut b = [0u8; 4];
        self.read(pa, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }
}

/// A sparse image: non-overlapping chunks keyed by base address.
#[derive(Debug, Clone, Default)]
pub struct SparseMem {
    chunks: BTreeMap<u64, Vec<u8>>,
}

impl SparseMem {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds bytes at `pa`, overwriting any overlap. Chunks that merely touch stay separate
    /// (reads may span them), so adding many pages costs O(n log n).
    pub fn insert(&mut self, pa: u64, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let end = pa.saturating_add(bytes.len() as u64);
        let overlaps_prev =
            self.chunks.range(..=pa).next_back().is_some_and(|(&b, d)| b.saturating_add(d.len() as u64) > pa);
        let overlaps_next = self.chunks.range(pa..end).next().is_some();
        if !overlaps_prev && !overlaps_next {
            self.chunks.insert(pa, bytes);
            return;
        }
        // Merge every overlapping chunk with the new bytes (new bytes win) into one buffer:
        // the lowest chunk's own (or the new bytes' own) buffer grows in place, and of the
        // others only the bytes past the new ones are copied. Appending to a run costs the
        // new bytes, not the whole run again.
        let keys: Vec<u64> = self
            .chunks
            .range(..end)
            .rev()
            .take_while(|(&b, d)| b.saturating_add(d.len() as u64) > pa)
            .map(|(&b, _)| b)
            .collect();
        let mut old: Vec<(u64, Vec<u8>)> =
            keys.iter().rev().filter_map(|k| self.chunks.remove(k).map(|d| (*k, d))).collect();
        let (lo, mut merged) = match old.first() {
            Some(&(k, _)) if k <= pa => {
                // The new bytes go over this chunk's buffer in place, and may extend it.
                let (k, mut d) = old.remove(0);
                let at = usize::try_from(pa - k).unwrap_or(usize::MAX).min(d.len());
                let n = d.len().saturating_sub(at).min(bytes.len());
                if let (Some(dst), Some(src)) = (d.get_mut(at..at.saturating_add(n)), bytes.get(..n)) {
                    dst.copy_from_slice(src);
                }
                d.extend_from_slice(bytes.get(n..).unwrap_or(&[]));
                (k, d)
            }
            _ => (pa, bytes),
        };
        // The other chunks start inside the new bytes: only what lies past them is copied.
        for (k, d) in &old {
            let have = lo.saturating_add(merged.len() as u64);
            if k.saturating_add(d.len() as u64) > have {
                let from = usize::try_from(have.saturating_sub(*k)).unwrap_or(usize::MAX);
                merged.extend_from_slice(d.get(from..).unwrap_or(&[]));
            }
        }
        self.chunks.insert(lo, merged);
    }
    pub fn chunks(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.chunks.iter().map(|(a, d)| (*a, d.as_slice()))
    }
    pub fn total_bytes(&self) -> usize {
        self.chunks.values().map(|d| d.len()).sum()
    }
}

impl PhysMem for SparseMem {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        let missing = MemError::Missing { addr: pa, len: buf.len() };
        let mut done = 0usize;
        // Usually one chunk; a read may continue into chunks that follow without a gap.
        while done < buf.len() {
            let at = pa.checked_add(done as u64).ok_or(missing.clone())?;
            let (&base, data) =
                self.chunks.range(..=at).next_back().ok_or(MemError::Missing { addr: at, len: buf.len() - done })?;
            let off = usize::try_from(at - base).map_err(|_| missing.clone())?;
            let avail = data.len().saturating_sub(off);
            if avail == 0 {
                return Err(MemError::Missing { addr: at, len: buf.len() - done });
            }
            let n = avail.min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&data[off..off + n]);
            done += n;
        }
        Ok(())
    }
}

/// Several images seen as one: the first layer holding the whole range answers. A read no
/// layer can satisfy reports the address as missing.
pub struct Layered<'a> {
    pub layers: Vec<&'a dyn PhysMem>,
}

impl PhysMem for Layered<'_> {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        for l in &self.layers {
            if l.read(pa, buf).is_ok() {
                return Ok(());
            }
        }
        Err(MemError::Missing { addr: pa, len: buf.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sparse_reads_and_misses() {
        let mut m = SparseMem::new();
        m.insert(0x1000, (0u8..16).collect());
        m.insert(0x1008, vec![0xff; 16]);
        assert_eq!(m.read_u64_le(0x1000).unwrap(), 0x0706050403020100);
        assert_eq!(m.read_u64_le(0x1010).unwrap(), u64::MAX);
        assert!(m.read_u64_le(0x1014).is_err());
        assert!(m.read_u64_le(0xfff).is_err());
        // Touching chunks stay separate but a read spans them.
        m.insert(0x1018, vec![0xaa; 8]);
        assert_eq!(m.read_u64_le(0x1014).unwrap(), 0xaaaa_aaaa_ffff_ffff);
        assert!(m.read_u64_le(0x101c).is_err());
        // Overlap: new bytes win, one chunk remains for the overlapped range.
        m.insert(0x1004, vec![0x11; 8]);
        assert_eq!(m.read_u64_le(0x1000).unwrap(), 0x1111_1111_0302_0100);
        assert_eq!(m.read_u64_le(0x1008).unwrap(), 0xffff_ffff_1111_1111);
        assert_eq!(m.read_u64_le(0x1010).unwrap(), u64::MAX);
    }
    #[test]
    fn overlapping_inserts_merge() {
        let mut m = SparseMem::new();
        // New bytes below, over and into two chunks: one run, new bytes win.
        m.insert(0x10, vec![1; 4]);
        m.insert(0x18, vec![2; 4]);
        m.insert(0x0e, vec![3; 12]);
        let runs: Vec<(u64, Vec<u8>)> = m.chunks().map(|(a, d)| (a, d.to_vec())).collect();
        assert_eq!(runs, vec![(0x0e, [vec![3; 12], vec![2; 2]].concat())]);
        // Inside one chunk: its tail is kept.
        m.insert(0x10, vec![4; 2]);
        let runs: Vec<(u64, Vec<u8>)> = m.chunks().map(|(a, d)| (a, d.to_vec())).collect();
        assert_eq!(runs, vec![(0x0e, vec![3, 3, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2])]);
        // Starting inside one chunk and ending inside the next, with a gap between them.
        let mut m = SparseMem::new();
        m.insert(0x00, vec![1; 4]);
        m.insert(0x08, vec![2; 4]);
        m.insert(0x02, vec![5; 8]);
        let runs: Vec<(u64, Vec<u8>)> = m.chunks().map(|(a, d)| (a, d.to_vec())).collect();
        assert_eq!(runs, vec![(0x00, vec![1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 2, 2])]);
        // A chain of appends keeps one chunk.
        let mut m = SparseMem::new();
        for i in 0..1000u64 {
            m.insert(0x1000 + i * 2, vec![i as u8; 4]);
        }
        assert_eq!(m.chunks().count(), 1);
        assert_eq!(m.total_bytes(), 2002);
        assert_eq!(m.read_u32_le(0x1000 + 999 * 2).unwrap(), u32::from_le_bytes([231; 4]));
    }
}
