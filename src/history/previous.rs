//! Last year's run folder (`plan --previous`): which holdings were held
//! then, and which of them no register holds now with no ledger entry to
//! explain it — holdings that went missing, to be reported at once.
//!
//! Held then means planned as anything but DONE or REJECTED: kept, on
//! loan, to archive, to return or destroy but not confirmed, on hold, in
//! review. A holding is looked for now by doc_id (else by title and
//! department); where a doc_id was held several times, each holding the
//! registers and the ledger do not account for counts as missing, those of
//! a department that no longer holds it first.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use super::{HoldingKey, LedgerIndex};
use crate::domain::{Disposition, Status};
use crate::run_folder::RunInfo;

/// A holding as last year's plan decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousHolding {
    /// Document number.
    pub doc_id: String,
    /// Title.
    pub title: String,
    /// Classification as marked.
    pub classification: String,
    /// Department.
    pub department: String,
    /// Holder.
    pub holder: String,
    /// Copies registered.
    pub copies: String,
    /// Last year's disposition code.
    pub disposition: String,
    /// Last year's reason.
    pub reason: String,
    /// Register file.
    pub source_file: String,
    /// Sheet.
    pub source_sheet: String,
    /// Row.
    pub source_row: u32,
}

/// Last year's run.
#[derive(Debug, Clone)]
pub struct PreviousRun {
    /// The run folder.
    pub dir: PathBuf,
    /// Its as-of date.
    pub as_of: String,
    /// The holdings it found held.
    pub held: Vec<PreviousHolding>,
    /// Held holdings with neither a doc_id nor a title: they cannot be
    /// looked for.
    pub unmatchable: usize,
}

/// The columns read from last year's decisions.
const COLUMNS: [&str; 11] = [
    "doc_id",
    "title",
    "classification",
    "department",
    "holder",
    "copies",
    "disposition",
    "reason",
    "source_file",
    "source_sheet",
    "source_row",
];

/// Whether a disposition means the office still held the holding.
fn held(disposition: &str) -> bool {
    !matches!(
        Disposition::from_code(disposition),
        Some(Disposition::Done | Disposition::Rejected)
    )
}

/// What identifies a holding across years: its doc_id, else its title and
/// department, each compared as the ledger compares them (width, case and
/// spaces aside); `None` with neither.
fn key(doc_id: &str, title: &str, department: &str) -> Option<(String, String)> {
    let id = crate::text::document_key(doc_id);
    if !id.is_empty() {
        return Some((id, String::new()));
    }
    let title = crate::text::document_key(title);
    (!title.is_empty()).then(|| {
        let department = crate::text::document_key(department);
        (String::new(), format!("{title}\u{1f}{department}"))
    })
}

/// Reads last year's run folder: its `run.json` and `decisions.parquet`.
pub fn read_previous(dir: &Path) -> Result<PreviousRun> {
    let info = RunInfo::read(dir)?;
    let path = dir.join("decisions.parquet");
    let file = std::fs::File::open(&path)
        .with_context(|| format!("{}: cannot open it", path.display()))?;
    let df = ParquetReader::new(file)
        .with_columns(Some(COLUMNS.iter().map(|c| c.to_string()).collect()))
        .finish()
        .map_err(|e| anyhow::anyhow!("{}: cannot read it: {e}", path.display()))?;
    let text = |name: &str| -> Result<Vec<String>> {
        let c = df.column(name)?.cast(&DataType::String)?;
        Ok(c.str()?
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect())
    };
    let cols: Vec<Vec<String>> = COLUMNS[..10]
        .iter()
        .map(|c| text(c))
        .collect::<Result<_>>()
        .with_context(|| format!("{}: not a decision table", path.display()))?;
    let rows = df.column("source_row")?.cast(&DataType::UInt32)?;
    let rows = rows.u32()?;
    let mut out = PreviousRun {
        dir: dir.to_path_buf(),
        as_of: info.as_of,
        held: Vec::new(),
        unmatchable: 0,
    };
    for (i, row) in rows.iter().enumerate() {
        let get = |c: usize| cols[c][i].clone();
        if !held(&cols[6][i]) {
            continue;
        }
        if key(&cols[0][i], &cols[1][i], &cols[3][i]).is_none() {
            out.unmatchable += 1;
            continue;
        }
        out.held.push(PreviousHolding {
            doc_id: get(0),
            title: get(1),
            classification: get(2),
            department: get(3),
            holder: get(4),
            copies: get(5),
            disposition: get(6),
            reason: get(7),
            source_file: get(8),
            source_sheet: get(9),
            source_row: row.unwrap_or(0),
        });
    }
    Ok(out)
}

/// The holdings held last year that no register holds now and no ledger
/// entry since last year's as-of date explains, in last year's order.
pub fn missing(
    previous: &PreviousRun,
    current: &DataFrame,
    ledger: &LedgerIndex,
) -> PolarsResult<Vec<PreviousHolding>> {
    let ids = current.column("doc_id")?.str()?;
    let titles = current.column("title")?.str()?;
    let departments = current.column("department")?.str()?;
    let status = crate::codes::Codes::of(current, "status_code")?;
    // With a ledger, a row marked destroyed or returned no longer holds
    // the holding (one marked archived is still the office's, in its
    // archive room): the ledger's entry, or nothing, explains
    // it. Counted as held too, one destroyed copy was counted twice and
    // hid a second copy that went missing; and a holding marked destroyed
    // with no record of its destruction went unnoticed.
    let marked_gone = |i: usize| {
        ledger.entries > 0
            && matches!(
                status.get(i).and_then(Status::from_code),
                Some(Status::Destroyed | Status::Returned)
            )
    };
    let mut now: BTreeMap<(String, String), (usize, HashSet<String>)> = BTreeMap::new();
    for i in 0..current.height() {
        if marked_gone(i) {
            continue;
        }
        let dept = departments.get(i).unwrap_or("");
        if let Some(k) = key(ids.get(i).unwrap_or(""), titles.get(i).unwrap_or(""), dept) {
            let e = now.entry(k).or_default();
            e.0 += 1;
            e.1.insert(crate::text::document_key(dept));
        }
    }
    let mut then: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, h) in previous.held.iter().enumerate() {
        if let Some(k) = key(&h.doc_id, &h.title, &h.department) {
            then.entry(k).or_default().push(i);
        }
    }
    let mut gone = Vec::new();
    for (k, holdings) in then {
        let (count_now, departments_now) = now.get(&k).cloned().unwrap_or_default();
        let first = &previous.held[holdings[0]];
        let explained = HoldingKey::of(&k.0, &first.title).map_or(0, |key| {
            ledger.left_since(&key, &first.department, &previous.as_of)
        });
        let unaccounted = holdings.len().saturating_sub(count_now + explained);
        if unaccounted == 0 {
            continue;
        }
        // Those of a department that no longer holds it go first.
        let mut order = holdings.clone();
        order.sort_by_key(|i| {
            (
                departments_now.contains(&crate::text::document_key(&previous.held[*i].department)),
                *i,
            )
        });
        gone.extend(order.into_iter().take(unaccounted));
    }
    gone.sort_unstable();
    Ok(gone.into_iter().map(|i| previous.held[i].clone()).collect())
}
