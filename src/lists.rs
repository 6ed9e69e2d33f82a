//! The printed lists other than destruction manifests (SPEC §5): one
//! return list per destination (清退清单), the archive transfer list
//! (归档移交清单), the recall list (收回清单, overdue first) and the
//! appraisal list (鉴定清单). Each is a printable workbook with a heading,
//! numbered lines, totals and a signature block.
//!
//! A list is a `ListSpec` — which rows, which columns, who signs — made
//! by one function per kind of list; one writer prints them all. Column
//! headers and signers' labels come from [`crate::labels`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::config::Lang;
use crate::domain::{Anomaly, Disposition};
use crate::labels::{self, Signer};
use crate::manifest::ListOptions;
use crate::output::decisions::DecisionText;
use crate::output::names::UniqueNames;
use crate::output::printable::{Printable, write_printable};
use crate::output::{OutCell, new_workbook, save_atomically};

/// The decision columns lists are made from.
const SOURCE_COLUMNS: [&str; 19] = [
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

impl ListCell {
    /// The column's name in [`labels::LIST_COLUMNS`].
    fn column(self) -> &'static str {
        match self {
            ListCell::Text(c) | ListCell::Number(c) => c,
            ListCell::Level => "effective_classification",
            ListCell::Overdue => "overdue",
        }
    }

    /// The cell of decision row `i`.
    fn of(self, source: &DecisionText, i: usize, lang: Lang) -> OutCell {
        match self {
            ListCell::Text(c) => OutCell::from(source.text(c, i)),
            ListCell::Number(c) => source
                .text(c, i)
                .parse::<f64>()
                .map_or(OutCell::Blank, OutCell::Number),
            ListCell::Level => OutCell::Text(labels::level_code(
                source.text("effective_classification", i),
                lang,
            )),
            ListCell::Overdue => OutCell::from(if overdue(source, i) {
                labels::overdue_flag(lang)
            } else {
                ""
            }),
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
}

/// Writes the other lists into `dir` (the run folder's `lists/`): one
/// return list per destination, the archive transfer list, the recall
/// list (overdue first) and the appraisal list.
pub fn write_lists(dir: &Path, decisions: &DataFrame, opts: &ListOptions) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let lang = opts.lang;
    let source = DecisionText::new(decisions, &SOURCE_COLUMNS)?;
    let mut specs = return_lists(&source, lang);
    specs.push(archive_list(&source, lang));
    specs.push(recall_list(&source, lang));
    specs.push(appraisal_list(&source, lang));
    let mut names = UniqueNames::default();
    specs
        .iter()
        .map(|spec| {
            let path = dir.join(names.file(&spec.file, ".xlsx"));
            write_list(&source, &path, spec, opts)
        })
        .collect()
}

/// One return list per destination, in destination order.
fn return_lists(source: &DecisionText, lang: Lang) -> Vec<ListSpec> {
    use ListCell::{Number, Text};
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
        .map(|(destination, rows)| ListSpec {
            file: match lang {
                Lang::Zh => format!("清退清单-{destination}"),
                Lang::En => format!("return-list-{destination}"),
            },
            title: l("文件清退清单", "return list"),
            info: format!("{}{destination}", l("退还单位：", "Return to: ")),
            rows,
            columns: vec![
                Text("doc_id"),
                Text("title"),
                Text("classification"),
                Text("issuer"),
                Number("copies"),
                Number("pages"),
                Text("department"),
                Text("source_file"),
                Number("source_row"),
            ],
            review: false,
            signers: &[Signer::HandedOverBy, Signer::ReceivedBy],
        })
        .collect()
}

/// The archive transfer list.
fn archive_list(source: &DecisionText, lang: Lang) -> ListSpec {
    use ListCell::{Number, Text};
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    ListSpec {
        file: l("归档移交清单", "archive-transfer-list"),
        title: l("归档移交清单", "archive transfer list"),
        info: l("移交档案室", "To the archive"),
        rows: source.rows_where("disposition", "ARCHIVE"),
        columns: vec![
            Text("doc_id"),
            Text("title"),
            Text("classification"),
            Text("retention_resolved"),
            Text("category"),
            Number("copies"),
            Number("pages"),
            Text("department"),
            Text("source_file"),
            Number("source_row"),
        ],
        review: false,
        signers: &[Signer::HandedOverBy, Signer::ReceivedByArchive],
    }
}

/// The recall list: overdue first, then the longest out.
fn recall_list(source: &DecisionText, lang: Lang) -> ListSpec {
    use ListCell::{Level, Number, Overdue, Text};
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let mut rows = source.rows_where("disposition", "RECALL");
    rows.sort_by_key(|i| {
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
        rows: source.rows_where("disposition", "APPRAISE"),
        columns: vec![
            Text("doc_id"),
            Text("title"),
            Text("classification"),
            Text("retention_resolved"),
            Text("retention_expires_on"),
            Text("department"),
            Text("source_file"),
            Number("source_row"),
        ],
        review: true,
        signers: &[Signer::AppraisedBy, Signer::ApprovedBy],
    }
}

/// Writes one list to `path`.
fn write_list(
    source: &DecisionText,
    path: &Path,
    spec: &ListSpec,
    opts: &ListOptions,
) -> Result<PathBuf> {
    let printable = printable(source, spec, opts);
    let mut wb = new_workbook()?;
    write_printable(&mut wb, opts.lang.pick("清单", "List"), &printable)?;
    save_atomically(&mut wb, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(path.to_path_buf())
}

/// The printed form of a list: heading, numbered lines, totals, signers.
fn printable(source: &DecisionText, spec: &ListSpec, opts: &ListOptions) -> Printable<'static> {
    let lang = opts.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let rows = spec
        .rows
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let mut line = vec![OutCell::Number(k as f64 + 1.0)];
            line.extend(spec.columns.iter().map(|c| c.of(source, *i, lang)));
            line
        })
        .collect();
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
    let copies: i64 = spec
        .rows
        .iter()
        .map(|i| source.text("copies", *i).parse::<i64>().unwrap_or(1))
        .sum();
    vec![
        OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1)),
        OutCell::Text(match lang {
            Lang::Zh => format!("{} 件，{copies} 份", spec.rows.len()),
            Lang::En => format!("{} lines, {copies} copies", spec.rows.len()),
        }),
    ]
}
