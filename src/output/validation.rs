//! The validation workbook (`validation.xlsx`): how every sheet was read,
//! how every column was understood, and every problem, skipped row and
//! rejected row with its file, sheet, row and column.

use std::path::Path;

use anyhow::{Context, Result};

use rust_xlsxwriter::Workbook;

use crate::config::Lang;
use crate::ingest::{ColumnTarget, FileReport, Ingested, Problem, SheetReport};
use crate::labels;
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

/// Writes `validation.xlsx` to `path`: how every sheet was read, how
/// every column was understood, the problems, the skipped rows and the
/// rejected rows. Long sheets continue on further sheets
/// ([`super::write_table`]); an error names the file and the sheet it
/// was writing.
pub fn write(path: &Path, ingested: &Ingested, rejected: &[RejectedRow], lang: Lang) -> Result<()> {
    let mut wb = new_workbook()?;
    let sheets = |wb: &mut Workbook| -> Result<()> {
        write_sheets(wb, &ingested.files, lang)?;
        write_columns(wb, &ingested.files, lang)?;
        write_problems(wb, &ingested.problems, lang)?;
        super::write_skipped_sheet(wb, &ingested.skipped, lang)?;
        write_rejected(wb, rejected, lang)
    };
    sheets(&mut wb).with_context(|| super::writing(path))?;
    save_atomically(&mut wb, path)
}

/// 读取情况: one line per sheet read, with its row counts.
fn write_sheets(wb: &mut Workbook, files: &[FileReport], lang: Lang) -> Result<()> {
    let l = |zh, en| lang.pick(zh, en);
    let rows = files
        .iter()
        .flat_map(|f| f.sheets.iter().map(move |s| sheet_row(f, s, lang)));
    write_table(
        wb,
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
        rows,
    )?;
    Ok(())
}

/// The line of one sheet in 读取情况.
fn sheet_row(f: &FileReport, s: &SheetReport, lang: Lang) -> Vec<OutCell> {
    let header_rows = s.header_rows.map_or(OutCell::Blank, |(a, b)| {
        OutCell::Text(if a == b {
            a.to_string()
        } else {
            format!("{a}–{b}")
        })
    });
    let notes: Vec<String> = s.note.iter().chain(s.notes.iter()).cloned().collect();
    vec![
        OutCell::from(f.path.as_str()),
        OutCell::from(s.sheet.as_str()),
        header_rows,
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
            lang.pick("是", "yes")
        } else {
            lang.pick("否", "NO")
        }),
        OutCell::Text(notes.join("; ")),
    ]
}

/// 列映射: every column of every sheet, with the field it was read into
/// or the name it was kept under.
fn write_columns(wb: &mut Workbook, files: &[FileReport], lang: Lang) -> Result<()> {
    let l = |zh, en| lang.pick(zh, en);
    let columns = files.iter().flat_map(|f| {
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
        wb,
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
    Ok(())
}

/// 问题: every problem in a cell, with what it does to its row.
fn write_problems(wb: &mut Workbook, problems: &[Problem], lang: Lang) -> Result<()> {
    let l = |zh, en| lang.pick(zh, en);
    let rows = problems.iter().map(|p| {
        vec![
            OutCell::from(p.file.as_str()),
            OutCell::from(p.sheet.as_str()),
            OutCell::from(p.row),
            OutCell::Text(column_letters(p.column)),
            OutCell::from(p.field.key()),
            OutCell::from(p.raw.as_str()),
            OutCell::from(p.message.as_str()),
            OutCell::from(labels::severity(p.severity, lang)),
            OutCell::from(p.hint.as_str()),
        ]
    });
    write_table(
        wb,
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
            l("怎么办", "What to do"),
        ],
        rows,
    )?;
    Ok(())
}

/// 拒收的行: rows that could not be identified.
fn write_rejected(wb: &mut Workbook, rejected: &[RejectedRow], lang: Lang) -> Result<()> {
    let l = |zh, en| lang.pick(zh, en);
    let rows = rejected.iter().map(|r| {
        vec![
            OutCell::from(r.file.as_str()),
            OutCell::from(r.sheet.as_str()),
            OutCell::from(r.row),
            OutCell::from(r.reason.as_str()),
        ]
    });
    write_table(
        wb,
        l("拒收的行", "Rejected rows"),
        &[
            l("文件", "File"),
            l("工作表", "Sheet"),
            l("行", "Row"),
            l("原因", "Reason"),
        ],
        rows,
    )?;
    Ok(())
}
