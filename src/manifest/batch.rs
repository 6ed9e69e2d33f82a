//! What a manifest says, as data: the heading, the line items, the
//! destruction batches they are grouped into, and the digest over their
//! canonical text form (with each title as a keyed hash).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Lang;
use crate::domain::{Disposition, Level, Site};
use crate::ingest::FileReport;
use crate::labels;
use crate::output::decisions::DecisionText;
use crate::text::hex;

/// The first cell of a manifest's items sheet, naming the format: each
/// issued line one cell, a JSON array of its fields (a cell per field only
/// for a line too long for one cell).
pub const ITEMS_MAGIC: &str = "clearance-manifest v3";

/// The first cell of a manifest's items sheet written before
/// [`ITEMS_MAGIC`]: a cell per field of every line. Still read. An older
/// clearance, which knows only this one, refuses a newer manifest as made
/// by another version instead of reading its lines wrongly.
pub const ITEMS_MAGIC_CELLS: &str = "clearance-manifest v2";

/// What opens the text every digest (of a manifest or a handover list) is
/// computed over: the same whatever the layout of the items sheet, so that
/// the same lines have the same digest in every version.
const DIGEST_OPENING: &str = "clearance-manifest v2";

/// A manifest sent out for review, or the final one the committee approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestKind {
    /// The draft for review (送审稿).
    Draft,
    /// The final manifest (正式): only approved lines, naming the draft.
    Final {
        /// The digest of the draft it was approved from.
        draft_digest: String,
    },
}

/// The heading of a manifest: what the committee signs besides the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The office.
    pub unit: String,
    /// Batch id.
    pub batch: String,
    /// As-of date, `YYYY-MM-DD`.
    pub as_of: String,
    /// Site code (`FACILITY`, `IN_HOUSE`).
    pub site: String,
    /// Level code (`P-5`).
    pub level: String,
    /// Witnesses required.
    pub witnesses: u32,
    /// Draft or final.
    pub kind: ManifestKind,
}

/// Names of the heading's fields, in canonical order, for messages; a final
/// manifest's heading has two more ([`FINAL_FIELDS`]).
pub const HEADING_FIELDS: [&str; 6] = ["unit", "batch", "as_of", "site", "level", "witnesses"];

/// Names of the fields a final manifest's heading adds.
pub const FINAL_FIELDS: [&str; 2] = ["kind", "draft_digest"];

/// What the `kind` field of a final manifest's heading holds.
const FINAL: &str = "FINAL";

/// Separator of the heading's printed segments.
pub const SEGMENT_SEPARATOR: &str = "    ";

impl Heading {
    /// The heading's fields in canonical order.
    pub fn fields(&self) -> Vec<String> {
        let mut fields = vec![
            self.unit.clone(),
            self.batch.clone(),
            self.as_of.clone(),
            self.site.clone(),
            self.level.clone(),
            self.witnesses.to_string(),
        ];
        if let ManifestKind::Final { draft_digest } = &self.kind {
            fields.extend([FINAL.to_string(), draft_digest.clone()]);
        }
        fields
    }

    /// The names of [`Heading::fields`].
    pub fn field_names(&self) -> Vec<&'static str> {
        let mut names = HEADING_FIELDS.to_vec();
        if matches!(self.kind, ManifestKind::Final { .. }) {
            names.extend(FINAL_FIELDS);
        }
        names
    }

    /// A heading from its fields (as kept in a manifest).
    pub fn from_fields(f: &[String]) -> Heading {
        let get = |i: usize| f.get(i).cloned().unwrap_or_default();
        let kind = if get(6) == FINAL {
            ManifestKind::Final {
                draft_digest: get(7),
            }
        } else {
            ManifestKind::Draft
        };
        Heading {
            unit: get(0),
            batch: get(1),
            as_of: get(2),
            site: get(3),
            level: get(4),
            witnesses: get(5).parse().unwrap_or(0),
            kind,
        }
    }

    /// The printed title.
    pub fn title(&self, lang: Lang) -> String {
        match (&self.kind, lang) {
            (ManifestKind::Draft, Lang::Zh) => format!("{} 涉密载体销毁清单（送审稿）", self.unit),
            (ManifestKind::Draft, Lang::En) => {
                format!("{} destruction manifest (draft for review)", self.unit)
            }
            (ManifestKind::Final { .. }, Lang::Zh) => {
                format!("{} 涉密载体销毁清单（正式）", self.unit)
            }
            (ManifestKind::Final { .. }, Lang::En) => {
                format!("{} destruction manifest (final)", self.unit)
            }
        }
    }

    /// The printed line under the title, one segment per field after the
    /// unit (batch, as-of date, site, level, witnesses), joined by
    /// [`SEGMENT_SEPARATOR`].
    pub fn segments(&self, lang: Lang) -> Vec<String> {
        let site = labels::site(&self.site, lang);
        let method = labels::destruction_level(&self.level, lang);
        let mut segments = match lang {
            Lang::Zh => vec![
                format!("批次：{}", self.batch),
                format!("基准日期：{}", self.as_of),
                format!("销毁地点：{site}"),
                format!("销毁等级：{method}"),
                format!("监销人：至少 {} 人", self.witnesses),
            ],
            Lang::En => vec![
                format!("Batch: {}", self.batch),
                format!("As of: {}", self.as_of),
                format!("Site: {site}"),
                format!("Level: {method}"),
                format!("Witnesses: at least {}", self.witnesses),
            ],
        };
        if let ManifestKind::Final { draft_digest } = &self.kind {
            segments.push(match lang {
                Lang::Zh => format!("送审稿摘要：{draft_digest}"),
                Lang::En => format!("Draft digest: {draft_digest}"),
            });
        }
        segments
    }

    /// Whether this is a final manifest.
    pub fn is_final(&self) -> bool {
        matches!(self.kind, ManifestKind::Final { .. })
    }
}

/// One line of a destruction manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// Line number, from 1.
    pub no: u32,
    /// Document number.
    pub doc_id: String,
    /// Title.
    pub title: String,
    /// Classification as marked.
    pub classification: String,
    /// Effective classification code.
    pub effective: String,
    /// Medium as written (blank: paper).
    pub medium: String,
    /// Copies to destroy: those on hand (else those registered).
    pub copies: i64,
    /// Pages (0 when not registered).
    pub pages: i64,
    /// Department.
    pub department: String,
    /// Source file.
    pub source_file: String,
    /// Source sheet.
    pub source_sheet: String,
    /// Source row.
    pub source_row: u32,
    /// The rule that destroys it.
    pub rule: String,
    /// Why it is destroyed.
    pub reason: String,
}

/// Names of a line's canonical fields, in order, for messages. The
/// visible columns of a manifest are in the same order.
pub const FIELD_NAMES: [&str; 14] = [
    "no",
    "doc_id",
    "title",
    "classification",
    "effective_classification",
    "medium",
    "copies",
    "pages",
    "department",
    "source_file",
    "source_sheet",
    "source_row",
    "rule",
    "reason",
];

/// Position of the title among the fields.
pub const TITLE_FIELD: usize = 2;
/// Position of the effective classification among the fields.
pub const EFFECTIVE_FIELD: usize = 4;

impl LineItem {
    /// The fields of the canonical form, the title as its keyed hash.
    pub fn canonical_fields(&self, title_hash: &str) -> [String; 14] {
        [
            self.no.to_string(),
            self.doc_id.clone(),
            title_hash.to_string(),
            self.classification.clone(),
            self.effective.clone(),
            self.medium.clone(),
            self.copies.to_string(),
            self.pages.to_string(),
            self.department.clone(),
            self.source_file.clone(),
            self.source_sheet.clone(),
            self.source_row.to_string(),
            self.rule.clone(),
            self.reason.clone(),
        ]
    }
}

/// The key under which a batch's titles are hashed: derived from the
/// registers' bytes (`title_key`) and the batch id, so that it is the same
/// for the same inputs and unknown to anyone without the registers.
pub fn batch_key(title_key: &str, batch: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"clearance batch title key\n");
    h.update(title_key.as_bytes());
    h.update(b"\n");
    h.update(batch.as_bytes());
    hex(&h.finalize())
}

/// The key of a run's titles: a SHA-256 over every input's SHA-256.
pub fn title_key(files: &[FileReport]) -> String {
    let mut h = Sha256::new();
    h.update(b"clearance title key\n");
    for f in files {
        h.update(f.sha256.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

/// A title's keyed SHA-256, hex: how a title enters the digest.
pub fn title_hash(key: &str, title: &str) -> String {
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update(b"\0");
    h.update(title.as_bytes());
    hex(&h.finalize())
}

/// The digest over a heading and canonical lines (fields joined by tabs,
/// lines by newlines, tabs and newlines inside fields replaced by spaces).
/// The lines may be made as they are digested: a list of 300,000 holdings
/// is digested without holding its lines.
///
/// ```
/// use clearance::manifest::digest;
/// let heading = vec!["单位".to_string(), "2024-D-001".to_string()];
/// let a = digest(&heading, &[vec!["1".to_string(), "D-1".to_string()]]);
/// assert_eq!(a.len(), 64);
/// assert_ne!(a, digest(&heading, &[vec!["1".to_string(), "D-2".to_string()]]));
/// let other = vec!["单位".to_string(), "2024-D-002".to_string()];
/// assert_ne!(a, digest(&other, &[vec!["1".to_string(), "D-1".to_string()]]));
/// // A tab or line break inside a field counts as a space.
/// let tab = digest(&heading, &[vec!["1".to_string(), "D\t1".to_string()]]);
/// assert_eq!(tab, digest(&heading, &[vec!["1".to_string(), "D 1".to_string()]]));
/// ```
pub fn digest<L: AsRef<[String]>>(
    heading: &[String],
    lines: impl IntoIterator<Item = L>,
) -> String {
    let mut h = Sha256::new();
    h.update(DIGEST_OPENING.as_bytes());
    let mut add = |fields: &[String]| {
        h.update(b"\n");
        for (k, f) in fields.iter().enumerate() {
            if k > 0 {
                h.update(b"\t");
            }
            if f.contains(['\t', '\n', '\r']) {
                h.update(f.replace(['\t', '\n', '\r'], " ").as_bytes());
            } else {
                h.update(f.as_bytes());
            }
        }
    };
    add(heading);
    for line in lines {
        add(line.as_ref());
    }
    hex(&h.finalize())
}

/// A destruction batch: one site, one level code.
#[derive(Debug, Clone)]
pub struct Batch {
    /// `2024-D-001`.
    pub id: String,
    /// Where it is destroyed.
    pub site: Site,
    /// Level code, e.g. `P-5`.
    pub level: String,
    /// Witnesses required (the most any line needs, and at least two when
    /// a line is classified).
    pub witnesses: u32,
    /// Its lines, numbered from 1.
    pub lines: Vec<LineItem>,
}

impl Batch {
    /// The batch's heading.
    pub fn heading(&self, unit: &str, as_of: NaiveDate) -> Heading {
        Heading {
            unit: unit.to_string(),
            batch: self.id.clone(),
            as_of: as_of.to_string(),
            site: self.site.code().to_string(),
            level: self.level.clone(),
            witnesses: self.witnesses,
            kind: ManifestKind::Draft,
        }
    }

    /// The canonical lines, titles hashed under `key`.
    pub fn canonical(&self, key: &str) -> Vec<Vec<String>> {
        self.lines
            .iter()
            .map(|l| l.canonical_fields(&title_hash(key, &l.title)).to_vec())
            .collect()
    }

    /// Copies to destroy, over all lines.
    pub fn copies(&self) -> i64 {
        self.lines.iter().map(|x| x.copies).sum()
    }
}

/// The decision columns a manifest line is made from.
const LINE_COLUMNS: [&str; 18] = [
    "disposition",
    "destruction_site",
    "destruction_level",
    "witnesses",
    "doc_id",
    "title",
    "classification",
    "effective_classification",
    "medium",
    "copies",
    "copies_on_hand",
    "pages",
    "department",
    "source_file",
    "source_sheet",
    "source_row",
    "rule",
    "reason",
];

fn classified(effective: &str) -> bool {
    Level::from_code(effective).is_some_and(Level::is_classified)
}

/// Groups the DESTROY rows of a decision table into batches: facility
/// batches first, then in-house, each by level code.
pub fn batches(decisions: &DataFrame, as_of: NaiveDate) -> PolarsResult<Vec<Batch>> {
    let rows = DecisionText::new(decisions, &LINE_COLUMNS)?;
    // (0 facility / 1 in-house, level code) → (witnesses, lines).
    let mut groups: BTreeMap<(u8, String), (u32, Vec<LineItem>)> = BTreeMap::new();
    for i in rows.rows_where("disposition", Disposition::Destroy.code()) {
        // A site not written is the facility: never weaker than it could be.
        let site = rows
            .get("destruction_site", i)
            .and_then(|s| Site::from_code(&s))
            .unwrap_or(Site::Facility);
        let facility = site == Site::Facility;
        let level = rows.text("destruction_level", i).to_string();
        let (witnesses, lines) = groups.entry((u8::from(!facility), level)).or_default();
        *witnesses = (*witnesses).max(witnesses_needed(&rows, i));
        lines.push(line_item(&rows, i, lines.len() as u32 + 1));
    }
    Ok(groups
        .into_iter()
        .enumerate()
        .map(|(k, ((order, level), (witnesses, lines)))| Batch {
            id: format!("{}-D-{:03}", as_of.year(), k + 1),
            site: if order == 0 {
                Site::Facility
            } else {
                Site::InHouse
            },
            level,
            witnesses,
            lines,
        })
        .collect())
}

/// The witnesses row `i` needs: as decided (two when not given), and at
/// least two for a classified holding.
fn witnesses_needed(rows: &DecisionText, i: usize) -> u32 {
    let needed = parsed(rows, "witnesses", i).unwrap_or(2);
    let floor = if classified(&rows.text("effective_classification", i)) {
        2
    } else {
        1
    };
    needed.max(floor)
}

/// Column `name` of row `i` as a number, if it is one.
fn parsed<T: std::str::FromStr>(rows: &DecisionText, name: &str, i: usize) -> Option<T> {
    rows.get(name, i).and_then(|c| c.parse().ok())
}

/// The manifest line of decision row `i`, numbered `no`.
fn line_item(rows: &DecisionText, i: usize, no: u32) -> LineItem {
    let text = |name: &str| rows.text(name, i).to_string();
    LineItem {
        no,
        doc_id: text("doc_id"),
        title: text("title"),
        classification: text("classification"),
        effective: text("effective_classification"),
        medium: text("medium"),
        // What is destroyed is what is on hand (LOSS_SUSPECTED for the rest).
        copies: rows.copies_on_hand(i),
        pages: parsed(rows, "pages", i).unwrap_or(0),
        department: text("department"),
        source_file: text("source_file"),
        source_sheet: text("source_sheet"),
        source_row: parsed(rows, "source_row", i).unwrap_or(0),
        rule: text("rule"),
        reason: text("reason"),
    }
}
