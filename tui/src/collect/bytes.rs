//! Bounds-checked little/big-endian reads from firmware blobs. Every read names the field and
//! the byte offset so a truncated or corrupt table gives an error that says where.

/// A read past the end of a blob (or another structural problem), with its location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} at byte offset {offset:#x}: {msg}")]
pub struct BlobError {
    pub what: String,
    pub offset: usize,
    pub msg: String,
}

impl BlobError {
    pub fn new(what: impl Into<String>, offset: usize, msg: impl Into<String>) -> Self {
        BlobError { what: what.into(), offset, msg: msg.into() }
    }
}

pub fn slice<'a>(data: &'a [u8], off: usize, len: usize, what: &str) -> Result<&'a [u8], BlobError> {
    let end = off.checked_add(len).ok_or_else(|| BlobError::new(what, off, "offset overflows"))?;
    data.get(off..end).ok_or_else(|| {
        BlobError::new(what, off, format!("needs {len} bytes but the blob ends at {:#x} (truncated?)", data.len()))
    })
}

pub fn le_u8(data: &[u8], off: usize, what: &str) -> Result<u8, BlobError> {
    Ok(slice(data, off, 1, what)?[0])
}

pub fn le_u16(data: &[u8], off: usize, what: &str) -> Result<u16, BlobError> {
    let s = slice(data, off, 2, what)?;
    Ok(u16::from_le_bytes([s[0], s[1]]))
}

pub fn le_u32(data: &[u8], off: usize, what: &str) -> Result<u32, BlobError> {
    let s = slice(data, off, 4, what)?;
    Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub fn le_u64(data: &[u8], off: usize, what: &str) -> Result<u64, BlobError> {
    let s = slice(data, off, 8, what)?;
    let mut b = [0u8; 8];
    b.copy_from_slice(s);
    Ok(u64::from_le_bytes(b))
}

pub fn be_u32(data: &[u8], off: usize, what: &str) -> Result<u32, BlobError> {
    let s = slice(data, off, 4, what)?;
    Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Printable ASCII of a fixed-width field, trailing NULs and spaces removed.
pub fn ascii(b: &[u8]) -> String {
    let s: String = b
        .iter()
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else if c == 0 {
                '\0'
            } else {
                '?'
            }
        })
        .collect();
    s.trim_end_matches(['\0', ' ']).replace('\0', "?")
}
