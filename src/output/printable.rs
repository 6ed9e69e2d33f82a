//! Printable lists: the documents people print, sign and carry.
//!
//! Every manifest and list is laid out the same way so that it prints
//! without edits: a heading, a bold header row repeated on every page,
//! numbered lines, a totals row, a signature block; A4 landscape, fitted to
//! the page width, with "page x of y" and the digest in the footer. The
//! sheet is protected without a password (it prevents accidents; the
//! digest catches the rest) and only the review columns can be edited.
//!
//! A list longer than a sheet holds (Excel's 1,048,576 rows) continues on
//! next sheets, named as [`super::frame::part_name`] says (`清单`,
//! `清单 (2)` …): each repeats the title, the lines under it and the header
//! row, and its lines go on numbered from the last sheet's; the totals row
//! and the signature block come after the last part only. A manifest's
//! whole-batch decision is on the first sheet only.

use anyhow::{Context, Result, bail};
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::config::Lang;
use crate::labels::{review_choices, review_headers};

use super::frame::{MAX_DATA_ROWS, part_name};
use super::page::{Fit, set_up_page};
use super::sheet_xml::LineSheet;
use super::{OutCell, date_format, display_width};

/// A list to print.
pub struct Printable<'a> {
    /// The heading.
    pub title: String,
    /// Lines under the heading (batch, date, site, …).
    pub info: Vec<String>,
    /// The column headers of the lines.
    pub headers: Vec<&'a str>,
    /// The lines.
    pub rows: Lines<'a>,
    /// The totals row.
    pub totals: Vec<OutCell>,
    /// Whether to add the review columns (decision drop-down and comment).
    pub review: bool,
    /// A whole-batch decision: the label put left of an editable decision
    /// drop-down and comment above the review columns (manifests).
    pub batch_review: Option<&'a str>,
    /// Signature lines (经办人, 监销人, 审批人 …).
    pub signatures: Vec<String>,
    /// Text for the left of the footer (the digest, for manifests).
    pub footer: String,
    /// Language of labels.
    pub lang: Lang,
}

/// The lines of a printable list (or of an items sheet, `T = String`):
/// made beforehand, or made one at a time as they are written — a list of
/// 300,000 holdings is then never held in memory as cells.
pub enum Lines<'a, T = OutCell> {
    /// Lines made beforehand.
    Made(Vec<Vec<T>>),
    /// `count` lines; `line(k)` makes line `k` (from 0).
    OnDemand {
        /// How many lines.
        count: usize,
        /// Makes one line.
        line: Box<dyn Fn(usize) -> Vec<T> + 'a>,
        /// Widens the columns' widths to line `k`'s cells as [`cell_width`]
        /// measures them, without making the line (a list's widths come
        /// from every line, read once more before the lines are written).
        /// `None`: line `k` is made and measured.
        widen: Option<Widen<'a>>,
    },
}

/// Widens `widths` (one per column) to line `k`'s cells: see
/// [`Lines::OnDemand`].
pub type Widen<'a> = Box<dyn Fn(usize, &mut [usize]) + 'a>;

impl<T: Clone> Lines<'_, T> {
    /// How many lines.
    pub fn len(&self) -> usize {
        match self {
            Lines::Made(rows) => rows.len(),
            Lines::OnDemand { count, .. } => *count,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Line `k` (from 0).
    pub fn line(&self, k: usize) -> std::borrow::Cow<'_, [T]> {
        match self {
            Lines::Made(rows) => std::borrow::Cow::Borrowed(&rows[k]),
            Lines::OnDemand { line, .. } => std::borrow::Cow::Owned(line(k)),
        }
    }

    /// Every line in order, each made as it is reached.
    pub fn iter(&self) -> impl Iterator<Item = std::borrow::Cow<'_, [T]>> {
        (0..self.len()).map(|k| self.line(k))
    }
}

impl Lines<'_> {
    /// Widens `widths` to line `k`'s cells ([`cell_width`]).
    pub(crate) fn widen(&self, k: usize, widths: &mut [usize]) {
        match self {
            Lines::OnDemand {
                widen: Some(widen), ..
            } => widen(k, widths),
            _ => {
                for (c, v) in self.line(k).iter().enumerate() {
                    widths[c] = widths[c].max(cell_width(v));
                }
            }
        }
    }
}

impl FromIterator<Vec<OutCell>> for Lines<'_> {
    fn from_iter<I: IntoIterator<Item = Vec<OutCell>>>(rows: I) -> Self {
        Lines::Made(rows.into_iter().collect())
    }
}

impl From<Vec<Vec<OutCell>>> for Lines<'_> {
    fn from(rows: Vec<Vec<OutCell>>) -> Self {
        Lines::Made(rows)
    }
}

/// The widest a column is made, in characters (a CJK character counts
/// two): longer text wraps, so that a list of many columns still prints
/// one page wide at a readable size.
pub const MAX_COLUMN_WIDTH: usize = 24;

/// How wide a cell makes its column, in characters: text its width up to
/// [`MAX_COLUMN_WIDTH`] ([`text_width`]), a date 10, a number or a blank
/// nothing (the header's width serves).
///
/// ```
/// use clearance::output::OutCell;
/// use clearance::output::printable::cell_width;
/// assert_eq!(cell_width(&OutCell::Text("秘书科".into())), 6);
/// assert_eq!(cell_width(&OutCell::Number(12345.0)), 0);
/// ```
pub fn cell_width(v: &OutCell) -> usize {
    match v {
        OutCell::Text(s) => text_width(s),
        OutCell::Date(_) => 10,
        OutCell::Number(_) | OutCell::Blank => 0,
    }
}

/// How wide a text cell makes its column ([`cell_width`]).
pub fn text_width(s: &str) -> usize {
    display_width(s).min(MAX_COLUMN_WIDTH)
}

/// The height of one line of text in a printed row, in points.
const LINE_HEIGHT: f64 = 15.0;

/// The tallest a row may be in Excel, in points: a row of longer text
/// shows what fits.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// The row (0-based) of the header row in every printable sheet.
pub const HEADER_ROW: u32 = 4;

/// The row (0-based) of a manifest's whole-batch decision.
pub const BATCH_REVIEW_ROW: u32 = 3;

/// Sets up a printable list as a new sheet named `name`, continued on
/// next sheets (`name (2)` …) when it has more lines than a sheet holds.
/// Its lines are written when the workbook is saved with the
/// [`PrintedLines`] returned (added to a
/// [`super::sheet_xml::WorkbookRows`]). An error names the sheet.
pub fn write_printable<'a>(
    wb: &mut Workbook,
    name: &str,
    p: Printable<'a>,
) -> Result<PrintedLines<'a>> {
    write_printable_split(wb, name, p, MAX_DATA_ROWS)
}

/// Rows below a list's lines on its last sheet: the totals row, then, if
/// there are signatures, a blank row and one row per signature.
fn tail_rows(p: &Printable<'_>) -> usize {
    match p.signatures.len() {
        0 => 1,
        n => 2 + n,
    }
}

/// Lines a sheet of `p` holds when its last row (0-based) is `max_rows`:
/// every part leaves room for the totals and signatures, so any can be the
/// last. Zero when even one line does not fit.
fn lines_per_sheet(p: &Printable<'_>, max_rows: usize) -> usize {
    max_rows.saturating_sub(HEADER_ROW as usize + tail_rows(p))
}

/// [`write_printable`] with `max_rows` the last row (0-based) of a sheet.
pub(crate) fn write_printable_split<'a>(
    wb: &mut Workbook,
    name: &str,
    p: Printable<'a>,
    max_rows: usize,
) -> Result<PrintedLines<'a>> {
    let per_sheet = lines_per_sheet(&p, max_rows);
    if per_sheet == 0 {
        bail!("sheet {name}: no room for a line under the heading in {max_rows} rows");
    }
    let mut headers: Vec<&str> = p.headers.clone();
    if p.review {
        headers.extend(review_headers(p.lang));
    }
    // The lines' formats are learnt from cells set up in their first row
    // (see write_part): two of them, three with the review columns.
    if headers.len() < line_formats(&p) {
        bail!(
            "sheet {name}: a printed list needs {} columns or more",
            line_formats(&p)
        );
    }
    // Every part has the same widths, from every line.
    let widths = column_widths(&p, &headers);
    let total = p.rows.len();
    // An empty list still prints its heading, totals and signatures.
    let ranges: Vec<std::ops::Range<usize>> = if total == 0 {
        std::iter::once(0..0).collect()
    } else {
        (0..total)
            .step_by(per_sheet)
            .map(|start| start..(start + per_sheet).min(total))
            .collect()
    };
    let count = ranges.len();
    let mut parts = Vec::with_capacity(count);
    for (k, lines) in ranges.into_iter().enumerate() {
        let sheet_name = part_name(name, k);
        let part = Part {
            lines,
            first: k == 0,
            last: k + 1 == count,
            footer: if count > 1 {
                format!("{}  ({}/{count})", p.footer, k + 1)
                    .trim_start()
                    .to_string()
            } else {
                p.footer.clone()
            },
        };
        let sheet = wb.worksheets().len();
        write_part(wb, &sheet_name, &p, &headers, &widths, &part)
            .with_context(|| format!("sheet {sheet_name}"))?;
        parts.push(LineSheet {
            sheet,
            name: sheet_name,
            lines: part.lines,
        });
    }
    Ok(PrintedLines { p, widths, parts })
}

/// The lines of a printable list's sheets, written when their workbook is
/// saved ([`super::sheet_xml::WorkbookRows`]).
pub struct PrintedLines<'a> {
    /// The list.
    p: Printable<'a>,
    /// Its columns' widths in characters (a row is made taller for text
    /// that wraps in them).
    widths: Vec<usize>,
    /// Its sheets.
    parts: Vec<LineSheet>,
}

/// How many formats a line's cells take: a cell's and a date's, and a
/// review cell's if the list has review columns.
fn line_formats(p: &Printable<'_>) -> usize {
    if p.review { 3 } else { 2 }
}

impl super::sheet_xml::SheetRows for PrintedLines<'_> {
    fn sheets(&self) -> Vec<super::sheet_xml::SheetSlot> {
        self.parts.iter().map(|p| p.slot(HEADER_ROW + 1)).collect()
    }

    /// The lines, each row tall enough for its wrapped text, with blank
    /// editable review cells.
    fn write_rows(&self, part: usize, xml: &mut super::sheet_xml::RowXml<'_>) -> Result<()> {
        let lines = self.parts[part].lines.clone();
        if lines.is_empty() {
            return Ok(());
        }
        // The formats write_part set up in the first line's row, in order.
        let cell = xml.found_style(0)?;
        let dates = xml.found_style(1)?;
        let editable = match self.p.review {
            true => Some(xml.found_style(2)?),
            false => None,
        };
        let columns = self.p.headers.len();
        let mut r = HEADER_ROW;
        for k in lines {
            let line = self.p.rows.line(k);
            r += 1;
            // A cell past the headers would be outside the sheet's range,
            // or meet a review cell.
            if line.len() > columns {
                bail!(
                    "line {} has {} cells for {columns} columns",
                    k + 1,
                    line.len()
                );
            }
            // Long text wraps; the row is made tall enough to show all of
            // it (no program measures rows when it opens the file).
            match text_lines(&line, &self.widths) {
                1 => xml.start_row(r)?,
                n => xml.start_row_with_height(r, (LINE_HEIGHT * n as f64).min(MAX_ROW_HEIGHT))?,
            }
            for (c, v) in line.iter().enumerate() {
                let c = c as u16;
                match v {
                    OutCell::Text(s) => xml.text_with_style(c, s, cell)?,
                    OutCell::Number(n) => xml.number_with_style(c, *n, cell)?,
                    OutCell::Date(d) => xml.date_with_style(c, *d, dates)?,
                    OutCell::Blank => xml.blank(c, cell),
                }
            }
            if let Some(editable) = editable {
                let first = self.p.headers.len() as u16;
                xml.blank(first, editable);
                xml.blank(first + 1, editable);
            }
        }
        Ok(())
    }
}

/// How many lines of text the tallest cell of `line` wraps to in columns
/// `widths` wide (at least one).
fn text_lines(line: &[OutCell], widths: &[usize]) -> usize {
    line.iter()
        .zip(widths)
        .map(|(v, w)| match v {
            OutCell::Text(s) => display_width(s).div_ceil((*w).max(1)),
            _ => 1,
        })
        .max()
        .unwrap_or(1)
        .max(1)
}

/// One sheet of a printable list.
struct Part {
    /// Its lines.
    lines: std::ops::Range<usize>,
    /// Whether it is the first sheet (with the whole-batch decision).
    first: bool,
    /// Whether it is the last (with the totals and signatures).
    last: bool,
    /// The footer's note.
    footer: String,
}

/// Sets up one sheet of a printable list: everything but its lines, which
/// [`PrintedLines`] writes. In their place, the first line's row holds
/// one blank cell of each format a line takes — a cell's, a date's, a
/// review cell's — from which the lines learn the numbers the workbook
/// gave those formats.
fn write_part(
    wb: &mut Workbook,
    sheet_name: &str,
    p: &Printable<'_>,
    headers: &[&str],
    widths: &[usize],
    part: &Part,
) -> Result<()> {
    let sheet = super::add_streamed_sheet(wb)?;
    sheet.set_name(sheet_name)?;
    let formats = Formats::new();
    write_heading(sheet, p, headers, part.first, &formats)?;
    let last_line = HEADER_ROW + part.lines.len() as u32;
    if !part.lines.is_empty() {
        let in_order = [&formats.cell, &formats.dates, &formats.editable];
        for (c, format) in in_order.into_iter().take(line_formats(p)).enumerate() {
            sheet.write_blank(HEADER_ROW + 1, c as u16, format)?;
        }
    }
    if p.review && last_line > HEADER_ROW {
        let first = p.headers.len() as u16;
        let validation = DataValidation::new().allow_list_strings(&review_choices(p.lang))?;
        sheet.add_data_validation(HEADER_ROW + 1, first, last_line, first, &validation)?;
    }
    if part.last {
        let totals_row = last_line + 1;
        write_totals(sheet, totals_row, &p.totals, &formats)?;
        let ncols = headers.len() as u16;
        for (k, line) in p.signatures.iter().enumerate() {
            let r = totals_row + 2 + k as u32;
            sheet.merge_range(r, 0, r, ncols - 1, line, &Format::new())?;
            sheet.set_row_height(r, 24)?;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w as f64 + 2.0)?;
    }
    // A4 landscape, one page wide, the header on every page, the footer
    // text on the left and the page number on the right.
    set_up_page(
        sheet,
        Fit::OnePageWide,
        Some(HEADER_ROW),
        &part.footer,
        p.lang,
    )?;
    sheet.protect();
    Ok(())
}

/// The cell formats of a printable sheet.
struct Formats {
    /// The title: bold, large, centred.
    title: Format,
    /// Column headers: bold, bordered, wrapped, centred.
    head: Format,
    /// A cell of a line: bordered, wrapped.
    cell: Format,
    /// A review cell: as a line's, but unlocked.
    editable: Format,
    /// A date cell of a line.
    dates: Format,
    /// A cell of the totals row.
    bold: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = Format::new().set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            head: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            cell: border.clone().set_text_wrap(),
            editable: border.clone().set_unlocked().set_text_wrap(),
            dates: date_format().set_border(FormatBorder::Thin),
            bold: Format::new().set_bold().set_border(FormatBorder::Thin),
        }
    }
}

/// Column widths in characters: the header's (at least 4) or the widest
/// text below it, up to [`MAX_COLUMN_WIDTH`]; room to write in the review
/// columns.
fn column_widths(p: &Printable<'_>, headers: &[&str]) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h).max(4)).collect();
    for k in 0..p.rows.len() {
        p.rows.widen(k, &mut widths);
    }
    if p.review {
        let first = p.headers.len();
        widths[first] = widths[first].max(8);
        widths[first + 1] = widths[first + 1].max(24);
    }
    widths
}

/// The title, the lines under it and the header row; the whole-batch
/// decision only on the `first` sheet.
fn write_heading(
    sheet: &mut Worksheet,
    p: &Printable<'_>,
    headers: &[&str],
    first: bool,
    f: &Formats,
) -> Result<()> {
    let last = headers.len() as u16 - 1;
    sheet.merge_range(0, 0, 0, last, &p.title, &f.title)?;
    for (i, line) in p.info.iter().take(3).enumerate() {
        let r = 1 + i as u32;
        match p.batch_review.filter(|_| i == 2 && p.review && first) {
            Some(label) => write_batch_review(sheet, p, line, label, f)?,
            None => {
                sheet.merge_range(r, 0, r, last, line, &Format::new())?;
            }
        }
    }
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, *h, &f.head)?;
    }
    Ok(())
}

/// The row above the header with a whole-batch decision: the info line,
/// then the label, an editable decision drop-down over the review column
/// and an editable comment.
fn write_batch_review(
    sheet: &mut Worksheet,
    p: &Printable<'_>,
    line: &str,
    label: &str,
    f: &Formats,
) -> Result<()> {
    let r = BATCH_REVIEW_ROW;
    let first = p.headers.len() as u16;
    if first >= 2 {
        sheet.merge_range(r, 0, r, first - 2, line, &Format::new())?;
    }
    let bold = Format::new()
        .set_bold()
        .set_align(rust_xlsxwriter::FormatAlign::Right);
    sheet.write_string_with_format(r, first - 1, label, &bold)?;
    sheet.write_blank(r, first, &f.editable)?;
    sheet.write_blank(r, first + 1, &f.editable)?;
    let validation = DataValidation::new().allow_list_strings(&review_choices(p.lang))?;
    sheet.add_data_validation(r, first, r, first, &validation)?;
    Ok(())
}

/// The totals row, in bold.
fn write_totals(sheet: &mut Worksheet, r: u32, totals: &[OutCell], f: &Formats) -> Result<()> {
    for (c, v) in totals.iter().enumerate() {
        match v {
            OutCell::Text(s) => sheet.write_string_with_format(r, c as u16, s, &f.bold)?,
            OutCell::Number(n) => sheet.write_number_with_format(r, c as u16, *n, &f.bold)?,
            _ => sheet.write_blank(r, c as u16, &f.bold)?,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    /// A list of `n` lines with a review column and two signatures.
    fn list(n: usize) -> Printable<'static> {
        Printable {
            title: "保密办公室 文件清退清单".into(),
            info: vec![
                "退还单位：市委办公室".into(),
                "基准日期：2024-12-31".into(),
                String::new(),
            ],
            headers: vec!["序号", "文件编号", "份数"],
            rows: (1..=n)
                .map(|k| {
                    vec![
                        OutCell::Number(k as f64),
                        OutCell::Text(format!("=R-{k}")),
                        OutCell::Number(1.0),
                    ]
                })
                .collect::<Vec<_>>()
                .into(),
            totals: vec![OutCell::from("合计"), OutCell::Text(format!("{n} 件"))],
            review: true,
            batch_review: Some("整批意见"),
            signatures: vec!["移交人：____".into(), "接收人：____".into()],
            footer: "SHA-256 abc".into(),
            lang: Lang::Zh,
        }
    }

    /// `wb` saved with its printed lists' lines `lines`, as a file's bytes.
    fn saved(wb: &mut Workbook, lines: Vec<PrintedLines<'_>>) -> Vec<u8> {
        let mut rows = crate::output::sheet_xml::WorkbookRows::new();
        for l in lines {
            rows.add(l);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        rows.save(wb, &path).unwrap();
        std::fs::read(path).unwrap()
    }

    /// Entry `name` of a workbook's bytes, as text.
    fn entry(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut xml).unwrap();
        xml
    }

    /// The cells of sheet row `row` (1-based) in a sheet's XML: each
    /// `<c …>` element, as written.
    fn cells_of_row(bytes: &[u8], row: u32) -> Vec<String> {
        let xml = entry(bytes, "xl/worksheets/sheet1.xml");
        let start = xml.find(&format!("<row r=\"{row}\"")).unwrap();
        let end = start + xml[start..].find("</row>").unwrap();
        xml[start..end]
            .split("<c ")
            .skip(1)
            .map(|c| c.split('>').next().unwrap().to_string())
            .collect()
    }

    /// Every cell of a line has its border, blank ones too: a line of
    /// blanks, empty texts and dates once lost its blank cells and their
    /// borders (rust_xlsxwriter formats only the current row's cells in a
    /// constant-memory sheet).
    #[test]
    fn a_line_without_a_number_or_text_keeps_every_cell_formatted() {
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        let mut p = list(0);
        p.rows = vec![
            vec![
                OutCell::Number(1.0),
                OutCell::Blank,
                OutCell::Text(String::new()),
            ],
            vec![
                OutCell::Text(String::new()),
                OutCell::Blank,
                OutCell::Date(date),
            ],
            vec![OutCell::Blank, OutCell::Blank, OutCell::Blank],
            vec![
                OutCell::Number(4.0),
                OutCell::from("R-4"),
                OutCell::Date(date),
            ],
        ]
        .into();
        p.review = false;
        p.batch_review = None;
        let mut wb = crate::output::new_workbook().unwrap();
        let lines = write_printable(&mut wb, "清单", p).unwrap();
        let bytes = saved(&mut wb, vec![lines]);
        // The heading takes rows 1–4 and the header row 5: lines from 6.
        for row in 6..=9 {
            let cells = cells_of_row(&bytes, row);
            assert_eq!(cells.len(), 3, "row {row}: {cells:?}");
            assert!(
                cells.iter().all(|c| c.contains(" s=\"")),
                "row {row}, every cell has a style: {cells:?}"
            );
        }
    }

    /// The lines written as XML straight into the file are what
    /// rust_xlsxwriter writes for the same cells with the same formats,
    /// byte for byte: text needing escapes, spaces kept, empty text,
    /// numbers (not a number, -0 too), dates Excel can and cannot hold,
    /// blanks, rows made taller for wrapped text, review cells.
    #[test]
    fn lines_written_as_xml_are_what_rust_xlsxwriter_writes() {
        use OutCell::{Blank, Number, Text};
        let date = |y, m, d| OutCell::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let text = |t: &str| Text(t.to_string());
        let lines: Vec<Vec<OutCell>> = vec![
            vec![
                Number(1.0),
                text("会议纪要"),
                text("a & b <c> \"q\""),
                date(2024, 1, 2),
            ],
            vec![Number(2.5), text(""), Blank, date(1887, 1, 1)],
            vec![
                Number(f64::NAN),
                text(" leading"),
                text("bell\u{7}\r"),
                Blank,
            ],
            vec![
                Blank,
                text(&"一".repeat(40)),
                text("_x0041_"),
                date(10_000, 1, 1),
            ],
            vec![
                Number(-0.0),
                text(&"x".repeat(100)),
                text("trailing\t"),
                Blank,
            ],
            vec![Blank, Blank, Blank, Blank],
            vec![
                Number(1e21),
                text("=SUM(A1)"),
                text("\u{FFFE}"),
                date(1900, 3, 1),
            ],
            // 30,000 characters wrap to 1,250 lines: as tall as a row goes.
            vec![Number(8.0), text(&"长".repeat(15_000)), Blank, Blank],
        ];
        let mut p = list(0);
        p.headers = vec!["序号", "文件编号", "文件标题", "日期"];
        p.rows = lines.clone().into();
        let n = lines.len() as u32;
        let rows_of = |xml: &str| -> String {
            let from = xml.find(&format!("<row r=\"{}\"", HEADER_ROW + 2)).unwrap();
            let to = xml
                .find(&format!("<row r=\"{}\"", HEADER_ROW + 2 + n))
                .unwrap();
            xml[from..to].to_string()
        };
        let mut wb = crate::output::new_workbook().unwrap();
        let printed = write_printable(&mut wb, "清单", p).unwrap();
        let widths = printed.widths.clone();
        let ours = rows_of(&entry(
            &saved(&mut wb, vec![printed]),
            "xl/worksheets/sheet1.xml",
        ));

        // The same heading, formats set up in the same order, and the
        // lines' cells written by rust_xlsxwriter.
        let p = list(0);
        let mut headers = vec!["序号", "文件编号", "文件标题", "日期"];
        headers.extend(review_headers(p.lang));
        let mut wb = crate::output::new_workbook().unwrap();
        let sheet = crate::output::add_streamed_sheet(&mut wb).unwrap();
        let f = Formats::new();
        write_heading(sheet, &p, &headers, true, &f).unwrap();
        for (k, line) in lines.iter().enumerate() {
            let r = HEADER_ROW + 1 + k as u32;
            if k == 0 {
                for (c, format) in [&f.cell, &f.dates, &f.editable].into_iter().enumerate() {
                    sheet.write_blank(r, c as u16, format).unwrap();
                }
            }
            let tall = text_lines(line, &widths);
            if tall > 1 {
                let height = (LINE_HEIGHT * tall as f64).min(MAX_ROW_HEIGHT);
                sheet.set_row_height(r, height).unwrap();
            }
            for (c, v) in line.iter().enumerate() {
                let c = c as u16;
                match v {
                    Text(s) => sheet.write_string_with_format(r, c, s, &f.cell),
                    Number(n) => sheet.write_number_with_format(r, c, *n, &f.cell),
                    OutCell::Date(d) => super::super::write_date(sheet, r, c, *d, Some(&f.dates))
                        .map(|_| &mut *sheet),
                    Blank => sheet.write_blank(r, c, &f.cell),
                }
                .unwrap();
            }
            sheet.write_blank(r, 4, &f.editable).unwrap();
            sheet.write_blank(r, 5, &f.editable).unwrap();
        }
        write_totals(sheet, HEADER_ROW + 1 + n, &[text("合计")], &f).unwrap();
        let theirs = rows_of(&entry(
            &wb.save_to_buffer().unwrap(),
            "xl/worksheets/sheet1.xml",
        ));
        assert!(ours.contains(" ht=\"60\" customHeight=\"1\""), "{ours}");
        assert!(
            ours.contains(" ht=\"408.75\""),
            "no row taller than Excel's 409 points"
        );
        assert_eq!(ours, theirs);
    }

    #[test]
    fn a_list_past_the_sheet_row_limit_continues_with_its_heading_and_ends_with_its_totals() {
        let p = list(7);
        // Rows 0–4 heading and header, 3 lines (5–7), room for the totals,
        // a blank row and two signatures (8–11).
        let max_rows = 11;
        assert_eq!(lines_per_sheet(&p, max_rows), 3);
        let mut wb = crate::output::new_workbook().unwrap();
        let lines = write_printable_split(&mut wb, "清单", p, max_rows).unwrap();
        let bytes = saved(&mut wb, vec![lines]);
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["清单", "清单 (2)", "清单 (3)"]);
        let mut numbers = Vec::new();
        let mut first_heading = None;
        for (k, name) in book.sheet_names().into_iter().enumerate() {
            let range = book.worksheet_range(&name).unwrap();
            let rows: Vec<Vec<String>> = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            assert!(rows.len() <= max_rows + 1, "{name}: {rows:?}");
            let heading: Vec<String> = rows[..=HEADER_ROW as usize]
                .iter()
                .map(|r| r[0].clone())
                .collect();
            assert_eq!(rows[HEADER_ROW as usize][..3], ["序号", "文件编号", "份数"]);
            assert_eq!(
                first_heading.get_or_insert_with(|| heading.clone()),
                &heading,
                "{name}: the same title, lines under it and header row"
            );
            let lines: Vec<&Vec<String>> = rows[HEADER_ROW as usize + 1..]
                .iter()
                .take_while(|r| r[0] != "合计")
                .filter(|r| !r[0].is_empty())
                .collect();
            numbers.extend(lines.iter().map(|r| r[0].clone()));
            let tail: Vec<String> = rows[HEADER_ROW as usize + 1 + lines.len()..]
                .iter()
                .map(|r| r[0].clone())
                .filter(|c| !c.is_empty())
                .collect();
            if k == 2 {
                assert_eq!(tail, ["合计", "移交人：____", "接收人：____"]);
                assert_eq!(rows[HEADER_ROW as usize + 1][1], "=R-7");
            } else {
                assert!(tail.is_empty(), "{name}: totals only after the last part");
            }
            // The whole-batch decision is on the first sheet only.
            let batch_label = rows[BATCH_REVIEW_ROW as usize].contains(&"整批意见".to_string());
            assert_eq!(batch_label, k == 0, "{name}");
        }
        assert_eq!(numbers, (1..=7).map(|k| k.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn a_list_that_fills_its_sheet_takes_no_empty_next_sheet() {
        let mut wb = crate::output::new_workbook().unwrap();
        let full = write_printable_split(&mut wb, "清单", list(3), 11).unwrap();
        let empty = write_printable_split(&mut wb, "空", list(0), 11).unwrap();
        let bytes = saved(&mut wb, vec![full, empty]);
        let book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["清单", "空"]);
    }
}
