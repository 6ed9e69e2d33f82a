//! Reading a reviewed draft manifest back (SPEC §1 step 5): which line the
//! committee approved, rejected or deferred, with its comment.
//!
//! A reviewed copy is first verified: any change to its heading or lines
//! since issue refuses it, naming the line and field (filling in the review
//! columns is not a change). Each line's decision is its own review cell,
//! else the copy's whole-batch decision (the cell above the review columns),
//! else none: not reviewed. A decision is read in either language
//! (同意 / 不同意 / 暂缓, Approve / Reject / Defer); anything else is not a
//! decision, and is said so.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::batch::{FIELD_NAMES, Heading};
use super::verify::{self, Place, Shown, open, read_issued, read_shown};
use crate::labels::{REVIEW_CHOICES, ReviewChoice};
use crate::output::printable::BATCH_REVIEW_ROW;

/// One line of a reviewed copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewedLine {
    /// Its canonical fields as issued ([`FIELD_NAMES`]).
    pub fields: Vec<String>,
    /// Its title as printed (withheld in a copy without titles).
    pub title: String,
    /// The decision that applies (the line's own, else the batch's).
    pub decision: Option<ReviewChoice>,
    /// Whether the decision came from the whole-batch cell.
    pub from_batch: bool,
    /// The comment that applies.
    pub comment: String,
}

impl ReviewedLine {
    /// One of its canonical fields by name ([`FIELD_NAMES`]); blank when the
    /// line does not have it.
    pub fn field(&self, name: &str) -> &str {
        FIELD_NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| self.fields.get(i))
            .map_or("", String::as_str)
    }

    /// What identifies the holding across copies of one batch (copies split
    /// by department number their lines anew): source file, sheet and row.
    pub fn key(&self) -> (String, String, String) {
        (
            self.field("source_file").to_string(),
            self.field("source_sheet").to_string(),
            self.field("source_row").to_string(),
        )
    }

    /// The line's doc_id.
    pub fn doc_id(&self) -> &str {
        self.field("doc_id")
    }
}

/// A reviewed copy of a draft manifest.
#[derive(Debug, Clone)]
pub struct ReviewedCopy {
    /// The file.
    pub path: PathBuf,
    /// The digest recorded in it (the copy as issued).
    pub digest: String,
    /// Its heading.
    pub heading: Heading,
    /// The title key (blank in a copy issued without titles).
    pub key: String,
    /// Its lines.
    pub lines: Vec<ReviewedLine>,
    /// Cells that hold something other than a decision.
    pub warnings: Vec<String>,
    /// The language it was printed in.
    pub lang: crate::config::Lang,
    /// What the index.csv beside it says (absent for a copy sent back).
    pub index: verify::IndexCheck,
}

/// Reads a decision as a reviewer wrote it.
///
/// ```
/// use clearance::labels::ReviewChoice;
/// use clearance::manifest::review::parse_decision;
/// assert_eq!(parse_decision("同意"), Ok(Some(ReviewChoice::Approve)));
/// assert_eq!(parse_decision(" reject "), Ok(Some(ReviewChoice::Reject)));
/// assert_eq!(parse_decision(""), Ok(None));
/// assert!(parse_decision("OK").is_err());
/// ```
pub fn parse_decision(text: &str) -> Result<Option<ReviewChoice>, String> {
    let t = text.trim().trim_end_matches(['。', '.', '！', '!']);
    if t.is_empty() {
        return Ok(None);
    }
    REVIEW_CHOICES
        .iter()
        .find(|(_, zh, en)| t == *zh || t.eq_ignore_ascii_case(en))
        .map(|(c, _, _)| Some(*c))
        .ok_or_else(|| format!("{t:?} is not a decision (同意 / 不同意 / 暂缓)"))
}

/// Reads and verifies a reviewed copy of a draft; a copy changed since
/// issue is refused, naming what changed, and so is a final manifest.
pub fn read_reviewed(path: &Path) -> Result<ReviewedCopy> {
    let copy = read_manifest(path)?;
    if copy.heading.is_final() {
        bail!(
            "{}: a final manifest, not a draft for review",
            path.display()
        );
    }
    Ok(copy)
}

/// Reads and verifies a manifest, draft or final: its heading, its lines
/// with their titles as printed, and any review entries. A manifest
/// changed since issue is refused, naming what changed.
pub fn read_manifest(path: &Path) -> Result<ReviewedCopy> {
    let verified = verify::verify_file(path)?;
    if !verified.intact() {
        bail!(
            "{}: changed since issue, so it cannot be used: {}",
            path.display(),
            verified.findings.join("; ")
        );
    }
    let mut wb = open(path)?;
    let issued = read_issued(&mut wb, path)?;
    let shown = read_shown(&mut wb, path)?;
    let heading = Heading::from_fields(&issued.heading);
    let mut warnings = Vec::new();
    let batch = BatchDecision::read(&shown, &mut warnings);
    let by_no: std::collections::BTreeMap<&str, &Vec<String>> =
        issued.lines.iter().map(|l| (l[0].as_str(), l)).collect();
    let mut lines = Vec::new();
    for (place, row) in shown.lines() {
        let Some(fields) = by_no.get(row[0].as_str()) else {
            continue;
        };
        lines.push(batch.line(place, row, fields, &mut warnings));
    }
    Ok(ReviewedCopy {
        path: path.to_path_buf(),
        digest: issued.digest,
        heading,
        key: issued.key,
        lines,
        warnings,
        lang: shown.lang,
        index: verified.index,
    })
}

/// The text of cell `c` of a printed row; blank when the row is shorter.
fn cell(row: &[String], c: usize) -> String {
    row.get(c).cloned().unwrap_or_default()
}

/// The whole-batch review of a copy: the decision and comment for the
/// lines left blank.
struct BatchDecision {
    /// The whole-batch decision, if one was written and can be read.
    decision: Option<ReviewChoice>,
    /// The whole-batch comment.
    comment: String,
}

impl BatchDecision {
    /// Reads the whole-batch decision and comment, from the first sheet of
    /// a long manifest; a decision that cannot be read is a warning, and
    /// not used.
    fn read(shown: &Shown, warnings: &mut Vec<String>) -> BatchDecision {
        let review_col = FIELD_NAMES.len();
        let batch_row = shown.parts[0]
            .rows
            .get(BATCH_REVIEW_ROW as usize)
            .cloned()
            .unwrap_or_default();
        let decision = match parse_decision(&cell(&batch_row, review_col)) {
            Ok(d) => d,
            Err(e) => {
                warnings.push(format!("the whole-batch decision: {e}; not used"));
                None
            }
        };
        BatchDecision {
            decision,
            comment: cell(&batch_row, review_col + 1),
        }
    }

    /// A printed line of the copy (`row`, at `place`) with its issued
    /// `fields`, its own decision and comment, else the whole batch's. A
    /// decision that cannot be read is a warning, and leaves the line not
    /// reviewed.
    fn line(
        &self,
        place: Place<'_>,
        row: &[String],
        fields: &[String],
        warnings: &mut Vec<String>,
    ) -> ReviewedLine {
        let review_col = FIELD_NAMES.len();
        // A decision that cannot be read leaves the line not reviewed: the
        // whole-batch decision is for lines left blank, not for a line
        // whose reviewer wrote something else.
        let (own, unreadable) = match parse_decision(&cell(row, review_col)) {
            Ok(d) => (d, false),
            Err(e) => {
                warnings.push(format!(
                    "{place}: {e}; the line is read as not reviewed (the whole-batch decision does not apply to it)"
                ));
                (None, true)
            }
        };
        let comment = cell(row, review_col + 1);
        let decision = if unreadable {
            None
        } else {
            own.or(self.decision)
        };
        ReviewedLine {
            fields: fields.to_vec(),
            title: cell(row, 2),
            decision,
            from_batch: own.is_none() && !unreadable && self.decision.is_some(),
            comment: if comment.is_empty() && own.is_none() {
                self.comment.clone()
            } else {
                comment
            },
        }
    }
}
