//! The validation workbook (`validation.xlsx`): how every sheet was read,
//! how every column was understood, and every problem, skipped row and
//! rejected row with its file, sheet, row and column.

use std::path::Path;

use anyhow::Result;

use crate::config::Lang;
use crate::ingest::{ColumnTarget, Ingested, Severity};
use crate::text::column_letters;

use super::{OutCell, new_workbook, save_atomically, write_table};

/// A row that could not be identified, as listed to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The file.
    pub file: String,
    /// The sheet.
    pub sheet: String,
    /// 1-based row.
    pub row: u32,
    /// Why.
    pub reason: String,
}

/// The rejected rows of the canonical table, in table order.
pub fn rejected_rows(ingested: &Ingested) -> Result<Vec<RejectedRow>> {
    let t = &ingested.table;
    if t.height() == 0 {
        return Ok(Vec::new());
    }
    let reason = t.column("reject_reason")?.str()?;
    let file = t.column("source_file")?.str()?;
    let sheet = t.column("source_sheet")?.str()?;
    let row = t.column("source_row")?.u32()?;
    let mut out = Vec::new();
    for (i, r) in reason.iter().enumerate() {
        if let Some(r) = r {
            out.push(RejectedRow {
                file: file.get(i).unwrap_or_default().to_string(),
                sheet: sheet.get(i).unwrap_or_default().to_string(),
                row: row.get(i).unwrap_or_default(),
                reason: r.to_string(),
            });
        }
    }
    Ok(out)
}

/// Writes `validation.xlsx` to `path`.
pub fn write(path: &Path, ingested: &Ingested, rejected: &[RejectedRow], lang: Lang) -> Result<()> {
    let l = |zh, en| lang.pick(zh, en);
    let mut wb = new_workbook()?;

    let sheets = ingested.files.iter().flat_map(|f| {
        f.sheets.iter().map(move |s| {
            vec![
                OutCell::from(f.path.as_str()),
                OutCell::from(s.sheet.as_str()),
                s.header_rows.map_or(OutCell::Blank, |(a, b)| {
                    OutCell::Text(if a == b {
                        a.to_string()
                    } else {
                        format!("{a}–{b}")
                    })
                }),
                OutCell::from(s.nonempty_rows),
                OutCell::from(s.preamble_rows),
                OutCell::from(s.header_row_count),
                OutCell::from(s.data_rows),
                OutCell::from(s.rejected_rows),
                OutCell::from(s.skipped_rows),
                OutCell::from(s.skipped_nonempty),
                OutCell::from(s.unread_rows),
                OutCell::from(s.merged_fills.values().sum::<u64>()),
                OutCell::from(if s.balances() {
                    l("是", "yes")
                } else {
                    l("否", "NO")
                }),
                OutCell::Text(
                    s.note
                        .iter()
                        .chain(s.notes.iter())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ]
        })
    });
    write_table(
        wb.add_worksheet(),
        l("读取情况", "Sheets"),
        &[
            l("文件", "File"),
            l("工作表", "Sheet"),
            l("表头行", "Header rows"),
            l("非空行（独立计数）", "Non-empty rows (counted)"),
            l("表头上方行", "Rows above header"),
            l("表头行数", "Header row count"),
            l("数据行", "Data rows"),
            l("拒收行", "Rejected"),
            l("跳过行（含空行）", "Skipped (blank included)"),
            l("跳过的非空行", "Skipped non-empty"),
            l("未读（无表头）", "Not read (no header)"),
            l("合并单元格填充", "Merged cells filled"),
            l("全部对账", "All accounted for"),
            l("说明", "Note"),
        ],
        sheets,
    )?;

    let columns = ingested.files.iter().flat_map(|f| {
        f.sheets.iter().flat_map(move |s| {
            s.columns.iter().map(move |c| {
                let (target, kept) = match &c.target {
                    ColumnTarget::Field(field) => (field.key().to_string(), String::new()),
                    ColumnTarget::Kept(name) => (String::new(), name.clone()),
                };
                vec![
                    OutCell::from(f.path.as_str()),
                    OutCell::from(s.sheet.as_str()),
                    OutCell::Text(column_letters(c.index)),
                    OutCell::from(c.header.as_str()),
                    OutCell::Text(target),
                    OutCell::Text(kept),
                    c.note.clone().map_or(OutCell::Blank, OutCell::Text),
                ]
            })
        })
    });
    write_table(
        wb.add_worksheet(),
        l("列映射", "Columns"),
        &[
            l("文件", "File"),
            l("工作表", "Sheet"),
            l("列", "Column"),
            l("表头", "Header"),
            l("字段", "Field"),
            l("原样保留为", "Kept as"),
            l("说明", "Note"),
        ],
        columns,
    )?;

    let problems = ingested.problems.iter().map(|p| {
        vec![
            OutCell::from(p.file.as_str()),
            OutCell::from(p.sheet.as_str()),
            OutCell::from(p.row),
            OutCell::Text(column_letters(p.column)),
            OutCell::from(p.field.key()),
            OutCell::from(p.raw.as_str()),
            OutCell::from(p.message.as_str()),
            OutCell::from(match p.severity {
                Severity::Review => l("转人工审核 (REVIEW)", "row goes to REVIEW"),
                Severity::Anomaly => l("记为异常，照常处理", "anomaly; row still planned"),
            }),
        ]
    });
    write_table(
        wb.add_worksheet(),
        l("问题", "Problems"),
        &[
            l("文件", "File"),
            l("工作表", "Sheet"),
            l("行", "Row"),
            l("列", "Column"),
            l("字段", "Field"),
            l("原值", "Raw value"),
            l("问题", "Problem"),
            l("后果", "Effect"),
        ],
        problems,
    )?;

    super::write_skipped_sheet(&mut wb, &ingested.skipped, lang)?;

    let rejected_rows = rejected.iter().map(|r| {
        vec![
            OutCell::from(r.file.as_str()),
            OutCell::from(r.sheet.as_str()),
            OutCell::from(r.row),
            OutCell::from(r.reason.as_str()),
        ]
    });
    write_table(
        wb.add_worksheet(),
        l("拒收的行", "Rejected rows"),
        &[
            l("文件", "File"),
            l("工作表", "Sheet"),
            l("行", "Row"),
            l("原因", "Reason"),
        ],
        rejected_rows,
    )?;

    save_atomically(&mut wb, path)
}
