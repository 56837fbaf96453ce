//! Physical memory images: the trait every reader of guest/host memory uses, and a sparse
//! in-memory image. (Memory-mapped raw and ELF images live in the CLI crate, which may do
//! I/O; they implement the same trait.)

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

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
    /// The `len` bytes at `pa` without a copy, when the image holds them in one piece (the
    /// bytes [`PhysMem::read`] would give). `None` says nothing about whether a read succeeds.
    fn slice(&self, _pa: u64, _len: usize) -> Option<&[u8]> {
        None
    }
}

/// Pages of the index: 4KB, the smallest translation granule (a table or a page of one is
/// never split across index entries unless its chunk is).
const PAGE_SHIFT: u32 = 12;

/// A multiplicative hash for small integer keys (page numbers, StreamIDs): a few
/// instructions where SipHash costs a hundred. Collisions cost time, never correctness.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing; the top bits (which hashbrown uses for its control bytes) mix
        // every input bit.
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(26);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// Page number -> the slot of the chunk covering it (`AMBIGUOUS` when several chunks share
/// the page: those reads take the ordered path).
#[derive(Debug, Clone, Default)]
struct PageIndex {
    pages: HashMap<u64, u32, BuildHasherDefault<FastHasher>>,
}

const AMBIGUOUS: u32 = u32::MAX;

/// A sparse image: non-overlapping chunks keyed by base address. Reads go through a page
/// index (built on the first read after an insert), so a descriptor read is one hash lookup
/// and one 8-byte load, whatever the number of chunks.
#[derive(Debug, Clone, Default)]
pub struct SparseMem {
    /// Base address -> slot in `slots`.
    chunks: BTreeMap<u64, usize>,
    /// Chunk storage (base, bytes); slots of merged chunks are emptied and reused.
    slots: Vec<(u64, Vec<u8>)>,
    free: Vec<usize>,
    index: OnceLock<PageIndex>,
}

impl SparseMem {
    pub fn new() -> Self {
        Self::default()
    }

    fn take(&mut self, base: u64) -> Option<Vec<u8>> {
        let slot = self.chunks.remove(&base)?;
        self.free.push(slot);
        self.slots.get_mut(slot).map(|s| std::mem::take(&mut s.1))
    }

    fn put(&mut self, base: u64, bytes: Vec<u8>) {
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push((0, vec![]));
                self.slots.len() - 1
            }
        };
        if let Some(s) = self.slots.get_mut(slot) {
            *s = (base, bytes);
        }
        self.chunks.insert(base, slot);
    }

    fn len_at(&self, slot: usize) -> u64 {
        self.slots.get(slot).map_or(0, |s| s.1.len() as u64)
    }

    /// Adds bytes at `pa`, overwriting any overlap. Chunks that merely touch stay separate
    /// (reads may span them), so adding many pages costs O(n log n).
    pub fn insert(&mut self, pa: u64, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        self.index = OnceLock::new();
        let end = pa.saturating_add(bytes.len() as u64);
        let overlaps_prev =
            self.chunks.range(..=pa).next_back().is_some_and(|(&b, &s)| b.saturating_add(self.len_at(s)) > pa);
        let overlaps_next = self.chunks.range(pa..end).next().is_some();
        if !overlaps_prev && !overlaps_next {
            self.put(pa, bytes);
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
            .take_while(|(&b, &s)| b.saturating_add(self.len_at(s)) > pa)
            .map(|(&b, _)| b)
            .collect();
        let mut old: Vec<(u64, Vec<u8>)> = keys.iter().rev().filter_map(|k| self.take(*k).map(|d| (*k, d))).collect();
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
        self.put(lo, merged);
    }
    pub fn chunks(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.chunks.iter().map(|(a, &s)| (*a, self.slots.get(s).map_or(&[][..], |x| x.1.as_slice())))
    }
    pub fn total_bytes(&self) -> usize {
        self.chunks.values().map(|&s| self.len_at(s) as usize).sum()
    }

    fn build_index(&self) -> PageIndex {
        let mut pages: HashMap<u64, u32, BuildHasherDefault<FastHasher>> = HashMap::default();
        for (&base, &slot) in &self.chunks {
            let Ok(s) = u32::try_from(slot) else { continue };
            let len = self.len_at(slot);
            let (first, last) = (base >> PAGE_SHIFT, (base.saturating_add(len).saturating_sub(1)) >> PAGE_SHIFT);
            pages.reserve(usize::try_from(last - first + 1).unwrap_or(0));
            for p in first..=last {
                pages.entry(p).and_modify(|e| *e = AMBIGUOUS).or_insert(s);
            }
        }
        PageIndex { pages }
    }

    /// The `len` bytes at `pa` when one chunk holds them all (the common case: a descriptor,
    /// an STE, a table).
    #[inline]
    fn fast_slice(&self, pa: u64, len: usize) -> Option<&[u8]> {
        let index = self.index.get_or_init(|| self.build_index());
        let &slot = index.pages.get(&(pa >> PAGE_SHIFT))?;
        let (base, data) = self.slots.get(slot as usize)?;
        let off = usize::try_from(pa.checked_sub(*base)?).ok()?;
        data.get(off..off.checked_add(len)?)
    }

    /// Reads through the ordered chunk map: spans touching chunks, says what is missing.
    fn read_ordered(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        let missing = MemError::Missing { addr: pa, len: buf.len() };
        let mut done = 0usize;
        // Usually one chunk; a read may continue into chunks that follow without a gap.
        while done < buf.len() {
            let at = pa.checked_add(done as u64).ok_or(missing.clone())?;
            let (&base, &slot) =
                self.chunks.range(..=at).next_back().ok_or(MemError::Missing { addr: at, len: buf.len() - done })?;
            let data = self.slots.get(slot).map_or(&[][..], |s| s.1.as_slice());
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

impl PhysMem for SparseMem {
    fn read(&self, pa: u64, buf: &mut [u8]) -> Result<(), MemError> {
        if let Some(s) = self.fast_slice(pa, buf.len()) {
            buf.copy_from_slice(s);
            return Ok(());
        }
        self.read_ordered(pa, buf)
    }
    fn slice(&self, pa: u64, len: usize) -> Option<&[u8]> {
        self.fast_slice(pa, len)
    }
    #[inline]
    fn read_u64_le(&self, pa: u64) -> Result<u64, MemError> {
        match self.fast_slice(pa, 8).and_then(|s| <[u8; 8]>::try_from(s).ok()) {
            Some(b) => Ok(u64::from_le_bytes(b)),
            None => {
                let mut b = [0u8; 8];
                self.read_ordered(pa, &mut b)?;
                Ok(u64::from_le_bytes(b))
            }
        }
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
    fn read_u64_le(&self, pa: u64) -> Result<u64, MemError> {
        for l in &self.layers {
            if let Ok(v) = l.read_u64_le(pa) {
                return Ok(v);
            }
        }
        Err(MemError::Missing { addr: pa, len: 8 })
    }
    fn slice(&self, pa: u64, len: usize) -> Option<&[u8]> {
        // Only the first layer: it answers any read it can satisfy, so its bytes are the
        // ones a read would give; otherwise the caller reads.
        self.layers.first()?.slice(pa, len)
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
