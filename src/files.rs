//! Writing files so that nobody sees half of one: every output is written to
//! a temporary file beside its place and renamed into it, and is then given
//! the permissions of an ordinary file (temporary files are private).
//!
//! A leaf module: the output writers and the run folder both use it.

use std::path::Path;

use anyhow::{Context, Result};

/// Writes a file atomically: `write` fills a temporary file beside `path`,
/// which is then renamed into place, so a reader never sees half a file.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    write(tmp.as_file_mut()).with_context(|| format!("writing {}", path.display()))?;
    // Temporary files are private; a report is an ordinary file.
    set_readable(tmp.path(), false)?;
    tmp.persist(path)
        .with_context(|| format!("moving the finished file to {}", path.display()))?;
    Ok(())
}

/// Gives a file (0644) or folder (0755) the permissions of an ordinary one.
pub fn set_readable(path: &Path, folder: bool) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if folder { 0o755 } else { 0o644 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting permissions of {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, folder);
    Ok(())
}
