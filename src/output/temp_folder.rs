//! The temporary folder where rust_xlsxwriter keeps each constant-memory
//! sheet until its workbook is saved. The sheets of a large plan take
//! gigabytes there, and rust_xlsxwriter reports a folder it cannot use
//! badly: a bare "Temporary file error" when a file cannot be made, and a
//! panic (an "internal fault", exit code 101) when a write fails, as on a
//! full disk. This module turns both into errors that name the folder and
//! say what to do, so that a command stops with exit code 1 as for any
//! input it cannot use.

use anyhow::Result;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

/// A new sheet of `workbook` in constant memory: its rows go to a
/// temporary file in the system's temporary folder until the workbook is
/// saved and compressed. When that file cannot be made, the error says
/// which folder it was and what to do ([`temp_folder_advice`]), rather
/// than only rust_xlsxwriter's "Temporary file error".
pub fn add_streamed_sheet(workbook: &mut Workbook) -> Result<&mut Worksheet> {
    workbook
        .add_worksheet_with_constant_memory()
        .map_err(|e| match e {
            XlsxError::TempFileError(dir, io) => cannot_make_a_file(&dir, &io),
            e => e.into(),
        })
}

/// Whether a temporary file can be made in the system's temporary folder,
/// where the sheets of a workbook go before it is saved: for a command
/// that must know before it records anything (`confirm`). A full folder
/// is still found only while writing ([`guard_temp_folder`]).
pub fn check_temp_folder() -> Result<()> {
    let dir = std::env::temp_dir();
    tempfile::tempfile_in(&dir)
        .map(drop)
        .map_err(|io| cannot_make_a_file(&dir, &io))
}

/// The error for a temporary file that cannot be made in `dir`.
pub(crate) fn cannot_make_a_file(dir: &std::path::Path, io: &std::io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot make a temporary file in {} ({io}); {}",
        dir.display(),
        temp_folder_advice()
    )
}

/// What to do when the temporary folder cannot take the sheets.
fn temp_folder_advice() -> &'static str {
    "each sheet is written there before it goes into its workbook (at most \
     about 0.2 GB at once for a million rows): set TMPDIR (TMP on Windows) \
     to a folder that exists, can be written and has room"
}

/// Runs `work`, which writes workbooks. `Err` when it stopped because a
/// temporary file of a sheet could not be written (a full or failing
/// temporary folder): rust_xlsxwriter writes a sheet's rows to that file
/// without returning an error, and panics when a write fails. The error
/// names the folder and says what to do, and the writer's panic message is
/// not printed. Any other panic goes on as a panic (an internal fault).
pub fn guard_temp_folder<T>(work: impl FnOnce() -> T) -> Result<T> {
    quiet_temp_folder_panics();
    let outer = GUARDED.replace(true);
    TEMP_FILE_FAILED.set(false);
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    GUARDED.set(outer);
    done.map_err(|panic| {
        // The hook saw where the panic began; its text must say so too.
        let text = panic_text(&*panic).unwrap_or("");
        if !(TEMP_FILE_FAILED.take() && says_write_failed(text)) {
            std::panic::resume_unwind(panic);
        }
        anyhow::Error::new(TempFileFailed(format!(
            "a temporary file in {} could not be written ({}); {}",
            std::env::temp_dir().display(),
            text,
            temp_folder_advice()
        )))
    })
}

/// The error for a sheet's temporary file in the system's temporary
/// folder that could not be written (`io`, a full disk say), as
/// [`guard_temp_folder`] reports rust_xlsxwriter's.
pub(crate) fn temp_file_failed(io: &std::io::Error) -> anyhow::Error {
    anyhow::Error::new(TempFileFailed(format!(
        "a temporary file in {} could not be written ({io}); {}",
        std::env::temp_dir().display(),
        temp_folder_advice()
    )))
}

/// The error [`guard_temp_folder`] returns when a sheet's temporary file
/// could not be written: found in an error's chain
/// (`error.downcast_ref::<TempFileFailed>()`), it tells a caller that
/// every further sheet would fail the same way.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TempFileFailed(pub(crate) String);

thread_local! {
    /// Whether this thread runs [`guard_temp_folder`]'s work.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Whether the panic under way on this thread is a temporary-file
    /// failure of a guarded writer (set by the panic hook, which sees where
    /// the panic began).
    static TEMP_FILE_FAILED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The text of a panic's payload, when it is text.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> Option<&str> {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
}

/// Whether a panic that began in source file `file` with text `text` is
/// rust_xlsxwriter failing to write or rewind a sheet's temporary file.
/// A panic anywhere else, whatever its text, is not.
fn is_temp_write_failure(file: &str, text: &str) -> bool {
    file.contains("rust_xlsxwriter") && says_write_failed(text)
}

/// Whether a panic's text is that of rust_xlsxwriter's failed write of a
/// sheet's rows (its `expect`) or of an operating-system error unwrapped
/// (the rewind that flushes them: a full disk, a quota, an I/O error).
fn says_write_failed(text: &str) -> bool {
    text.contains("Couldn't write to xml file")
        || text.starts_with("called `Result::unwrap()` on an `Err` value: Os {")
}

/// Installs (once) a panic hook that notes a temporary-file failure inside
/// [`guard_temp_folder`], which reports it as an error, without printing
/// it, and prints every other panic as before.
fn quiet_temp_folder_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let failed = GUARDED.get()
                && info.location().is_some_and(|at| {
                    is_temp_write_failure(at.file(), panic_text(info.payload()).unwrap_or(""))
                });
            TEMP_FILE_FAILED.set(failed);
            if !failed {
                print(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer's panic is a temporary-file failure only when it began in
    /// rust_xlsxwriter and says a write failed (its `expect` on a sheet's
    /// rows, or its `unwrap` of the rewind that flushes them).
    #[test]
    fn temp_file_failures_are_told_from_other_panics() {
        let writer = "/cargo/registry/src/rust_xlsxwriter-0.102.0/src/worksheet.rs";
        let packager = "/cargo/registry/src/rust_xlsxwriter-0.102.0/src/packager.rs";
        let full = "Os { code: 28, kind: StorageFull, message: \"No space left on device\" }";
        let cases = [
            (writer, format!("Couldn't write to xml file: {full}"), true),
            (
                packager,
                format!("called `Result::unwrap()` on an `Err` value: {full}"),
                true,
            ),
            (
                packager,
                "called `Result::unwrap()` on an `Err` value: Os { code: 122, kind: QuotaExceeded, message: \"Disk quota exceeded\" }".into(),
                true,
            ),
            (
                writer,
                "index out of bounds: the len is 3 but the index is 7".into(),
                false,
            ),
            (
                "src/output/mod.rs",
                format!("Couldn't write to xml file: {full}"),
                false,
            ),
            (
                "src/files.rs",
                format!("called `Result::unwrap()` on an `Err` value: {full}"),
                false,
            ),
        ];
        for (file, text, expected) in cases {
            assert_eq!(
                is_temp_write_failure(file, &text),
                expected,
                "{file}: {text}"
            );
        }
    }

    /// Guarded work that returns is untouched, and a panic that did not
    /// begin in rust_xlsxwriter stays a panic, whatever it says. (A real
    /// full temporary folder needs a full file system: checked by hand,
    /// CHANGELOG.)
    #[test]
    fn guarded_work_lets_other_panics_through() {
        assert_eq!(guard_temp_folder(|| 7).unwrap(), 7);
        for text in [
            "a bug",
            "Couldn't write to xml file: No space left on device",
        ] {
            let other = std::panic::catch_unwind(|| {
                guard_temp_folder(|| -> u8 { std::panic::panic_any(text.to_string()) })
            });
            let payload = other.expect_err("a panic not begun in rust_xlsxwriter stays one");
            assert_eq!(panic_text(&*payload), Some(text));
        }
    }
}
