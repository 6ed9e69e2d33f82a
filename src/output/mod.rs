//! Writing what the tool produces: workbooks and files in an output folder.
//!
//! Every workbook is written the same way: real tables with a bold frozen
//! header, autofilter and readable widths; text always written as text (a
//! title beginning with `=` stays text); a pinned creation time, so that
//! the same inputs give byte-identical files; and every sheet set up to
//! print one page wide ([`page`]).

pub mod decisions;
pub mod frame;
pub mod names;
pub mod page;
pub mod plan_workbook;
pub mod printable;
pub mod validation;

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// A cell of an output table.
#[derive(Debug, Clone, PartialEq)]
pub enum OutCell {
    /// Text, written as text whatever it starts with.
    Text(String),
    /// A number.
    Number(f64),
    /// A date, written as a real date cell.
    Date(chrono::NaiveDate),
    /// Nothing.
    Blank,
}

impl From<&str> for OutCell {
    fn from(s: &str) -> Self {
        OutCell::Text(s.to_string())
    }
}

impl From<String> for OutCell {
    fn from(s: String) -> Self {
        OutCell::Text(s)
    }
}

impl From<u64> for OutCell {
    fn from(n: u64) -> Self {
        OutCell::Number(n as f64)
    }
}

impl From<u32> for OutCell {
    fn from(n: u32) -> Self {
        OutCell::Number(f64::from(n))
    }
}

/// A new workbook whose document properties are pinned, so saving the same
/// content twice gives the same bytes. Its parts are compressed at zip
/// level 2, not the default 6: a million-row plan.xlsx spends most of its
/// writing time compressing, and level 2 takes a little over half that
/// time for a file about a tenth larger (measured in bench/RESULTS.md).
pub fn new_workbook() -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(2);
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(workbook)
}

/// Writes a table: a bold frozen header row, then the rows; autofilter and
/// widths fitted to the content (capped). It prints one page wide with the
/// header row on every page and the sheet's name in the footer, in the
/// language of its labels ([`page::language_of`]).
pub fn write_table(
    sheet: &mut Worksheet,
    name: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<OutCell>>,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let mut last_row = 0u32;
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u32 + 1;
        last_row = r;
        for (c, cell) in row.iter().enumerate() {
            let c16 = c as u16;
            match cell {
                OutCell::Text(s) => {
                    sheet.write_string(r, c16, s)?;
                    if let Some(w) = widths.get_mut(c) {
                        *w = (*w).max(display_width(s));
                    }
                }
                OutCell::Number(n) => {
                    sheet.write_number(r, c16, *n)?;
                }
                OutCell::Date(d) => {
                    write_date(sheet, r, c16, *d, &date_format())?;
                    if let Some(w) = widths.get_mut(c) {
                        *w = (*w).max(10);
                    }
                }
                OutCell::Blank => {}
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !headers.is_empty() {
        sheet.autofilter(0, 0, last_row, headers.len() as u16 - 1)?;
    }
    let lang = page::language_of(std::iter::once(name).chain(headers.iter().copied()));
    page::set_up_page(sheet, page::Fit::OnePageWide, Some(0), name, lang)
}

/// Writes the skipped rows (blank, repeated header, subtotal, footer) as a
/// sheet; the validation and plan workbooks both have one.
pub fn write_skipped_sheet(
    workbook: &mut Workbook,
    skipped: &[crate::ingest::SkippedRow],
    lang: crate::config::Lang,
) -> Result<(), XlsxError> {
    let l = |zh, en| lang.pick(zh, en);
    write_table(
        workbook.add_worksheet(),
        l("跳过的行", "Skipped rows"),
        &[
            l("文件", "File"),
            l("工作表", "Sheet"),
            l("行号", "Row"),
            l("行数", "Rows"),
            l("原因", "Reason"),
        ],
        skipped.iter().map(|s| {
            vec![
                OutCell::from(s.file.as_str()),
                OutCell::from(s.sheet.as_str()),
                OutCell::from(s.row),
                OutCell::from(s.rows),
                OutCell::from(s.reason.as_str()),
            ]
        }),
    )
}

/// The number format of date cells.
pub fn date_format() -> Format {
    Format::new().set_num_format("yyyy-mm-dd")
}

/// A chrono date as an Excel date.
pub fn date_cell(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

/// Writes a date as a real date cell, or as text when Excel cannot hold it
/// (before 1900 or after 9999): a date never stops a run.
pub fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    d: chrono::NaiveDate,
    format: &Format,
) -> Result<(), XlsxError> {
    match date_cell(d) {
        Ok(cell) => sheet.write_date_with_format(row, col, cell, format)?,
        Err(_) => sheet.write_string_with_format(row, col, d.to_string(), format)?,
    };
    Ok(())
}

/// Text that a spreadsheet would run as a formula — a leading `=`, `+`,
/// `-`, `@`, tab or carriage return — gets a leading apostrophe (SPEC §6).
///
/// ```
/// use clearance::output::neutralise;
/// assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(neutralise("会议纪要"), "会议纪要");
/// ```
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A copy of a table whose text columns are [`neutralise`]d, for a CSV file
/// a spreadsheet will open.
pub fn neutralised(
    table: &polars::prelude::DataFrame,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let mut out = table.clone();
    for column in table.columns() {
        let Ok(ca) = column.str() else {
            continue;
        };
        let needs = |v: &str| matches!(neutralise(v), std::borrow::Cow::Owned(_));
        if !ca.iter().flatten().any(needs) {
            continue;
        }
        let safe = StringChunked::from_iter_options(
            column.name().clone(),
            ca.iter().map(|v| v.map(neutralise)),
        );
        out.replace(column.name().as_str(), safe.into_column())?;
    }
    Ok(out)
}

/// Approximate printed width: CJK characters count double.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

pub use crate::files::{set_readable, write_atomically};

/// Saves a workbook atomically.
pub fn save_atomically(workbook: &mut Workbook, path: &Path) -> Result<()> {
    // Straight to the file: a million-row plan.xlsx is 100 MB and more, not
    // to be held in memory (the bytes are the same as save_to_buffer's).
    write_atomically(path, |file| {
        let mut writer = std::io::BufWriter::new(file);
        workbook.save_to_writer(&mut writer)?;
        std::io::Write::flush(&mut writer)?;
        Ok(())
    })
}

/// Writes a table as UTF-8 CSV (with a BOM, so that Excel opens Chinese text
/// correctly), atomically. Text a spreadsheet would run as a formula is
/// [`neutralise`]d.
pub fn write_csv_atomically(table: &polars::prelude::DataFrame, path: &Path) -> Result<()> {
    use polars::prelude::{CsvWriter, SerWriter};
    let mut safe = neutralised(table)?;
    write_atomically(path, |file| {
        let mut writer = std::io::BufWriter::new(file);
        CsvWriter::new(&mut writer)
            .include_bom(true)
            .finish(&mut safe)?;
        std::io::Write::flush(&mut writer)?;
        Ok(())
    })
}
