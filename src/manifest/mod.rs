//! Destruction manifests and the other printed lists (SPEC §1 steps 4–5,
//! §4, §5): the documents a committee prints, reviews, signs and trusts.
//!
//! DESTROY rows are grouped into batches by destruction site and level code
//! (`2024-D-001`, …), each written as its own workbook with a review column.
//! Every manifest carries a SHA-256 digest over a canonical text form of its
//! line items — not over the xlsx bytes, so that filling in the review
//! columns, or opening and saving the file in Excel, changes nothing — and
//! keeps its issued line items in a hidden sheet, so that [`verify`] can
//! name the line that was changed, added or removed. A title is entered
//! into the digest as its own SHA-256, which lets a copy with titles
//! redacted (for an outside facility) carry the same digest and verify.

pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Lang;
use crate::ingest::hex;
use crate::output::plan_workbook::{display_code, level_label};
use crate::output::printable::{Printable, write_printable};
use crate::output::{OutCell, new_workbook, save_atomically, write_atomically};

/// The sheet that keeps the issued line items.
pub const ITEMS_SHEET: &str = "_items";
/// The first cell of the items sheet, naming the format.
pub const ITEMS_MAGIC: &str = "clearance-manifest v1";
/// What a redacted title shows.
pub const REDACTED: &str = "〔标题已隐去 / title withheld〕";

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
    /// Copies.
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
}

/// SHA-256 of a title, hex: how a title enters the digest.
pub fn title_hash(title: &str) -> String {
    hex(&Sha256::digest(title.as_bytes()))
}

impl LineItem {
    /// The fields of the canonical form, the title as its hash.
    pub fn canonical_fields(&self, title_hash: &str) -> [String; 12] {
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
        ]
    }
}

/// Names of the canonical fields, for messages.
pub const FIELD_NAMES: [&str; 12] = [
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
];

/// The digest over canonical lines (fields joined by tabs, lines by
/// newlines, tabs and newlines inside fields replaced by spaces).
///
/// ```
/// use clearance::manifest::digest;
/// let a = digest(&[vec!["1".to_string(), "D-1".to_string()]]);
/// assert_eq!(a.len(), 64);
/// assert_ne!(a, digest(&[vec!["1".to_string(), "D-2".to_string()]]));
/// ```
pub fn digest(lines: &[Vec<String>]) -> String {
    let mut h = Sha256::new();
    h.update(ITEMS_MAGIC.as_bytes());
    for line in lines {
        h.update(b"\n");
        let clean: Vec<String> = line
            .iter()
            .map(|f| f.replace(['\t', '\n', '\r'], " "))
            .collect();
        h.update(clean.join("\t").as_bytes());
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
    /// Witnesses required (the most any line needs).
    pub witnesses: u32,
    /// Its lines, numbered from 1.
    pub lines: Vec<LineItem>,
}

impl Batch {
    /// The canonical lines.
    pub fn canonical(&self) -> Vec<Vec<String>> {
        self.lines
            .iter()
            .map(|l| l.canonical_fields(&title_hash(&l.title)).to_vec())
            .collect()
    }

    /// The batch digest.
    pub fn digest(&self) -> String {
        digest(&self.canonical())
    }
}

fn text(df: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    Ok(df.column(name)?.cast(&DataType::String)?.str()?.clone())
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
    let (copies, pages, department) = (get("copies")?, get("pages")?, get("department")?);
    let (file, sheet, row) = (
        get("source_file")?,
        get("source_sheet")?,
        get("source_row")?,
    );
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
        entry.0 = entry
            .0
            .max(witnesses.get(i).and_then(|w| w.parse().ok()).unwrap_or(2));
        let s_ = |c: &StringChunked| c.get(i).unwrap_or("").to_string();
        entry.1.push(LineItem {
            no: entry.1.len() as u32 + 1,
            doc_id: s_(&doc_id),
            title: s_(&title),
            classification: s_(&classification),
            effective: s_(&effective),
            medium: s_(&medium),
            copies: copies.get(i).and_then(|c| c.parse().ok()).unwrap_or(1),
            pages: pages.get(i).and_then(|c| c.parse().ok()).unwrap_or(0),
            department: s_(&department),
            source_file: s_(&file),
            source_sheet: s_(&sheet),
            source_row: row.get(i).and_then(|c| c.parse().ok()).unwrap_or(0),
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
}

/// The meaning of a DIN 66399 level code, for the heading.
fn method_text(level: &str, lang: Lang) -> String {
    let (letter, n) = level.split_once('-').unwrap_or((level, ""));
    let material = match (letter, lang) {
        ("P", Lang::Zh) => "纸质",
        ("F", Lang::Zh) => "胶片",
        ("O", Lang::Zh) => "光盘",
        ("T", Lang::Zh) => "磁介质",
        ("H", Lang::Zh) => "硬盘",
        ("E", Lang::Zh) => "电子存储介质",
        ("P", Lang::En) => "paper",
        ("F", Lang::En) => "film",
        ("O", Lang::En) => "optical media",
        ("T", Lang::En) => "magnetic media",
        ("H", Lang::En) => "hard drives",
        ("E", Lang::En) => "electronic media",
        _ => "",
    };
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

/// Writes one manifest workbook for `batch` (titles withheld when
/// `redact`).
pub fn write_manifest(
    path: &Path,
    batch: &Batch,
    opts: &ListOptions,
    redact: bool,
) -> Result<String> {
    let lang = opts.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let digest = batch.digest();
    let display = display_code(lang);
    let site = display("destruction_site", &batch.site).unwrap_or_default();
    let classified = batch.lines.iter().any(|x| {
        matches!(
            x.effective.as_str(),
            "TOP_SECRET" | "SECRET" | "CONFIDENTIAL"
        )
    });
    let witnesses = batch.witnesses.max(if classified { 2 } else { 1 });
    let mut signatures = vec![
        l(
            "经办人：____________________    日期：____________",
            "Prepared by: ____________________    Date: ____________",
        )
        .to_string(),
    ];
    for k in 1..=witnesses {
        signatures.push(match lang {
            Lang::Zh => format!("监销人（{k}）：____________________    日期：____________"),
            Lang::En => format!("Witness {k}: ____________________    Date: ____________"),
        });
    }
    signatures.push(
        l(
            "审批人：____________________    日期：____________",
            "Approved by: ____________________    Date: ____________",
        )
        .to_string(),
    );
    let rows: Vec<Vec<OutCell>> = batch
        .lines
        .iter()
        .map(|x| {
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
            ]
        })
        .collect();
    let copies: i64 = batch.lines.iter().map(|x| x.copies).sum();
    let pages: i64 = batch.lines.iter().map(|x| x.pages).sum();
    let printable = Printable {
        title: match lang {
            Lang::Zh => format!("{} 涉密载体销毁清单（送审稿）", opts.unit),
            Lang::En => format!("{} destruction manifest (draft for review)", opts.unit),
        },
        info: vec![
            match lang {
                Lang::Zh => format!(
                    "批次：{}    基准日期：{}    销毁地点：{}    销毁等级：{}    监销人：至少 {} 人",
                    batch.id,
                    opts.as_of,
                    site,
                    method_text(&batch.level, lang),
                    witnesses
                ),
                Lang::En => format!(
                    "Batch: {}    As of: {}    Site: {}    Level: {}    Witnesses: at least {}",
                    batch.id,
                    opts.as_of,
                    site,
                    method_text(&batch.level, lang),
                    witnesses
                ),
            },
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
        signatures,
        footer: format!("{} {}  SHA-256 {digest}", l("批次", "Batch"), batch.id),
        lang,
    };
    let mut wb = new_workbook()?;
    write_printable(&mut wb, l("销毁清单", "Manifest"), &printable)?;
    // The issued items, hidden and protected, for `verify`.
    let items = wb.add_worksheet();
    items.set_name(ITEMS_SHEET)?;
    items.write_string(0, 0, ITEMS_MAGIC)?;
    items.write_string(0, 1, &digest)?;
    items.write_string(0, 2, &batch.id)?;
    for (c, name) in FIELD_NAMES.iter().enumerate() {
        items.write_string(1, c as u16, *name)?;
    }
    for (r, line) in batch.canonical().iter().enumerate() {
        for (c, v) in line.iter().enumerate() {
            items.write_string(r as u32 + 2, c as u16, v)?;
        }
    }
    items.set_hidden(true);
    items.protect();
    save_atomically(&mut wb, path)?;
    Ok(digest)
}

/// The column headers of a manifest's lines.
pub fn manifest_headers(lang: Lang) -> [&'static str; 12] {
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

/// Writes every manifest of a plan into `dir` (the run folder's
/// `manifests/`), with `index.csv`.
pub fn write_manifests(
    dir: &Path,
    decisions: &DataFrame,
    opts: &ListOptions,
) -> Result<Vec<Written>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for batch in batches(decisions, opts.as_of)? {
        let mut copies: Vec<(String, Batch, bool)> =
            vec![(format!("{}.xlsx", batch.id), batch.clone(), false)];
        if opts.redact_titles && batch.site == "FACILITY" {
            copies.push((format!("{}-redacted.xlsx", batch.id), batch.clone(), true));
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
                let name = if dep.is_empty() {
                    "未填部门".to_string()
                } else {
                    file_safe(&dep)
                };
                copies.push((format!("{}-{name}.xlsx", batch.id), part, false));
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
    let mut index = String::from("file,batch,site,level,lines,copies,digest\n");
    for w in &written {
        index.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            csv_field(&w.file),
            w.batch,
            w.site,
            w.level,
            w.lines,
            w.copies,
            w.digest
        ));
    }
    write_atomically(&dir.join("index.csv"), |f| {
        Ok(std::io::Write::write_all(f, index.as_bytes())?)
    })?;
    Ok(written)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// How a cell of a list is made from a decision row.
#[derive(Debug, Clone, Copy)]
enum ListCell {
    /// A column of decisions, as text.
    Text(&'static str),
    /// A column of decisions, as a number (blank when not one).
    Number(&'static str),
    /// The effective classification, as a label.
    Level,
    /// "超期" / "OVERDUE" when the row has the OVERDUE anomaly.
    Overdue,
}

/// One printed list: which rows, which columns, who signs.
struct ListSpec {
    file: String,
    title: String,
    info: String,
    rows: Vec<usize>,
    /// (zh header, en header, cell); the line number comes first.
    columns: Vec<(&'static str, &'static str, ListCell)>,
    review: bool,
    signers: &'static [(&'static str, &'static str)],
}

/// The decision columns lists are made from, as text.
struct ListSource {
    columns: BTreeMap<&'static str, StringChunked>,
}

impl ListSource {
    fn new(decisions: &DataFrame) -> PolarsResult<ListSource> {
        let names = [
            "disposition",
            "doc_id",
            "title",
            "classification",
            "effective_classification",
            "copies",
            "pages",
            "department",
            "holder",
            "destination",
            "out_date",
            "days_out",
            "retention_resolved",
            "retention_expires_on",
            "source_file",
            "source_row",
            "anomalies",
            "issuer",
            "category",
        ];
        let mut columns = BTreeMap::new();
        for name in names {
            columns.insert(name, text(decisions, name)?);
        }
        Ok(ListSource { columns })
    }

    fn get(&self, name: &str, i: usize) -> &str {
        self.columns.get(name).and_then(|c| c.get(i)).unwrap_or("")
    }

    fn rows_of(&self, disposition: &str) -> Vec<usize> {
        let d = &self.columns["disposition"];
        (0..d.len())
            .filter(|i| d.get(*i) == Some(disposition))
            .collect()
    }

    fn cell(&self, cell: ListCell, i: usize, lang: Lang) -> OutCell {
        match cell {
            ListCell::Text(c) => OutCell::Text(self.get(c, i).to_string()),
            ListCell::Number(c) => self
                .get(c, i)
                .parse::<f64>()
                .map_or(OutCell::Blank, OutCell::Number),
            ListCell::Level => {
                let e = self.get("effective_classification", i);
                OutCell::Text(
                    crate::domain::Level::from_code(e)
                        .map_or(e.to_string(), |lv| level_label(lv, lang).to_string()),
                )
            }
            ListCell::Overdue => OutCell::Text(if self.get("anomalies", i).contains("OVERDUE") {
                lang.pick("超期", "OVERDUE").to_string()
            } else {
                String::new()
            }),
        }
    }

    /// Writes one list to `dir`.
    fn write(&self, dir: &Path, spec: &ListSpec, opts: &ListOptions) -> Result<PathBuf> {
        let lang = opts.lang;
        let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
        let rows = spec
            .rows
            .iter()
            .enumerate()
            .map(|(k, i)| {
                let mut line = vec![OutCell::Number(k as f64 + 1.0)];
                line.extend(spec.columns.iter().map(|(_, _, c)| self.cell(*c, *i, lang)));
                line
            })
            .collect();
        let copies: i64 = spec
            .rows
            .iter()
            .map(|i| self.get("copies", *i).parse::<i64>().unwrap_or(1))
            .sum();
        let mut headers = vec![l("序号", "No")];
        headers.extend(spec.columns.iter().map(|(zh, en, _)| l(zh, en)));
        let printable = Printable {
            title: format!("{} {}", opts.unit, spec.title),
            info: vec![
                spec.info.clone(),
                format!("{}{}", l("基准日期：", "As of: "), opts.as_of),
                String::new(),
            ],
            headers,
            rows,
            totals: vec![
                OutCell::Text(l("合计", "Total").to_string()),
                OutCell::Text(match lang {
                    Lang::Zh => format!("{} 件，{copies} 份", spec.rows.len()),
                    Lang::En => format!("{} lines, {copies} copies", spec.rows.len()),
                }),
            ],
            review: spec.review,
            signatures: spec
                .signers
                .iter()
                .map(|(zh, en)| match lang {
                    Lang::Zh => format!("{zh}：____________________    日期：____________"),
                    Lang::En => format!("{en}: ____________________    Date: ____________"),
                })
                .collect(),
            footer: String::new(),
            lang,
        };
        let mut wb = new_workbook()?;
        write_printable(&mut wb, l("清单", "List"), &printable)?;
        let path = dir.join(file_safe(&spec.file) + ".xlsx");
        save_atomically(&mut wb, &path)?;
        Ok(path)
    }
}

/// Writes the other lists into `dir` (the run folder's `lists/`): one
/// return list per destination, the archive transfer list, the recall
/// list (overdue first) and the appraisal list.
pub fn write_lists(dir: &Path, decisions: &DataFrame, opts: &ListOptions) -> Result<Vec<PathBuf>> {
    use ListCell::{Level, Number, Overdue, Text};
    std::fs::create_dir_all(dir)?;
    let lang = opts.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let source = ListSource::new(decisions)?;
    let mut specs = Vec::new();

    let mut by_destination: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in source.rows_of("RETURN") {
        by_destination
            .entry(source.get("destination", i).to_string())
            .or_default()
            .push(i);
    }
    for (destination, rows) in by_destination {
        specs.push(ListSpec {
            file: match lang {
                Lang::Zh => format!("清退清单-{destination}"),
                Lang::En => format!("return-list-{destination}"),
            },
            title: l("文件清退清单", "return list"),
            info: format!("{}{destination}", l("退还单位：", "Return to: ")),
            rows,
            columns: vec![
                ("文件编号", "Doc No", Text("doc_id")),
                ("文件标题", "Title", Text("title")),
                ("密级", "Classification", Text("classification")),
                ("来文单位", "Issuer", Text("issuer")),
                ("份数", "Copies", Number("copies")),
                ("页数", "Pages", Number("pages")),
                ("部门", "Department", Text("department")),
                ("来源文件", "Source file", Text("source_file")),
                ("行号", "Row", Number("source_row")),
            ],
            review: false,
            signers: &[("移交人", "Handed over by"), ("接收人", "Received by")],
        });
    }

    specs.push(ListSpec {
        file: l("归档移交清单", "archive-transfer-list"),
        title: l("归档移交清单", "archive transfer list"),
        info: l("移交档案室", "To the archive"),
        rows: source.rows_of("ARCHIVE"),
        columns: vec![
            ("文件编号", "Doc No", Text("doc_id")),
            ("文件标题", "Title", Text("title")),
            ("密级", "Classification", Text("classification")),
            ("保管期限", "Retention", Text("retention_resolved")),
            ("类别", "Category", Text("category")),
            ("份数", "Copies", Number("copies")),
            ("页数", "Pages", Number("pages")),
            ("部门", "Department", Text("department")),
            ("来源文件", "Source file", Text("source_file")),
            ("行号", "Row", Number("source_row")),
        ],
        review: false,
        signers: &[
            ("移交人", "Handed over by"),
            ("接收人（档案室）", "Received by (archive)"),
        ],
    });

    // Overdue first, then the longest out.
    let mut recall = source.rows_of("RECALL");
    recall.sort_by_key(|i| {
        let overdue = source.get("anomalies", *i).contains("OVERDUE");
        let days: i64 = source.get("days_out", *i).parse().unwrap_or(-1);
        (!overdue, -days)
    });
    specs.push(ListSpec {
        file: l("收回清单", "recall-list"),
        title: l("借出/传阅文件收回清单", "recall list"),
        info: l(
            "清理前须收回以下文件（超期在前）",
            "Get these back before clearance (overdue first)",
        ),
        rows: recall,
        columns: vec![
            ("文件编号", "Doc No", Text("doc_id")),
            ("文件标题", "Title", Text("title")),
            ("现密级", "Classification", Level),
            ("持有人", "Holder", Text("holder")),
            ("部门", "Department", Text("department")),
            ("借出日期", "Out date", Text("out_date")),
            ("已借出天数", "Days out", Number("days_out")),
            ("超期", "Overdue", Overdue),
        ],
        review: false,
        signers: &[("经办人", "Prepared by")],
    });

    specs.push(ListSpec {
        file: l("鉴定清单", "appraisal-list"),
        title: l("到期档案鉴定清单", "appraisal list"),
        info: l(
            "保管期限已满的归档文件，提交鉴定",
            "Archived holdings past retention, for appraisal",
        ),
        rows: source.rows_of("APPRAISE"),
        columns: vec![
            ("文件编号", "Doc No", Text("doc_id")),
            ("文件标题", "Title", Text("title")),
            ("密级", "Classification", Text("classification")),
            ("保管期限", "Retention", Text("retention_resolved")),
            ("届满日期", "Expired on", Text("retention_expires_on")),
            ("部门", "Department", Text("department")),
            ("来源文件", "Source file", Text("source_file")),
            ("行号", "Row", Number("source_row")),
        ],
        review: true,
        signers: &[("鉴定人", "Appraised by"), ("审批人", "Approved by")],
    });

    specs
        .iter()
        .map(|spec| source.write(dir, spec, opts))
        .collect()
}
