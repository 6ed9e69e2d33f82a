//! Writing a polars table into worksheets, a million rows and more.
//!
//! The plan's sheets can hold a million rows: they are set up here (widths,
//! formats, header, filter, pages) as rust_xlsxwriter sheets, and their
//! rows are written when the workbook is saved, straight into the file as
//! rust_xlsxwriter would write them ([`super::sheet_xml`]); past Excel's
//! limit of 1,048,576 rows a table continues on further sheets. Text is
//! always written as text, dates as dates. Each sheet prints one page wide,
//! its header on every page ([`super::page`]).
//!
//! Every long sheet the tool writes continues the same way — tables
//! ([`super::write_table`]) and printable lists
//! ([`super::printable`]) too: [`MAX_DATA_ROWS`] is the limit, and
//! [`part_name`] names the sheets it continues on.

use anyhow::{Context, Result};
use polars::prelude::*;
use rust_xlsxwriter::{Format, Workbook};

use super::page::{Fit, set_up_page};
use super::{date_format, display_width};
use crate::codes::{TextColumn, WholeNumbers};
use crate::config::Lang;

/// Data rows per sheet: Excel's 1,048,576 less the header row. Also the
/// last row (0-based) a sheet can hold.
pub const MAX_DATA_ROWS: usize = 1_048_575;

/// The longest sheet name Excel accepts, in characters.
const MAX_SHEET_NAME: usize = 31;

/// The name of part `part` (from 0) of a sheet named `name` that continues
/// on further sheets: `name`, then `name (2)`, `name (3)` …; a long name is
/// shortened so that the number fits Excel's 31 characters.
///
/// ```
/// use clearance::output::frame::part_name;
/// assert_eq!(part_name("异常", 0), "异常");
/// assert_eq!(part_name("异常", 1), "异常 (2)");
/// assert_eq!(part_name(&"x".repeat(31), 9).chars().count(), 31);
/// ```
pub fn part_name(name: &str, part: usize) -> String {
    if part == 0 {
        return name.to_string();
    }
    let suffix = format!(" ({})", part + 1);
    let room = MAX_SHEET_NAME.saturating_sub(suffix.chars().count());
    let base: String = name.chars().take(room).collect();
    format!("{base}{suffix}")
}

/// A column of a table, typed for writing.
enum Reader {
    /// Text, and codes as their text.
    Text(TextColumn),
    Date(Int32Chunked),
    /// Whole numbers, read in their own type.
    Whole(WholeNumbers),
    /// Other numbers, as `f64`.
    Number(Float64Chunked),
    Bool(BooleanChunked),
    /// A column without a value, not read (see [`TextColumn::Blank`]),
    /// with the width its type would have had.
    Blank(usize),
}

impl Reader {
    fn new(column: &Column) -> PolarsResult<Reader> {
        // A column without a value writes nothing, whatever its type; it
        // is as wide as its type makes a column.
        if crate::codes::is_blank(column) {
            return Ok(Reader::Blank(match column.dtype() {
                DataType::Date => DATE_WIDTH,
                dt if dt.is_primitive_numeric() || dt == &DataType::Boolean => NUMBER_WIDTH,
                _ => 0,
            }));
        }
        if let Some(whole) = WholeNumbers::of(column) {
            return Ok(Reader::Whole(whole));
        }
        Ok(match column.dtype() {
            DataType::Date => Reader::Date(column.date()?.physical().clone()),
            DataType::Boolean => Reader::Bool(column.bool()?.clone()),
            dt if dt.is_primitive_numeric() => {
                Reader::Number(column.cast(&DataType::Float64)?.f64()?.clone())
            }
            _ => Reader::Text(TextColumn::new(column)?),
        })
    }
}

/// How booleans read in the chosen language.
#[derive(Clone, Copy)]
pub struct BoolWords {
    /// For true.
    pub yes: &'static str,
    /// For false.
    pub no: &'static str,
}

/// How a table is labelled: the booleans' words, the replacement of a text
/// value for display (`display(column, value, lang)`, e.g. a code by its label)
/// and the language of the page footer.
pub struct Shown<'a> {
    /// How booleans read.
    pub words: &'a BoolWords,
    /// How a text value is shown.
    pub display: Display,
    /// The language of the labels, and of the page footer.
    pub lang: Lang,
}

/// Sets up `columns` of `df` (name, header label) as sheets of `workbook`:
/// each frame (`name`, `rows`) is the table rows `rows`, in that order
/// (indexes, so that no copy of the rows is made), on one or more sheets
/// named `name`, `name (2)`, …, the frames' sheets in the frames' order.
/// Every sheet has a frozen bold header and autofilter and prints one page
/// wide with its header on every page. Values are shown as `shown` says.
/// The sheets are set up here with their header; their rows are written
/// when the workbook is saved with the [`FrameRows`] returned
/// ([`super::sheet_xml::save_with_rows`]), on every core. An error names
/// the sheet.
pub fn write_frames<'d>(
    workbook: &mut Workbook,
    df: &'d DataFrame,
    frames: Vec<(&str, Vec<usize>)>,
    columns: &[(&'d str, &'d str)],
    shown: &Shown<'_>,
) -> Result<FrameRows<'d>> {
    write_frames_split(workbook, df, frames, columns, shown, MAX_DATA_ROWS)
}

/// How a text value is shown: `display(column, value, lang)` may replace
/// it (e.g. a code by its label, [`crate::labels::display`]).
pub type Display = for<'v> fn(&str, &'v str, Lang) -> Option<&'v str>;

/// [`write_frames`] with `max_rows` data rows per sheet.
fn write_frames_split<'d>(
    workbook: &mut Workbook,
    df: &'d DataFrame,
    frames: Vec<(&str, Vec<usize>)>,
    columns: &[(&'d str, &'d str)],
    shown: &Shown<'_>,
    max_rows: usize,
) -> Result<FrameRows<'d>> {
    let first_name = frames.first().map_or("", |(name, _)| *name);
    let table = readers_of(df, columns).with_context(|| format!("sheet {first_name}"))?;
    let dates = date_format();
    let mut parts: Vec<FramePart> = Vec::new();
    for (name, rows) in frames {
        // The rows are kept, not copied, unless they continue on further
        // sheets. An empty table still gets its sheet, with the header.
        let chunks: Vec<Vec<usize>> = if rows.len() <= max_rows {
            vec![rows]
        } else {
            rows.chunks(max_rows).map(<[usize]>::to_vec).collect()
        };
        for (part, rows) in chunks.into_iter().enumerate() {
            let sheet_name = part_name(name, part);
            let sheet = workbook.worksheets().len();
            start_part(workbook, &sheet_name, &table, &rows, &dates, shown)
                .with_context(|| format!("sheet {sheet_name}"))?;
            parts.push(FramePart {
                sheet,
                name: sheet_name,
                rows,
            });
        }
    }
    Ok(FrameRows {
        table,
        words: *shown.words,
        display: shown.display,
        lang: shown.lang,
        parts,
    })
}

/// The rows of the sheets [`write_frames`] set up, written when their
/// workbook is saved ([`super::sheet_xml::save_with_rows`]).
pub struct FrameRows<'d> {
    table: Table<'d>,
    words: BoolWords,
    display: Display,
    lang: Lang,
    parts: Vec<FramePart>,
}

/// One sheet of a frame: its place among the workbook's worksheets, its
/// name and the table rows it holds.
struct FramePart {
    sheet: usize,
    name: String,
    rows: Vec<usize>,
}

impl super::sheet_xml::SheetRows for FrameRows<'_> {
    fn sheets(&self) -> Vec<super::sheet_xml::SheetSlot> {
        self.parts
            .iter()
            .map(|p| super::sheet_xml::SheetSlot {
                sheet: p.sheet,
                name: p.name.clone(),
                first_row: 1,
                rows: p.rows.len(),
            })
            .collect()
    }

    fn write_rows(&self, k: usize, xml: &mut super::sheet_xml::RowXml<'_>) -> Result<()> {
        let rows = &self.parts[k].rows;
        // A sheet's rows are spread over the table (the rows of one
        // disposition, say), and a row is read from every column: read in
        // place, each value would be a cache miss. They are copied out a
        // block at a time, a column at a time (text stays where it is:
        // only its 16-byte views are copied), and written from the copy.
        let mut written = 0u32;
        for block in rows.chunks(BLOCK_ROWS) {
            let (offset, len, indexes) = span_of(block);
            let copied = self
                .table
                .readers
                .iter()
                .zip(&self.table.columns)
                .map(|((name, _), column)| {
                    let copy = column.slice(offset, len).take(&indexes)?;
                    Ok((*name, Reader::new(&copy)?))
                })
                .collect::<PolarsResult<Vec<_>>>()?;
            for i in 0..block.len() {
                written += 1;
                xml.start_row(written)?;
                self.write_row(xml, i, &copied)?;
            }
        }
        Ok(())
    }
}

/// Rows copied out of the table at a time for writing
/// ([`FrameRows`], and the printed lists' [`super::decisions::RowBlocks`]).
pub(crate) const BLOCK_ROWS: usize = 4096;

/// Adds the sheet `sheet_name` for table rows `rows`, its columns as wide
/// as they need, its header row written and frozen, filtered over the
/// rows and set up to print; its rows are written by [`FrameRows`].
fn start_part(
    workbook: &mut Workbook,
    sheet_name: &str,
    table: &Table<'_>,
    rows: &[usize],
    dates: &Format,
    shown: &Shown<'_>,
) -> Result<()> {
    let bold = Format::new().set_bold();
    let sheet = super::add_streamed_sheet(workbook)?;
    sheet.set_name(sheet_name)?;
    // Widths must be known before rows stream out: measure this part first.
    let widths = column_widths(&table.readers, &table.headers, rows, shown);
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
    }
    // A date column's format is the column's: each date cell is written
    // without one and takes it.
    for (c, (_, reader)) in table.readers.iter().enumerate() {
        if matches!(reader, Reader::Date(_)) {
            sheet.set_column_format(c as u16, dates)?;
        }
    }
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !table.headers.is_empty() {
        sheet.autofilter(0, 0, rows.len() as u32, table.headers.len() as u16 - 1)?;
    }
    set_up_page(sheet, Fit::OnePageWide, Some(0), sheet_name, shown.lang)?;
    Ok(())
}

/// The rows of the table that `rows` (not empty) span — as `offset` and
/// `len` for `slice` — and their indexes within them. A block is copied
/// from that slice: a table of several registers holds a chunk per
/// register, and a copy taken across chunks copies every text's bytes,
/// where one taken within a chunk copies only its 16-byte view; a block of
/// rows in table order lies within one chunk but where it crosses into the
/// next.
pub(crate) fn span_of(rows: &[usize]) -> (i64, usize, IdxCa) {
    let first = rows.iter().copied().min().unwrap_or(0);
    let last = rows.iter().copied().max().unwrap_or(0);
    let indexes = IdxCa::from_vec(
        PlSmallStr::EMPTY,
        rows.iter().map(|&i| (i - first) as IdxSize).collect(),
    );
    (first as i64, last - first + 1, indexes)
}

/// The columns of a table written, each with its name, reader and header.
struct Table<'c> {
    /// Each column's name and reader.
    readers: Vec<(&'c str, Reader)>,
    /// The columns read.
    columns: Vec<&'c Column>,
    /// Each column's header.
    headers: Vec<&'c str>,
}

/// The `columns` the table has, with their headers; columns the table
/// lacks are left out, with their headers.
fn readers_of<'c>(df: &'c DataFrame, columns: &[(&'c str, &'c str)]) -> Result<Table<'c>> {
    let mut table = Table {
        readers: Vec::new(),
        columns: Vec::new(),
        headers: Vec::new(),
    };
    for (name, header) in columns {
        if let Ok(column) = df.column(name) {
            table.readers.push((*name, Reader::new(column)?));
            table.columns.push(column);
            table.headers.push(*header);
        }
    }
    Ok(table)
}

/// The width of a date column, in characters.
const DATE_WIDTH: usize = 10;

/// The width of a column of numbers or yes/no, in characters.
const NUMBER_WIDTH: usize = 6;

/// Column widths for rows `start..end`: the header's, or the widest of the
/// first 2,000 values as shown.
fn column_widths(
    readers: &[(&str, Reader)],
    headers: &[&str],
    rows: &[usize],
    shown: &Shown<'_>,
) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (c, (column, reader)) in readers.iter().enumerate() {
        let w = match reader {
            Reader::Text(text) => rows
                .iter()
                .take(2000)
                .filter_map(|i| {
                    text.get(*i).map(|v| {
                        display_width((shown.display)(column, &v, shown.lang).unwrap_or(&v))
                    })
                })
                .max()
                .unwrap_or(0),
            Reader::Date(_) => DATE_WIDTH,
            Reader::Whole(_) | Reader::Number(_) | Reader::Bool(_) => NUMBER_WIDTH,
            Reader::Blank(width) => *width,
        };
        widths[c] = widths[c].max(w);
    }
    widths
}

impl FrameRows<'_> {
    /// Writes row `i` of the block `readers` into the row `xml` started:
    /// booleans as words, text as shown, dates as dates; nulls stay blank.
    fn write_row(
        &self,
        xml: &mut super::sheet_xml::RowXml<'_>,
        i: usize,
        readers: &[(&str, Reader)],
    ) -> Result<()> {
        for (c, (column, reader)) in readers.iter().enumerate() {
            let c = c as u16;
            match reader {
                Reader::Text(text) => {
                    if let Some(v) = text.get(i) {
                        let shown = (self.display)(column, &v, self.lang).unwrap_or(&v);
                        xml.text(c, shown)?;
                    }
                }
                Reader::Date(ca) => {
                    if let Some(days) = ca.get(i) {
                        xml.date(c, crate::domain::from_epoch_days(days))?;
                    }
                }
                Reader::Whole(n) => {
                    if let Some(v) = n.get(i) {
                        xml.number(c, v as f64)?;
                    }
                }
                Reader::Number(ca) => {
                    if let Some(v) = ca.get(i) {
                        xml.number(c, v)?;
                    }
                }
                Reader::Bool(ca) => {
                    if let Some(v) = ca.get(i) {
                        xml.text(c, if v { self.words.yes } else { self.words.no })?;
                    }
                }
                Reader::Blank(_) => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    /// `columns` of `df` written as `frames` (sheet name, rows), each
    /// continuing every `max_rows` rows: the workbook's bytes.
    fn written_frames(
        df: &DataFrame,
        frames: &[(&str, &[usize])],
        columns: &[(&str, &str)],
        max_rows: usize,
    ) -> Vec<u8> {
        let frames = frames.iter().map(|(n, r)| (*n, r.to_vec())).collect();
        let (mut wb, rows) = set_up(df, frames, columns, max_rows).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        super::super::sheet_xml::save_with_rows(&mut wb, &rows, &path).unwrap();
        std::fs::read(path).unwrap()
    }

    /// A new workbook with `frames` of `df` set up as sheets (each
    /// continuing every `max_rows` rows), and their rows to write.
    fn set_up<'d>(
        df: &'d DataFrame,
        frames: Vec<(&str, Vec<usize>)>,
        columns: &[(&'d str, &'d str)],
        max_rows: usize,
    ) -> Result<(Workbook, FrameRows<'d>)> {
        let mut wb = super::super::new_workbook()?;
        let words = BoolWords {
            yes: "是",
            no: "否",
        };
        let shown = Shown {
            words: &words,
            display: |_, _, _| None,
            lang: Lang::Zh,
        };
        let rows = write_frames_split(&mut wb, df, frames, columns, &shown, max_rows)?;
        Ok((wb, rows))
    }

    /// `columns` of `df`'s `rows` written as sheet 表 (continuing every
    /// `max_rows` rows), read back.
    fn written(
        df: &DataFrame,
        rows: &[usize],
        columns: &[(&str, &str)],
        max_rows: usize,
    ) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        let bytes = written_frames(df, &[("表", rows)], columns, max_rows);
        Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    /// Sheets are filled on every core, the longest first: they still come
    /// in the frames' order, each with its own rows, and the workbook is
    /// the same bytes every time (the date format is numbered before any
    /// row is written).
    #[test]
    fn frames_filled_on_every_core_keep_their_order_rows_and_bytes() {
        let n = 5000;
        let df = DataFrame::new(
            n,
            vec![
                Column::new(
                    "id".into(),
                    (0..n).map(|i| format!("D-{i}")).collect::<Vec<_>>(),
                ),
                Column::new("day".into(), (0..n).map(|i| i as i32).collect::<Vec<_>>())
                    .cast(&DataType::Date)
                    .unwrap(),
            ],
        )
        .unwrap();
        let short: Vec<usize> = (0..3).collect();
        let long: Vec<usize> = (3..n).rev().collect();
        let frames: [(&str, &[usize]); 3] = [("甲", &short), ("乙", &[]), ("丙", &long)];
        let columns = [("id", "编号"), ("day", "日期")];
        let bytes = written_frames(&df, &frames, &columns, 2000);
        for _ in 0..4 {
            assert!(written_frames(&df, &frames, &columns, 2000) == bytes);
        }
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["甲", "乙", "丙", "丙 (2)", "丙 (3)"]);
        let mut ids: Vec<String> = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            let rows: Vec<&[Data]> = range.rows().collect();
            assert_eq!(rows[0][0], Data::String("编号".into()), "{name}");
            for row in &rows[1..] {
                ids.push(row[0].to_string());
                let day = match &row[1] {
                    Data::DateTime(d) => d.as_f64() as i64 - 25569,
                    other => panic!("{name}: a date, not {other:?}"),
                };
                assert_eq!(format!("D-{day}"), row[0].to_string(), "{name}");
            }
        }
        let want: Vec<String> = short
            .iter()
            .chain(&long)
            .map(|i| format!("D-{i}"))
            .collect();
        assert_eq!(ids, want, "every row once, in each frame's order");
    }

    /// Rows are copied out a block at a time: rows picked from anywhere in
    /// the table, in any order, over several blocks, with nulls, read back
    /// as the table holds them.
    #[test]
    fn rows_picked_over_several_blocks_are_written_as_the_table_holds_them() {
        let n = 3 * BLOCK_ROWS + 17;
        let text = |i: usize| (!i.is_multiple_of(7)).then(|| format!("文件{i}"));
        let number = |i: usize| (!i.is_multiple_of(5)).then_some(i as i64 * 3);
        let df = DataFrame::new(
            n,
            vec![
                Column::new("t".into(), (0..n).map(text).collect::<Vec<_>>()),
                Column::new("n".into(), (0..n).map(number).collect::<Vec<_>>()),
            ],
        )
        .unwrap();
        // Two chunks, as a table of two registers holds.
        let df = df
            .slice(0, n / 3)
            .vstack(&df.slice((n / 3) as i64, n))
            .unwrap();
        assert_eq!(df.column("t").unwrap().n_chunks(), 2);
        // Every third row from the last one back; every second in order.
        for rows in [
            (0..n).rev().step_by(3).collect::<Vec<usize>>(),
            (0..n).step_by(2).collect(),
        ] {
            let mut book = written(&df, &rows, &[("t", "文本"), ("n", "数")], MAX_DATA_ROWS);
            let range = book.worksheet_range("表").unwrap();
            assert_eq!(range.height(), rows.len() + 1);
            for (r, i) in rows.iter().enumerate() {
                let cell = |c: usize| range.get((r + 1, c)).cloned().unwrap_or(Data::Empty);
                let want_text = text(*i).map_or(Data::Empty, Data::String);
                let want_number = number(*i).map_or(Data::Empty, |v| Data::Float(v as f64));
                assert_eq!(
                    (cell(0), cell(1)),
                    (want_text, want_number),
                    "table row {i}"
                );
            }
        }
    }

    #[test]
    fn a_table_past_the_row_limit_continues_on_further_sheets() {
        let df = DataFrame::new(
            7,
            vec![
                Column::new(
                    "id".into(),
                    (1..=7).map(|i| format!("=D-{i}")).collect::<Vec<_>>(),
                ),
                Column::new("n".into(), (1..=7).collect::<Vec<i64>>()),
                Column::new("ok".into(), [true, false, true, true, false, true, true]),
            ],
        )
        .unwrap();
        let mut book = written(
            &df,
            &(0..7).collect::<Vec<_>>(),
            &[("id", "编号"), ("n", "数"), ("ok", "是否")],
            3,
        );
        assert_eq!(book.sheet_names(), ["表", "表 (2)", "表 (3)"]);
        let mut ids = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).unwrap();
            let rows: Vec<Vec<String>> = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            assert_eq!(rows[0], ["编号", "数", "是否"], "every part has the header");
            ids.extend(rows[1..].iter().map(|r| r[0].clone()));
            if name == "表 (3)" {
                assert_eq!(rows[1], ["=D-7", "7", "是"]);
            }
        }
        assert_eq!(
            ids,
            (1..=7).map(|i| format!("=D-{i}")).collect::<Vec<_>>(),
            "every row once, as text, in order"
        );
    }

    /// The text of entry `name` of the workbook `bytes`.
    fn entry(bytes: &[u8], name: &str) -> String {
        let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    }

    /// The rows written as XML straight into the file are what
    /// rust_xlsxwriter writes for the same cells, byte for byte: text
    /// needing escapes, spaces kept, dates Excel can and cannot hold,
    /// whole and other numbers (not a number, too), yes/no, blanks.
    #[test]
    fn rows_written_as_xml_are_what_rust_xlsxwriter_writes() {
        let texts: Vec<Option<&str>> = vec![
            Some("会议纪要"),
            Some("a & b <c> \"q\""),
            Some(" leading"),
            Some("trailing\t"),
            Some("line\nbreak"),
            Some("bell\u{7}\r"),
            Some("_x0041_ _x12_ _X0041_"),
            Some("\u{FFFE}\u{FFFF}\u{FFFD}"),
            None,
            Some("=SUM(A1)"),
            Some(""),
            Some("last"),
        ];
        let n = texts.len();
        let days: Vec<Option<i32>> = (0..n as i32)
            .map(|i| match i {
                3 => None,
                4 => Some(-30_000),   // 1887: before Excel's dates
                5 => Some(2_932_897), // 10000-01-01: after them
                _ => Some(i * 4_001 - 20_000),
            })
            .collect();
        let whole: Vec<Option<i64>> = (0..n as i64)
            .map(|i| match i {
                2 => None,
                9 => Some(i64::MAX),
                10 => Some(-(1 << 53) - 1),
                11 => Some(1 << 53),
                _ => Some(i * 1_000_003 - 7),
            })
            .collect();
        let real: Vec<Option<f64>> = vec![
            Some(0.5),
            Some(1e21),
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(-f64::INFINITY),
            Some(-0.0),
            None,
            Some(123.456),
            Some(1e-7),
            Some(2.0),
            Some(f64::MAX),
            Some(3.25),
        ];
        let flags: Vec<Option<bool>> = (0..n).map(|i| (i != 7).then_some(i % 2 == 0)).collect();
        let df = DataFrame::new(
            n,
            vec![
                Column::new("text".into(), texts.clone()),
                Column::new("day".into(), days.clone())
                    .cast(&DataType::Date)
                    .unwrap(),
                Column::new("whole".into(), whole.clone()),
                Column::new("real".into(), real.clone()),
                Column::new("flag".into(), flags.clone()),
            ],
        )
        .unwrap();
        let rows: Vec<usize> = (0..n).rev().collect();
        let rows_last_first: Vec<usize> = rows.iter().rev().copied().collect();
        let columns = [
            ("text", "文本"),
            ("day", "日期"),
            ("whole", "整数"),
            ("real", "数"),
            ("flag", "是否"),
        ];
        let ours = written_frames(&df, &[("表", &rows_last_first)], &columns, 100);

        // The same sheet set up the same way, its cells written by
        // rust_xlsxwriter.
        let (mut wb, _) =
            set_up(&df, vec![("表", rows_last_first.clone())], &columns, 100).unwrap();
        let sheet = wb.worksheet_from_index(0).unwrap();
        for (r, &i) in rows_last_first.iter().enumerate() {
            let r = r as u32 + 1;
            if let Some(t) = texts[i] {
                sheet.write_string(r, 0, t).unwrap();
            }
            if let Some(d) = days[i] {
                let d = crate::domain::from_epoch_days(d);
                super::super::write_date(sheet, r, 1, d, None).unwrap();
            }
            if let Some(v) = whole[i] {
                sheet.write_number(r, 2, v as f64).unwrap();
            }
            if let Some(v) = real[i] {
                sheet.write_number(r, 3, v).unwrap();
            }
            if let Some(v) = flags[i] {
                sheet
                    .write_string(r, 4, if v { "是" } else { "否" })
                    .unwrap();
            }
        }
        let theirs = wb.save_to_buffer().unwrap();
        let sheet = "xl/worksheets/sheet1.xml";
        assert_eq!(entry(&ours, sheet), entry(&theirs, sheet));
        for other in ["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"] {
            assert_eq!(entry(&ours, other), entry(&theirs, other), "{other}");
        }
    }

    /// A text longer than a cell holds is an error naming the sheet, as it
    /// was when rust_xlsxwriter wrote the cell.
    #[test]
    fn a_text_longer_than_a_cell_holds_is_an_error_naming_the_sheet() {
        let df = DataFrame::new(
            2,
            vec![Column::new(
                "text".into(),
                vec!["短".to_string(), "长".repeat(32_768)],
            )],
        )
        .unwrap();
        let (mut wb, frame_rows) =
            set_up(&df, vec![("表", vec![0, 1])], &[("text", "文本")], 100).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let error =
            super::super::sheet_xml::save_with_rows(&mut wb, &frame_rows, &path).unwrap_err();
        let text = format!("{error:#}");
        assert!(
            text.contains("sheet 表") && text.contains("32,767"),
            "{text}"
        );
        assert!(!path.exists());
    }
}
