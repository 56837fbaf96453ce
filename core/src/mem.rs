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
    /// Adds bytes at `pa`, overwriting any overlap.
    pub fn insert(&mut self, pa: u64, bytes: Vec<u8>) {
        // Simple, correct approach: write byte ranges into existing chunks, else add.
        if bytes.is_empty() {
            return;
        }
        self.chunks.insert(pa, bytes);
        self.normalize();
    }
    fn normalize(&mut self) {
        // Merge overlapping/adjacent chunks so lookups find one chunk per address.
        let old = std::mem::take(&mut self.chunks);
        let mut out: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        for (base, data) in old {
            if let Some((&pb, pd)) = out.range_mut(..=base).next_back() {
                let pend = pb.saturating_add(pd.len() as u64);
                if base <= pend {
                    let off = (base - pb) as usize;
                    let need = off + data.len();
                    if pd.len() < need {
                        pd.resize(need, 0);
                    }
                    pd[off..need].copy_from_slice(&data);
                    continue;
                }
            }
            out.insert(base, data);
        }
        self.chunks = out;
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
        let (&base, data) = self.chunks.range(..=pa).next_back().ok_or(missing.clone())?;
        let off = usize::try_from(pa - base).map_err(|_| missing.clone())?;
        let end = off.checked_add(buf.len()).ok_or(missing.clone())?;
        let src = data.get(off..end).ok_or(missing)?;
        buf.copy_from_slice(src);
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
    }
}
