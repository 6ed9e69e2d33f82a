//! Feeding each file format's sheets, row by row, to the sheet parser.
//!
//! xlsx sheets are read cell by cell by our own reader ([`super::xlsx`],
//! with calamine's streaming reader when ours gives a file back), xlsb
//! through calamine's, so a stray value in cell XFD1048576 costs one cell,
//! not a grid of seventeen billion. xls and ods are read as ranges (xls sheets are at most
//! 65,536 × 256; calamine caps ods). CSV is decoded from UTF-8 (with or
//! without BOM) or GB18030/GBK and read record by record with its line
//! numbers.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{
    Data, DataRef, Dimensions, Ods, OdsError, Reader, SheetType, Xls, XlsError, Xlsb, XlsbError,
    Xlsx, XlsxError,
};

use crate::vocabulary::Vocabulary;

use super::cell::{Cell, Row};
use super::guard::Format;
use super::sheet::{MergedRange, Outputs, SheetContext, SheetParser, SheetReport};
use super::table::TableBuilder;
use super::{IngestError, Problem, SkippedRow};

/// What reading a file's sheets produced.
pub(super) struct WorkbookRead {
    pub table: TableBuilder,
    pub sheets: Vec<SheetReport>,
    pub problems: Vec<Problem>,
    pub skipped: Vec<SkippedRow>,
}

struct Sink<'v> {
    file: &'v str,
    vocab: &'v Vocabulary,
    date1904: bool,
    out: WorkbookRead,
}

impl<'v> Sink<'v> {
    /// A parser for one sheet of the file.
    fn parser(&self, sheet: &str, merges: Vec<MergedRange>) -> SheetParser<'v> {
        SheetParser::new(SheetContext {
            file: self.file.to_string(),
            sheet: sheet.to_string(),
            vocab: self.vocab,
            date1904: self.date1904,
            merges,
        })
    }

    /// Finishes a sheet: its report joins the file's.
    fn finish(&mut self, parser: SheetParser<'v>, nonempty_rows: u64) {
        let out = &mut self.out;
        let report = parser.finish(nonempty_rows, &mut out.outputs());
        out.sheets.push(report);
    }

    /// Reports a sheet that is not a worksheet (a chart sheet …).
    fn not_a_worksheet(&mut self, sheet: &str, typ: SheetType) {
        self.out.sheets.push(SheetReport {
            sheet: sheet.to_string(),
            note: Some(format!("not a worksheet ({typ:?}): nothing to read")),
            ..SheetReport::default()
        });
    }
}

impl WorkbookRead {
    /// Nothing read yet.
    fn new() -> Self {
        WorkbookRead {
            table: TableBuilder::new(),
            sheets: Vec::new(),
            problems: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Where a sheet parser writes.
    fn outputs(&mut self) -> Outputs<'_> {
        Outputs {
            table: &mut self.table,
            problems: &mut self.problems,
            skipped: &mut self.skipped,
        }
    }
}

/// The reader's own count of non-empty rows, kept apart from the sheet
/// parser so that the reconciliation does not trust it (SPEC §6).
#[derive(Debug, Default)]
struct RowCounter {
    nonempty: u64,
}

impl RowCounter {
    /// Counts a row when any of its cells is not blank.
    fn count(&mut self, cells: &[(u32, Cell<'_>)]) {
        if cells.iter().any(|(_, c)| !c.is_blank()) {
            self.nonempty += 1;
        }
    }
}

/// A merged range as calamine gives it.
fn merged_range(d: &Dimensions) -> MergedRange {
    MergedRange {
        first_row: d.start.0,
        last_row: d.end.0,
        first_col: d.start.1,
        last_col: d.end.1,
    }
}

/// What a formula cell saved without its value reads as.
pub const UNSAVED_FORMULA: &str =
    "#FORMULA-NOT-CALCULATED (open the file in Excel or WPS and save it)";

/// Reads every sheet of a checked file.
pub(super) fn read(
    file: &str,
    format: Format,
    bytes: &[u8],
    vocab: &Vocabulary,
) -> Result<WorkbookRead, IngestError> {
    let mut sink = Sink {
        file,
        vocab,
        // Learnt from the workbook as it is opened.
        date1904: false,
        out: WorkbookRead::new(),
    };
    match format {
        Format::Xlsx => read_xlsx(&mut sink, bytes)
            .map_err(|e| open_error(file, matches!(e, XlsxError::Password), e))?,
        Format::Xlsb => read_xlsb(&mut sink, bytes)
            .map_err(|e| open_error(file, matches!(e, XlsbError::Password), e))?,
        Format::Xls => read_xls(&mut sink, bytes)?,
        Format::Ods => read_ods(&mut sink, bytes)?,
        Format::Csv => read_csv(&mut sink, bytes)?,
    }
    Ok(sink.out)
}

/// The error of a workbook that cannot be read: encrypted when the reader
/// asked for a password, else corrupt with the reader's message.
fn open_error(file: &str, password: bool, e: impl std::fmt::Display) -> IngestError {
    if password {
        IngestError::Encrypted {
            path: file.to_string(),
        }
    } else {
        IngestError::Corrupt {
            path: file.to_string(),
            detail: e.to_string(),
        }
    }
}

/// Reads every sheet of an .xls workbook, with its merged ranges and date
/// epoch.
fn read_xls(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), IngestError> {
    let file = sink.file;
    let wb = Xls::new(Cursor::new(bytes))
        .map_err(|e| open_error(file, matches!(e, XlsError::Password), e))?;
    // Plain numbers in date columns count from the workbook's epoch.
    sink.date1904 = wb.has_1904_epoch();
    let merges = |wb: &Xls<_>, name: &str| {
        wb.merge_cells_by_sheet_name(name)
            .map(|m| m.iter().map(merged_range).collect())
            .unwrap_or_default()
    };
    read_ranges(sink, wb, merges).map_err(|e: XlsError| open_error(file, false, e))
}

/// Reads every sheet of an .ods workbook, with the merged ranges and date
/// epoch found in its content.
fn read_ods(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), IngestError> {
    let file = sink.file;
    let wb = Ods::new(Cursor::new(bytes))
        .map_err(|e| open_error(file, matches!(e, OdsError::Password), e))?;
    let (merges, date1904) = super::merges::ods_merged_ranges(bytes);
    sink.date1904 = date1904;
    let merges_of = |_: &Ods<_>, name: &str| merges.get(name).cloned().unwrap_or_default();
    read_ranges(sink, wb, merges_of).map_err(|e: OdsError| open_error(file, false, e))
}

/// A cell of a streaming reader, `None` when empty.
pub(super) fn from_dataref(value: DataRef<'_>) -> Option<Cell<'_>> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(s)),
        DataRef::String(s) => Cell::Text(Cow::Owned(s)),
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::DateTime(d),
            None => Cell::Number(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(Cow::Owned(s)),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    })
}

/// A cell of a range reader, `None` when empty.
fn from_data(value: &Data) -> Option<Cell<'_>> {
    Some(match value {
        Data::Empty => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cell::Text(Cow::Borrowed(s.as_str()))
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::DateTime(d),
            None => Cell::Number(dt.as_f64()),
        },
        Data::Error(e) => Cell::Error(e.to_string()),
    })
}

/// Feeds a stream of cells to `parser` on a second thread, so that
/// decoding the sheet (this thread) and typing its cells (the other)
/// overlap. Cells must come in row order, as the streaming readers give
/// them. This thread groups them into rows and counts the non-empty rows
/// (the reader's own count, apart from the parser); the rows go to the
/// other thread in batches (their buffers come back to be filled again),
/// where everything after happens and each row's cells are freed.
fn pump<'a, 'v, E>(
    out: &mut WorkbookRead,
    mut parser: SheetParser<'v>,
    merges: impl FnOnce() -> Vec<MergedRange> + Send,
    next: impl FnMut() -> Result<Option<(u32, u32, Cell<'a>)>, E>,
) -> Result<(SheetParser<'v>, u64), E> {
    // Rows queue up while the merged ranges are still being found: up to
    // 128 batches of ROW_BATCH rows (65,536), after which decoding waits.
    const QUEUE: usize = 128;
    let parser_ref = &mut parser;
    let (tx, rx) = std::sync::mpsc::sync_channel::<RowBatch<'a>>(QUEUE);
    let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<RowBatch<'a>>(QUEUE);
    // The channel closes when the decoding side returns: its sender goes.
    let (produced, ()) = crate::cores::both(
        move || produce_rows(&tx, &back_rx, next),
        move || {
            parser_ref.set_merges(merges());
            let mut outputs = out.outputs();
            for mut batch in rx {
                for row in batch.drain(..) {
                    parser_ref.push(row, &mut outputs);
                }
                // Full means this thread is behind: the batch is dropped.
                let _ = back_tx.try_send(batch);
            }
        },
    );
    produced.map(|nonempty| (parser, nonempty))
}

/// Rows on their way from the decoding thread.
type RowBatch<'a> = Vec<Row<'a>>;

/// Rows a batch holds.
const ROW_BATCH: usize = 512;

/// Groups the cells `next` gives into rows and sends them to `tx` in
/// batches, refilling the buffers that come back on `back`; gives the
/// number of non-empty rows. Stops early when the receiver is gone (the
/// worker panicked; joining it reports that).
fn produce_rows<'a, E>(
    tx: &std::sync::mpsc::SyncSender<RowBatch<'a>>,
    back: &std::sync::mpsc::Receiver<RowBatch<'a>>,
    mut next: impl FnMut() -> Result<Option<(u32, u32, Cell<'a>)>, E>,
) -> Result<u64, E> {
    let fresh = || {
        back.try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(ROW_BATCH))
    };
    let mut rows = RowGrouper::default();
    let mut batch = fresh();
    while let Some((r, c, cell)) = next()? {
        if let Some(row) = rows.add(r, c, cell) {
            batch.push(row);
            if batch.len() == ROW_BATCH {
                let full = std::mem::replace(&mut batch, fresh());
                if tx.send(full).is_err() {
                    return Ok(rows.counter.nonempty);
                }
            }
        }
    }
    if let Some(row) = rows.finish() {
        batch.push(row);
    }
    if !batch.is_empty() {
        // A closed channel means the worker panicked; join reports it.
        let _ = tx.send(batch);
    }
    Ok(rows.counter.nonempty)
}

/// Groups cells that come in row order into rows, counting the non-empty
/// ones on its own ([`RowCounter`]).
#[derive(Default)]
struct RowGrouper<'a> {
    row: Option<Row<'a>>,
    counter: RowCounter,
    /// Rows given out since the progress count was last raised.
    unreported: u64,
}

impl<'a> RowGrouper<'a> {
    /// Adds a cell; returns the row before it once the cell starts a new one.
    fn add(&mut self, r: u32, c: u32, cell: Cell<'a>) -> Option<Row<'a>> {
        if let Some(row) = &mut self.row
            && row.index == r
        {
            row.cells.push((c, cell));
            return None;
        }
        // The next row is most likely as wide as the last: room for its
        // cells at once, not grown cell by cell.
        let width = self.row.as_ref().map_or(0, |row| row.cells.len());
        let mut next = Row {
            index: r,
            cells: Vec::with_capacity(width),
            ..Row::default()
        };
        next.cells.push((c, cell));
        let done = self.row.replace(next)?;
        Some(self.give(done))
    }

    /// The last row, once the cells have ended.
    fn finish(&mut self) -> Option<Row<'a>> {
        let row = self.row.take()?;
        Some(self.give(row))
    }

    /// Counts a row that is given out.
    fn give(&mut self, row: Row<'a>) -> Row<'a> {
        const REPORT_EVERY: u64 = 512;
        self.counter.count(&row.cells);
        self.unreported += 1;
        if self.unreported == REPORT_EVERY {
            super::ROWS_READ.fetch_add(REPORT_EVERY, std::sync::atomic::Ordering::Relaxed);
            self.unreported = 0;
        }
        row
    }
}

/// Reads every worksheet of a workbook with a streaming cell reader;
/// `$merges` gives a sheet's merged ranges, `$next` the next non-empty cell
/// of a reader.
macro_rules! stream_cells {
    ($sink:expr, $wb:expr, $err:ty, $merges:expr) => {{
        stream_cells!($sink, $wb, $err, $merges, |reader| {
            while let Some(cell) = reader.next_cell()? {
                let (r, c) = cell.get_position();
                if let Some(value) = from_dataref(cell.get_value().clone()) {
                    return Ok(Some((r, c, value)));
                }
            }
            Ok::<_, $err>(None)
        })
    }};
    ($sink:expr, $wb:expr, $err:ty, $merges:expr, $next:path) => {{ stream_cells!($sink, $wb, $err, $merges, |reader| { $next(reader) }) }};
    ($sink:expr, $wb:expr, $err:ty, $merges:expr, |$reader:ident| $next:block) => {{
        let sheets = $wb.sheets_metadata().to_vec();
        for meta in sheets {
            if meta.typ != SheetType::WorkSheet {
                $sink.not_a_worksheet(&meta.name, meta.typ);
                continue;
            }
            let parser = $sink.parser(&meta.name, Vec::new());
            let name = meta.name.clone();
            let merges = move || $merges(&name);
            let mut reader = $wb.worksheet_cells_reader(&meta.name)?;
            let (parser, nonempty) = pump(&mut $sink.out, parser, merges, || {
                let $reader = &mut reader;
                $next
            })?;
            drop(reader);
            $sink.finish(parser, nonempty);
        }
        Ok::<(), $err>(())
    }};
}

/// The next non-empty cell of an .xlsx sheet. A formula cell saved without
/// its value (as openpyxl and other libraries write them) is not a blank
/// cell: it reads as an error value, which a decision field sends to
/// REVIEW.
pub(super) fn next_xlsx_cell<'a, RS: std::io::Read + std::io::Seek>(
    reader: &mut calamine::XlsxCellReader<'a, RS>,
) -> Result<Option<(u32, u32, Cell<'a>)>, XlsxError> {
    while let Some(cell) = reader.next_cell_with_formula_metadata()? {
        let (r, c) = cell.pos;
        let value = match from_dataref(cell.value) {
            Some(v) => v,
            None if cell.formula.is_some() => Cell::Error(UNSAVED_FORMULA.into()),
            None => continue,
        };
        return Ok(Some((r, c, value)));
    }
    Ok(None)
}

/// Reads every sheet of an .xlsx workbook, its merged ranges found on
/// another thread meanwhile: with our own reader ([`super::xlsx`]), or,
/// when that gives the file back, with calamine's from the first row again.
fn read_xlsx(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), XlsxError> {
    // The merged ranges are found on another core while the workbook opens
    // and its first rows are decoded; a sheet's rows wait for them before
    // they are read.
    let found: std::sync::OnceLock<std::collections::HashMap<String, Vec<MergedRange>>> =
        std::sync::OnceLock::new();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            // Whatever happens in the finder, the rows waiting for it go on.
            let ranges = std::panic::catch_unwind(|| super::merges::xlsx_merged_ranges(bytes));
            let _ = found.set(ranges.unwrap_or_default());
        });
        let merges = |name: &str| found.wait().get(name).cloned().unwrap_or_default();
        if read_xlsx_own(sink, bytes, &merges).is_err() {
            sink.out = WorkbookRead::new();
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
            sink.date1904 = wb.has_1904_epoch();
            stream_cells!(sink, wb, XlsxError, merges, next_xlsx_cell)?;
        }
        // A sheet read without its merged ranges reads a merged 密级 as
        // blank below its first row: say so rather than pass in silence.
        let found = found.wait();
        for sheet in sink
            .out
            .sheets
            .iter_mut()
            .filter(|s| s.header_rows.is_some() && !found.contains_key(&s.sheet))
        {
            sheet.notes.push(
                "the merged cells of this sheet could not be read: if a column (密级, 部门 …) is merged down over several rows, open the file in Excel or WPS, save it again as .xlsx and plan again".into(),
            );
        }
        Ok(())
    })
}

/// Reads every sheet of an .xlsx workbook with our own reader; `merges`
/// gives a sheet's merged ranges. An error means the file is to be read
/// again by calamine, from scratch.
fn read_xlsx_own(
    sink: &mut Sink<'_>,
    bytes: &[u8],
    merges: &(impl Fn(&str) -> Vec<MergedRange> + Sync),
) -> Result<(), super::xlsx::Unsupported> {
    let mut archive = super::merges::Members::new(bytes)
        .ok_or_else(|| super::xlsx::Unsupported("not a zip archive".into()))?;
    let book = super::xlsx::Book::open(&mut archive)?;
    // Plain numbers in date columns count from the workbook's epoch.
    sink.date1904 = book.date1904();
    for sheet in &book.sheets {
        if sheet.kind != SheetType::WorkSheet {
            sink.not_a_worksheet(&sheet.name, sheet.kind);
            continue;
        }
        let parser = sink.parser(&sheet.name, Vec::new());
        let mut cells = book.cells(&mut archive, sheet)?;
        // The first cell read, the sheet's dimension is known: the table's
        // columns are made that long at once rather than grown (a copy of
        // each, and memory faulted in twice, at every doubling).
        let mut first = Some(cells.next_cell()?);
        if sink.out.table.is_empty()
            && let Some(rows) = cells.rows_hint()
        {
            sink.out.table = TableBuilder::with_capacity(rows as usize);
        }
        let name = sheet.name.clone();
        let (parser, nonempty) = pump(
            &mut sink.out,
            parser,
            move || merges(&name),
            || match first.take() {
                Some(cell) => Ok(cell),
                None => cells.next_cell(),
            },
        )?;
        drop(cells);
        sink.finish(parser, nonempty);
    }
    Ok(())
}

/// calamine does not read merged ranges from xlsb files; README says so.
fn read_xlsb(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), XlsbError> {
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes))?;
    // Plain numbers in date columns count from the workbook's epoch.
    sink.date1904 = wb.has_1904_epoch();
    let merges = |_: &str| Vec::new();
    stream_cells!(sink, wb, XlsbError, merges)?;
    for sheet in sink
        .out
        .sheets
        .iter_mut()
        .filter(|s| s.header_rows.is_some())
    {
        sheet.notes.push(
            "merged cells are not seen in .xlsb files: if a column (密级, 部门 …) is merged down over several rows, save the file as .xlsx and plan again".into(),
        );
    }
    Ok(())
}

/// Reads every sheet of a workbook read as ranges (.xls, .ods);
/// `merges_of` gives a sheet's merged ranges.
fn read_ranges<R, RS>(
    sink: &mut Sink<'_>,
    mut wb: R,
    merges_of: impl Fn(&R, &str) -> Vec<MergedRange>,
) -> Result<(), R::Error>
where
    R: Reader<RS>,
    RS: std::io::Read + std::io::Seek,
{
    let sheets = wb.sheets_metadata().to_vec();
    for meta in sheets {
        if meta.typ != SheetType::WorkSheet {
            sink.not_a_worksheet(&meta.name, meta.typ);
            continue;
        }
        let range = wb.worksheet_range(&meta.name)?;
        let mut parser = sink.parser(&meta.name, merges_of(&wb, &meta.name));
        let mut counter = RowCounter::default();
        if let Some((r0, c0)) = range.start() {
            for (i, cells) in range.rows().enumerate() {
                let row = Row {
                    index: r0 + i as u32,
                    extra_lines: 0,
                    cells: cells
                        .iter()
                        .enumerate()
                        .filter_map(|(j, v)| from_data(v).map(|c| (c0 + j as u32, c)))
                        .collect(),
                };
                if !row.cells.is_empty() {
                    counter.count(&row.cells);
                    parser.push(row, &mut sink.out.outputs());
                }
            }
        }
        sink.finish(parser, counter.nonempty);
    }
    Ok(())
}

/// Decodes CSV bytes: UTF-8 (a BOM is dropped), else GB18030 (a superset of
/// GBK and GB2312).
pub fn decode_text(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Some(Cow::Borrowed(s));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| Cow::Owned(s.into_owned()))
}

/// The field separator of a CSV file: comma, tab or semicolon (what office
/// suites export), whichever lets a header be found in the first rows, the
/// most header cells recognised winning; a comma when none does.
fn sniff_delimiter(text: &str, vocab: &Vocabulary) -> u8 {
    let mut best = (0usize, b',');
    for delimiter in [b',', b'\t', b';'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let most = reader
            .records()
            .take(vocab.header_search_rows as usize + 1)
            .map_while(Result::ok)
            .map(|r| {
                r.iter()
                    .filter(|v| vocab.field_for_header(v).is_some())
                    .count()
            })
            .max()
            .unwrap_or(0);
        if most > best.0 {
            best = (most, delimiter);
        }
    }
    best.1
}

/// Reads a CSV file as one sheet, record by record, with the line each
/// starts on.
fn read_csv(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), IngestError> {
    let text = decode_text(bytes).ok_or_else(|| IngestError::Encoding {
        path: sink.file.to_string(),
    })?;
    let delimiter = sniff_delimiter(&text, sink.vocab);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut parser = sink.parser("", Vec::new());
    let mut counter = RowCounter::default();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    // The most fields a record has had (this one's too): a swallowed
    // record of a narrow register has fewer separators than
    // SWALLOWED_SEPARATORS.
    let mut width = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte());
                let index = lines.line_at(start);
                let has_breaks = record.iter().any(|f| f.contains(['\n', '\r']));
                width = width.max(record.len());
                let separators = SWALLOWED_SEPARATORS.min(width.saturating_sub(1)).max(1);
                if has_breaks
                    && (swallowed_records(&record, delimiter, separators)
                        || swallowed_row_like(&record, delimiter))
                {
                    return Err(IngestError::Corrupt {
                        path: sink.file.to_string(),
                        detail: format!(
                            "CSV line {}: a quote opened in this record is closed only lines later, so the records between would be read as one cell; fix the quote and try again",
                            index + 1
                        ),
                    });
                }
                let row = Row {
                    index,
                    extra_lines: lines.breaks_within(start, reader.position().byte()),
                    cells: record
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(j, v)| (j as u32, Cell::Text(Cow::Borrowed(v))))
                        .collect(),
                };
                counter.count(&row.cells);
                parser.push(row, &mut sink.out.outputs());
            }
            Err(e) => {
                return Err(IngestError::Corrupt {
                    path: sink.file.to_string(),
                    detail: format!("CSV: {e}"),
                });
            }
        }
    }
    sink.finish(parser, counter.nonempty);
    Ok(())
}

/// Finds the 0-based line on which a CSV record starts, from the byte offset
/// the CSV reader reports. The reader's offset may point at the line break
/// that ended the previous record (CRLF files), so breaks are stepped over
/// first. Offsets only grow, so counting is incremental.
struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of `text`.
    fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            pos: 0,
            line: 0,
        }
    }

    /// The 0-based line on which the record at byte offset `byte` starts.
    fn line_at(&mut self, byte: u64) -> u32 {
        let mut start = (byte as usize).min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.pos {
            let breaks = line_breaks(&self.text[self.pos..start], self.text.get(start));
            self.line = self.line.saturating_add(breaks);
            self.pos = start;
        }
        self.line
    }

    /// Line breaks inside a record that runs from `start` to `end` (its own
    /// terminator excluded).
    fn breaks_within(&self, start: u64, end: u64) -> u32 {
        let end = (end as usize).min(self.text.len());
        let start = (start as usize).min(end);
        let mut body = &self.text[start..end];
        while let [b'\r' | b'\n', rest @ ..] = body {
            body = rest;
        }
        while let [rest @ .., b'\r' | b'\n'] = body {
            body = rest;
        }
        line_breaks(body, None)
    }
}

/// Line breaks in `text`: LF, CRLF, or a lone CR (old Mac files); `after`
/// is the byte that follows `text`, if any.
fn line_breaks(text: &[u8], after: Option<&u8>) -> u32 {
    let mut n = 0u32;
    for (i, b) in text.iter().enumerate() {
        match b {
            b'\n' => n += 1,
            b'\r'
                if text
                    .get(i + 1)
                    .or(if i + 1 == text.len() { after } else { None })
                    != Some(&b'\n') =>
            {
                n += 1
            }
            _ => {}
        }
    }
    n
}

/// Whether a record's field looks like a quote that was never closed where
/// it should have been: a line inside the field that holds `separators`
/// field separators or more, as the records it swallowed did.
fn swallowed_records(record: &csv::StringRecord, delimiter: u8, separators: usize) -> bool {
    record.iter().any(|field| {
        field
            .split(['\n', '\r'])
            .skip(1)
            .any(|line| line.bytes().filter(|b| *b == delimiter).count() >= separators)
    })
}

/// Whether a line inside a record's quoted field starts as the record does:
/// a first field of the same shape (`Q-2` in the record of `Q-1`, `5` in
/// that of `4`), then two separators or more, and a second field of
/// another shape (a list of numbers is not a row). A short row swallowed by an unclosed
/// quote (`Q-1,甲,…,"见附件` then `Q-2,乙,机密"`) has fewer separators than
/// [`SWALLOWED_SEPARATORS`] but starts as a row does.
fn swallowed_row_like(record: &csv::StringRecord, delimiter: u8) -> bool {
    let Some(first) = record
        .get(0)
        .map(str::trim)
        .filter(|f| f.bytes().any(|b| b.is_ascii_digit()))
    else {
        return false;
    };
    let shape = |field: &str| -> String {
        let mut out = String::new();
        for c in field.trim().chars() {
            if c.is_ascii_digit() {
                if !out.ends_with('#') {
                    out.push('#');
                }
            } else {
                out.push(c);
            }
        }
        out
    };
    let want = shape(first);
    record.iter().skip(1).any(|field| {
        field.split(['\n', '\r']).skip(1).any(|line| {
            // A row has a number, a title and more: two separators at least;
            // a list of numbers (`3,5,7页`, `Q-7,Q-8,Q-9`) is none, but a
            // line with a field of text (`2,2024002,乙`) is.
            let fields: Vec<&str> = line.split(delimiter as char).collect();
            let numbered = |f: &str| {
                let f = f.trim();
                shape(f) == want
                    || (f.bytes().any(|b| b.is_ascii_digit())
                        && f.chars()
                            .all(|c| c.is_ascii_digit() || "页号份件张".contains(c)))
            };
            fields.len() >= 3
                && fields[0].trim() != first
                && shape(fields[0]) == want
                && !fields.iter().all(|f| numbered(f))
        })
    })
}

/// Separators on one line inside a quoted field from which the field is
/// taken for records swallowed by an unclosed quote; fewer in a register
/// with fewer columns (a whole record of a three-column register has two).
const SWALLOWED_SEPARATORS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_record_lines_with_crlf_lf_and_quoted_breaks() {
        for sep in ["\r\n", "\n", "\r"] {
            let text = ["a,b", "\"x", "y\",c", "", "d,e"].join(sep) + sep;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut counter = LineCounter::new(text.as_bytes());
            let lines: Vec<u32> = reader
                .records()
                .map(|r| counter.line_at(r.unwrap().position().unwrap().byte()))
                .collect();
            assert_eq!(lines, [0, 1, 4], "separator {sep:?}");
        }
    }

    #[test]
    fn gbk_csv_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("文件编号,标题");
        assert_eq!(decode_text(&bytes).unwrap(), "文件编号,标题");
        assert_eq!(decode_text("\u{FEFF}文件".as_bytes()).unwrap(), "文件");
    }
}
