//! Writing what the tool produces: workbooks and files in an output folder.
//!
//! Every workbook is written the same way: real tables with a bold frozen
//! header, autofilter and readable widths; text always written as text (a
//! title beginning with `=` stays text); a pinned creation time, so that
//! the same inputs give byte-identical files; and every sheet set up to
//! print one page wide ([`page`]). A sheet longer than Excel holds
//! continues on a next sheet (`name (2)` …, [`frame::part_name`]), and an
//! error writing a workbook names the file and the sheet ([`writing`]).

pub mod decisions;
pub mod frame;
pub mod jobs;
pub mod names;
pub mod page;
pub mod plan_workbook;
pub mod printable;
pub mod sheet_xml;
pub mod temp_folder;
pub mod validation;

pub use temp_folder::{add_streamed_sheet, check_temp_folder, guard_temp_folder};

use std::path::Path;

use anyhow::{Context, Result};
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

impl From<std::borrow::Cow<'_, str>> for OutCell {
    fn from(s: std::borrow::Cow<'_, str>) -> Self {
        OutCell::Text(s.into_owned())
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
/// level 1, not the default 6: a million-row plan.xlsx spends much of its
/// writing time compressing. Level 1 made `plan` at 1M rows about 7 %
/// faster than level 2 for files about a third larger (plan.xlsx 124 →
/// 170 MB; bench/RESULTS.md).
pub fn new_workbook() -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(1);
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(workbook)
}

/// Writes a table as new sheets of `workbook`, in constant memory (rows go
/// to disk as they are written): a bold frozen header row, then the rows;
/// autofilter and widths fitted to the rows written (capped). Past
/// [`frame::MAX_DATA_ROWS`] rows the table continues on a next sheet with
/// the same header, named as [`frame::part_name`] says (`name (2)` …).
/// Every sheet prints one page wide with the header row on every page and
/// its name in the footer, in the language of its labels
/// ([`page::language_of`]). An error names the sheet.
pub fn write_table(
    workbook: &mut Workbook,
    name: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<OutCell>>,
) -> Result<()> {
    write_table_parts(workbook, name, headers, rows, frame::MAX_DATA_ROWS)
}

/// [`write_table`] with `max_rows` data rows per sheet.
fn write_table_parts(
    workbook: &mut Workbook,
    name: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<OutCell>>,
    max_rows: usize,
) -> Result<()> {
    let mut rows = rows.into_iter().peekable();
    let table = Table::new(name, headers);
    let mut part = 0;
    loop {
        let sheet_name = frame::part_name(name, part);
        let written = add_streamed_sheet(workbook)
            .and_then(|sheet| table.write_part(sheet, &sheet_name, &mut rows, max_rows));
        written.with_context(|| format!("sheet {sheet_name}"))?;
        part += 1;
        if rows.peek().is_none() {
            return Ok(());
        }
    }
}

/// What every sheet of a table shares: its header and formats.
struct Table<'a> {
    headers: &'a [&'a str],
    bold: Format,
    dates: Format,
    lang: crate::config::Lang,
}

impl<'a> Table<'a> {
    fn new(name: &str, headers: &'a [&'a str]) -> Table<'a> {
        Table {
            headers,
            bold: Format::new().set_bold(),
            dates: date_format(),
            lang: page::language_of(std::iter::once(name).chain(headers.iter().copied())),
        }
    }

    /// Writes the header and up to `max_rows` of `rows` into `sheet`, named
    /// `sheet_name`, rows in order (as a constant-memory sheet needs); the
    /// widths come from the rows written.
    fn write_part(
        &self,
        sheet: &mut Worksheet,
        sheet_name: &str,
        rows: &mut impl Iterator<Item = Vec<OutCell>>,
        max_rows: usize,
    ) -> Result<()> {
        sheet.set_name(sheet_name)?;
        let headers = self.headers;
        let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &self.bold)?;
        }
        let mut last_row = 0u32;
        for (r, row) in rows.take(max_rows).enumerate() {
            let r = r as u32 + 1;
            last_row = r;
            for (c, cell) in row.iter().enumerate() {
                let c16 = c as u16;
                let width = match cell {
                    OutCell::Text(s) => {
                        sheet.write_string(r, c16, s)?;
                        display_width(s)
                    }
                    OutCell::Number(n) => {
                        sheet.write_number(r, c16, *n)?;
                        0
                    }
                    OutCell::Date(d) => {
                        write_date(sheet, r, c16, *d, Some(&self.dates))?;
                        10
                    }
                    OutCell::Blank => 0,
                };
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(width);
                }
            }
        }
        // Column widths are written with the sheet when it is saved, so
        // they can follow the rows even in constant memory.
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        if !headers.is_empty() {
            sheet.autofilter(0, 0, last_row, headers.len() as u16 - 1)?;
        }
        page::set_up_page(
            sheet,
            page::Fit::OnePageWide,
            Some(0),
            sheet_name,
            self.lang,
        )?;
        Ok(())
    }
}

/// Writes the skipped rows (blank, repeated header, subtotal, footer) as a
/// sheet, continued on further sheets when long; the validation and plan
/// workbooks both have one.
pub fn write_skipped_sheet(
    workbook: &mut Workbook,
    skipped: &[crate::ingest::SkippedRow],
    lang: crate::config::Lang,
) -> Result<()> {
    let l = |zh, en| lang.pick(zh, en);
    write_table(
        workbook,
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
/// (before 1900 or after 9999): a date never stops a run. With `format`
/// `None` the cell is given no format and takes its column's (a column
/// formatted with [`date_format`]): a format given per cell is looked up
/// by hashing all of it, for every cell.
pub fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    d: chrono::NaiveDate,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match (date_cell(d), format) {
        (Ok(cell), Some(f)) => sheet.write_date_with_format(row, col, cell, f)?,
        (Ok(cell), None) => sheet.write_datetime(row, col, cell)?,
        (Err(_), Some(f)) => sheet.write_string_with_format(row, col, d.to_string(), f)?,
        (Err(_), None) => sheet.write_string(row, col, d.to_string())?,
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
        // A column with no value needs nothing, and is not read: reading
        // would make its one repeated null a value per row.
        if crate::codes::is_blank(column) {
            continue;
        }
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

pub use crate::files::{file_label, set_readable, write_atomically, writing};

/// Saves a workbook atomically; an error names the file.
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

/// Rows per row group of a Parquet file: a quarter of polars' default,
/// so that a group's codes as text and its encoded pages stay small (at
/// 1M rows the writer's peak fell from 59 to 16 MB; the file is 3 %
/// larger).
const PARQUET_ROW_GROUP: usize = 64 * 1024;

/// Writes a table as Parquet, atomically, its coded columns as text
/// ([`crate::codes::to_text`]). The table goes out one row group at a
/// time: neither the codes as text nor a rechunked copy of a table stacked
/// from several registers is ever held whole (polars' own writer first
/// aligns every column's chunks, which copies a five-register table).
pub fn write_parquet_atomically(table: &polars::prelude::DataFrame, path: &Path) -> Result<()> {
    write_parquet_split(table, path, PARQUET_ROW_GROUP)
}

/// [`write_parquet_atomically`] with `group` rows per row group.
fn write_parquet_split(
    table: &polars::prelude::DataFrame,
    path: &Path,
    group: usize,
) -> Result<()> {
    use polars::prelude::ParquetWriter;
    let schema = crate::codes::to_text(&table.slice(0, 0))?.schema().clone();
    write_atomically(path, |file| {
        let mut writer = ParquetWriter::new(file).batched(&schema)?;
        let mut offset = 0;
        while offset < table.height() {
            let mut part = crate::codes::to_text(&table.slice(offset as i64, group))?;
            // A part may span the tables of two registers: one chunk each.
            part.rechunk_mut();
            writer.write_batch(&part)?;
            offset += group;
        }
        writer.finish()?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    /// A table stacked from three registers (a chunk each) with a coded
    /// column of one chunk, written a few rows per row group, reads back
    /// whole, in order, its codes as text.
    #[test]
    fn parquet_of_stacked_registers_reads_back_every_row_codes_as_text() {
        use polars::prelude::*;
        let part = |first: i64, n: i64| {
            DataFrame::new(
                n as usize,
                vec![Column::new(
                    "doc_id".into(),
                    (first..first + n)
                        .map(|k| format!("D-{k}"))
                        .collect::<Vec<_>>(),
                )],
            )
            .unwrap()
        };
        let mut table = part(0, 5);
        table.vstack_mut(&part(5, 3)).unwrap();
        table.vstack_mut(&part(8, 6)).unwrap();
        let codes: Vec<Option<&str>> = (0..14).map(|k| Some(["DESTROY", "KEEP"][k % 2])).collect();
        table
            .with_column(
                crate::codes::column(
                    "disposition",
                    crate::fields::CodeSet::Disposition,
                    codes.clone(),
                )
                .unwrap(),
            )
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.parquet");
        write_parquet_split(&table, &path, 4).unwrap();
        let back = ParquetReader::new(std::fs::File::open(&path).unwrap())
            .finish()
            .unwrap();
        let ids: Vec<String> = (0..14).map(|k| format!("D-{k}")).collect();
        let read: Vec<Option<&str>> = back
            .column("doc_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        let ids: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
        assert_eq!(read, ids);
        let read: Vec<Option<&str>> = back
            .column("disposition")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(read, codes);
    }

    /// Every sheet of a workbook, by name, as rows of text, in order.
    fn sheets_of(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<String>>)> {
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let rows = range
                    .rows()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect();
                (name, rows)
            })
            .collect()
    }

    /// A part of an .xlsx archive, as text.
    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    }

    fn anomaly(k: usize) -> Vec<OutCell> {
        vec![
            OutCell::from("OVERDUE"),
            OutCell::Text(format!("=D-{k}")),
            OutCell::Number(k as f64),
        ]
    }

    #[test]
    fn anomalies_past_the_sheet_row_limit_continue_on_a_next_sheet() {
        let mut wb = new_workbook().unwrap();
        let headers = ["代码", "文件编号", "行号"];
        write_table_parts(&mut wb, "异常", &headers, (1..=7).map(anomaly), 3).unwrap();
        // A table that fills its sheet exactly takes no empty next sheet,
        // and an empty one still has its header.
        write_table_parts(&mut wb, "跳过的行", &headers, (1..=3).map(anomaly), 3).unwrap();
        write_table_parts(&mut wb, "预测", &headers, std::iter::empty(), 3).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let sheets = sheets_of(bytes.clone());
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["异常", "异常 (2)", "异常 (3)", "跳过的行", "预测"]);
        let mut ids = Vec::new();
        for (name, rows) in &sheets[..3] {
            assert_eq!(rows[0], headers, "{name}: every part has the header");
            assert!(rows.len() <= 4, "{name}: at most 3 rows under the header");
            ids.extend(rows[1..].iter().map(|r| r[1].clone()));
        }
        assert_eq!(
            ids,
            (1..=7).map(|k| format!("=D-{k}")).collect::<Vec<_>>(),
            "every row once, as text, in order"
        );
        assert_eq!(sheets[3].1.len(), 4);
        assert_eq!(sheets[4].1, [headers.map(String::from).to_vec()]);
        // Every part prints like the first: its header row repeated on every
        // page, its own name in the footer, widths fitted to its rows, the
        // header frozen and filtered.
        let workbook = part(&bytes, "xl/workbook.xml");
        for k in 0..5 {
            assert!(
                workbook.contains(&format!("_xlnm.Print_Titles\" localSheetId=\"{k}\">")),
                "sheet {k} repeats its header: {workbook}"
            );
        }
        let third = part(&bytes, "xl/worksheets/sheet3.xml");
        for expected in [
            "<cols>",
            "paperSize=\"9\"",
            "fitToHeight=\"0\"",
            "&amp;L&amp;8异常 (3)&amp;R第 &amp;P 页 共 &amp;N 页",
            "<autoFilter ref=\"A1:C2\"/>",
            "state=\"frozen\"",
        ] {
            assert!(third.contains(expected), "{expected} in {third}");
        }
    }

    #[test]
    fn a_write_error_names_the_sheet() {
        let mut wb = new_workbook().unwrap();
        let too_long = vec![OutCell::Text("长".repeat(40_000))];
        let error = write_table(&mut wb, "异常", &["文件标题"], [too_long]).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.starts_with("sheet 异常: "), "{message}");
        assert!(message.contains("32,767"), "{message}");
    }
}
