//! The printed lists other than destruction manifests (SPEC §5): one
//! return list per destination (清退清单), the archive transfer list
//! (归档移交清单), the recall list (收回清单, overdue first) and the
//! appraisal list (鉴定清单). Each is a printable workbook with a heading,
//! numbered lines, totals and a signature block.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::config::Lang;
use crate::manifest::{ListOptions, UniqueNames};
use crate::output::plan_workbook::level_label;
use crate::output::printable::{Printable, write_printable};
use crate::output::{OutCell, new_workbook, save_atomically};

fn text(df: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    Ok(df.column(name)?.cast(&DataType::String)?.str()?.clone())
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

    /// Writes one list to `path`.
    fn write(&self, path: &Path, spec: &ListSpec, opts: &ListOptions) -> Result<PathBuf> {
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
        save_atomically(&mut wb, path).with_context(|| format!("writing {}", path.display()))?;
        Ok(path.to_path_buf())
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

    let mut names = UniqueNames::default();
    specs
        .iter()
        .map(|spec| source.write(&dir.join(names.file(&spec.file, ".xlsx")), spec, opts))
        .collect()
}
