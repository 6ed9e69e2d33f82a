//! Ingestion: every register file → one canonical table, plus the rows that
//! were skipped or rejected and every problem found in a cell (SPEC §2).
//!
//! This is the first stage of the pipeline. A file is first sniffed and
//! checked ([`guard`]) so that hostile or broken files give a clear error
//! instead of exhausting memory inside a reader; then its sheets are read
//! ([`formats`]) row by row into a [`sheet::SheetParser`], which finds the
//! header, sorts rows and types cells into a [`table::TableBuilder`]. Nothing
//! is dropped silently: every data row is in the table (rejected ones with a
//! reason), every other row is counted in [`SkippedRow`]s or the sheet's
//! preamble count.

pub mod cell;
mod formats;
pub mod guard;
pub mod header;
pub(crate) mod merges;
pub use merges::{HiddenParts, xlsx_hidden_parts};
pub mod record;
pub mod sheet;
pub mod table;
pub mod values;
mod xlsx;

/// The tests' seeded generator, shared with the integration tests.
#[cfg(test)]
#[path = "../../tests/support/rng.rs"]
mod test_rng;

use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::domain::Anomaly;
use crate::fields::Field;
use crate::vocabulary::Vocabulary;

pub use cell::{Cell, Row};
pub use guard::{Format, Limits};
pub use sheet::{ColumnReport, ColumnTarget, MergedRange, SheetReport};

/// A file that could not be read. Every variant names the file.
#[derive(Debug, Error)]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file has no bytes.
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: String,
    },
    /// The file is larger than the limit.
    #[error("{path}: the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not a workbook or CSV file.
    #[error("{path}: not a spreadsheet ({detail})")]
    NotSpreadsheet {
        /// The file.
        path: String,
        /// What it looked like.
        detail: String,
    },
    /// The workbook is password-protected.
    #[error("{path}: the workbook is password-protected; save an unprotected copy and try again")]
    Encrypted {
        /// The file.
        path: String,
    },
    /// A part of the archive would inflate past the limit.
    #[error(
        "{path}: part {entry} would inflate to {size} bytes, over the limit of {limit} bytes (a damaged file or a zip bomb); nothing of it was read"
    )]
    Inflates {
        /// The file.
        path: String,
        /// The archive entry.
        entry: String,
        /// Its declared size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The shared-string table claims more entries than it could hold.
    #[error(
        "{path}: the shared-string table claims {claimed} entries in {bytes} bytes; the file is damaged or hostile"
    )]
    SharedStrings {
        /// The file.
        path: String,
        /// Entries claimed.
        claimed: u64,
        /// Bytes of the table.
        bytes: u64,
    },
    /// The workbook is damaged (truncated, malformed XML, …).
    #[error("{path}: the workbook is damaged or unreadable: {detail}")]
    Corrupt {
        /// The file.
        path: String,
        /// The reader's message.
        detail: String,
    },
    /// Two inputs hold the same bytes: one register given twice (copied
    /// into two folders, say) would plan each holding twice.
    #[error(
        "{path}: the same file as {first} (the same SHA-256 {sha256}): one register given twice would plan each holding twice; give it once"
    )]
    SameContent {
        /// The later file.
        path: String,
        /// The file given first.
        first: String,
        /// Their SHA-256.
        sha256: String,
    },
    /// A CSV file in neither UTF-8 nor GB18030.
    #[error("{path}: the text is neither UTF-8 nor GB18030/GBK")]
    Encoding {
        /// The file.
        path: String,
    },
    /// The rows the parser accounted for do not add up to the rows the
    /// reader counted: a row would be lost.
    #[error(
        "{path} [{sheet}]: {counted} non-empty rows counted, but {accounted} accounted for (above the header, header, data, skipped, not read); nothing was planned"
    )]
    Unbalanced {
        /// The file.
        path: String,
        /// The sheet.
        sheet: String,
        /// Non-empty rows the reader counted.
        counted: u64,
        /// Rows the parser accounted for.
        accounted: u64,
    },
    /// Two registers side by side under one header row: the right-hand
    /// one's holdings would be read as the left one's extra columns.
    #[error(
        "{path} [{sheet}]: the header names the same columns twice ({columns}): two registers side by side? Their right-hand holdings would be lost; put one below the other (or in its own sheet) and plan again"
    )]
    SideBySide {
        /// The file.
        path: String,
        /// The sheet.
        sheet: String,
        /// The repeated fields and their columns.
        columns: String,
    },
    /// No sheet of the file has a register header.
    #[error(
        "{path}: no register header found in any sheet (a header needs at least {min} cells naming known columns, including doc_id or title)"
    )]
    NoHeader {
        /// The file.
        path: String,
        /// Matches needed.
        min: u32,
    },
}

/// Whether a cell problem sends the row to REVIEW or is only an anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// An unrecognised value in a decision field: the row goes to REVIEW.
    Review,
    /// A bad value elsewhere, or a partial date: the row is still planned.
    Anomaly,
}

/// What kind of problem a cell has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The value is not understood.
    NotUnderstood,
    /// Only a year or a month was written.
    PartialDate,
    /// Two columns of one field disagree.
    Conflict,
}

impl ProblemKind {
    /// The anomaly the problem gives a row when it is not a REVIEW.
    pub fn anomaly(self) -> Anomaly {
        match self {
            ProblemKind::PartialDate => Anomaly::DatePartial,
            ProblemKind::NotUnderstood | ProblemKind::Conflict => Anomaly::InvalidValue,
        }
    }
}

/// A problem found in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// The sheet.
    pub sheet: String,
    /// 1-based row.
    pub row: u32,
    /// 0-based column.
    pub column: u32,
    /// The field the column was read as.
    pub field: Field,
    /// The cell as written.
    pub raw: String,
    /// What is wrong.
    pub message: String,
    /// Its kind.
    pub kind: ProblemKind,
    /// What follows from it.
    pub severity: Severity,
    /// What to do about it (the words accepted, where to add one), or "".
    pub hint: String,
}

/// A row, or a run of blank rows, that is not data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// The file.
    pub file: String,
    /// The sheet.
    pub sheet: String,
    /// 1-based row (the first of a run).
    pub row: u32,
    /// Rows in the run (1 but for blank runs).
    pub rows: u32,
    /// Why it was skipped.
    pub reason: String,
}

/// How one file was read.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file as the user named it.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Each sheet.
    pub sheets: Vec<SheetReport>,
}

/// One file's rows and findings.
pub struct FileRead {
    /// How it was read.
    pub report: FileReport,
    /// Its rows.
    pub table: DataFrame,
    /// Problems found in cells.
    pub problems: Vec<Problem>,
    /// Rows skipped.
    pub skipped: Vec<SkippedRow>,
}

/// Everything read from all inputs.
pub struct Ingested {
    /// The canonical table of every readable file, in input order.
    pub table: DataFrame,
    /// One report per readable file.
    pub files: Vec<FileReport>,
    /// Files that could not be read.
    pub errors: Vec<IngestError>,
    /// Problems found in cells.
    pub problems: Vec<Problem>,
    /// Rows skipped.
    pub skipped: Vec<SkippedRow>,
}

/// Rows read so far by the streaming readers, for the progress display
/// only (counted in batches; nothing is decided from it).
pub static ROWS_READ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Reads every file; unreadable files are collected in
/// [`Ingested::errors`], never abort the others.
pub fn ingest(paths: &[PathBuf], vocab: &Vocabulary, limits: &Limits) -> Ingested {
    let results: Vec<Result<FileRead, IngestError>> = read_all(paths, vocab, limits);
    let mut tables = Vec::new();
    let mut out = Ingested {
        table: DataFrame::empty(),
        files: Vec::new(),
        errors: Vec::new(),
        problems: Vec::new(),
        skipped: Vec::new(),
    };
    let mut contents: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for result in results {
        match result {
            Ok(read)
                if read.table.height() > 0
                    && let Some(first) = contents.get(&read.report.sha256) =>
            {
                out.errors.push(IngestError::SameContent {
                    path: read.report.path.clone(),
                    first: first.clone(),
                    sha256: read.report.sha256.clone(),
                });
            }
            Ok(read) => {
                if read.table.height() > 0 {
                    contents.insert(read.report.sha256.clone(), read.report.path.clone());
                }
                tables.push(read.table);
                out.files.push(read.report);
                out.problems.extend(read.problems);
                out.skipped.extend(read.skipped);
            }
            Err(e) => out.errors.push(e),
        }
    }
    match table::concat_tables(tables) {
        Ok(t) => out.table = t,
        Err(e) => out.errors.push(IngestError::Corrupt {
            path: "(all inputs)".into(),
            detail: e.to_string(),
        }),
    }
    out
}

/// Reads files on as many threads as there are cores, keeping input order.
fn read_all(
    paths: &[PathBuf],
    vocab: &Vocabulary,
    limits: &Limits,
) -> Vec<Result<FileRead, IngestError>> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(paths.len().max(1));
    if workers <= 1 {
        return paths.iter().map(|p| read_file(p, vocab, limits)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<FileRead, IngestError>>> =
        (0..paths.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= paths.len() {
                            break mine;
                        }
                        mine.push((i, read_file(&paths[i], vocab, limits)));
                    }
                })
            })
            .collect();
        // A worker that died leaves its slots empty: reported below.
        for handle in handles {
            for (i, result) in handle.join().unwrap_or_default() {
                slots[i] = Some(result);
            }
        }
    });
    slots
        .into_iter()
        .zip(paths)
        .map(|(slot, path)| {
            slot.unwrap_or_else(|| {
                Err(IngestError::Corrupt {
                    path: path.display().to_string(),
                    detail: "the reader stopped unexpectedly".into(),
                })
            })
        })
        .collect()
}

/// Reads one file. Never panics: a reader that panics on a damaged file is
/// reported as [`IngestError::Corrupt`].
pub fn read_file(
    path: &Path,
    vocab: &Vocabulary,
    limits: &Limits,
) -> Result<FileRead, IngestError> {
    let name = path.display().to_string();
    let bytes = guard::read_bytes(path, &name, limits)?;
    let format = guard::check(&name, path, &bytes, limits)?;
    let size = bytes.len() as u64;
    // The file's digest is taken on another core while the workbook opens.
    let (read, sha256) = crate::cores::both(
        || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                formats::read(&name, format, &bytes, vocab)
            }))
        },
        || crate::text::hex(&Sha256::digest(&bytes)),
    );
    let read = read.unwrap_or_else(|_| {
        Err(IngestError::Corrupt {
            path: name.clone(),
            detail: "the reader failed on malformed content".into(),
        })
    })?;
    if let Some(s) = read.sheets.iter().find(|s| !s.balances()) {
        return Err(IngestError::Unbalanced {
            path: name,
            sheet: s.sheet.clone(),
            counted: s.nonempty_rows,
            accounted: s.accounted(),
        });
    }
    if let Some(s) = read.sheets.iter().find(|s| s.side_by_side.is_some()) {
        return Err(IngestError::SideBySide {
            path: name,
            sheet: s.sheet.clone(),
            columns: s.side_by_side.clone().unwrap_or_default(),
        });
    }
    if !read.sheets.iter().any(|s| s.header_rows.is_some()) {
        return Err(IngestError::NoHeader {
            path: name,
            min: vocab.header_min_matches,
        });
    }
    let table = read.table.finish().map_err(|e| IngestError::Corrupt {
        path: name.clone(),
        detail: e.to_string(),
    })?;
    Ok(FileRead {
        report: FileReport {
            path: name,
            format,
            sha256,
            size,
            sheets: read.sheets,
        },
        table,
        problems: read.problems,
        skipped: read.skipped,
    })
}
