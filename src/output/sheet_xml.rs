//! Writing the rows of holdings ourselves, straight into the workbook's
//! file.
//!
//! A plan's disposition sheets hold every holding: five million rows in a
//! province's roll-up; the lists and manifests hold hundreds of thousands
//! of lines. rust_xlsxwriter writes such a sheet's rows to a temporary
//! file as XML (about 1.9 GB a million rows, through the page cache and,
//! past a few gigabytes, on to the disk) and compresses them on one core
//! when the workbook is saved; each text cell costs it a string copy, a
//! reference-counted copy and a B-tree insert. Here the workbook is saved
//! by rust_xlsxwriter with those sheets set up with everything but those
//! rows (headers, widths, formats, frozen panes, filters, totals and
//! signatures below the rows, merges, drop-downs, pages, names, all its
//! own), and each sheet is then written again as XML straight into a
//! compressed archive entry: its saved XML cut where the rows go
//! ([`SheetSlot`]), the rows written between the two halves. The finished
//! file is the saved workbook with those entries put in place of its own
//! (copied as they are compressed, not compressed again). plan.xlsx's
//! sheets are written on every core ([`save_with_rows`]); a list's or a
//! manifest's one after another ([`WorkbookRows`]), since every core
//! already writes a file of its own.
//!
//! The cells are written as rust_xlsxwriter writes them (the same XML for
//! the same value and format; tests compare the two), so a reader sees no
//! difference. A sheet learns the numbers the workbook gave its formats
//! from cells it was set up with where its rows go
//! ([`RowXml::found_style`]), which the rows then replace.

use std::io::{BufWriter, Read, Seek, Write};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, Result, anyhow};
use rust_xlsxwriter::{ExcelDateTime, Workbook, XlsxError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::jobs::{Job, run_on_every_core};

/// Excel's limit on the length of a cell's text, in UTF-16 units.
const MAX_TEXT_UNITS: usize = 32_767;

/// Where a sheet's rows go when its workbook is saved
/// ([`save_with_rows`]).
#[derive(Debug, Clone)]
pub struct SheetSlot {
    /// The sheet's position among the workbook's worksheets (from 0).
    pub sheet: usize,
    /// Its name (it is found by it, and errors name it).
    pub name: String,
    /// The sheet row (0-based) of the first row written.
    pub first_row: u32,
    /// How many rows are written, one after another from `first_row`.
    pub rows: usize,
}

/// A sheet of consecutive lines (of a printed list, of issued items):
/// its position among the workbook's worksheets, its name and which lines
/// (from 0) it holds.
#[derive(Debug, Clone)]
pub struct LineSheet {
    /// The sheet's position among the workbook's worksheets (from 0).
    pub sheet: usize,
    /// Its name.
    pub name: String,
    /// The lines it holds.
    pub lines: std::ops::Range<usize>,
}

impl LineSheet {
    /// Where its lines go: from sheet row `first_row` (0-based).
    pub fn slot(&self, first_row: u32) -> SheetSlot {
        SheetSlot {
            sheet: self.sheet,
            name: self.name.clone(),
            first_row,
            rows: self.lines.len(),
        }
    }
}

/// Rows to be written into sheets of a workbook as it is saved
/// ([`save_with_rows`]). Each sheet is set up in the workbook with
/// everything but those rows: nothing in rows `first_row ..
/// first_row + rows` but, if wanted, cells whose styles the rows are to
/// take ([`RowXml::found_style`]); rows below them (a totals row) stay.
pub trait SheetRows {
    /// The sheets whose rows are to be written.
    fn sheets(&self) -> Vec<SheetSlot>;

    /// Writes the rows of sheet `k` of [`SheetRows::sheets`] through
    /// `row`, in order.
    fn write_rows(&self, k: usize, row: &mut RowXml<'_>) -> Result<()>;
}

/// The rows of several sources (a printed list and its issued items, say)
/// to be written into one workbook as it is saved, one sheet after another
/// on the calling thread ([`WorkbookRows::save`]).
#[derive(Default)]
pub struct WorkbookRows<'a> {
    sources: Vec<Box<dyn SheetRows + 'a>>,
}

impl<'a> WorkbookRows<'a> {
    /// No rows yet.
    pub fn new() -> WorkbookRows<'a> {
        WorkbookRows::default()
    }

    /// Adds rows of further sheets.
    pub fn add(&mut self, rows: impl SheetRows + 'a) {
        self.sources.push(Box::new(rows));
    }

    /// Saves `workbook` to `path`, atomically, with every source's rows in
    /// its sheets ([`save_with_rows`]), the sheets written one after
    /// another: for a workbook written while others are written on the
    /// other cores, and for rows made from what one thread holds.
    pub fn save(&self, workbook: &mut Workbook, path: &Path) -> Result<()> {
        let mut slots = Vec::new();
        let mut owners = Vec::new();
        for (source, rows) in self.sources.iter().enumerate() {
            for (k, slot) in rows.sheets().into_iter().enumerate() {
                slots.push(slot);
                owners.push((source, k));
            }
        }
        save_spliced(workbook, &slots, path, |entries, cuts| {
            owners
                .iter()
                .zip(&slots)
                .enumerate()
                .map(|(i, (&(source, k), slot))| {
                    write_sheet(&entries[i], &cuts[i], |xml| {
                        self.sources[source].write_rows(k, xml)
                    })
                    .with_context(|| format!("sheet {}", slot.name))
                })
                .collect()
        })
    }
}

/// Writes rows of a sheet as XML, one cell at a time, as rust_xlsxwriter
/// writes them in a constant-memory sheet. A row is built in a buffer and
/// written whole; numbers and references are formatted by hand (Rust's
/// formatting machinery cost more than the compression of the result).
/// A cell takes its column's style, or one given with it
/// ([`RowXml::found_style`]).
pub struct RowXml<'w> {
    out: &'w mut dyn Write,
    /// For each column: `<c r="` and its letters.
    starts: Vec<Vec<u8>>,
    /// For each column: its cells' style attribute (` s="3"`), or nothing.
    styles: Vec<Vec<u8>>,
    /// The styles of the cells the sheet was set up with where the rows go.
    found: Vec<u32>,
    /// The row being written (1-based, as in the XML), in digits.
    row: Vec<u8>,
    /// The row's attributes after its number (its height), or nothing.
    row_attributes: Vec<u8>,
    /// The row's XML so far; empty while it has no cell.
    buf: Vec<u8>,
}

/// A cell style of a sheet, as [`RowXml::found_style`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellStyle(u32);

impl<'w> RowXml<'w> {
    fn new(out: &'w mut dyn Write, styles: &[u32], found: Vec<u32>) -> RowXml<'w> {
        RowXml {
            out,
            starts: Vec::new(),
            styles: styles
                .iter()
                .map(|&s| {
                    let mut attribute = Vec::new();
                    push_style(&mut attribute, s);
                    attribute
                })
                .collect(),
            found,
            row: Vec::new(),
            row_attributes: Vec::new(),
            buf: Vec::with_capacity(4096),
        }
    }

    /// The style of the `k`th cell (from 0, in the order of the sheet's
    /// XML: row by row, left to right) that the sheet was set up with in
    /// the rows being written: how a sheet learns the numbers a workbook
    /// gave its formats. An error if it had no such cell.
    pub fn found_style(&self, k: usize) -> Result<CellStyle> {
        self.found
            .get(k)
            .map(|&s| CellStyle(s))
            .ok_or_else(|| anyhow!("the sheet as saved has no style cell {k} where its rows go"))
    }

    /// Starts sheet row `row` (0-based, as rust_xlsxwriter counts); a row
    /// without a cell writes nothing.
    pub fn start_row(&mut self, row: u32) -> Result<()> {
        self.end_row()?;
        self.row.clear();
        self.row_attributes.clear();
        push_integer(&mut self.row, u64::from(row) + 1);
        Ok(())
    }

    /// Starts sheet row `row` as [`RowXml::start_row`], `height` points
    /// tall, as rust_xlsxwriter's `set_row_height` makes it (in whole
    /// pixels, four to three points).
    pub fn start_row_with_height(&mut self, row: u32, height: f64) -> Result<()> {
        self.start_row(row)?;
        let pixels = (height * 4.0 / 3.0).round() as u32;
        // rust_xlsxwriter's default height, 20 pixels, is not written.
        if pixels != 20 {
            let points = f64::from(pixels) * 0.75;
            self.row_attributes.extend_from_slice(b" ht=\"");
            self.row_attributes
                .extend_from_slice(points.to_string().as_bytes());
            self.row_attributes
                .extend_from_slice(b"\" customHeight=\"1\"");
        }
        Ok(())
    }

    /// Ends the row being written, writing it out if it has a cell.
    fn end_row(&mut self) -> Result<()> {
        if !self.buf.is_empty() {
            self.buf.extend_from_slice(b"</row>");
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Opens cell `col` of the row: `<c r="B7"` and its style (`style`,
    /// else its column's).
    fn open_cell(&mut self, col: u16, style: Option<CellStyle>) {
        if self.buf.is_empty() {
            self.buf.extend_from_slice(b"<row r=\"");
            self.buf.extend_from_slice(&self.row);
            self.buf.push(b'"');
            self.buf.extend_from_slice(&self.row_attributes);
            self.buf.push(b'>');
        }
        let c = usize::from(col);
        while self.starts.len() <= c {
            let next = self.starts.len() as u16;
            let mut start = b"<c r=\"".to_vec();
            start.extend_from_slice(
                rust_xlsxwriter::utility::column_number_to_name(next).as_bytes(),
            );
            self.starts.push(start);
        }
        self.buf.extend_from_slice(&self.starts[c]);
        self.buf.extend_from_slice(&self.row);
        self.buf.push(b'"');
        match style {
            Some(CellStyle(s)) => push_style(&mut self.buf, s),
            None => {
                if let Some(style) = self.styles.get(c) {
                    self.buf.extend_from_slice(style);
                }
            }
        }
    }

    /// Writes text into cell `col`: an error when it is longer than a
    /// cell can hold, as rust_xlsxwriter's; empty text leaves the cell
    /// blank, as there.
    pub fn text(&mut self, col: u16, text: &str) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.text_cell(col, text, None)
    }

    /// Writes text into cell `col` with `style`; empty text makes a blank
    /// cell with the style, as rust_xlsxwriter's.
    pub fn text_with_style(&mut self, col: u16, text: &str, style: CellStyle) -> Result<()> {
        if text.is_empty() {
            self.blank(col, style);
            return Ok(());
        }
        self.text_cell(col, text, Some(style))
    }

    /// Writes non-empty `text` into cell `col`.
    fn text_cell(&mut self, col: u16, text: &str, style: Option<CellStyle>) -> Result<()> {
        if text.len() > MAX_TEXT_UNITS && text.encode_utf16().count() > MAX_TEXT_UNITS {
            return Err(XlsxError::MaxStringLengthExceeded.into());
        }
        self.open_cell(col, style);
        if text.starts_with(['\t', '\n', ' ']) || text.ends_with(['\t', '\n', ' ']) {
            self.buf
                .extend_from_slice(b" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
        } else {
            self.buf.extend_from_slice(b" t=\"inlineStr\"><is><t>");
        }
        escape_text(text, &mut self.buf);
        self.buf.extend_from_slice(b"</t></is></c>");
        Ok(())
    }

    /// Writes a blank cell with `style` into cell `col`.
    pub fn blank(&mut self, col: u16, style: CellStyle) {
        self.open_cell(col, Some(style));
        self.buf.extend_from_slice(b"/>");
    }

    /// Writes a number into cell `col`.
    pub fn number(&mut self, col: u16, number: f64) -> Result<()> {
        self.number_cell(col, number, None)
    }

    /// Writes a number into cell `col` with `style`.
    pub fn number_with_style(&mut self, col: u16, number: f64, style: CellStyle) -> Result<()> {
        self.number_cell(col, number, Some(style))
    }

    /// Writes a number into cell `col`, with `style` or its column's.
    fn number_cell(&mut self, col: u16, number: f64, style: Option<CellStyle>) -> Result<()> {
        if !number.is_finite() {
            // Excel has no such numbers: text, as rust_xlsxwriter writes them.
            let text = if number.is_nan() {
                "NAN"
            } else if number > 0.0 {
                "INF"
            } else {
                "-INF"
            };
            return self.text_cell(col, text, style);
        }
        self.open_cell(col, style);
        self.buf.extend_from_slice(b"><v>");
        // A whole number that a double holds exactly is its digits, as
        // Rust shows it (not -0, which keeps its sign).
        if number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 && number != 0.0
            || number == 0.0 && number.is_sign_positive()
        {
            if number < 0.0 {
                self.buf.push(b'-');
            }
            push_integer(&mut self.buf, number.abs() as u64);
        } else {
            // Rust's shortest form, as rust_xlsxwriter writes it.
            self.buf.extend_from_slice(number.to_string().as_bytes());
        }
        self.buf.extend_from_slice(b"</v></c>");
        Ok(())
    }

    /// Writes a date into cell `col` (the column's format shows it as a
    /// date), or as text where Excel cannot hold it (before 1900 or after
    /// 9999), as [`super::write_date`] does.
    pub fn date(&mut self, col: u16, date: chrono::NaiveDate) -> Result<()> {
        self.date_cell(col, date, None)
    }

    /// Writes a date into cell `col` with `style` (a date format), as
    /// [`super::write_date`] does with a format: text with the style where
    /// Excel cannot hold it.
    pub fn date_with_style(
        &mut self,
        col: u16,
        date: chrono::NaiveDate,
        style: CellStyle,
    ) -> Result<()> {
        self.date_cell(col, date, Some(style))
    }

    /// Writes a date into cell `col`, with `style` or its column's.
    fn date_cell(
        &mut self,
        col: u16,
        date: chrono::NaiveDate,
        style: Option<CellStyle>,
    ) -> Result<()> {
        match super::date_cell(date) {
            Ok(cell) => self.number_cell(col, date_serial(&cell), style),
            Err(_) => self.text_cell(col, &date.to_string(), style),
        }
    }
}

/// Appends a cell's style attribute (` s="3"`); nothing for style 0.
fn push_style(out: &mut Vec<u8>, style: u32) {
    if style > 0 {
        out.extend_from_slice(b" s=\"");
        push_integer(out, u64::from(style));
        out.push(b'"');
    }
}

/// Appends the decimal digits of `n`.
fn push_integer(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The number Excel stores for a date.
fn date_serial(date: &ExcelDateTime) -> f64 {
    date.to_excel()
}

/// Whether a byte may need escaping in a cell's text: `&`, `<`, `>`, a
/// control character (not tab or newline), `_` (of `_xHHHH_`), or the
/// first byte of U+FFFE / U+FFFF.
const fn needs_a_look(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'_' | 0xEF) || (b < 0x20 && b != b'\t' && b != b'\n')
}

/// [`needs_a_look`] for every byte.
const LOOK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = needs_a_look(b as u8);
        b += 1;
    }
    table
};

/// Appends `text` escaped for a cell's XML: `&`, `<` and `>`, control
/// characters as `_xHHHH_`, and a literal `_xHHHH_` with its underscore
/// escaped so that it reads back as written.
fn escape_text(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !LOOK[usize::from(b)] {
            i += 1;
            continue;
        }
        let (escaped, skip): (&[u8], usize) = match b {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            // The underscore stays, after the escape of itself.
            b'_' if is_escape_at(bytes, i) => (b"_x005F", 0),
            // U+FFFE and U+FFFF: EF BF BE / EF BF BF.
            0xEF if bytes.get(i + 1) == Some(&0xBF) && bytes.get(i + 2) == Some(&0xBE) => {
                (b"_xFFFE_", 3)
            }
            0xEF if bytes.get(i + 1) == Some(&0xBF) && bytes.get(i + 2) == Some(&0xBF) => {
                (b"_xFFFF_", 3)
            }
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"_x00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                out.push(b'_');
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escaped);
        start = i + skip;
        i += skip.max(1);
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Upper-case hexadecimal digits.
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `bytes[i..]` starts with `_xHHHH_` (four hex digits).
fn is_escape_at(bytes: &[u8], i: usize) -> bool {
    bytes.len() >= i + 7
        && bytes[i + 1] == b'x'
        && bytes[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
        && bytes[i + 6] == b'_'
}

/// A sheet's XML as rust_xlsxwriter saved it, cut where its rows go.
struct Cut {
    /// Up to the rows written, the dimension set to cover them.
    head: String,
    /// From the first row below them (or `</sheetData>`) to the end.
    tail: String,
    /// The style of each column's cells.
    styles: Vec<u32>,
    /// The styles of the cells the sheet was set up with where the rows
    /// go, in order ([`RowXml::found_style`]); those cells are cut out.
    found: Vec<u32>,
}

/// Cuts `xml`, a sheet set up without its rows, where `slot`'s rows go:
/// the head is every saved row above sheet row `first_row` (0-based), the
/// tail every saved row below the last row written (`first_row + rows -
/// 1`); the saved cells between are the sheet's style cells
/// ([`RowXml::found_style`]) and are cut out. The dimension is extended
/// to the rows written if they pass it.
fn cut(xml: &str, slot: &SheetSlot) -> Result<Cut> {
    let (body, end): (std::borrow::Cow<'_, str>, usize) = match xml.find("</sheetData>") {
        Some(end) => (xml.into(), end),
        // A sheet without a cell, not even a header.
        None => {
            let at = xml
                .find("<sheetData/>")
                .ok_or_else(|| anyhow!("the sheet as saved has no rows"))?;
            let body = format!(
                "{}<sheetData></sheetData>{}",
                &xml[..at],
                &xml[at + "<sheetData/>".len()..]
            );
            let end = at + "<sheetData>".len();
            (body.into(), end)
        }
    };
    let data = body.find("<sheetData>").unwrap_or(0);
    // The rows as saved, in order: where each starts, and its number.
    let mut rows_at = Vec::new();
    let mut from = data;
    while let Some(at) = body[from..end].find("<row r=\"") {
        let start = from + at;
        let digits = start + "<row r=\"".len();
        let number: u64 = body[digits..end]
            .split('"')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| anyhow!("a row of the sheet as saved has no number"))?;
        rows_at.push((start, number));
        from = digits;
    }
    let first = u64::from(slot.first_row) + 1;
    let after = u64::from(slot.first_row) + slot.rows as u64;
    let place = |below: u64| {
        rows_at
            .iter()
            .find(|(_, number)| *number >= below)
            .map_or(end, |(start, _)| *start)
    };
    let (cut_from, cut_to) = (place(first), place(after + 1));
    let mut found = Vec::new();
    {
        use crate::ingest::merges::{attribute, each_element, local_name};
        each_element(&body.as_bytes()[cut_from..cut_to], |e| {
            if local_name(e) == "c" {
                found.push(attribute(e, "s").and_then(|s| s.parse().ok()).unwrap_or(0));
            }
        });
    }
    let mut head = body[..cut_from].to_string();
    // The range the sheet's cells cover, now that it has its rows.
    if slot.rows > 0
        && let Some(at) = head.find("<dimension ref=\"")
    {
        let from = at + "<dimension ref=\"".len();
        let to = from
            + head[from..]
                .find('"')
                .ok_or_else(|| anyhow!("the sheet's dimension is not closed"))?;
        let range = &head[from..to];
        let (first_cell, last_cell) = range.split_once(':').unwrap_or((range, range));
        let letters: String = last_cell
            .chars()
            .take_while(char::is_ascii_uppercase)
            .collect();
        let last_row: u64 = last_cell[letters.len()..].parse().unwrap_or(0);
        if after > last_row {
            let range = format!("{first_cell}:{letters}{after}");
            head.replace_range(from..to, &range);
        }
    }
    let styles = column_styles(&head);
    Ok(Cut {
        head,
        tail: body[cut_to..].to_string(),
        styles,
        found,
    })
}

/// Each column's style from a sheet's `<cols>`: a cell written without a
/// format takes its column's.
fn column_styles(head: &str) -> Vec<u32> {
    use crate::ingest::merges::{attribute, each_element, local_name};
    let mut styles = Vec::new();
    let Some(start) = head.find("<cols>") else {
        return styles;
    };
    each_element(&head.as_bytes()[start..], |e| {
        if local_name(e) != "col" {
            return;
        }
        let number = |name: &str| attribute(e, name).and_then(|v| v.parse::<usize>().ok());
        let (Some(min), Some(max)) = (number("min"), number("max")) else {
            return;
        };
        let style = number("style").unwrap_or(0) as u32;
        if style == 0 || min == 0 || max < min || max > 16_384 {
            return;
        }
        if styles.len() < max {
            styles.resize(max, 0);
        }
        for s in &mut styles[min - 1..max] {
            *s = style;
        }
    });
    styles
}

/// How the rows' entries are compressed: as rust_xlsxwriter compresses
/// the workbook's own ([`super::new_workbook`]). An entry may pass 4 GiB
/// (a full sheet of long titles): ZIP64 is then used for it, and the
/// workbook's copy of it says so only if it does.
fn entry_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .unix_permissions(0o600)
        .last_modified_time(zip::DateTime::default())
        .large_file(true)
}

/// Saves `workbook` to `path`, atomically, with the rows of `rows` in the
/// sheets it names, set up in the workbook without them
/// ([`SheetRows`]): the workbook is saved as it is (to a temporary file),
/// each of those sheets is written again with its rows into a compressed
/// entry of its own, the sheets on every core, and the file is the saved
/// workbook with those entries in place of its own. An error names the
/// sheet it was writing.
pub fn save_with_rows(
    workbook: &mut Workbook,
    rows: &(dyn SheetRows + Sync),
    path: &Path,
) -> Result<()> {
    let slots = rows.sheets();
    save_spliced(workbook, &slots, path, |entries, cuts| {
        // Each sheet with its rows, compressed into an archive of its own.
        let written: Vec<Mutex<Option<std::fs::File>>> =
            slots.iter().map(|_| Mutex::new(None)).collect();
        let mut order: Vec<usize> = (0..slots.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(slots[k].rows));
        let jobs: Vec<Job<'_>> = order
            .into_iter()
            .map(|k| -> Job<'_> {
                let written = &written;
                let (entry, cut, name) = (&entries[k], &cuts[k], &slots[k].name);
                Box::new(move || {
                    let file = super::guard_temp_folder(|| {
                        write_sheet(entry, cut, |xml| rows.write_rows(k, xml))
                    })
                    .and_then(|file| file)
                    .with_context(|| format!("sheet {name}"))?;
                    *written[k].lock().unwrap_or_else(PoisonError::into_inner) = Some(file);
                    Ok(())
                })
            })
            .collect();
        run_on_every_core(&jobs)?;
        drop(jobs);
        written
            .into_iter()
            .zip(&slots)
            .map(|(w, slot)| {
                w.into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .ok_or_else(|| anyhow!("sheet {} was not written", slot.name))
            })
            .collect()
    })
}

/// Saves `workbook` as [`save_with_rows`] says, the sheets of `slots`
/// written by `write` (given each sheet's archive entry and cut, in the
/// order of `slots`; it returns the temporary files [`write_sheet`] made).
fn save_spliced(
    workbook: &mut Workbook,
    slots: &[SheetSlot],
    path: &Path,
    write: impl FnOnce(&[String], &[Cut]) -> Result<Vec<std::fs::File>>,
) -> Result<()> {
    // Everything before the file itself is written names it; writing it
    // does so itself (write_atomically).
    let (archive, entries, files) = (|| -> Result<_> {
        let (archive, entries, cuts) = saved_and_cut(workbook, slots)?;
        let files = write(&entries, &cuts)?;
        Ok((archive, entries, files))
    })()
    .with_context(|| super::writing(path))?;
    copy_into(path, archive, &entries, files, slots)
}

/// `workbook` saved to a temporary file, each of `slots`' sheets found
/// in it (its archive entry) and cut where its rows go.
fn saved_and_cut(
    workbook: &mut Workbook,
    slots: &[SheetSlot],
) -> Result<(ZipArchive<std::fs::File>, Vec<String>, Vec<Cut>)> {
    let mut saved = temp_file()?;
    {
        let mut writer = StopsAtFirstError::new(BufWriter::with_capacity(1 << 20, &mut saved));
        let written = workbook.save_to_writer(&mut writer);
        let flushed = writer.flush();
        writer
            .first_error()
            .map_err(|io| as_temp_failure(io.into()))?;
        written?;
        flushed?;
    }
    saved.rewind()?;
    let mut archive = ZipArchive::new(saved)?;
    let entries = worksheet_entries(&mut archive)?;
    let mut cuts = Vec::with_capacity(slots.len());
    let mut sheet_entries = Vec::with_capacity(slots.len());
    for slot in slots {
        let mut xml = String::new();
        let cut = entries
            .get(slot.sheet)
            .filter(|(shown, _)| *shown == slot.name)
            .ok_or_else(|| anyhow!("the workbook as saved has no such sheet"))
            .and_then(|(_, entry)| Ok(archive.by_name(entry)?.read_to_string(&mut xml)?))
            .and_then(|_| cut(&xml, slot))
            .with_context(|| format!("sheet {}", slot.name))?;
        cuts.push(cut);
        sheet_entries.push(entries[slot.sheet].1.clone());
    }
    Ok((archive, sheet_entries, cuts))
}

/// Writes `path`, atomically: the entries of the saved workbook
/// `archive`, those named in `entries` replaced by the one entry of the
/// matching file of `files` (the sheets of `slots`, with their rows).
fn copy_into(
    path: &Path,
    mut archive: ZipArchive<std::fs::File>,
    entries: &[String],
    files: Vec<std::fs::File>,
    slots: &[SheetSlot],
) -> Result<()> {
    let mut written: Vec<Option<std::fs::File>> = files.into_iter().map(Some).collect();
    super::write_atomically(path, |file| {
        let mut buffered = StopsAtFirstError::new(BufWriter::with_capacity(1 << 20, file));
        let mut out = ZipWriter::new(&mut buffered);
        let mut copy = || -> Result<()> {
            for i in 0..archive.len() {
                let entry = archive
                    .name_for_index(i)
                    .ok_or_else(|| anyhow!("entry {i} of the saved workbook is missing"))??
                    .into_owned();
                match entries.iter().position(|name| *name == entry) {
                    Some(k) => {
                        let file = written[k]
                            .take()
                            .ok_or_else(|| anyhow!("sheet {} was not written", slots[k].name))?;
                        let mut part = ZipArchive::new(file)?;
                        out.raw_copy_file(part.by_index_raw(0)?)?;
                    }
                    None => out.raw_copy_file(archive.by_index_raw(i)?)?,
                }
            }
            Ok(())
        };
        let copy = copy();
        let copied = finished(out, copy);
        let flushed = buffered.flush();
        // The run folder's disk, not the temporary folder: as it is.
        buffered.first_error()?;
        copied?;
        Ok(flushed?)
    })
}

/// A new unnamed temporary file in the system's temporary folder; one
/// that cannot be made is reported as rust_xlsxwriter's.
fn temp_file() -> Result<std::fs::File> {
    let dir = std::env::temp_dir();
    tempfile::tempfile_in(&dir).map_err(|io| super::temp_folder::cannot_make_a_file(&dir, &io))
}

/// Each worksheet's name and archive entry, in the workbook's order of
/// worksheets, as its `xl/workbook.xml` and the relationships of that
/// part say (a chart sheet would be numbered apart from the worksheets),
/// read as the registers' workbooks are ([`crate::ingest::merges`]).
fn worksheet_entries<R: Read + Seek>(archive: &mut ZipArchive<R>) -> Result<Vec<(String, String)>> {
    let mut part = |name: &str| -> Result<Vec<u8>> {
        let mut text = Vec::new();
        archive.by_name(name)?.read_to_end(&mut text)?;
        Ok(text)
    };
    let workbook = part("xl/workbook.xml")?;
    let rels = part("xl/_rels/workbook.xml.rels")?;
    Ok(crate::ingest::merges::sheet_paths_in(
        "xl/",
        &workbook,
        Some(&rels),
    ))
}

/// `e` as [`super::temp_folder`] reports a temporary file that could not
/// be written, when the operating system refused a write (a full disk, a
/// quota); as it is otherwise.
fn as_temp_failure(e: anyhow::Error) -> anyhow::Error {
    fn zip_io(z: &zip::result::ZipError) -> Option<&std::io::Error> {
        match z {
            zip::result::ZipError::Io(io) => Some(io),
            _ => None,
        }
    }
    let io = e.chain().find_map(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .or_else(|| {
                cause
                    .downcast_ref::<zip::result::ZipError>()
                    .and_then(zip_io)
            })
            .or_else(|| match cause.downcast_ref::<XlsxError>() {
                Some(XlsxError::IoError(io)) => Some(io),
                Some(XlsxError::ZipError(z)) => zip_io(z),
                _ => None,
            })
    });
    match io {
        Some(io) if io.raw_os_error().is_some() => super::temp_folder::temp_file_failed(io),
        _ => e,
    }
}

/// Writes the worksheet entry `entry` — `cut`'s head, the rows `rows`
/// writes, `cut`'s tail — as the one compressed entry of an archive in a
/// temporary file, and returns that file. A file that cannot be made or
/// written there (a full disk) is reported as [`super::temp_folder`]
/// reports rust_xlsxwriter's.
fn write_sheet(
    entry: &str,
    cut: &Cut,
    rows: impl FnOnce(&mut RowXml<'_>) -> Result<()>,
) -> Result<std::fs::File> {
    let mut file = temp_file()?;
    {
        let mut disk = StopsAtFirstError::new(&mut file);
        let mut zip = ZipWriter::new(&mut disk);
        let write = (|| -> Result<()> {
            zip.start_file(entry, entry_options())?;
            let mut out = BufWriter::with_capacity(1 << 18, &mut zip);
            out.write_all(cut.head.as_bytes())?;
            let mut xml = RowXml::new(&mut out, &cut.styles, cut.found.clone());
            rows(&mut xml)?;
            xml.end_row()?;
            out.write_all(cut.tail.as_bytes())?;
            out.flush()?;
            Ok(())
        })();
        let written = finished(zip, write);
        disk.first_error()
            .map_err(|io| as_temp_failure(io.into()))?;
        written.map_err(as_temp_failure)?;
    }
    file.rewind().map_err(|io| as_temp_failure(io.into()))?;
    Ok(file)
}

/// `zip` finished when its entries were `written`, else given up (its
/// writer then takes no more: [`StopsAtFirstError`]).
fn finished<W: Write + Seek>(zip: ZipWriter<W>, written: Result<()>) -> Result<()> {
    match written {
        Ok(()) => Ok(zip.finish().map(drop)?),
        Err(e) => {
            drop(zip);
            Err(e)
        }
    }
}

/// A writer that, once a write or seek has failed, accepts everything
/// after it without writing: zip's writers finish themselves when dropped
/// after an error, write again to the disk that refused (a full one), and
/// print their own complaint to the terminal. The first error is kept and
/// given by [`StopsAtFirstError::first_error`].
struct StopsAtFirstError<W> {
    inner: W,
    failed: Option<std::io::Error>,
}

impl<W> StopsAtFirstError<W> {
    fn new(inner: W) -> StopsAtFirstError<W> {
        StopsAtFirstError {
            inner,
            failed: None,
        }
    }

    /// The first error met, if any.
    fn first_error(&mut self) -> std::io::Result<()> {
        match self.failed.take() {
            Some(io) => Err(io),
            None => Ok(()),
        }
    }

    /// `result`, its error kept as the first one; a copy of it is returned.
    fn keep<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|io| {
            let copy = match io.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(io.kind(), io.to_string()),
            };
            self.failed = Some(io);
            copy
        })
    }
}

impl<W: Write> Write for StopsAtFirstError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed.is_some() {
            return Ok(buf.len());
        }
        let written = self.inner.write(buf);
        self.keep(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        let flushed = self.inner.flush();
        self.keep(flushed)
    }
}

impl<W: Seek> Seek for StopsAtFirstError<W> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.failed.is_some() {
            return Ok(0);
        }
        let sought = self.inner.seek(to);
        self.keep(sought)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        escape_text(text, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// Text is escaped as rust_xlsxwriter escapes it.
    #[test]
    fn text_is_escaped_as_rust_xlsxwriter_escapes_it() {
        for (text, want) in [
            ("会议纪要", "会议纪要"),
            ("a & b <c>", "a &amp; b &lt;c&gt;"),
            ("tab\there\nline", "tab\there\nline"),
            ("bell\u{7}\r", "bell_x0007__x000D_"),
            ("_x0041_ and _x12_", "_x005F_x0041_ and _x12_"),
            ("\u{FFFE}\u{FFFF}\u{FFFD}", "_xFFFE__xFFFF_\u{FFFD}"),
            ("\"quoted\" 'x'", "\"quoted\" 'x'"),
            ("\u{1F}\u{0}_x00aF__x", "_x001F__x0000__x005F_x00aF__x"),
            ("末尾_x0041_", "末尾_x005F_x0041_"),
        ] {
            assert_eq!(escaped(text), want, "{text:?}");
        }
    }

    /// The styles of columns come from `<cols>`, ranges included.
    #[test]
    fn column_styles_are_read_from_cols() {
        let head = r#"<cols><col min="1" max="1" width="9" customWidth="1"/><col min="3" max="4" width="12" style="2" customWidth="1"/></cols>"#;
        assert_eq!(column_styles(head), vec![0, 0, 2, 2]);
        assert!(column_styles("<sheetData>").is_empty());
    }

    /// Sheet `sheet`, `name`, with `rows` rows under its header.
    fn slot(sheet: usize, name: &str, rows: usize) -> SheetSlot {
        SheetSlot {
            sheet,
            name: name.into(),
            first_row: 1,
            rows,
        }
    }

    /// A sheet is cut where its rows go: the rows above and below kept,
    /// the style cells between read and cut out, the dimension extended
    /// only when the rows pass it; a sheet with no rows at all gets a
    /// place for them.
    #[test]
    fn a_sheet_is_cut_where_its_rows_go() {
        let xml = concat!(
            r#"<worksheet><dimension ref="A1:C9"/><sheetData>"#,
            r#"<row r="5"><c r="A5" s="2" t="inlineStr"><is><t>序号</t></is></c></row>"#,
            r#"<row r="6"><c r="A6" s="3"/><c r="B6" s="4"/><c r="C6" s="5"/></row>"#,
            r#"<row r="9"><c r="A9" s="6" t="inlineStr"><is><t>合计</t></is></c></row>"#,
            r#"</sheetData><pageSetup/></worksheet>"#
        );
        let slot = |first_row, rows| SheetSlot {
            sheet: 0,
            name: "表".into(),
            first_row,
            rows,
        };
        // Three lines, rows 6–8 (1-based), above the totals in row 9.
        let c = cut(xml, &slot(5, 3)).unwrap();
        assert!(c.head.ends_with("序号</t></is></c></row>"), "{}", c.head);
        assert!(c.head.contains(r#"<dimension ref="A1:C9"/>"#));
        assert!(c.tail.starts_with(r#"<row r="9">"#), "{}", c.tail);
        assert_eq!(c.found, [3, 4, 5]);
        // Ten lines pass the totals' old place: the range grows to them.
        let c = cut(xml, &slot(5, 10)).unwrap();
        assert!(
            c.head.contains(r#"<dimension ref="A1:C15"/>"#),
            "{}",
            c.head
        );
        assert!(c.tail.starts_with("</sheetData>"), "{}", c.tail);
        // No rows: nothing cut but the style cells, the range as it was.
        let c = cut(xml, &slot(5, 0)).unwrap();
        assert!(c.tail.starts_with(r#"<row r="6">"#), "{}", c.tail);
        assert!(c.found.is_empty());
        let empty = r#"<worksheet><dimension ref="A1"/><sheetData/><pageSetup/></worksheet>"#;
        let c = cut(empty, &slot(0, 2)).unwrap();
        assert_eq!(
            format!("{}|{}", c.head, c.tail),
            r#"<worksheet><dimension ref="A1:A2"/><sheetData>|</sheetData><pageSetup/></worksheet>"#
        );
    }

    /// Rows of a sheet that fail to write as a full disk does.
    struct FullDisk;

    impl SheetRows for FullDisk {
        fn sheets(&self) -> Vec<SheetSlot> {
            vec![slot(0, "表", 3)]
        }

        fn write_rows(&self, _: usize, _: &mut RowXml<'_>) -> Result<()> {
            // ENOSPC, as the operating system reports a full disk.
            Err(std::io::Error::from_raw_os_error(28).into())
        }
    }

    /// A sheet whose rows cannot be written to the temporary folder (a full
    /// disk) stops the save with the error rust_xlsxwriter's own failure
    /// gives — the file, the sheet and the folder named, TMPDIR advised —
    /// and leaves no file: plan.xlsx's sheets written on every core, and a
    /// list's written one after another.
    #[test]
    fn a_full_temporary_folder_is_named_and_nothing_is_written() {
        for in_turn in [false, true] {
            let mut wb = super::super::new_workbook().unwrap();
            let sheet = wb.add_worksheet();
            sheet.set_name("表").unwrap();
            sheet.write_string(0, 0, "编号").unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("清单.xlsx");
            let error = if in_turn {
                let mut rows = WorkbookRows::new();
                rows.add(FullDisk);
                rows.save(&mut wb, &path)
            } else {
                save_with_rows(&mut wb, &FullDisk, &path)
            }
            .unwrap_err();
            let text = format!("{error:#}");
            assert!(
                text.starts_with("writing ")
                    && text.contains("清单.xlsx")
                    && text.contains("sheet 表")
                    && text.contains("could not be written")
                    && text.contains("os error 28")
                    && text.contains("set TMPDIR"),
                "{text}"
            );
            assert!(error.chain().any(|e| {
                e.downcast_ref::<super::super::temp_folder::TempFileFailed>()
                    .is_some()
            }));
            assert!(!path.exists());
        }
    }

    /// Rows that fail for a reason of their own (not the operating
    /// system's refusal to write).
    struct Refused;

    impl SheetRows for Refused {
        fn sheets(&self) -> Vec<SheetSlot> {
            vec![slot(1, "乙", 3)]
        }

        fn write_rows(&self, _: usize, _: &mut RowXml<'_>) -> Result<()> {
            Err(std::io::Error::other("Large file option has not been set").into())
        }
    }

    /// An error that is not the temporary folder's is not reported as a
    /// full temporary folder; and the sheet is found by its name in the
    /// workbook's list of sheets (here the second).
    #[test]
    fn other_errors_are_not_reported_as_a_full_temporary_folder() {
        let mut wb = super::super::new_workbook().unwrap();
        wb.add_worksheet().set_name("甲").unwrap();
        wb.add_worksheet().set_name("乙").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let error = save_with_rows(&mut wb, &Refused, &path).unwrap_err();
        let text = format!("{error:#}");
        assert!(
            text.contains("sheet 乙") && text.contains("Large file"),
            "{text}"
        );
        assert!(!text.contains("TMPDIR"), "{text}");
        assert!(!path.exists());
    }

    /// The worksheets' entries are read from the workbook's list of sheets
    /// and its relationships, names unescaped.
    #[test]
    fn worksheet_entries_follow_the_workbook_part() {
        let mut wb = super::super::new_workbook().unwrap();
        for name in ["总览", "A & B", "清退 (2)"] {
            wb.add_worksheet().set_name(name).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let mut archive = ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let entries = worksheet_entries(&mut archive).unwrap();
        assert_eq!(
            entries,
            [
                ("总览".to_string(), "xl/worksheets/sheet1.xml".to_string()),
                ("A & B".to_string(), "xl/worksheets/sheet2.xml".to_string()),
                (
                    "清退 (2)".to_string(),
                    "xl/worksheets/sheet3.xml".to_string()
                ),
            ]
        );
    }

    /// A disk that fills after `room` bytes.
    struct Filling {
        data: std::io::Cursor<Vec<u8>>,
        room: usize,
    }

    impl Write for Filling {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.data.get_ref().len() + buf.len() > self.room {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            self.data.write(buf)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Seek for Filling {
        fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
            self.data.seek(to)
        }
    }

    /// A zip written over a disk that fills stops with the disk's error,
    /// kept as the first; what the zip writer does after it (finishing
    /// itself when dropped) writes nothing more and fails nothing.
    #[test]
    fn a_zip_over_a_filling_disk_keeps_the_first_error() {
        let mut disk = StopsAtFirstError::new(Filling {
            data: std::io::Cursor::new(Vec::new()),
            room: 2000,
        });
        {
            let mut zip = ZipWriter::new(&mut disk);
            zip.start_file("a.xml", entry_options()).unwrap();
            let mut failed = false;
            for k in 0..10_000u32 {
                // Text that does not compress away.
                let line = format!("{}\n", k.wrapping_mul(2_654_435_761));
                if zip.write_all(line.as_bytes()).is_err() {
                    failed = true;
                    break;
                }
            }
            let finished = zip.finish().map(drop);
            assert!(failed || finished.is_err());
        }
        let error = disk.first_error().unwrap_err();
        assert_eq!(error.raw_os_error(), Some(28));
        assert!(disk.inner.data.get_ref().len() <= 2000);
        assert!(disk.first_error().is_ok(), "given once");
    }
}
