//! Destruction manifests (SPEC §1 steps 4–5, §4, §5): the documents a
//! committee prints, reviews, signs and trusts.
//!
//! DESTROY rows are grouped into batches by destruction site and level code
//! (`2024-D-001`, …), each written as its own workbook with a review column;
//! every line shows the rule and reason that destroy it, since the committee
//! approves on the reason. Every manifest carries a SHA-256 digest over a
//! canonical text form of its heading (unit, batch, as-of date, site, level
//! code, witnesses required) and its line items — not over the xlsx bytes,
//! so that filling in the review columns, or opening and saving the file in
//! Excel, changes nothing — and keeps what was issued in a hidden sheet, so
//! that [`verify`] can name the field or line that was changed, added or
//! removed.
//!
//! A title enters the digest as a keyed SHA-256: the key is derived from the
//! registers' own bytes and the batch, and is kept only in the office's
//! copy. A copy with titles withheld for an outside facility carries the
//! same digest and verifies, yet holds nothing from which a guessed title
//! could be confirmed (SPEC §6).

pub mod verify;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Lang;
use crate::ingest::{FileReport, hex};
use crate::output::plan_workbook::{display_code, level_label};
use crate::output::printable::{Printable, write_printable};
use crate::output::{OutCell, new_workbook, save_atomically, write_atomically};

/// The sheet that keeps what was issued.
pub const ITEMS_SHEET: &str = "_items";
/// The first cell of the items sheet, naming the format.
pub const ITEMS_MAGIC: &str = "clearance-manifest v2";
/// What a redacted title shows.
pub const REDACTED: &str = "〔标题已隐去 / title withheld〕";

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
}

/// Names of the heading's fields, in canonical order, for messages.
pub const HEADING_FIELDS: [&str; 6] = ["unit", "batch", "as_of", "site", "level", "witnesses"];

impl Heading {
    /// The heading's fields in canonical order.
    pub fn fields(&self) -> [String; 6] {
        [
            self.unit.clone(),
            self.batch.clone(),
            self.as_of.clone(),
            self.site.clone(),
            self.level.clone(),
            self.witnesses.to_string(),
        ]
    }

    /// A heading from its fields (as kept in a manifest).
    pub fn from_fields(f: &[String]) -> Heading {
        let get = |i: usize| f.get(i).cloned().unwrap_or_default();
        Heading {
            unit: get(0),
            batch: get(1),
            as_of: get(2),
            site: get(3),
            level: get(4),
            witnesses: get(5).parse().unwrap_or(0),
        }
    }

    /// The printed title.
    pub fn title(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{} 涉密载体销毁清单（送审稿）", self.unit),
            Lang::En => format!("{} destruction manifest (draft for review)", self.unit),
        }
    }

    /// The printed line under the title, one segment per field after the
    /// unit (batch, as-of date, site, level, witnesses), joined by four
    /// spaces.
    pub fn segments(&self, lang: Lang) -> [String; 5] {
        let site = display_code(lang)("destruction_site", &self.site).unwrap_or_default();
        let method = method_text(&self.level, lang);
        match lang {
            Lang::Zh => [
                format!("批次：{}", self.batch),
                format!("基准日期：{}", self.as_of),
                format!("销毁地点：{site}"),
                format!("销毁等级：{method}"),
                format!("监销人：至少 {} 人", self.witnesses),
            ],
            Lang::En => [
                format!("Batch: {}", self.batch),
                format!("As of: {}", self.as_of),
                format!("Site: {site}"),
                format!("Level: {method}"),
                format!("Witnesses: at least {}", self.witnesses),
            ],
        }
    }
}

/// Separator of the heading's printed segments.
pub const SEGMENT_SEPARATOR: &str = "    ";

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
///
/// ```
/// use clearance::manifest::digest;
/// let heading = vec!["单位".to_string(), "2024-D-001".to_string()];
/// let a = digest(&heading, &[vec!["1".to_string(), "D-1".to_string()]]);
/// assert_eq!(a.len(), 64);
/// assert_ne!(a, digest(&heading, &[vec!["1".to_string(), "D-2".to_string()]]));
/// let other = vec!["单位".to_string(), "2024-D-002".to_string()];
/// assert_ne!(a, digest(&other, &[vec!["1".to_string(), "D-1".to_string()]]));
/// ```
pub fn digest(heading: &[String], lines: &[Vec<String>]) -> String {
    let mut h = Sha256::new();
    h.update(ITEMS_MAGIC.as_bytes());
    let clean = |fields: &[String]| -> String {
        fields
            .iter()
            .map(|f| f.replace(['\t', '\n', '\r'], " "))
            .collect::<Vec<_>>()
            .join("\t")
    };
    h.update(b"\n");
    h.update(clean(heading).as_bytes());
    for line in lines {
        h.update(b"\n");
        h.update(clean(line).as_bytes());
    }
    hex(&h.finalize())
}

/// A destruction batch: one site, one level code.
#[derive(Debug, Clone)]
pub struct Batch {
    /// `2024-D-001`.
    pub id: String,
    /// `FACILITY` or `IN_HOUSE`.
    pub site: String,
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
            site: self.site.clone(),
            level: self.level.clone(),
            witnesses: self.witnesses,
        }
    }

    /// The canonical lines, titles hashed under `key`.
    pub fn canonical(&self, key: &str) -> Vec<Vec<String>> {
        self.lines
            .iter()
            .map(|l| l.canonical_fields(&title_hash(key, &l.title)).to_vec())
            .collect()
    }

    /// The batch digest.
    pub fn digest(&self, heading: &Heading, key: &str) -> String {
        digest(&heading.fields(), &self.canonical(key))
    }
}

fn text(df: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    Ok(df.column(name)?.cast(&DataType::String)?.str()?.clone())
}

fn classified(effective: &str) -> bool {
    matches!(effective, "TOP_SECRET" | "SECRET" | "CONFIDENTIAL")
}

/// Groups the DESTROY rows of a decision table into batches: facility
/// batches first, then in-house, each by level code.
pub fn batches(decisions: &DataFrame, as_of: NaiveDate) -> PolarsResult<Vec<Batch>> {
    let get = |name: &str| text(decisions, name);
    let (disposition, site, level, witnesses) = (
        get("disposition")?,
        get("destruction_site")?,
        get("destruction_level")?,
        get("witnesses")?,
    );
    let (doc_id, title, classification, effective, medium) = (
        get("doc_id")?,
        get("title")?,
        get("classification")?,
        get("effective_classification")?,
        get("medium")?,
    );
    let (copies, on_hand) = (get("copies")?, get("copies_on_hand")?);
    let (pages, department) = (get("pages")?, get("department")?);
    let (file, sheet, row) = (
        get("source_file")?,
        get("source_sheet")?,
        get("source_row")?,
    );
    let (rule, reason) = (get("rule")?, get("reason")?);
    let mut groups: BTreeMap<(u8, String), (u32, Vec<LineItem>)> = BTreeMap::new();
    for i in 0..decisions.height() {
        if disposition.get(i) != Some("DESTROY") {
            continue;
        }
        let s = site.get(i).unwrap_or("FACILITY").to_string();
        let order = if s == "FACILITY" { 0 } else { 1 };
        let entry = groups
            .entry((order, level.get(i).unwrap_or("").to_string()))
            .or_insert((0, Vec::new()));
        let s_ = |c: &StringChunked| c.get(i).unwrap_or("").to_string();
        let needed = witnesses.get(i).and_then(|w| w.parse().ok()).unwrap_or(2);
        let floor = if classified(&s_(&effective)) { 2 } else { 1 };
        entry.0 = entry.0.max(needed).max(floor);
        entry.1.push(LineItem {
            no: entry.1.len() as u32 + 1,
            doc_id: s_(&doc_id),
            title: s_(&title),
            classification: s_(&classification),
            effective: s_(&effective),
            medium: s_(&medium),
            // What is destroyed is what is on hand: a missing copy is a
            // loss to report (LOSS_SUSPECTED), not a line to sign for.
            copies: on_hand
                .get(i)
                .or(copies.get(i))
                .and_then(|c| c.parse().ok())
                .unwrap_or(1),
            pages: pages.get(i).and_then(|c| c.parse().ok()).unwrap_or(0),
            department: s_(&department),
            source_file: s_(&file),
            source_sheet: s_(&sheet),
            source_row: row.get(i).and_then(|c| c.parse().ok()).unwrap_or(0),
            rule: s_(&rule),
            reason: s_(&reason),
        });
    }
    Ok(groups
        .into_iter()
        .enumerate()
        .map(|(k, ((order, level), (witnesses, lines)))| Batch {
            id: format!("{}-D-{:03}", as_of.year(), k + 1),
            site: if order == 0 { "FACILITY" } else { "IN_HOUSE" }.to_string(),
            level,
            witnesses,
            lines,
        })
        .collect())
}

/// Options for the manifests and lists.
#[derive(Debug, Clone)]
pub struct ListOptions {
    /// The office's name.
    pub unit: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Labels' language.
    pub lang: Lang,
    /// Also write facility manifests with titles withheld.
    pub redact_titles: bool,
    /// Also write one copy of each manifest per department.
    pub split_by_department: bool,
    /// The run's title key ([`title_key`]).
    pub title_key: String,
}

/// The meaning of a DIN 66399 level code, for the heading.
fn method_text(level: &str, lang: Lang) -> String {
    let (letter, n) = level.split_once('-').unwrap_or((level, ""));
    let material = crate::domain::MediumClass::from_code(letter)
        .map_or("", |m| crate::output::plan_workbook::medium_label(m, lang));
    match lang {
        Lang::Zh => format!("{level}（DIN 66399：{material}，安全等级 {n}）"),
        Lang::En => format!("{level} (DIN 66399: {material}, security level {n})"),
    }
}

/// One written manifest, for index.csv.
#[derive(Debug, Clone)]
pub struct Written {
    /// File name within manifests/.
    pub file: String,
    /// Batch id.
    pub batch: String,
    /// Site code.
    pub site: String,
    /// Level code.
    pub level: String,
    /// Lines.
    pub lines: usize,
    /// Copies.
    pub copies: i64,
    /// Digest.
    pub digest: String,
}

/// The printed signature block of a manifest.
fn signatures(witnesses: u32, lang: Lang) -> Vec<String> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let mut lines = vec![l(
        "经办人：____________________    日期：____________",
        "Prepared by: ____________________    Date: ____________",
    )];
    for k in 1..=witnesses {
        lines.push(match lang {
            Lang::Zh => format!("监销人（{k}）：____________________    日期：____________"),
            Lang::En => format!("Witness {k}: ____________________    Date: ____________"),
        });
    }
    lines.push(l(
        "审批人：____________________    日期：____________",
        "Approved by: ____________________    Date: ____________",
    ));
    lines
}

/// The visible cells of a manifest line.
fn line_cells(x: &LineItem, redact: bool, lang: Lang) -> Vec<OutCell> {
    vec![
        OutCell::Number(f64::from(x.no)),
        OutCell::Text(x.doc_id.clone()),
        OutCell::Text(if redact {
            REDACTED.to_string()
        } else {
            x.title.clone()
        }),
        OutCell::Text(x.classification.clone()),
        OutCell::Text(
            crate::domain::Level::from_code(&x.effective)
                .map_or(x.effective.clone(), |lv| level_label(lv, lang).to_string()),
        ),
        OutCell::Text(x.medium.clone()),
        OutCell::Number(x.copies as f64),
        OutCell::Number(x.pages as f64),
        OutCell::Text(x.department.clone()),
        OutCell::Text(x.source_file.clone()),
        OutCell::Text(x.source_sheet.clone()),
        OutCell::Number(f64::from(x.source_row)),
        OutCell::Text(x.rule.clone()),
        OutCell::Text(x.reason.clone()),
    ]
}

/// Writes one manifest workbook for `batch` (titles withheld, and the title
/// key left out, when `redact`); returns its digest.
pub fn write_manifest(
    path: &Path,
    batch: &Batch,
    opts: &ListOptions,
    redact: bool,
) -> Result<String> {
    let lang = opts.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let heading = batch.heading(&opts.unit, opts.as_of);
    let key = batch_key(&opts.title_key, &batch.id);
    let digest = batch.digest(&heading, &key);
    let rows: Vec<Vec<OutCell>> = batch
        .lines
        .iter()
        .map(|x| line_cells(x, redact, lang))
        .collect();
    let copies: i64 = batch.lines.iter().map(|x| x.copies).sum();
    let pages: i64 = batch.lines.iter().map(|x| x.pages).sum();
    let printable = Printable {
        title: heading.title(lang),
        info: vec![
            heading.segments(lang).join(SEGMENT_SEPARATOR),
            format!(
                "{}: {digest}",
                l("清单摘要 SHA-256", "Manifest digest SHA-256")
            ),
            if redact {
                l(
                    "本副本隐去文件标题，供销毁机构使用。",
                    "Titles are withheld in this copy for the destruction facility.",
                )
                .to_string()
            } else {
                String::new()
            },
        ],
        headers: manifest_headers(lang).to_vec(),
        rows,
        totals: vec![
            OutCell::Text(l("合计", "Total").to_string()),
            OutCell::Text(match lang {
                Lang::Zh => format!("{} 件", batch.lines.len()),
                Lang::En => format!("{} lines", batch.lines.len()),
            }),
            OutCell::Blank,
            OutCell::Blank,
            OutCell::Blank,
            OutCell::Blank,
            OutCell::Number(copies as f64),
            OutCell::Number(pages as f64),
        ],
        review: true,
        signatures: signatures(batch.witnesses, lang),
        footer: format!("{} {}  SHA-256 {digest}", l("批次", "Batch"), batch.id),
        lang,
    };
    let mut wb = new_workbook()?;
    write_printable(&mut wb, l("销毁清单", "Manifest"), &printable)?;
    // What was issued, hidden and protected, for `verify`.
    let items = wb.add_worksheet();
    items.set_name(ITEMS_SHEET)?;
    let key_cell = if redact { String::new() } else { key.clone() };
    for (c, v) in [ITEMS_MAGIC, digest.as_str(), batch.id.as_str(), &key_cell]
        .iter()
        .enumerate()
    {
        items.write_string(0, c as u16, *v)?;
    }
    for (c, name) in HEADING_FIELDS.iter().enumerate() {
        items.write_string(1, c as u16, *name)?;
    }
    for (c, v) in heading.fields().iter().enumerate() {
        items.write_string(2, c as u16, v)?;
    }
    for (c, name) in FIELD_NAMES.iter().enumerate() {
        items.write_string(3, c as u16, *name)?;
    }
    for (r, line) in batch.canonical(&key).iter().enumerate() {
        for (c, v) in line.iter().enumerate() {
            items.write_string(r as u32 + 4, c as u16, v)?;
        }
    }
    items.set_hidden(true);
    items.protect();
    save_atomically(&mut wb, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(digest)
}

/// The column headers of a manifest's lines.
pub fn manifest_headers(lang: Lang) -> [&'static str; 14] {
    match lang {
        Lang::Zh => [
            "序号",
            "文件编号",
            "文件标题",
            "原标密级",
            "现密级",
            "载体",
            "份数",
            "页数",
            "部门",
            "来源文件",
            "工作表",
            "行号",
            "规则",
            "销毁理由",
        ],
        Lang::En => [
            "No",
            "Doc No",
            "Title",
            "Classification",
            "Effective",
            "Medium",
            "Copies",
            "Pages",
            "Department",
            "Source file",
            "Sheet",
            "Row",
            "Rule",
            "Reason",
        ],
    }
}

/// A name safe for a file.
pub fn file_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim().trim_matches('.').to_string();
    if s.is_empty() {
        "_".to_string()
    } else {
        s.chars().take(80).collect()
    }
}

/// File names given out in one folder, so that two outputs whose names map
/// to the same file (two destinations that differ only in a character a
/// file name cannot hold, or in letter case) never overwrite each other.
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    /// A file name for `stem` + `extension` (`.xlsx`), made safe and, if
    /// taken, numbered (`name (2).xlsx`).
    ///
    /// ```
    /// use clearance::manifest::UniqueNames;
    /// let mut names = UniqueNames::default();
    /// assert_eq!(names.file("省/保密局", ".xlsx"), "省_保密局.xlsx");
    /// assert_eq!(names.file("省:保密局", ".xlsx"), "省_保密局 (2).xlsx");
    /// assert_eq!(names.file("A", ".xlsx"), "A.xlsx");
    /// assert_eq!(names.file("a", ".xlsx"), "a (2).xlsx");
    /// ```
    pub fn file(&mut self, stem: &str, extension: &str) -> String {
        let base = file_safe(stem);
        let mut name = format!("{base}{extension}");
        let mut n = 2;
        while !self.taken.insert(name.to_lowercase()) {
            name = format!("{base} ({n}){extension}");
            n += 1;
        }
        name
    }
}

/// Writes every manifest of a plan into `dir` (the run folder's
/// `manifests/`), with `index.csv`.
pub fn write_manifests(
    dir: &Path,
    decisions: &DataFrame,
    opts: &ListOptions,
) -> Result<Vec<Written>> {
    std::fs::create_dir_all(dir)?;
    let mut names = UniqueNames::default();
    let mut written = Vec::new();
    for batch in batches(decisions, opts.as_of)? {
        let mut copies: Vec<(String, Batch, bool)> =
            vec![(names.file(&batch.id, ".xlsx"), batch.clone(), false)];
        if opts.redact_titles && batch.site == "FACILITY" {
            copies.push((
                names.file(&format!("{}-redacted", batch.id), ".xlsx"),
                batch.clone(),
                true,
            ));
        }
        if opts.split_by_department {
            let mut by_dep: BTreeMap<String, Vec<LineItem>> = BTreeMap::new();
            for line in &batch.lines {
                by_dep
                    .entry(line.department.clone())
                    .or_default()
                    .push(line.clone());
            }
            for (dep, mut lines) in by_dep {
                for (k, l) in lines.iter_mut().enumerate() {
                    l.no = k as u32 + 1;
                }
                let part = Batch {
                    lines,
                    ..batch.clone()
                };
                let dep = if dep.is_empty() {
                    "未填部门".to_string()
                } else {
                    dep
                };
                let name = names.file(&format!("{}-{dep}", batch.id), ".xlsx");
                copies.push((name, part, false));
            }
        }
        for (file, b, redact) in copies {
            let digest = write_manifest(&dir.join(&file), &b, opts, redact)?;
            written.push(Written {
                file,
                batch: b.id.clone(),
                site: b.site.clone(),
                level: b.level.clone(),
                lines: b.lines.len(),
                copies: b.lines.iter().map(|x| x.copies).sum(),
                digest,
            });
        }
    }
    write_index(&dir.join(INDEX_FILE), &written)?;
    Ok(written)
}

/// The index of a manifests folder.
pub const INDEX_FILE: &str = "index.csv";

fn write_index(path: &Path, written: &[Written]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "file", "batch", "site", "level", "lines", "copies", "digest",
    ])?;
    for x in written {
        w.write_record([
            x.file.clone(),
            x.batch.clone(),
            x.site.clone(),
            x.level.clone(),
            x.lines.to_string(),
            x.copies.to_string(),
            x.digest.clone(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    write_atomically(path, |f| Ok(std::io::Write::write_all(f, &bytes)?))
}
