//! Reading a host tree without trusting it. `smmu collect --root DIR` reads a copied sysfs /
//! procfs / firmware tree that anyone may have made, so every path is resolved inside DIR:
//! `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)` where the kernel has it (Linux 5.6+),
//! otherwise a walk one component at a time with `O_NOFOLLOW`, following symlinks by hand
//! with `..` and absolute targets clamped at DIR. So a symlink (absolute or relative) never
//! leaves the tree.
//!
//! What is read must be a regular file: FIFOs, sockets and device nodes are refused before a
//! byte is read (opening uses `O_NONBLOCK`, so a FIFO cannot block the open either), except
//! the real device nodes `collect` needs (/dev/kmsg, /dev/mem, VFIO cdevs, /dev/iommu) on the
//! live root ("/"). Every read is capped by a limit that fits the kind of file.

use rustix::fs::{AtFlags, FileType, Mode, OFlags, ResolveFlags};
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// A sysfs attribute, /proc/version, /proc/cmdline, MIDR_EL1.
pub const LIMIT_TEXT: u64 = 64 << 10;
/// /proc/iomem (a few hundred lines on large servers).
pub const LIMIT_IOMEM: u64 = 4 << 20;
/// ACPI tables and device tree blobs (QEMU's DTB is 1 MiB).
pub const LIMIT_TABLE: u64 = 16 << 20;
/// One property file of an unpacked device tree.
pub const LIMIT_DT_PROP: u64 = 1 << 20;
/// A saved kernel log: only the last this-many bytes are read.
pub const LIMIT_LOG: u64 = 256 << 20;
/// Directory entries listed at most.
pub const MAX_ENTRIES: usize = 100_000;
/// Symlinks followed at most while resolving one path (as the kernel's MAXSYMLINKS).
const MAX_LINKS: usize = 40;

/// Why a file was refused (not an I/O error): carried inside `std::io::Error` so callers that
/// only know io errors still print it, and [`refusal`] tells it apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

fn refuse(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, Refusal(msg))
}

/// The refusal inside an io error, if it is one.
pub fn refusal(e: &std::io::Error) -> Option<&Refusal> {
    e.get_ref().and_then(|x| x.downcast_ref::<Refusal>())
}

/// The device nodes `collect` may open on the live root, by (major, minor); `None` = any
/// character device (VFIO cdevs and /dev/iommu have dynamic numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// Regular files only.
    None,
    /// /dev/mem: character device 1:1.
    Mem,
    /// /dev/kmsg: character device 1:11.
    Kmsg,
    /// A VFIO cdev or /dev/iommu (dynamic numbers).
    AnyChar,
}

impl Device {
    fn accepts(self, rdev: u64) -> bool {
        let (maj, min) = (rustix::fs::major(rdev), rustix::fs::minor(rdev));
        match self {
            Device::None => false,
            Device::Mem => (maj, min) == (1, 1),
            Device::Kmsg => (maj, min) == (1, 11),
            Device::AnyChar => true,
        }
    }
}

fn type_name(t: FileType) -> &'static str {
    match t {
        FileType::RegularFile => "a regular file",
        FileType::Directory => "a directory",
        FileType::Symlink => "a symlink",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        _ => "an unknown kind of file",
    }
}

/// Checks what an opened descriptor is: a regular file, or (where `dev` allows) the expected
/// device node.
pub fn check_kind(fd: BorrowedFd<'_>, shown: &str, dev: Device, live: bool) -> std::io::Result<FileType> {
    let st = rustix::fs::fstat(fd)?;
    let t = FileType::from_raw_mode(st.st_mode);
    match t {
        FileType::RegularFile => Ok(t),
        FileType::CharacterDevice if live && dev.accepts(st.st_rdev) => Ok(t),
        FileType::CharacterDevice if dev != Device::None && !live => Err(refuse(format!(
            "{shown} is a character device ({}:{}): refused under --root, which reads regular files only \
             (a copied tree has no devices; give a file)",
            rustix::fs::major(st.st_rdev),
            rustix::fs::minor(st.st_rdev)
        ))),
        FileType::CharacterDevice if dev != Device::None => Err(refuse(format!(
            "{shown} is character device {}:{}, not the expected device node: refused",
            rustix::fs::major(st.st_rdev),
            rustix::fs::minor(st.st_rdev)
        ))),
        _ => Err(refuse(format!(
            "{shown} is {}, not a regular file: refused (reading it could block or never end)",
            type_name(t)
        ))),
    }
}

/// Opens a file given on the command line (`--mem`, `--devmem`, `--kernel-log`) without
/// blocking on a FIFO: it must be a regular file, or the device `dev` allows.
pub fn open_arg(path: &Path, dev: Device) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32)
        .open(path)?;
    check_kind(f.as_fd(), &path.display().to_string(), dev, true)?;
    Ok(f)
}

/// Maps a regular file opened by [`open_arg`] read-only (the `--mem` images of `walk` and
/// `ptdump`). The one `unsafe` of the image reader lives here, with the rest of the crate's.
pub fn map_readonly(f: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: a read-only (PROT_READ) mapping of a regular file (open_arg refused anything else);
    // the bytes are only read through the returned slice. If another process truncates the
    // file while it is mapped, reads past the new end fault (SIGBUS): the accepted risk of
    // every mmap-based reader, taken so that images of many GiB are never read whole.
    unsafe { memmap2::Mmap::map(f) }
}

/// Reads at most `limit` bytes from `r`; more is an error naming `what`.
pub fn read_capped(mut r: impl Read, limit: u64, shown: &str, what: &str) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    r.by_ref().take(limit.saturating_add(1)).read_to_end(&mut v)?;
    if v.len() as u64 > limit {
        return Err(refuse(format!(
            "{shown} is larger than {limit} bytes, the limit for {what}: refused (a runaway file or a device)"
        )));
    }
    Ok(v)
}

/// Shortens a value for an error message: at most `max` characters, with a note saying how
/// long it was.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max).collect();
    format!("{head}... ({} bytes in all, cut)", s.len())
}

/// A tree every path is resolved inside.
pub struct Root {
    fd: OwnedFd,
    path: PathBuf,
    live: bool,
    /// openat2 works here (cleared on ENOSYS, EPERM from a seccomp filter, or EINVAL from an
    /// old kernel).
    openat2: AtomicBool,
}

impl std::fmt::Debug for Root {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Root").field("path", &self.path).field("live", &self.live).finish()
    }
}

/// What a directory entry is (symlinks are not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    Dir,
    File,
    Link,
    Other,
}

impl Root {
    /// Opens `path` as the root of every later lookup. "/" is the live host.
    pub fn new(path: &Path) -> std::io::Result<Root> {
        let fd = rustix::fs::open(path, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
        let live = path == Path::new("/");
        Ok(Root { fd, path: path.to_path_buf(), live, openat2: AtomicBool::new(true) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True for "/" (the live host), where real device nodes may be opened.
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// How a path is shown to the user: as is on the live root, else under the tree.
    pub fn shown(&self, abs: &str) -> String {
        if self.live {
            abs.to_string()
        } else {
            self.path.join(abs.trim_start_matches('/')).display().to_string()
        }
    }

    /// Resolves `abs` inside the root and opens it with `flags`.
    fn resolve(&self, abs: &str, flags: OFlags) -> std::io::Result<OwnedFd> {
        let rel = abs.trim_start_matches('/');
        let rel = if rel.is_empty() { "." } else { rel };
        // openat2 rejects O_PATH with any flag but O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC.
        let flags = if flags.contains(OFlags::PATH) {
            flags | OFlags::CLOEXEC
        } else {
            flags | OFlags::CLOEXEC | OFlags::NOCTTY
        };
        if self.openat2.load(Ordering::Relaxed) {
            match rustix::fs::openat2(
                &self.fd,
                rel,
                flags,
                Mode::empty(),
                ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
            ) {
                Ok(fd) => return Ok(fd),
                // No openat2 (old kernel) or a seccomp filter refusing it: walk instead, which
                // gives the real error if there is one.
                Err(rustix::io::Errno::NOSYS) | Err(rustix::io::Errno::PERM) => {
                    self.openat2.store(false, Ordering::Relaxed)
                }
                Err(e) => return Err(e.into()),
            }
        }
        self.walk(rel, flags)
    }

    /// The fallback resolver: one component at a time with O_NOFOLLOW; symlinks are read and
    /// spliced into the remaining path, absolute targets restart at the root and `..` never
    /// climbs above it.
    fn walk(&self, rel: &str, flags: OFlags) -> std::io::Result<OwnedFd> {
        let mut stack: Vec<OwnedFd> = Vec::new();
        let mut pending: std::collections::VecDeque<String> =
            rel.split('/').filter(|c| !c.is_empty() && *c != ".").map(str::to_string).collect();
        let mut links = 0usize;
        while let Some(c) = pending.pop_front() {
            if c == "." {
                continue;
            }
            if c == ".." {
                stack.pop();
                continue;
            }
            let dir: BorrowedFd<'_> = stack.last().map(|f| f.as_fd()).unwrap_or(self.fd.as_fd());
            let st = rustix::fs::statat(dir, c.as_str(), AtFlags::SYMLINK_NOFOLLOW)?;
            if FileType::from_raw_mode(st.st_mode) == FileType::Symlink {
                links += 1;
                if links > MAX_LINKS {
                    return Err(std::io::Error::from_raw_os_error(rustix::io::Errno::LOOP.raw_os_error()));
                }
                let target = rustix::fs::readlinkat(dir, c.as_str(), Vec::new())?;
                let t = target.to_string_lossy().into_owned();
                if t.starts_with('/') {
                    stack.clear();
                }
                for part in t.split('/').rev().filter(|p| !p.is_empty()) {
                    pending.push_front(part.to_string());
                }
                continue;
            }
            if pending.is_empty() {
                return Ok(rustix::fs::openat(dir, c.as_str(), flags | OFlags::NOFOLLOW, Mode::empty())?);
            }
            let fd = rustix::fs::openat(
                dir,
                c.as_str(),
                OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            stack.push(fd);
        }
        let dir: BorrowedFd<'_> = stack.last().map(|f| f.as_fd()).unwrap_or(self.fd.as_fd());
        Ok(rustix::fs::openat(dir, ".", flags, Mode::empty())?)
    }

    /// Opens `abs` for reading: a regular file, or on the live root the device `dev` allows.
    pub fn open(&self, abs: &str, dev: Device) -> std::io::Result<File> {
        let fd = self.resolve(abs, OFlags::RDONLY | OFlags::NONBLOCK)?;
        check_kind(fd.as_fd(), &self.shown(abs), dev, self.live)?;
        Ok(File::from(fd))
    }

    /// Reads a regular file whole, at most `limit` bytes (`what` names the limit in errors).
    pub fn read(&self, abs: &str, limit: u64, what: &str) -> std::io::Result<Vec<u8>> {
        let f = self.open(abs, Device::None)?;
        read_capped(f, limit, &self.shown(abs), what)
    }

    /// A small text file (sysfs attribute, /proc/version), trimmed.
    pub fn read_text(&self, abs: &str) -> std::io::Result<String> {
        let b = self.read(abs, LIMIT_TEXT, "a sysfs/procfs text file")?;
        Ok(String::from_utf8_lossy(&b).trim().to_string())
    }

    /// True when `abs` resolves to something (of any kind) inside the root.
    pub fn exists(&self, abs: &str) -> bool {
        self.resolve(abs, OFlags::PATH).is_ok()
    }

    /// True when `abs` resolves to a directory inside the root.
    pub fn is_dir(&self, abs: &str) -> bool {
        self.resolve(abs, OFlags::PATH | OFlags::DIRECTORY).is_ok()
    }

    /// The entries of a directory (sorted), each with its kind, symlinks not followed.
    pub fn entries(&self, abs: &str) -> std::io::Result<Vec<(String, Entry)>> {
        let fd = self.resolve(abs, OFlags::RDONLY | OFlags::DIRECTORY)?;
        let dir = rustix::fs::Dir::read_from(&fd)?;
        let mut v = Vec::new();
        for e in dir {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name == "." || name == ".." {
                continue;
            }
            let kind = match e.file_type() {
                FileType::Directory => Entry::Dir,
                FileType::RegularFile => Entry::File,
                FileType::Symlink => Entry::Link,
                FileType::Unknown => match rustix::fs::statat(&fd, name.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) => match FileType::from_raw_mode(st.st_mode) {
                        FileType::Directory => Entry::Dir,
                        FileType::RegularFile => Entry::File,
                        FileType::Symlink => Entry::Link,
                        _ => Entry::Other,
                    },
                    Err(_) => Entry::Other,
                },
                _ => Entry::Other,
            };
            v.push((name, kind));
            if v.len() > MAX_ENTRIES {
                return Err(refuse(format!("{} has more than {MAX_ENTRIES} entries: refused", self.shown(abs))));
            }
        }
        v.sort();
        Ok(v)
    }

    /// The names in a directory, sorted.
    pub fn list(&self, abs: &str) -> std::io::Result<Vec<String>> {
        Ok(self.entries(abs)?.into_iter().map(|(n, _)| n).collect())
    }

    /// The last component of a symlink's target (`device`, `driver`, `iommu_group` links in
    /// sysfs); the link's parent is resolved inside the root, the link itself is not followed.
    pub fn link_name(&self, abs: &str) -> Option<String> {
        let abs = abs.trim_end_matches('/');
        let (parent, name) = abs.rsplit_once('/')?;
        if name.is_empty() || name == "." || name == ".." {
            return None;
        }
        let dir = self.resolve(if parent.is_empty() { "/" } else { parent }, OFlags::PATH | OFlags::DIRECTORY).ok()?;
        let t = rustix::fs::readlinkat(&dir, name, Vec::new()).ok()?;
        let t = t.to_string_lossy().into_owned();
        t.rsplit('/').find(|c| !c.is_empty()).map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_says_how_long() {
        assert_eq!(clip("abc", 5), "abc");
        let long = "x".repeat(1 << 20);
        let c = clip(&long, 40);
        assert!(c.len() < 100, "{c}");
        assert!(c.contains("1048576 bytes in all"), "{c}");
    }

    #[test]
    fn walk_and_openat2_agree_on_escapes() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("a/b")).unwrap();
        std::fs::write(r.join("a/b/f"), "inside").unwrap();
        std::os::unix::fs::symlink("/a/b/f", r.join("abs")).unwrap();
        std::os::unix::fs::symlink("../../../../../../a/b/f", r.join("a/b/up")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", r.join("host")).unwrap();
        rustix::fs::mknodat(rustix::fs::CWD, r.join("a/fifo"), FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
        std::os::unix::fs::symlink("a/fifo", r.join("fifo-link")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", r.join("zero")).unwrap();
        std::os::unix::fs::symlink("/loop", r.join("loop")).unwrap();
        std::fs::File::create(r.join("big")).unwrap().set_len(4096).unwrap();
        let root = Root::new(r).unwrap();
        for use_openat2 in [true, false] {
            root.openat2.store(use_openat2, Ordering::Relaxed);
            assert_eq!(root.read_text("/abs").unwrap(), "inside");
            assert_eq!(root.read_text("/a/b/up").unwrap(), "inside");
            // /etc/hostname of the host is not inside the tree.
            assert_eq!(root.read_text("/host").unwrap_err().kind(), std::io::ErrorKind::NotFound);
            assert_eq!(root.link_name("/abs").as_deref(), Some("f"));
            assert_eq!(root.list("/a").unwrap(), vec!["b".to_string(), "fifo".to_string()]);
            // A FIFO (here through a symlink) is refused without blocking.
            let e = root.read_text("/fifo-link").unwrap_err();
            assert!(refusal(&e).is_some_and(|r| r.0.contains("is a FIFO")), "{e}");
            // /dev/zero of the host is not inside the tree; a big file is refused at its cap.
            assert_eq!(root.read_text("/zero").unwrap_err().kind(), std::io::ErrorKind::NotFound);
            let e = root.read("/big", 1000, "a test file").unwrap_err();
            assert!(refusal(&e).is_some_and(|r| r.0.contains("larger than 1000 bytes, the limit for a test file")));
            // Link loops end.
            assert!(root.read_text("/loop").is_err());
        }
    }
}
