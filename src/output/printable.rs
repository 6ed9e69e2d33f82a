//! Printable lists: the documents people print, sign and carry.
//!
//! Every manifest and list is laid out the same way so that it prints
//! without edits: a heading, a bold header row repeated on every page,
//! numbered lines, a totals row, a signature block; A4 landscape, fitted to
//! the page width, with "page x of y" and the digest in the footer. The
//! sheet is protected without a password (it prevents accidents; the
//! digest catches the rest) and only the review columns can be edited.

use anyhow::Result;
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::config::Lang;
use crate::labels::{review_choices, review_headers};

use super::page::{Fit, set_up_page};
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
    pub rows: Vec<Vec<OutCell>>,
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

/// The widest a column is made, in characters (a CJK character counts
/// two): longer text wraps, so that a list of many columns still prints
/// one page wide at a readable size.
pub const MAX_COLUMN_WIDTH: usize = 24;

/// The height of one line of text in a printed row, in points.
const LINE_HEIGHT: f64 = 15.0;

/// The row (0-based) of the header row in every printable sheet.
pub const HEADER_ROW: u32 = 4;

/// The row (0-based) of a manifest's whole-batch decision.
pub const BATCH_REVIEW_ROW: u32 = 3;

/// Writes a printable list as a new sheet named `name`; returns the sheet.
pub fn write_printable<'w>(
    wb: &'w mut Workbook,
    name: &str,
    p: &Printable<'_>,
) -> Result<&'w mut Worksheet> {
    // Long lists (an archive transfer of 300,000 holdings) stream to disk:
    // rows are written in order and column widths are known first.
    let sheet = wb.add_worksheet_with_constant_memory()?;
    sheet.set_name(name)?;
    let mut headers: Vec<&str> = p.headers.clone();
    if p.review {
        headers.extend(review_headers(p.lang));
    }
    let widths = column_widths(p, &headers);
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w as f64 + 2.0)?;
    }
    let formats = Formats::new();
    write_heading(sheet, p, &headers, &formats)?;
    let last_line = write_lines(sheet, p, &widths, &formats)?;
    if p.review && last_line > HEADER_ROW {
        let first = p.headers.len() as u16;
        let validation = DataValidation::new().allow_list_strings(&review_choices(p.lang))?;
        sheet.add_data_validation(HEADER_ROW + 1, first, last_line, first, &validation)?;
    }
    let totals_row = last_line + 1;
    write_totals(sheet, totals_row, &p.totals, &formats)?;
    let ncols = headers.len() as u16;
    for (k, line) in p.signatures.iter().enumerate() {
        let r = totals_row + 2 + k as u32;
        sheet.merge_range(r, 0, r, ncols - 1, line, &Format::new())?;
        sheet.set_row_height(r, 24)?;
    }
    // A4 landscape, one page wide, the header on every page, the footer
    // text on the left and the page number on the right.
    set_up_page(sheet, Fit::OnePageWide, Some(HEADER_ROW), &p.footer, p.lang)?;
    sheet.protect();
    Ok(sheet)
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
    for row in &p.rows {
        for (c, v) in row.iter().enumerate() {
            let w = match v {
                OutCell::Text(s) => display_width(s).min(MAX_COLUMN_WIDTH),
                OutCell::Date(_) => 10,
                OutCell::Number(_) | OutCell::Blank => 0,
            };
            widths[c] = widths[c].max(w);
        }
    }
    if p.review {
        let first = p.headers.len();
        widths[first] = widths[first].max(8);
        widths[first + 1] = widths[first + 1].max(24);
    }
    widths
}

/// The title, the lines under it and the header row.
fn write_heading(
    sheet: &mut Worksheet,
    p: &Printable<'_>,
    headers: &[&str],
    f: &Formats,
) -> Result<()> {
    let last = headers.len() as u16 - 1;
    sheet.merge_range(0, 0, 0, last, &p.title, &f.title)?;
    for (i, line) in p.info.iter().take(3).enumerate() {
        let r = 1 + i as u32;
        match p.batch_review.filter(|_| i == 2 && p.review) {
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

/// The lines, each row tall enough for its wrapped text, with blank
/// editable review cells. Returns the last row written.
fn write_lines(
    sheet: &mut Worksheet,
    p: &Printable<'_>,
    widths: &[usize],
    f: &Formats,
) -> Result<u32> {
    let mut r = HEADER_ROW;
    for row in &p.rows {
        r += 1;
        // Long text wraps; the row is made tall enough to show all of it
        // (no program measures rows when it opens the file).
        let lines = row
            .iter()
            .zip(widths)
            .map(|(v, w)| match v {
                OutCell::Text(s) => display_width(s).div_ceil((*w).max(1)),
                _ => 1,
            })
            .max()
            .unwrap_or(1)
            .max(1);
        if lines > 1 {
            sheet.set_row_height(r, LINE_HEIGHT * lines as f64)?;
        }
        for (c, v) in row.iter().enumerate() {
            write_cell(sheet, r, c as u16, v, f)?;
        }
        if p.review {
            let first = p.headers.len() as u16;
            sheet.write_blank(r, first, &f.editable)?;
            sheet.write_blank(r, first + 1, &f.editable)?;
        }
    }
    Ok(r)
}

/// One cell of a line.
fn write_cell(sheet: &mut Worksheet, r: u32, c: u16, v: &OutCell, f: &Formats) -> Result<()> {
    match v {
        OutCell::Text(s) => {
            sheet.write_string_with_format(r, c, s, &f.cell)?;
        }
        OutCell::Number(n) => {
            sheet.write_number_with_format(r, c, *n, &f.cell)?;
        }
        OutCell::Date(d) => {
            super::write_date(sheet, r, c, *d, &f.dates)?;
        }
        OutCell::Blank => {
            sheet.write_blank(r, c, &f.cell)?;
        }
    }
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
