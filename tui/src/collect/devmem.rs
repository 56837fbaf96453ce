//! Register reads through /dev/mem (or a substitute file whose byte offsets are physical
//! addresses). Only the SMMU's register pages are mapped, read-only (PROT_READ, MAP_SHARED);
//! each 32-bit register is one volatile 32-bit load and each 64-bit register two (low word,
//! then high word). Nothing is ever written.

use super::safefs::{self, Device, Root};
use smmu_core::regs::{RegDef, REGISTERS};
use std::fs::File;
use std::os::unix::fs::{FileExt, FileTypeExt};
use std::path::{Path, PathBuf};

/// One SMMUv3 register page is 64 KiB (IHI 0070 6.1: Page 0 and Page 1).
pub const SMMU_PAGE: u64 = 0x10000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DevmemError {
    /// The file does not exist.
    Missing(String),
    /// The kernel refused (open or mmap): errno text.
    Refused {
        what: String,
        errno: String,
        eperm: bool,
    },
    /// Not a regular file or the real /dev/mem (a FIFO, another device): refused unopened.
    Unsafe(String),
    Other(String),
}

impl std::fmt::Display for DevmemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DevmemError::Missing(s) | DevmemError::Other(s) | DevmemError::Unsafe(s) => f.write_str(s),
            DevmemError::Refused { what, errno, .. } => write!(f, "{what}: {errno}"),
        }
    }
}

fn open_err(shown: &str, e: std::io::Error) -> DevmemError {
    if let Some(r) = safefs::refusal(&e) {
        return DevmemError::Unsafe(r.0.clone());
    }
    io_err(format!("open {shown}"), e)
}

fn io_err(what: String, e: std::io::Error) -> DevmemError {
    match e.kind() {
        std::io::ErrorKind::NotFound => DevmemError::Missing(format!("{what}: {e}")),
        std::io::ErrorKind::PermissionDenied => {
            DevmemError::Refused { what, errno: e.to_string(), eperm: e.raw_os_error() == Some(1) }
        }
        _ => DevmemError::Other(format!("{what}: {e}")),
    }
}

/// A register window, read only through [`Window::read32`]. Its fields are private: only
/// [`Devmem::window`] makes one, so safe code cannot hand it a pointer of its own.
pub struct Window {
    inner: Inner,
}

enum Inner {
    /// A mapping of /dev/mem (character device): `len` bytes at `ptr`, physical address `pa`.
    Mapped { ptr: *const u8, len: usize, pa: u64 },
    /// A regular file standing in for /dev/mem: pread at the physical address.
    File { file: File, pa: u64, len: u64 },
}

impl Drop for Window {
    fn drop(&mut self) {
        if let Inner::Mapped { ptr, len, .. } = self.inner {
            // SAFETY: ptr/len come from the successful mmap in `Devmem::window` (the only
            // constructor, the fields being private) and are unmapped exactly once, here.
            unsafe {
                let _ = rustix::mm::munmap(ptr as *mut core::ffi::c_void, len);
            }
        }
    }
}

impl Window {
    /// The physical address range the window covers.
    pub fn range(&self) -> (u64, u64) {
        match &self.inner {
            Inner::Mapped { pa, len, .. } => (*pa, *len as u64),
            Inner::File { pa, len, .. } => (*pa, *len),
        }
    }

    /// One 32-bit load at `pa` (must lie in the window and be 4-byte aligned).
    pub fn read32(&self, pa: u64) -> Result<u32, DevmemError> {
        if !pa.is_multiple_of(4) {
            return Err(DevmemError::Other(format!("{pa:#x} is not 4-byte aligned")));
        }
        match &self.inner {
            Inner::Mapped { ptr, len, pa: base } => {
                let off = pa
                    .checked_sub(*base)
                    .filter(|o| o.saturating_add(4) <= *len as u64)
                    .ok_or_else(|| DevmemError::Other(format!("{pa:#x} is outside the mapped register page")))?;
                // SAFETY: `ptr` is the live read-only mapping of `len` bytes made by
                // `Devmem::window` (private fields: nothing else can set them); the offset plus
                // 4 is within `len` (checked above) and 4-byte aligned (pa is, and the base is
                // page aligned); a volatile 32-bit load is one 32-bit bus read, never a write.
                let v = unsafe { core::ptr::read_volatile(ptr.add(off as usize) as *const u32) };
                Ok(u32::from_le(v))
            }
            Inner::File { file, pa: base, len } => {
                if pa < *base || pa.saturating_add(4) > base.saturating_add(*len) {
                    return Err(DevmemError::Other(format!("{pa:#x} is outside the register page")));
                }
                let mut b = [0u8; 4];
                file.read_exact_at(&mut b, pa).map_err(|e| DevmemError::Other(format!("reading {pa:#x}: {e}")))?;
                Ok(u32::from_le_bytes(b))
            }
        }
    }
}

/// The physical memory source: /dev/mem or a substitute file.
pub struct Devmem {
    pub path: PathBuf,
    file: File,
    is_device: bool,
}

impl Devmem {
    /// Opens a file named on the command line (`--devmem FILE`): a regular file whose byte
    /// offsets are physical addresses, or the real /dev/mem (character device 1:1). A FIFO,
    /// a socket or any other device is refused without blocking.
    pub fn open(path: &Path) -> Result<Self, DevmemError> {
        let file = safefs::open_arg(path, Device::Mem).map_err(|e| open_err(&path.display().to_string(), e))?;
        Self::from_file(path.display().to_string(), file)
    }

    /// Opens /dev/mem inside a tree: on the live root the real device (1:1 only), under
    /// `--root DIR` a regular file only (so `dev/mem` linked to a device is never mapped).
    pub fn open_in(fs: &Root) -> Result<Self, DevmemError> {
        let shown = fs.shown("/dev/mem");
        let file = fs.open("/dev/mem", Device::Mem).map_err(|e| open_err(&shown, e))?;
        Self::from_file(shown, file)
    }

    fn from_file(shown: String, file: File) -> Result<Self, DevmemError> {
        let is_device = file
            .metadata()
            .map(|m| m.file_type().is_char_device())
            .map_err(|e| DevmemError::Other(format!("{shown}: {e}")))?;
        Ok(Devmem { path: PathBuf::from(shown), file, is_device })
    }

    pub fn is_device(&self) -> bool {
        self.is_device
    }

    /// Maps (or, for a file, opens) `len` bytes at page-aligned `pa`, read-only.
    pub fn window(&self, pa: u64, len: u64) -> Result<Window, DevmemError> {
        if !self.is_device {
            let f = self.file.try_clone().map_err(|e| DevmemError::Other(e.to_string()))?;
            return Ok(Window { inner: Inner::File { file: f, pa, len } });
        }
        let ulen = usize::try_from(len).map_err(|_| DevmemError::Other("window too large".into()))?;
        // SAFETY: a fresh read-only shared mapping of a file descriptor we own; no existing
        // memory is affected. The mapping is only ever read through `Window::read32`.
        let p = unsafe {
            rustix::mm::mmap(
                core::ptr::null_mut(),
                ulen,
                rustix::mm::ProtFlags::READ,
                rustix::mm::MapFlags::SHARED,
                &self.file,
                pa,
            )
        };
        match p {
            Ok(ptr) => Ok(Window { inner: Inner::Mapped { ptr: ptr as *const u8, len: ulen, pa } }),
            Err(e) => {
                let ioe = std::io::Error::from(e);
                Err(match ioe.kind() {
                    std::io::ErrorKind::PermissionDenied => DevmemError::Refused {
                        what: format!("mmap {} at {pa:#x}", self.path.display()),
                        errno: ioe.to_string(),
                        eperm: ioe.raw_os_error() == Some(1),
                    },
                    _ => DevmemError::Other(format!("mmap {} at {pa:#x}: {ioe}", self.path.display())),
                })
            }
        }
    }

    /// Reads plain memory (RAM: stream tables, queues) with pread. The kernel refuses RAM
    /// under CONFIG_STRICT_DEVMEM; substitute files always work.
    pub fn read_mem(&self, pa: u64, buf: &mut [u8]) -> Result<(), DevmemError> {
        self.file.read_exact_at(buf, pa).map_err(|e| io_err(format!("read {} at {pa:#x}", self.path.display()), e))
    }
}

/// A register read: its value, or why it could not be read.
pub struct RegRead {
    pub reg: &'static RegDef,
    pub value: Result<u64, DevmemError>,
    pub pa: u64,
}

/// The registers worth reading: those of Page 0 and Page 1 in the field model, minus the
/// Secure-only ones (Non-secure accesses to them read as zero). `page0_only` drops Page 1
/// (models whose Page 1 is aliased into Page 0, such as Cavium CN99xx).
pub fn readable_registers(page0_only: bool) -> impl Iterator<Item = &'static RegDef> {
    REGISTERS.iter().filter(move |r| {
        let page = r.offset / SMMU_PAGE as u32;
        let secure = r.name.starts_with("S_") || (r.offset & 0xffff) >= 0x8000 && (r.offset & 0xffff) < 0x9000;
        !secure && (page == 0 || (page == 1 && !page0_only))
    })
}

/// Reads every register of the SMMU at `base` through `dm`, mapping only Page 0 and (unless
/// `page0_only`) Page 1.
pub fn read_registers(dm: &Devmem, base: u64, page0_only: bool) -> Result<Vec<RegRead>, DevmemError> {
    let p0 = dm.window(base, SMMU_PAGE)?;
    let p1 =
        if page0_only {
            None
        } else {
            Some(dm.window(
                base.checked_add(SMMU_PAGE).ok_or_else(|| DevmemError::Other("base overflows".into()))?,
                SMMU_PAGE,
            ))
        };
    let mut out = Vec::new();
    for r in readable_registers(page0_only) {
        let pa = base.saturating_add(u64::from(r.offset));
        let w = if u64::from(r.offset) < SMMU_PAGE {
            Ok(&p0)
        } else {
            match &p1 {
                Some(Ok(w)) => Ok(w),
                Some(Err(e)) => Err(e.clone()),
                None => Err(DevmemError::Other("Page 1 not mapped".into())),
            }
        };
        let value = w.and_then(|w| {
            let lo = w.read32(pa)?;
            if r.width == 64 {
                let hi = w.read32(pa.saturating_add(4))?;
                Ok(u64::from(lo) | (u64::from(hi) << 32))
            } else {
                Ok(u64::from(lo))
            }
        });
        out.push(RegRead { reg: r, value, pa });
    }
    Ok(out)
}

/// Registers that change while the SMMU runs (queue indexes, errors, enable acknowledgements):
/// what a live view re-reads without probing everything again.
pub const DYNAMIC: &[&str] = &[
    "CR0ACK",
    "STATUSR",
    "IRQ_CTRLACK",
    "GERROR",
    "GERRORN",
    "CMDQ_PROD",
    "CMDQ_CONS",
    "EVTQ_PROD",
    "EVTQ_CONS",
    "PRIQ_PROD",
    "PRIQ_CONS",
];

/// Re-reads the named registers (unknown names are skipped) of the SMMU at `base`, mapping
/// only the pages they live in.
pub fn read_named(dm: &Devmem, base: u64, names: &[&str], page0_only: bool) -> Result<Vec<RegRead>, DevmemError> {
    let regs: Vec<&'static RegDef> = names
        .iter()
        .filter_map(|n| smmu_core::regs::by_name(n))
        .filter(|r| readable_registers(page0_only).any(|x| x.name == r.name))
        .collect();
    let mut windows: Vec<(u64, Window)> = Vec::new();
    let mut out = Vec::new();
    for r in regs {
        let page = u64::from(r.offset) / SMMU_PAGE * SMMU_PAGE;
        let page_pa = base.checked_add(page).ok_or_else(|| DevmemError::Other("base overflows".into()))?;
        if !windows.iter().any(|(p, _)| *p == page_pa) {
            windows.push((page_pa, dm.window(page_pa, SMMU_PAGE)?));
        }
        let w = windows.iter().find(|(p, _)| *p == page_pa).map(|(_, w)| w);
        let pa = base.saturating_add(u64::from(r.offset));
        let value = match w {
            Some(w) => w.read32(pa).and_then(|lo| {
                if r.width == 64 {
                    Ok(u64::from(lo) | (u64::from(w.read32(pa.saturating_add(4))?) << 32))
                } else {
                    Ok(u64::from(lo))
                }
            }),
            None => Err(DevmemError::Other("page not mapped".into())),
        };
        out.push(RegRead { reg: r, value, pa });
    }
    Ok(out)
}
