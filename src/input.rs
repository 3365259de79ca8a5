//! Bounded reads: every input atlcheck reads has a cap, and a special file (FIFO, device,
//! socket) is refused before it is read, so no input can exhaust memory or block a run.
//!
//! - [`read_file`]: a regular file up to `cap` bytes. The file is opened non-blocking (opening
//!   a FIFO with no writer would block), then checked with `fstat` on the open descriptor (no
//!   race with a swapped path); anything but a regular file is [`ReadError::NotRegular`].
//! - [`read_stdin`]: standard input up to `cap` bytes; more is [`ReadError::TooLarge`], without
//!   reading the rest.
//! - [`read_to_cap`]: any reader, up to `cap`.
//!
//! The caps atlcheck uses are the constants below; lint files use `--max-filesize`.
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Configuration files (`.atlcheck.toml`, `pyproject.toml`).
pub const CONFIG_CAP: u64 = 1024 * 1024;
/// Baselines.
pub const BASELINE_CAP: u64 = 64 * 1024 * 1024;
/// `.netrc`.
pub const NETRC_CAP: u64 = 1024 * 1024;
/// A token or secret read from standard input.
pub const SECRET_CAP: u64 = 64 * 1024;
/// Ignore files (`.gitignore`, `.ignore`, `.git/info/exclude`).
pub const IGNORE_FILE_CAP: u64 = 4 * 1024 * 1024;

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file: a FIFO, a device, a socket, a folder.
    NotRegular(&'static str),
    /// Larger than the cap (in bytes).
    TooLarge(u64),
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "is a {kind}, not a regular file"),
            ReadError::TooLarge(cap) => write!(f, "is larger than {}", human_size(*cap)),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// The kind of a non-regular file, in words.
pub fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    let ft = meta.file_type();
    if ft.is_file() {
        return None;
    }
    if ft.is_dir() {
        return Some("folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Some("FIFO");
        }
        if ft.is_char_device() {
            return Some("character device");
        }
        if ft.is_block_device() {
            return Some("block device");
        }
        if ft.is_socket() {
            return Some("socket");
        }
    }
    Some("special file")
}

/// Open a regular file for reading without blocking on a FIFO; refuse anything else.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?
    };
    #[cfg(not(unix))]
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = kind_of(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    #[cfg(unix)]
    crate::output::sink::set_blocking(&file);
    Ok(file)
}

/// Read a regular file, at most `cap` bytes.
pub fn read_file(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    if file.metadata()?.len() > cap {
        return Err(ReadError::TooLarge(cap));
    }
    read_to_cap(file, cap)
}

/// Read a regular UTF-8 text file (invalid UTF-8 replaced), at most `cap` bytes.
pub fn read_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    let bytes = read_file(path, cap)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Read standard input, at most `cap` bytes.
pub fn read_stdin(cap: u64) -> Result<Vec<u8>, ReadError> {
    read_to_cap(io::stdin().lock(), cap)
}

/// Read from `r` up to `cap` bytes; one byte more is [`ReadError::TooLarge`].
pub fn read_to_cap(r: impl Read, cap: u64) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    r.take(cap + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > cap {
        return Err(ReadError::TooLarge(cap));
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"hello").unwrap();
        assert_eq!(read_file(&p, 5).unwrap(), b"hello");
        assert!(matches!(read_file(&p, 4), Err(ReadError::TooLarge(4))));
        assert!(matches!(
            read_file(dir.path(), 4),
            Err(ReadError::NotRegular("folder"))
        ));
        #[cfg(unix)]
        {
            assert!(matches!(
                read_file(Path::new("/dev/zero"), 4),
                Err(ReadError::NotRegular("character device"))
            ));
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: mkfifo with a valid C string.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert!(matches!(
                read_file(&fifo, 4),
                Err(ReadError::NotRegular("FIFO"))
            ));
        }
        assert!(matches!(
            read_to_cap(io::repeat(0), 1000),
            Err(ReadError::TooLarge(1000))
        ));
    }
}
