//! Reading one sheet: finding its header, mapping its columns, sorting its
//! rows into data, skipped and rejected, and typing every cell (SPEC §2).
//!
//! The readers of each file format feed rows here in order; nothing in this
//! module knows about file formats. Rows are buffered only until the header
//! is found (at most `header_search_rows` + 1 of them), so a sheet of any
//! length streams through. Header detection lives in [`super::header`];
//! typing one row's cells in [`super::record`].
//!
//! Every non-empty row ends up in exactly one count — above the header,
//! header, data, skipped (with its reason), or not read because the sheet
//! has no header — and the reader counts the sheet's non-empty rows on its
//! own: [`SheetReport::balances`] compares the two (SPEC §6).

use std::collections::BTreeMap;

use crate::domain::{Level, MediumClass};
use crate::fields::Field;
use crate::text::{column_letters, normalize_cow};
use crate::vocabulary::Vocabulary;

use super::cell::{Cell, Row};
use super::header::{Header, HeaderTest, detect_header};
use super::record::RecordReader;
use super::table::TableBuilder;
use super::{Problem, SkippedRow};

/// A merged range of cells (0-based, inclusive), as the workbook records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MergedRange {
    /// First row.
    pub first_row: u32,
    /// Last row.
    pub last_row: u32,
    /// First column.
    pub first_col: u32,
    /// Last column.
    pub last_col: u32,
}

impl MergedRange {
    /// Whether the range covers a cell.
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }
}

/// What a column of a sheet was understood as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnTarget {
    /// A canonical field.
    Field(Field),
    /// No field: kept as a text column of this name.
    Kept(String),
}

/// One column of a sheet as it was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnReport {
    /// 0-based column index.
    pub index: u32,
    /// The header text as written (rows joined with `/`), or empty.
    pub header: String,
    /// What the column was read as.
    pub target: ColumnTarget,
    /// A note on how it is read (a second column for one field).
    pub note: Option<String>,
}

/// How one sheet was read.
#[derive(Debug, Clone, Default)]
pub struct SheetReport {
    /// Sheet name (empty for CSV).
    pub sheet: String,
    /// 1-based header rows, first and last, if a header was found.
    pub header_rows: Option<(u32, u32)>,
    /// Columns in order.
    pub columns: Vec<ColumnReport>,
    /// Rows read as data (including rejected ones).
    pub data_rows: u64,
    /// Data rows rejected.
    pub rejected_rows: u64,
    /// Rows skipped (blank, repeated header, subtotal, footer).
    pub skipped_rows: u64,
    /// Non-empty rows skipped (repeated header, subtotal, footer).
    pub skipped_nonempty: u64,
    /// Non-empty rows above the header (titles, unit names, summaries).
    pub preamble_rows: u64,
    /// Non-empty header rows.
    pub header_row_count: u64,
    /// Non-empty rows not read because the sheet has no register header.
    pub unread_rows: u64,
    /// Non-empty rows as the file reader counted them, independently of
    /// everything above.
    pub nonempty_rows: u64,
    /// Blank cells that took the value of a range merged down over them, by
    /// column.
    pub merged_fills: BTreeMap<u32, u64>,
    /// What needs a person's attention: columns assumed, a header that
    /// changes mid-sheet, rows above the header that look like holdings.
    pub notes: Vec<String>,
    /// Why nothing of the sheet was planned, if so.
    pub note: Option<String>,
    /// Two registers side by side under one header row (文件编号, 标题 and
    /// another field each named twice), as the repeated columns: the
    /// right-hand one would be read as the left one's extra columns, its
    /// holdings lost.
    pub side_by_side: Option<String>,
}

impl SheetReport {
    /// Non-empty rows the parser accounted for: above the header, header,
    /// data, skipped, and rows of a sheet without a header.
    pub fn accounted(&self) -> u64 {
        self.preamble_rows
            + self.header_row_count
            + self.data_rows
            + self.skipped_nonempty
            + self.unread_rows
    }

    /// Whether the parser accounted for every non-empty row the reader
    /// counted (SPEC §6).
    pub fn balances(&self) -> bool {
        self.accounted() == self.nonempty_rows
    }

    /// Whether the sheet had content but no register header.
    pub fn not_read(&self) -> bool {
        self.header_rows.is_none() && self.unread_rows > 0
    }
}

/// Context shared by every row of a sheet.
pub struct SheetContext<'a> {
    /// The file as the user named it.
    pub file: String,
    /// The sheet's name.
    pub sheet: String,
    /// The policy's word lists.
    pub vocab: &'a Vocabulary,
    /// Whether bare numbers in date columns count from 1904.
    pub date1904: bool,
    /// The sheet's merged ranges (empty when the format has none).
    pub merges: Vec<MergedRange>,
}

/// Where the rows of a sheet go.
pub struct Outputs<'o> {
    /// The canonical table.
    pub table: &'o mut TableBuilder,
    /// Problems found in cells.
    pub problems: &'o mut Vec<Problem>,
    /// Rows that are not data.
    pub skipped: &'o mut Vec<SkippedRow>,
}

/// Reads one sheet's rows into a table; see the module documentation.
pub struct SheetParser<'a> {
    ctx: SheetContext<'a>,
    buffer: Vec<Row<'static>>,
    header: Option<Header>,
    reader: Option<RecordReader>,
    /// Set once the search window has passed without a header.
    gave_up: bool,
    last_index: Option<u32>,
    report: SheetReport,
    pending_blank: Option<(u32, u32)>,
    /// Ranges merged down over more than one row, by first row.
    merges_down: Vec<MergedRange>,
    next_merge: usize,
    /// Merged ranges being filled, with their value.
    active: Vec<(MergedRange, Cell<'static>)>,
    /// A header row met among the data, waiting for the row after it.
    pending_header: Option<Row<'static>>,
    /// The test of every data row for a header met among the data.
    header_test: HeaderTest,
}

impl<'a> SheetParser<'a> {
    /// Starts reading a sheet.
    pub fn new(ctx: SheetContext<'a>) -> Self {
        let sheet = ctx.sheet.clone();
        let merges = ctx.merges.clone();
        let mut parser = SheetParser {
            ctx,
            buffer: Vec::new(),
            header: None,
            reader: None,
            gave_up: false,
            last_index: None,
            report: SheetReport {
                sheet,
                ..SheetReport::default()
            },
            pending_blank: None,
            merges_down: Vec::new(),
            next_merge: 0,
            active: Vec::new(),
            pending_header: None,
            header_test: HeaderTest::default(),
        };
        parser.set_merges(merges);
        parser
    }

    /// Gives the sheet's merged ranges (before the first row).
    pub fn set_merges(&mut self, merges: Vec<MergedRange>) {
        self.merges_down = merges
            .iter()
            .filter(|m| m.last_row > m.first_row)
            .copied()
            .collect();
        self.merges_down.sort();
        self.ctx.merges = merges;
    }

    /// Takes the next row. Rows must come in increasing index order.
    pub fn push(&mut self, row: Row<'_>, out: &mut Outputs<'_>) {
        if self.header.is_some() {
            self.data_row(row, out);
            return;
        }
        if self.gave_up {
            if !row_is_blank(&row) {
                self.report.unread_rows += 1;
            }
            return;
        }
        let window = self.ctx.vocab.header_search_rows;
        if row.index <= window {
            // Keep one row beyond the window: it may be a sub-header.
            self.buffer.push(into_owned(row));
            return;
        }
        self.resolve_header(out);
        if self.header.is_some() {
            self.data_row(row, out);
        } else if !row_is_blank(&row) {
            self.report.unread_rows += 1;
        }
    }

    /// Ends the sheet and returns its report; `nonempty_rows` is the
    /// reader's own count of the sheet's non-empty rows.
    pub fn finish(mut self, nonempty_rows: u64, out: &mut Outputs<'_>) -> SheetReport {
        if self.header.is_none() && !self.gave_up {
            self.resolve_header(out);
        }
        if let Some(pending) = self.pending_header.take() {
            self.new_header(pending, None, out);
        }
        self.flush_blank(out.skipped);
        self.report.nonempty_rows = nonempty_rows;
        // The columns of the last header (with any met only in the data); a
        // note names every header change.
        if let Some(header) = &self.header {
            self.report.columns = header.column_reports(self.ctx.vocab);
        }
        self.report
    }

    /// Finds the header among the rows buffered so far, reports the rows
    /// above it, and reads the rows after it; gives up on a sheet without one.
    fn resolve_header(&mut self, out: &mut Outputs<'_>) {
        let buffer = std::mem::take(&mut self.buffer);
        let window = self.ctx.vocab.header_search_rows;
        let Some((header, first_data)) =
            detect_header(&buffer, self.ctx.vocab, &self.ctx.merges, window)
        else {
            self.gave_up = true;
            self.report.unread_rows = buffer.iter().filter(|r| !row_is_blank(r)).count() as u64;
            self.report.note = Some(if self.report.unread_rows == 0 {
                "empty sheet".to_string()
            } else {
                "no register header found".to_string()
            });
            return;
        };
        let first_header_row = header.rows[0];
        self.report.header_rows =
            Some((first_header_row + 1, header.rows[header.rows.len() - 1] + 1));
        // Rows above the header are listed with the skipped rows, so that a
        // person can see them; one with several cells may be a holding.
        for row in buffer
            .iter()
            .filter(|r| r.index < first_header_row && !row_is_blank(r))
        {
            self.report.preamble_rows += 1;
            let cells = row.cells.iter().filter(|(_, c)| !c.is_blank()).count();
            out.skipped.push(SkippedRow {
                file: self.ctx.file.clone(),
                sheet: self.ctx.sheet.clone(),
                row: row.index + 1,
                rows: 1,
                reason: format!("above the header ({cells} cells)"),
            });
            if cells >= PREAMBLE_CELLS_TO_CHECK {
                self.report.notes.push(format!(
                    "row {} above the header has {cells} cells: check it is not a holding (rows above the header are not read)",
                    row.index + 1
                ));
            }
        }
        self.use_header(header);
        for row in buffer.into_iter().skip(first_data) {
            self.data_row(row, out);
        }
    }

    /// Reads the rows that follow with `header`'s columns.
    fn use_header(&mut self, header: Header) {
        if self.report.side_by_side.is_none() {
            self.report.side_by_side = header.side_by_side();
        }
        for (column, field) in header.hinted_columns() {
            self.report.notes.push(format!(
                "column {column} is kept as is, but looks like {field}: if it is, add its header to aliases.{field} in the policy"
            ));
        }
        self.report.header_row_count += header.rows.len() as u64;
        self.last_index = Some(header.end);
        let has = |f: Field| header.has_field(f);
        let (level, medium) = self
            .ctx
            .vocab
            .assume
            .for_sheet(&self.ctx.file, &self.ctx.sheet);
        let no_level = (!has(Field::Classification)).then_some(level);
        let no_medium = (!has(Field::Medium)).then_some(medium.unwrap_or(MediumClass::P));
        for note in assumption_notes(no_level, no_medium) {
            if !self.report.notes.contains(&note) {
                self.report.notes.push(note);
            }
        }
        self.reader = Some(RecordReader::new(no_level, no_medium));
        self.header = Some(header);
    }

    /// A header row that is not a copy of the header: the columns change
    /// from here (a register pasted below another). It is read as a new
    /// header with the row after it, which may be its sub-header.
    fn new_header(&mut self, first: Row<'static>, next: Option<Row<'_>>, out: &mut Outputs<'_>) {
        let index = first.index;
        let mut rows = vec![first];
        if let Some(n) = next {
            rows.push(into_owned(n));
        }
        // Wherever it is in the sheet: the search window is for the first.
        match detect_header(&rows, self.ctx.vocab, &self.ctx.merges, u32::MAX) {
            Some((header, first_data)) => {
                self.report.notes.push(format!(
                    "a different header at row {}: the rows below it are read with its columns",
                    index + 1
                ));
                self.use_header(header);
                for row in rows.into_iter().skip(first_data) {
                    self.data_row(row, out);
                }
            }
            // Not a header after all: a data row, and the row after it
            // goes the way of every row (a blank, a merge starting, a
            // footer).
            None => {
                let mut rows = rows.into_iter();
                if let Some(first) = rows.next() {
                    self.read_data(first, out);
                }
                for row in rows {
                    self.data_row(row, out);
                }
            }
        }
    }

    /// Lists a non-blank row that is not data as skipped, with its reason.
    fn skip(&mut self, skipped: &mut Vec<SkippedRow>, index: u32, reason: String) {
        self.flush_blank(skipped);
        self.report.skipped_rows += 1;
        self.report.skipped_nonempty += 1;
        skipped.push(SkippedRow {
            file: self.ctx.file.clone(),
            sheet: self.ctx.sheet.clone(),
            row: index + 1,
            rows: 1,
            reason,
        });
    }

    /// Blank rows come in runs (a stray cell far below the data makes a run
    /// of a million): each run is one skipped entry with its count.
    fn note_blank(&mut self, skipped: &mut Vec<SkippedRow>, first: u32, last: u32) {
        self.report.skipped_rows += u64::from(last - first + 1);
        match self.pending_blank {
            Some((a, b)) if b + 1 == first => self.pending_blank = Some((a, last)),
            _ => {
                self.flush_blank(skipped);
                self.pending_blank = Some((first, last));
            }
        }
    }

    /// Lists the pending run of blank rows as one skipped entry.
    fn flush_blank(&mut self, skipped: &mut Vec<SkippedRow>) {
        if let Some((first, last)) = self.pending_blank.take() {
            let rows = last - first + 1;
            let reason = if rows == 1 {
                "blank row".to_string()
            } else {
                format!("blank rows {}–{}", first + 1, last + 1)
            };
            skipped.push(SkippedRow {
                file: self.ctx.file.clone(),
                sheet: self.ctx.sheet.clone(),
                row: first + 1,
                rows,
                reason,
            });
        }
    }

    /// A row after the header: skipped (blank, subtotal or footer, repeated
    /// header), a new header, or read as data.
    fn data_row(&mut self, row: Row<'_>, out: &mut Outputs<'_>) {
        if let Some(pending) = self.pending_header.take() {
            self.new_header(pending, Some(row), out);
            return;
        }
        // Rows missing between the last one and this one are blank.
        if let Some(last) = self.last_index
            && row.index > last + 1
        {
            self.note_blank(out.skipped, last + 1, row.index - 1);
        }
        self.last_index = Some(row.index + row.extra_lines);
        self.start_merges(&row);
        if row_is_blank(&row) {
            self.note_blank(out.skipped, row.index, row.index);
            return;
        }
        let (first_col, first_text) = row
            .cells
            .iter()
            .find(|(_, c)| !c.is_blank())
            .map(|(col, c)| (*col, normalize_cow(&c.to_text()).into_owned()))
            .unwrap_or_default();
        let Some(header) = self.header.as_ref() else {
            return;
        };
        if let Some(prefix) = self.ctx.vocab.skip_prefix(&first_text)
            && !header.identifies_beyond(&row, first_col, self.ctx.vocab)
        {
            let reason = format!("subtotal or footer row ({prefix}…)");
            self.skip(out.skipped, row.index, reason);
            return;
        }
        if header.is_repeated(&row, first_col, &first_text, self.ctx.vocab) {
            self.skip(out.skipped, row.index, "repeated header row".to_string());
            return;
        }
        if self.header_test.is_header_row(&row, self.ctx.vocab) {
            self.flush_blank(out.skipped);
            self.pending_header = Some(into_owned(row));
            return;
        }
        self.flush_blank(out.skipped);
        self.read_data(row, out);
    }

    /// Reads a data row into the table.
    fn read_data(&mut self, mut row: Row<'_>, out: &mut Outputs<'_>) {
        self.fill_merged(&mut row);
        let (Some(header), Some(reader)) = (self.header.as_mut(), self.reader.as_ref()) else {
            return;
        };
        let record = reader.read(&self.ctx, header, row, out.problems);
        self.report.data_rows += 1;
        if record.reject_reason.is_some() {
            self.report.rejected_rows += 1;
        }
        out.table.push(&self.ctx.file, &self.ctx.sheet, record);
    }

    /// Remembers the value of every range merged down from this row.
    fn start_merges(&mut self, row: &Row<'_>) {
        while let Some(m) = self.merges_down.get(self.next_merge) {
            if m.first_row > row.index {
                break;
            }
            if m.first_row == row.index
                && let Some((_, cell)) = row
                    .cells
                    .iter()
                    .find(|(c, cell)| *c == m.first_col && !cell.is_blank())
            {
                self.active.push((*m, into_owned_cell(cell.clone())));
            }
            self.next_merge += 1;
        }
    }

    /// Gives a blank cell the value of a range merged down over it (SPEC
    /// §2: the value belongs to every row the range spans).
    fn fill_merged(&mut self, row: &mut Row<'_>) {
        let index = row.index;
        self.active.retain(|(m, _)| m.last_row >= index);
        for (m, value) in &self.active {
            if m.first_row >= index {
                continue;
            }
            // The merged value is what the sheet shows, even where a hidden
            // value was kept under it.
            let col = m.first_col;
            let at = row.cells.partition_point(|(c, _)| *c < col);
            match row.cells.get(at) {
                Some((c, _)) if *c == col => row.cells[at].1 = value.clone(),
                _ => row.cells.insert(at, (col, value.clone())),
            }
            *self.report.merged_fills.entry(col).or_default() += 1;
        }
    }
}

/// Cells in a row above the header from which it is pointed out as a
/// possible holding.
const PREAMBLE_CELLS_TO_CHECK: usize = 3;

/// What the report says about assumed columns.
fn assumption_notes(level: Option<Option<Level>>, medium: Option<MediumClass>) -> Vec<String> {
    let mut notes = Vec::new();
    match level {
        Some(None) => notes.push(
            "no 密级 column: the level is unknown, so rows that would be destroyed go to REVIEW \
             (set [assume] in the policy to assume a level)"
                .to_string(),
        ),
        Some(Some(l)) => notes.push(format!(
            "no 密级 column: {} assumed (policy [assume])",
            l.code()
        )),
        None => {}
    }
    if let Some(m) = medium {
        notes.push(format!(
            "no 载体 column: medium {} assumed (policy [assume])",
            m.code()
        ));
    }
    notes
}

/// A cell that owns its text.
fn into_owned_cell(cell: Cell<'_>) -> Cell<'static> {
    match cell {
        Cell::Text(s) => Cell::Text(std::borrow::Cow::Owned(s.into_owned())),
        Cell::Number(n) => Cell::Number(n),
        Cell::Bool(b) => Cell::Bool(b),
        Cell::DateTime(d) => Cell::DateTime(d),
        Cell::Error(e) => Cell::Error(e),
    }
}

/// A row that owns its cells' text (kept beyond the reader's buffer).
fn into_owned(row: Row<'_>) -> Row<'static> {
    Row {
        index: row.index,
        extra_lines: row.extra_lines,
        cells: row
            .cells
            .into_iter()
            .map(|(c, cell)| (c, into_owned_cell(cell)))
            .collect(),
    }
}

/// Whether a row holds nothing but blank cells.
pub fn row_is_blank(row: &Row<'_>) -> bool {
    row.cells.iter().all(|(_, c)| c.is_blank())
}

/// The column letters and header of a column, for messages: `H (现状)`.
pub fn column_label(index: u32, header: &str) -> String {
    if header.is_empty() {
        column_letters(index)
    } else {
        format!("{} ({header})", column_letters(index))
    }
}
