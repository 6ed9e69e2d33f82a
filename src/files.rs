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
    write(tmp.as_file_mut()).with_context(|| writing(path))?;
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

/// The start of the name of a run folder while it is being built (see
/// `run_folder`).
pub const STAGING_PREFIX: &str = ".clearance-run-";

/// How an output file is named in a message: its path, or, inside a run
/// folder being built, its path within the folder
/// (`manifests/2024-D-001.xlsx`): the folder's temporary name means
/// nothing to the reader, and the folder is gone once writing fails.
///
/// ```
/// use std::path::Path;
/// use clearance::files::file_label;
/// assert_eq!(file_label(Path::new("reports/.clearance-run-x1/manifests/a.xlsx")), "manifests/a.xlsx");
/// assert_eq!(file_label(Path::new("out/validation.xlsx")), "out/validation.xlsx");
/// ```
pub fn file_label(path: &Path) -> String {
    let components: Vec<_> = path.components().collect();
    let staging = components
        .iter()
        .rposition(|c| c.as_os_str().to_string_lossy().starts_with(STAGING_PREFIX));
    match staging {
        Some(at) if at + 1 < components.len() => components[at + 1..]
            .iter()
            .collect::<std::path::PathBuf>()
            .display()
            .to_string(),
        _ => path.display().to_string(),
    }
}

/// The context of an error writing the file at `path`: `writing <file>`
/// ([`file_label`]). Sheet writers add the sheet.
pub fn writing(path: &Path) -> String {
    format!("writing {}", file_label(path))
}
