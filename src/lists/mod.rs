//! The printed lists other than destruction manifests (SPEC §5): one
//! return list per destination (清退清单), the archive transfer list
//! (归档移交清单), the recall list (收回清单, overdue first) and the
//! appraisal list (鉴定清单). Each is a printable workbook with a heading,
//! numbered lines, totals and a signature block.
//!
//! A list is a `ListSpec` — which rows, which columns, who signs — made
//! by one function per kind of list; one writer prints them all. Column
//! headers and signers' labels come from [`crate::labels`].
//!
//! A return or transfer list is a handover (`clearance confirm` records
//! it): it carries an id (`2024-R-001`, `2024-T-001`), a digest over its
//! heading and lines (titles as keyed hashes, as in a manifest), its lines
//! in a hidden sheet, and a line in `lists/index.csv`, so that what is
//! confirmed is what was issued.
//!
//! A list longer than a sheet holds continues on next sheets (`清单 (2)`
//! …), its hidden lines too (`_items (2)` …); `handover` reads every part.

pub mod handover;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::config::Lang;
use crate::domain::{Anomaly, Disposition};
use crate::labels::{self, Signer};
use crate::manifest::ListOptions;
use crate::manifest::draft::{ItemsHead, write_items_sheets};
use crate::output::decisions::DecisionText;
use crate::output::frame::MAX_DATA_ROWS;
use crate::output::names::UniqueNames;
use crate::output::printable::{Lines, Printable, cell_width, text_width, write_printable_split};
use crate::output::sheet_xml::WorkbookRows;
use crate::output::{OutCell, new_workbook};

/// The decision columns lists are made from.
const SOURCE_COLUMNS: [&str; 21] = [
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
    "retention_resolved_text",
    "retention_expires_on",
    "source_file",
    "source_sheet",
    "source_row",
    "anomalies",
    "issuer",
    "category",
    "copies_on_hand",
];

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
    /// The copies handed over: those on hand ([`DecisionText::copies_on_hand`]).
    CopiesOnHand,
}

impl ListCell {
    /// The column's name in [`labels::LIST_COLUMNS`].
    fn column(self) -> &'static str {
        match self {
            ListCell::Text(c) | ListCell::Number(c) => c,
            ListCell::Level => "effective_classification",
            ListCell::Overdue => "overdue",
            ListCell::CopiesOnHand => "copies",
        }
    }

    /// The cell of decision row `i`.
    fn of(self, source: &DecisionText, i: usize, lang: Lang) -> OutCell {
        match self {
            ListCell::Text(c) => OutCell::from(source.text(c, i)),
            ListCell::Number(c) => source.number(c, i).map_or(OutCell::Blank, OutCell::Number),
            ListCell::Level => OutCell::Text(labels::level_code(
                &source.text("effective_classification", i),
                lang,
            )),
            ListCell::Overdue => OutCell::from(if overdue(source, i) {
                labels::overdue_flag(lang)
            } else {
                ""
            }),
            ListCell::CopiesOnHand => OutCell::Number(source.copies_on_hand(i) as f64),
        }
    }

    /// How wide the cell of decision row `i` makes its column: what
    /// [`cell_width`] gives for [`ListCell::of`], without making the cell
    /// (a column's text is measured where it is).
    fn width(self, source: &DecisionText, i: usize, lang: Lang) -> usize {
        match self {
            ListCell::Text(c) => text_width(&source.text(c, i)),
            ListCell::Number(_) | ListCell::CopiesOnHand => 0,
            ListCell::Level | ListCell::Overdue => cell_width(&self.of(source, i, lang)),
        }
    }
}

/// Whether decision row `i` has the OVERDUE anomaly.
fn overdue(source: &DecisionText, i: usize) -> bool {
    source
        .text("anomalies", i)
        .split(';')
        .any(|c| c == Anomaly::Overdue.code())
}

/// One printed list: which rows, which columns, who signs.
struct ListSpec {
    file: String,
    title: String,
    info: String,
    rows: Vec<usize>,
    /// The columns after the line number.
    columns: Vec<ListCell>,
    review: bool,
    signers: &'static [Signer],
    /// For a return or transfer list: what `confirm` records.
    handover: Option<Handover>,
}

/// What a return or transfer list hands over.
#[derive(Debug, Clone)]
struct Handover {
    /// Return or transfer.
    kind: HandoverKind,
    /// The list's id (`2024-R-001`).
    id: String,
    /// Where it goes.
    destination: String,
}

/// The kinds of handover list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverKind {
    /// 清退: back to the issuer.
    Return,
    /// 移交: to the archive.
    Transfer,
}

impl HandoverKind {
    /// The code kept in a list.
    pub fn code(self) -> &'static str {
        match self {
            HandoverKind::Return => "RETURN",
            HandoverKind::Transfer => "TRANSFER",
        }
    }

    /// Who signs a list of this kind, in the order printed.
    pub fn signers(self) -> &'static [Signer] {
        match self {
            HandoverKind::Return => &[Signer::HandedOverBy, Signer::ReceivedBy],
            HandoverKind::Transfer => &[Signer::HandedOverBy, Signer::ReceivedByArchive],
        }
    }

    /// The kind of a code.
    pub fn from_code(code: &str) -> Option<HandoverKind> {
        [HandoverKind::Return, HandoverKind::Transfer]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// The first cell of a handover list's items sheet, naming the format: each
/// issued line one cell, as in a manifest ([`crate::manifest::ITEMS_MAGIC`]).
pub const LIST_MAGIC: &str = "clearance-list v2";

/// The first cell of a handover list's items sheet written before
/// [`LIST_MAGIC`]: a cell per field of every line. Still read.
pub const LIST_MAGIC_CELLS: &str = "clearance-list v1";

/// Whether `tag`, an items sheet's first cell, names a handover list in
/// either layout.
pub fn is_list_tag(tag: &str) -> bool {
    tag == LIST_MAGIC || tag == LIST_MAGIC_CELLS
}

/// Names of a handover list's heading fields.
pub const LIST_HEADING_FIELDS: [&str; 5] = ["unit", "list", "as_of", "kind", "destination"];

/// Names of a handover list's line fields.
pub const LIST_LINE_FIELDS: [&str; 9] = [
    "no",
    "doc_id",
    "title",
    "classification",
    "copies",
    "department",
    "source_file",
    "source_sheet",
    "source_row",
];

/// A handover list written, for `lists/index.csv`.
struct WrittenList {
    file: String,
    handover: Handover,
    lines: usize,
    copies: i64,
    digest: String,
}

/// Writes the other lists into `dir` (the run folder's `lists/`): one
/// return list per destination, the archive transfer list, the recall
/// list (overdue first) and the appraisal list.
pub fn write_lists(dir: &Path, decisions: &DataFrame, opts: &ListOptions) -> Result<Vec<PathBuf>> {
    let lists = PlannedLists::new(dir, decisions, opts)?;
    for k in 0..lists.len() {
        lists.write(k)?;
    }
    lists.finish()
}

/// The lists of a plan, each ready to be written on its own (on any
/// thread, in any order), then their index once all are.
pub struct PlannedLists<'a> {
    dir: PathBuf,
    opts: &'a ListOptions,
    source: DecisionText,
    /// Each list with its file name.
    specs: Vec<(String, ListSpec)>,
    /// What each list written recorded for the index (handover lists).
    written: Vec<std::sync::Mutex<Option<WrittenList>>>,
}

impl<'a> PlannedLists<'a> {
    /// Makes `dir` and works out which lists `decisions` makes, in order:
    /// the return lists by destination, the archive transfer list, the
    /// recall list and the appraisal list.
    pub fn new(
        dir: &Path,
        decisions: &DataFrame,
        opts: &'a ListOptions,
    ) -> Result<PlannedLists<'a>> {
        std::fs::create_dir_all(dir)?;
        let lang = opts.lang;
        let year = chrono::Datelike::year(&opts.as_of);
        let source = DecisionText::new(decisions, &SOURCE_COLUMNS)?;
        let mut specs = return_lists(&source, lang, year);
        specs.push(archive_list(&source, lang, year));
        specs.push(recall_list(&source, lang));
        specs.push(appraisal_list(&source, lang));
        let mut names = UniqueNames::default();
        let specs: Vec<(String, ListSpec)> = specs
            .into_iter()
            .map(|spec| (names.file(&spec.file, ".xlsx"), spec))
            .collect();
        let written = specs.iter().map(|_| std::sync::Mutex::new(None)).collect();
        Ok(PlannedLists {
            dir: dir.to_path_buf(),
            opts,
            source,
            specs,
            written,
        })
    }

    /// How many lists.
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// The lines of list `k`: what writing it costs.
    pub fn lines(&self, k: usize) -> usize {
        self.specs[k].1.rows.len()
    }

    /// Writes list `k`.
    pub fn write(&self, k: usize) -> Result<()> {
        let (file, spec) = &self.specs[k];
        let path = self.dir.join(file);
        let digest = write_list(&self.source, &path, spec, self.opts, MAX_DATA_ROWS)?;
        if let (Some(h), Some(digest)) = (&spec.handover, digest) {
            let list = WrittenList {
                file: file.clone(),
                handover: h.clone(),
                lines: spec.rows.len(),
                copies: copies(&self.source, spec),
                digest,
            };
            *self.written[k]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(list);
        }
        Ok(())
    }

    /// Writes `lists/index.csv` once every list is written; returns the
    /// lists' paths, in order.
    pub fn finish(self) -> Result<Vec<PathBuf>> {
        let handed: Vec<WrittenList> = self
            .written
            .into_iter()
            .filter_map(|w| {
                w.into_inner()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            })
            .collect();
        write_list_index(&self.dir.join(crate::manifest::draft::INDEX_FILE), &handed)?;
        Ok(self
            .specs
            .iter()
            .map(|(file, _)| self.dir.join(file))
            .collect())
    }
}

/// Writes `lists/index.csv`: every handover list with its id, kind,
/// destination, lines, copies and digest.
fn write_list_index(path: &Path, lists: &[WrittenList]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "file",
        "list",
        "kind",
        "destination",
        "lines",
        "copies",
        "digest",
    ])?;
    for l in lists {
        w.write_record([
            crate::output::neutralise(&l.file).as_ref(),
            &l.handover.id,
            l.handover.kind.code(),
            crate::output::neutralise(&l.handover.destination).as_ref(),
            &l.lines.to_string(),
            &l.copies.to_string(),
            &l.digest,
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::files::write_atomically(path, |f| Ok(std::io::Write::write_all(f, &bytes)?))
}

/// One return list per destination, in destination order.
fn return_lists(source: &DecisionText, lang: Lang, year: i32) -> Vec<ListSpec> {
    use ListCell::{CopiesOnHand, Number, Text};
    let mut by_destination: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in source.rows_where("disposition", Disposition::Return.code()) {
        by_destination
            .entry(source.text("destination", i).to_string())
            .or_default()
            .push(i);
    }
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    by_destination
        .into_iter()
        .enumerate()
        .map(|(k, (destination, rows))| ListSpec {
            file: match lang {
                Lang::Zh => format!("清退清单-{}", labels::destination(&destination, lang)),
                Lang::En => format!("return-list-{}", labels::destination(&destination, lang)),
            },
            title: l("文件清退清单", "return list"),
            info: format!(
                "{}{}",
                l("退还单位：", "Return to: "),
                labels::destination(&destination, lang)
            ),
            rows,
            columns: vec![
                Text("doc_id"),
                Text("title"),
                Text("classification"),
                Text("issuer"),
                CopiesOnHand,
                Number("pages"),
                Text("department"),
                Text("source_file"),
                Number("source_row"),
            ],
            review: false,
            signers: HandoverKind::Return.signers(),
            handover: Some(Handover {
                kind: HandoverKind::Return,
                id: format!("{year}-R-{:03}", k + 1),
                destination: destination.clone(),
            }),
        })
        .collect()
}

/// The archive transfer list.
fn archive_list(source: &DecisionText, lang: Lang, year: i32) -> ListSpec {
    use ListCell::{CopiesOnHand, Number, Text};
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    ListSpec {
        file: l("归档移交清单", "archive-transfer-list"),
        title: l("归档移交清单", "archive transfer list"),
        info: l("移交档案室", "To the archive"),
        rows: source.rows_where("disposition", Disposition::Archive.code()),
        columns: vec![
            Text("doc_id"),
            Text("title"),
            Text("classification"),
            Text("retention_resolved_text"),
            Text("category"),
            CopiesOnHand,
            Number("pages"),
            Text("department"),
            Text("source_file"),
            Number("source_row"),
        ],
        review: false,
        signers: HandoverKind::Transfer.signers(),
        handover: Some(Handover {
            kind: HandoverKind::Transfer,
            id: format!("{year}-T-001"),
            destination: l(labels::ARCHIVE.0, labels::ARCHIVE.1),
        }),
    }
}

/// The recall list: overdue first, then the longest out.
fn recall_list(source: &DecisionText, lang: Lang) -> ListSpec {
    use ListCell::{Level, Number, Overdue, Text};
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let mut rows = source.rows_where("disposition", Disposition::Recall.code());
    rows.sort_by_cached_key(|i| {
        let days: i64 = source.text("days_out", *i).parse().unwrap_or(-1);
        (!overdue(source, *i), -days)
    });
    ListSpec {
        file: l("收回清单", "recall-list"),
        title: l("借出/传阅文件收回清单", "recall list"),
        info: l(
            "清理前须收回以下文件（超期在前）",
            "Get these back before clearance (overdue first)",
        ),
        rows,
        columns: vec![
            Text("doc_id"),
            Text("title"),
            Level,
            Text("holder"),
            Text("department"),
            Text("out_date"),
            Number("days_out"),
            Overdue,
        ],
        review: false,
        signers: &[Signer::PreparedBy],
        handover: None,
    }
}

/// The appraisal list, with review columns.
fn appraisal_list(source: &DecisionText, lang: Lang) -> ListSpec {
    use ListCell::{Number, Text};
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    ListSpec {
        file: l("鉴定清单", "appraisal-list"),
        title: l("到期档案鉴定清单", "appraisal list"),
        info: l(
            "保管期限已满的归档文件，提交鉴定",
            "Archived holdings past retention, for appraisal",
        ),
        rows: source.rows_where("disposition", Disposition::Appraise.code()),
        columns: vec![
            Text("doc_id"),
            Text("title"),
            Text("classification"),
            Text("retention_resolved_text"),
            Text("retention_expires_on"),
            Text("department"),
            Text("source_file"),
            Number("source_row"),
        ],
        review: true,
        signers: &[Signer::AppraisedBy, Signer::ApprovedBy],
        handover: None,
    }
}

/// Writes one list to `path`; returns a handover list's digest. A list
/// longer than a sheet holds continues on next sheets
/// ([`crate::output::printable`]), and so do its issued items. An error
/// names the file and the sheet it was writing.
fn write_list(
    source: &DecisionText,
    path: &Path,
    spec: &ListSpec,
    opts: &ListOptions,
    max_rows: usize,
) -> Result<Option<String>> {
    let items = spec
        .handover
        .as_ref()
        .map(|h| handover_items(source, spec, h, opts));
    // The lines are made twice, for the digest and as written, rather
    // than held: 300,000 lines of nine fields would take 100 MB.
    let digest = items
        .as_ref()
        .map(|(heading, lines, _)| crate::manifest::digest(heading, lines.iter()));
    let mut printable = printable(source, spec, opts);
    if let Some(d) = &digest {
        let l = |zh: &'static str, en: &'static str| opts.lang.pick(zh, en);
        printable.info[2] = format!("{}: {d}", l("清单摘要 SHA-256", "List digest SHA-256"));
        printable.footer = format!("SHA-256 {d}");
    }
    let mut wb = new_workbook()?;
    let mut rows = WorkbookRows::new();
    let sheets = |wb: &mut rust_xlsxwriter::Workbook| -> Result<()> {
        rows.add(write_printable_split(
            wb,
            opts.lang.pick("清单", "List"),
            printable,
            max_rows,
        )?);
        if let (Some((heading, lines, key)), Some(d)) = (&items, &digest) {
            let head = ItemsHead {
                first: [LIST_MAGIC, d, &heading[1], key],
                heading_names: &LIST_HEADING_FIELDS,
                heading,
                field_names: &LIST_LINE_FIELDS,
            };
            rows.add(write_items_sheets(wb, &head, lines, max_rows)?);
        }
        Ok(())
    };
    sheets(&mut wb).with_context(|| crate::output::writing(path))?;
    rows.save(&mut wb, path)?;
    Ok(digest)
}

/// A handover list's heading fields, canonical lines (titles as keyed
/// hashes, each line made when it is asked for) and title key.
fn handover_items<'a>(
    source: &'a DecisionText,
    spec: &'a ListSpec,
    h: &Handover,
    opts: &ListOptions,
) -> (Vec<String>, Lines<'a, String>, String) {
    let key = crate::manifest::batch_key(&opts.title_key, &h.id);
    let heading = vec![
        opts.unit.clone(),
        h.id.clone(),
        opts.as_of.to_string(),
        h.kind.code().to_string(),
        h.destination.clone(),
    ];
    let title_key = key.clone();
    let rows = source.in_blocks(&spec.rows);
    let lines = Lines::OnDemand {
        count: spec.rows.len(),
        line: Box::new(move |k| {
            rows.with(k, |source, i| {
                let t = |c: &str| source.text(c, i).to_string();
                vec![
                    (k + 1).to_string(),
                    t("doc_id"),
                    crate::manifest::title_hash(&title_key, &source.text("title", i)),
                    t("classification"),
                    source.copies_on_hand(i).to_string(),
                    t("department"),
                    t("source_file"),
                    t("source_sheet"),
                    t("source_row"),
                ]
            })
        }),
        widen: None,
    };
    (heading, lines, key)
}

/// Copies on a list, as its lines print them: those on hand on a list
/// that hands holdings over, those registered on the others (a recall
/// list asks for what was lent).
fn copies(source: &DecisionText, spec: &ListSpec) -> i64 {
    let on_hand = spec
        .columns
        .iter()
        .any(|c| matches!(c, ListCell::CopiesOnHand));
    spec.rows
        .iter()
        .map(|i| match on_hand {
            true => source.copies_on_hand(*i),
            false => source.text("copies", *i).parse::<i64>().unwrap_or(1),
        })
        .sum()
}

/// The printed form of a list: heading, numbered lines, totals, signers.
fn printable<'a>(
    source: &'a DecisionText,
    spec: &'a ListSpec,
    opts: &ListOptions,
) -> Printable<'a> {
    let lang = opts.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    // Made line by line as the list is written, not held as cells.
    let blocks = source.in_blocks(&spec.rows);
    let measured = source.in_blocks(&spec.rows);
    let rows = Lines::OnDemand {
        count: spec.rows.len(),
        line: Box::new(move |k| {
            blocks.with(k, |source, i| {
                let mut line = vec![OutCell::Number(k as f64 + 1.0)];
                line.extend(spec.columns.iter().map(|c| c.of(source, i, lang)));
                line
            })
        }),
        // The line number (a number) widens nothing.
        widen: Some(Box::new(move |k, widths| {
            measured.with(k, |source, i| {
                for (c, cell) in spec.columns.iter().enumerate() {
                    widths[c + 1] = widths[c + 1].max(cell.width(source, i, lang));
                }
            })
        })),
    };
    let mut headers = vec![l(labels::LINE_NUMBER.0, labels::LINE_NUMBER.1)];
    headers.extend(
        spec.columns
            .iter()
            .map(|c| labels::list_column(c.column(), lang)),
    );
    Printable {
        title: format!("{} {}", opts.unit, spec.title),
        info: vec![
            spec.info.clone(),
            format!("{}{}", l("基准日期：", "As of: "), opts.as_of),
            String::new(),
        ],
        headers,
        rows,
        totals: totals(source, spec, lang),
        review: spec.review,
        batch_review: None,
        signatures: spec
            .signers
            .iter()
            .map(|s| labels::signature_line(*s, lang))
            .collect(),
        footer: String::new(),
        lang,
    }
}

/// The totals row: lines and copies.
fn totals(source: &DecisionText, spec: &ListSpec, lang: Lang) -> Vec<OutCell> {
    vec![
        OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1)),
        OutCell::Text(totals_text(spec.rows.len(), copies(source, spec), lang)),
    ]
}

/// What a list's totals row says of `lines` lines and `copies` copies, as
/// printed and as `confirm` expects it.
pub(super) fn totals_text(lines: usize, copies: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{lines} 件，{copies} 份"),
        Lang::En => format!("{lines} lines, {copies} copies"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;

    /// Decisions of `n` archived holdings.
    fn decisions(n: usize) -> DataFrame {
        let columns = SOURCE_COLUMNS
            .iter()
            .map(|name| {
                let values: Vec<String> = (1..=n)
                    .map(|k| match *name {
                        "disposition" => Disposition::Archive.code().to_string(),
                        "doc_id" => format!("A-{k:03}"),
                        "title" => format!("=标题{k}"),
                        "copies" => "2".into(),
                        "source_row" => (k + 1).to_string(),
                        _ => String::new(),
                    })
                    .collect();
                Column::new((*name).into(), values)
            })
            .collect();
        DataFrame::new(n, columns).unwrap()
    }

    #[test]
    fn a_transfer_list_past_the_sheet_row_limit_continues_on_next_sheets_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("归档移交清单.xlsx");
        let table = decisions(10);
        let source = DecisionText::new(&table, &SOURCE_COLUMNS).unwrap();
        let opts = ListOptions {
            unit: "保密办公室".into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            lang: Lang::Zh,
            redact_titles: false,
            split_by_department: false,
            title_key: "k".into(),
        };
        let spec = archive_list(&source, Lang::Zh, 2024);
        // Rows 0–4 heading and header, 3 lines, room for the totals, a blank
        // row and two signatures: 12 rows (0–11). The items: 4 rows above 8
        // lines.
        write_list(&source, &path, &spec, &opts, 11).unwrap();
        let book = crate::manifest::verify::open(&path).unwrap();
        assert_eq!(
            book.sheet_names(),
            [
                "清单",
                "清单 (2)",
                "清单 (3)",
                "清单 (4)",
                "_items",
                "_items (2)"
            ]
        );
        let list = handover::read_handover(&path).unwrap();
        assert_eq!(list.lines.len(), 10);
        assert_eq!(
            list.titles,
            (1..=10).map(|k| format!("=标题{k}")).collect::<Vec<_>>()
        );
        assert_eq!(list.field(9, "doc_id"), "A-010");
        assert_eq!(list.field(9, "copies"), "2");
    }

    /// Every list's columns are as wide measured where the text is (what
    /// a list is written with) as measured on its lines made: texts of
    /// every width up to past the widest column, codes, overdue flags,
    /// numbers and blanks, over lists of every kind, in both languages,
    /// over more rows than one block ([`crate::output::frame::BLOCK_ROWS`])
    /// and with the dispositions a coded column as in a plan (so that the
    /// lists' rows are found by [`crate::codes::Codes::rows_with`]).
    #[test]
    fn widths_measured_in_place_are_those_of_the_lines_made() {
        let dispositions = [
            Disposition::Return,
            Disposition::Archive,
            Disposition::Recall,
            Disposition::Appraise,
        ];
        let n = 2 * crate::output::frame::BLOCK_ROWS + 97;
        let text = |k: usize, salt: usize| -> String {
            let len = (k * 7 + salt * 13) % 31;
            (0..len)
                .map(|j| {
                    if (j + salt).is_multiple_of(3) {
                        'a'
                    } else {
                        '文'
                    }
                })
                .collect()
        };
        let columns = SOURCE_COLUMNS
            .iter()
            .enumerate()
            .map(|(salt, name)| {
                if *name == "disposition" {
                    let codes = (0..n).map(|k| Some(dispositions[k % 4].code()));
                    return crate::codes::column(name, crate::fields::CodeSet::Disposition, codes)
                        .unwrap();
                }
                let values: Vec<String> = (0..n)
                    .map(|k| match *name {
                        "effective_classification" => {
                            ["SECRET", "TOP_SECRET", "", "UNCLASSIFIED", "CONFIDENTIAL"][k % 5]
                                .to_string()
                        }
                        "anomalies" => ["", "OVERDUE", "DUPLICATE_ID;OVERDUE"][k % 3].to_string(),
                        "copies" | "pages" | "source_row" | "days_out" => {
                            (k * 37 % 500).to_string()
                        }
                        "copies_on_hand" => ["", "1", "x"][k % 3].to_string(),
                        "destination" => ["市委办公室", "", "省保密局"][k % 3].to_string(),
                        _ => text(k, salt),
                    })
                    .collect();
                Column::new((*name).into(), values)
            })
            .collect();
        let table = DataFrame::new(n, columns).unwrap();
        let source = DecisionText::new(&table, &SOURCE_COLUMNS).unwrap();
        for (d, disposition) in dispositions.iter().enumerate() {
            let rows: Vec<usize> = (0..n).filter(|k| k % 4 == d).collect();
            assert_eq!(source.rows_where("disposition", disposition.code()), rows);
        }
        for lang in [Lang::Zh, Lang::En] {
            let opts = ListOptions {
                unit: "保密办公室".into(),
                as_of: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
                lang,
                redact_titles: false,
                split_by_department: false,
                title_key: "k".into(),
            };
            let mut specs = return_lists(&source, lang, 2024);
            specs.push(archive_list(&source, lang, 2024));
            specs.push(recall_list(&source, lang));
            specs.push(appraisal_list(&source, lang));
            assert_eq!(specs.len(), 6);
            for spec in &specs {
                assert!(!spec.rows.is_empty(), "{}", spec.file);
                let p = printable(&source, spec, &opts);
                let columns = spec.columns.len() + 1;
                let (mut in_place, mut made) = (vec![0; columns], vec![0; columns]);
                for k in 0..p.rows.len() {
                    p.rows.widen(k, &mut in_place);
                    for (c, v) in p.rows.line(k).iter().enumerate() {
                        made[c] = made[c].max(cell_width(v));
                    }
                }
                assert_eq!(in_place, made, "{} {lang:?}", spec.file);
                let widest = crate::output::printable::MAX_COLUMN_WIDTH;
                assert!(
                    made.contains(&widest),
                    "{}: no text reaches the cap",
                    spec.file
                );
            }
        }
    }
}
