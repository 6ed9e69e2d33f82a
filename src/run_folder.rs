//! The run folder a plan writes (SPEC §5, §6): built beside its destination
//! and renamed into place, so it appears complete or not at all; marked as
//! this tool's, so that `--force` never replaces a folder a person keeps
//! (signed scans of earlier years); and proven complete by the
//! reconciliation of rows in and out before anything is written.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use polars::prelude::DataFrame;

use crate::ingest::Ingested;
use crate::policy::Disposition;

/// The run folder's description for programs (and for next year's
/// `plan --previous`, `status` and `diff`): what was planned as of when,
/// from what.
pub const RUN_FILE: &str = "run.json";

/// What `run.json` says. No time of day is kept, so that the same inputs
/// give the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunInfo {
    /// `clearance <version>`.
    pub tool: String,
    /// The as-of date, YYYY-MM-DD.
    pub as_of: String,
    /// The office.
    pub unit: String,
    /// The policy's origin (a path, or the shipped one).
    pub policy: String,
    /// SHA-256 of the policy's text.
    pub policy_sha256: String,
    /// The registers read: path, SHA-256 and size.
    pub inputs: Vec<RunInput>,
    /// The ledger the plan consulted, if any.
    #[serde(default)]
    pub ledger: Option<String>,
    /// The earlier run folder compared with, if any.
    #[serde(default)]
    pub previous: Option<String>,
}

/// One register of a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunInput {
    /// As the user named it.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

impl RunInfo {
    /// Writes `run.json` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        crate::files::write_atomically(&dir.join(RUN_FILE), |f| {
            Ok(std::io::Write::write_all(f, text.as_bytes())?)
        })
    }

    /// Reads `run.json` from the run folder `dir`.
    pub fn read(dir: &Path) -> Result<RunInfo> {
        let path = dir.join(RUN_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{}: cannot read it — is {} a run folder written by `clearance plan`?",
                path.display(),
                dir.display()
            )
        })?;
        serde_json::from_str(&text).with_context(|| format!("{}: damaged", path.display()))
    }
}

/// The file that marks a folder as a run folder written by this tool.
pub const MARKER: &str = ".clearance-run";

pub use crate::files::STAGING_PREFIX;

/// What the marker says before its list of files.
const MARKER_TEXT: &str = "clearance run folder: written by clearance; `clearance plan --force` may replace this folder while it holds only these files:\n";

/// Every file under `dir` (the marker excepted) as `size<TAB>path`, sorted.
fn listing(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if relative != MARKER {
                out.push(format!("{}\t{relative}", entry.metadata()?.len()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether `out` may be (re)written: it must not exist, or, with `force`,
/// be a run folder this tool wrote. Anything else is refused and left
/// untouched.
pub fn check_destination(out: &Path, force: bool) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        bail!(
            "{} exists and is not a folder; choose another --out",
            out.display()
        );
    }
    if !force {
        bail!(
            "{} already exists; use --force to replace it, or --out to choose another folder",
            out.display()
        );
    }
    let Ok(marker) = std::fs::read_to_string(out.join(MARKER)) else {
        bail!(
            "{} was not written by clearance (it has no {MARKER} file), so --force does not replace it; choose another --out",
            out.display()
        );
    };
    // Files a person added or changed (a signed scan, a reviewed manifest
    // saved in place) would be lost with the folder.
    let written: std::collections::BTreeSet<&str> = marker.lines().skip(1).collect();
    let changed: Vec<String> = listing(out)?
        .into_iter()
        .filter(|line| !written.contains(line.as_str()))
        .map(|line| {
            line.split_once('\t')
                .map_or(line.clone(), |(_, p)| p.to_string())
        })
        .collect();
    if !changed.is_empty() {
        let shown: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
        let more = match changed.len() {
            n if n > 5 => format!(" and {} more", n - 5),
            _ => String::new(),
        };
        bail!(
            "{} holds files clearance did not write, or changed since: {}{more}; move them out of the folder first (--force would delete them)",
            out.display(),
            shown.join(", ")
        );
    }
    Ok(())
}

/// Builds a run folder: `fill` writes into a fresh folder beside `out`,
/// which is then marked and renamed into place; an old run folder (checked
/// by [`check_destination`]) goes only after the new one is in place.
pub fn build(out: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(parent)
        .with_context(|| format!("creating a temporary folder in {}", parent.display()))?;
    let dir = staging.path();
    fill(dir)?;
    let mut marker = MARKER_TEXT.to_string();
    for line in listing(dir)? {
        marker.push_str(&line);
        marker.push('\n');
    }
    std::fs::write(dir.join(MARKER), marker)
        .with_context(|| format!("writing {}", dir.join(MARKER).display()))?;
    crate::files::set_readable(&dir.join(MARKER), false)?;
    let old = if out.exists() {
        let old = parent.join(format!(
            ".clearance-old-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        if old.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
        }
        std::fs::rename(out, &old)
            .with_context(|| format!("moving the old {} aside", out.display()))?;
        Some(old)
    } else {
        None
    };
    set_folders_readable(dir)?;
    let staged = staging.keep();
    std::fs::rename(&staged, out)
        .with_context(|| format!("moving the run folder to {}", out.display()))?;
    if let Some(old) = old {
        std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

/// Temporary folders are private; a run folder and its sub-folders are
/// ordinary ones.
fn set_folders_readable(dir: &Path) -> Result<()> {
    crate::files::set_readable(dir, true)?;
    for entry in std::fs::read_dir(dir)?.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            crate::files::set_readable(&entry.path(), true)?;
        }
    }
    Ok(())
}

/// Rows in and out for one source file and sheet (SPEC §6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reconciled {
    /// The file.
    pub file: String,
    /// The sheet.
    pub sheet: String,
    /// Non-empty rows, counted by the file reader on its own.
    pub counted: u64,
    /// Non-empty rows above the header.
    pub above_header: u64,
    /// Header rows.
    pub header: u64,
    /// Data rows read (decided + rejected).
    pub read: u64,
    /// Non-empty rows skipped (repeated headers, subtotals, footers).
    pub skipped: u64,
    /// Non-empty rows of a sheet without a register header.
    pub not_read: u64,
    /// Rows given a disposition.
    pub decided: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Notes: no header found, columns assumed, merged cells filled.
    pub notes: Vec<String>,
}

impl Reconciled {
    /// Whether every counted row is accounted for, and every data row has a
    /// disposition or a rejection.
    pub fn balances(&self) -> bool {
        self.above_header + self.header + self.read + self.skipped + self.not_read == self.counted
            && self.read == self.decided + self.rejected
    }
}

/// What the reconciliation notes of a sheet: rows not read for want of a
/// header, the reader's notes, cells filled from merged ranges.
fn sheet_notes(sheet: &crate::ingest::SheetReport) -> Vec<String> {
    let mut notes = Vec::new();
    if sheet.not_read() {
        notes.push(format!(
            "no register header found: {} non-empty rows not read",
            sheet.unread_rows
        ));
    }
    notes.extend(sheet.notes.iter().cloned());
    let filled: u64 = sheet.merged_fills.values().sum();
    if filled > 0 {
        notes.push(format!("{filled} cells filled from merged ranges"));
    }
    notes
}

/// A sheet as the decision table names it: its file and its sheet.
type SheetKey<'a> = (&'a str, &'a str);

/// Adds a run of one sheet's rows, decided and rejected, to its count; a
/// run of no rows adds nothing.
fn add_counts<'a>(
    counts: &mut BTreeMap<SheetKey<'a>, (u64, u64)>,
    (sheet, (decided, rejected)): (SheetKey<'a>, (u64, u64)),
) {
    if decided + rejected > 0 {
        let slot = counts.entry(sheet).or_default();
        slot.0 += decided;
        slot.1 += rejected;
    }
}

/// Counts rows in and out per source file and sheet: the reader's own
/// count of non-empty rows, how the parser accounted for them, and the
/// decisions made from the data rows.
pub fn reconcile(ingested: &Ingested, decisions: &DataFrame) -> Result<Vec<Reconciled>> {
    let files = decisions.column("source_file")?.str()?;
    let sheets = decisions.column("source_sheet")?.str()?;
    let disposition = crate::codes::Codes::of(decisions, "disposition")?;
    // A sheet's rows lie together: counted in a run of one sheet's rows,
    // each run added to its sheet's count when the sheet changes.
    let mut out_counts: BTreeMap<SheetKey<'_>, (u64, u64)> = BTreeMap::new();
    let mut run: (SheetKey<'_>, (u64, u64)) = (("", ""), (0, 0));
    for ((f, s), d) in files.iter().zip(sheets.iter()).zip(disposition.iter()) {
        let key = (f.unwrap_or(""), s.unwrap_or(""));
        if run.0 != key {
            add_counts(&mut out_counts, std::mem::replace(&mut run, (key, (0, 0))));
        }
        if d == Some(Disposition::Rejected.code()) {
            run.1.1 += 1;
        } else {
            run.1.0 += 1;
        }
    }
    add_counts(&mut out_counts, run);
    let mut out = Vec::new();
    for file in &ingested.files {
        for sheet in &file.sheets {
            let (decided, rejected) = out_counts
                .remove(&(file.path.as_str(), sheet.sheet.as_str()))
                .unwrap_or_default();
            if sheet.nonempty_rows == 0 && decided + rejected == 0 {
                continue;
            }
            let notes = sheet_notes(sheet);
            out.push(Reconciled {
                file: file.path.clone(),
                sheet: sheet.sheet.clone(),
                counted: sheet.nonempty_rows,
                above_header: sheet.preamble_rows,
                header: sheet.header_row_count,
                read: sheet.data_rows,
                skipped: sheet.skipped_nonempty,
                not_read: sheet.unread_rows,
                decided,
                rejected,
                notes,
            });
        }
    }
    // Rows from a source no sheet report knows of cannot be accounted for.
    for ((file, sheet), (decided, rejected)) in out_counts {
        out.push(Reconciled {
            file: file.to_string(),
            sheet: sheet.to_string(),
            decided,
            rejected,
            ..Reconciled::default()
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::guard::Format;
    use crate::ingest::{FileReport, SheetReport};
    use polars::prelude::Column;

    fn ingested(data_rows: u64) -> Ingested {
        Ingested {
            table: DataFrame::empty(),
            files: vec![FileReport {
                path: "a.xlsx".into(),
                format: Format::Xlsx,
                sha256: String::new(),
                size: 0,
                sheets: vec![SheetReport {
                    sheet: "s".into(),
                    header_rows: Some((1, 1)),
                    header_row_count: 1,
                    data_rows,
                    skipped_rows: 4,
                    skipped_nonempty: 2,
                    nonempty_rows: data_rows + 3,
                    ..SheetReport::default()
                }],
            }],
            errors: Vec::new(),
            problems: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn decisions(dispositions: &[&str]) -> DataFrame {
        let n = dispositions.len();
        DataFrame::new(
            n,
            vec![
                Column::new("source_file".into(), vec!["a.xlsx"; n]),
                Column::new("source_sheet".into(), vec!["s"; n]),
                crate::codes::column(
                    "disposition",
                    crate::fields::CodeSet::Disposition,
                    dispositions.iter().copied().map(Some),
                )
                .unwrap(),
            ],
        )
        .unwrap()
    }

    #[test]
    fn reconciliation_balances_when_every_row_is_accounted_for() {
        let r = reconcile(&ingested(3), &decisions(&["DESTROY", "REJECTED", "KEEP"])).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].read, r[0].decided, r[0].rejected), (3, 2, 1));
        assert!(r[0].balances());
    }

    #[test]
    fn reconciliation_fails_when_a_row_is_lost_or_invented() {
        let lost = reconcile(&ingested(4), &decisions(&["DESTROY", "REJECTED", "KEEP"])).unwrap();
        assert!(!lost[0].balances());
        let invented = reconcile(&ingested(1), &decisions(&["DESTROY", "KEEP"])).unwrap();
        assert!(!invented[0].balances());
        // Rows from a source no sheet report knows are unaccounted for.
        let mut stray = decisions(&["DESTROY"]);
        stray
            .with_column(Column::new("source_sheet".into(), ["other"]))
            .unwrap();
        let r = reconcile(&ingested(0), &stray).unwrap();
        assert!(r.iter().any(|x| x.sheet == "other" && !x.balances()));
    }

    /// Rows are counted in runs of one sheet: a sheet whose rows come back
    /// after another sheet's (and a file without a name) is still counted
    /// whole.
    #[test]
    fn reconciliation_counts_a_sheet_whose_rows_are_not_together() {
        let mut i = ingested(3);
        let mut other = i.files[0].sheets[0].clone();
        other.sheet = "t".into();
        other.data_rows = 2;
        other.nonempty_rows = 5;
        i.files[0].sheets.push(other);
        let sheets = ["s", "t", "s", "t", "s"];
        let mut d = decisions(&["DESTROY", "KEEP", "REJECTED", "KEEP", "KEEP"]);
        d.with_column(Column::new("source_sheet".into(), sheets))
            .unwrap();
        let r = reconcile(&i, &d).unwrap();
        let counts: Vec<_> = r
            .iter()
            .map(|x| (x.sheet.as_str(), x.decided, x.rejected))
            .collect();
        assert_eq!(counts, [("s", 2, 1), ("t", 2, 0)]);
        assert!(r.iter().all(Reconciled::balances));
        let mut unnamed = decisions(&["KEEP", "KEEP"]);
        unnamed
            .with_column(Column::new("source_file".into(), [None::<&str>, None]))
            .unwrap();
        let r = reconcile(&ingested(0), &unnamed).unwrap();
        assert!(r.iter().any(|x| x.file.is_empty() && x.decided == 2));
    }

    #[test]
    fn reconciliation_fails_when_the_reader_counted_a_row_the_parser_did_not() {
        let mut i = ingested(3);
        i.files[0].sheets[0].nonempty_rows += 1;
        let r = reconcile(&i, &decisions(&["DESTROY", "REJECTED", "KEEP"])).unwrap();
        assert!(!r[0].balances());
    }

    #[test]
    fn force_replaces_only_a_run_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let mine = tmp.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("scan.pdf"), b"signed").unwrap();
        assert!(check_destination(&mine, true).is_err());
        assert!(check_destination(&mine, false).is_err());
        let run = tmp.path().join("run");
        build(&run, |dir| Ok(std::fs::write(dir.join("a.txt"), b"1")?)).unwrap();
        assert!(check_destination(&run, false).is_err());
        check_destination(&run, true).unwrap();
        build(&run, |dir| Ok(std::fs::write(dir.join("b.txt"), b"2")?)).unwrap();
        assert!(run.join("b.txt").exists() && !run.join("a.txt").exists());
        assert!(mine.join("scan.pdf").exists());
        // A file a person added, or changed, would be lost: refused.
        std::fs::write(run.join("signed.pdf"), b"scan").unwrap();
        let err = check_destination(&run, true).unwrap_err().to_string();
        assert!(err.contains("signed.pdf"), "{err}");
        std::fs::remove_file(run.join("signed.pdf")).unwrap();
        std::fs::write(run.join("b.txt"), b"reviewed").unwrap();
        let err = check_destination(&run, true).unwrap_err().to_string();
        assert!(err.contains("b.txt"), "{err}");
    }
}
