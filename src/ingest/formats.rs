//! Feeding each file format's sheets, row by row, to the sheet parser.
//!
//! xlsx and xlsb are read through calamine's streaming cell readers, so a
//! stray value in cell XFD1048576 costs one cell, not a grid of seventeen
//! billion. xls and ods are read as ranges (xls sheets are at most
//! 65,536 × 256; calamine caps ods). CSV is decoded from UTF-8 (with or
//! without BOM) or GB18030/GBK and read record by record with its line
//! numbers.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{
    Data, DataRef, Ods, OdsError, Reader, SheetType, Xls, XlsError, Xlsb, XlsbError, Xlsx,
    XlsxError,
};

use crate::policy::Vocabulary;

use super::cell::{Cell, Row};
use super::guard::{Checked, Format};
use super::sheet::{SheetContext, SheetParser, SheetReport};
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
    fn parser(&self, sheet: &str) -> SheetParser<'v> {
        SheetParser::new(SheetContext {
            file: self.file.to_string(),
            sheet: sheet.to_string(),
            vocab: self.vocab,
            date1904: self.date1904,
        })
    }

    fn push(&mut self, parser: &mut SheetParser<'v>, row: Row<'_>) {
        let out = &mut self.out;
        parser.push(row, &mut out.table, &mut out.problems, &mut out.skipped);
    }

    fn finish(&mut self, parser: SheetParser<'v>) {
        let out = &mut self.out;
        let report = parser.finish(&mut out.table, &mut out.problems, &mut out.skipped);
        out.sheets.push(report);
    }

    fn not_a_worksheet(&mut self, sheet: &str, typ: SheetType) {
        self.out.sheets.push(SheetReport {
            sheet: sheet.to_string(),
            note: Some(format!("not a worksheet ({typ:?}): nothing to read")),
            ..SheetReport::default()
        });
    }
}

/// Reads every sheet of a checked file.
pub(super) fn read(
    file: &str,
    checked: Checked,
    bytes: &[u8],
    vocab: &Vocabulary,
) -> Result<WorkbookRead, IngestError> {
    let mut sink = Sink {
        file,
        vocab,
        date1904: checked.date1904,
        out: WorkbookRead {
            table: TableBuilder::new(),
            sheets: Vec::new(),
            problems: Vec::new(),
            skipped: Vec::new(),
        },
    };
    let corrupt = |detail: String| IngestError::Corrupt {
        path: file.to_string(),
        detail,
    };
    match checked.format {
        Format::Xlsx => read_xlsx(&mut sink, bytes).map_err(|e| match e {
            XlsxError::Password => IngestError::Encrypted {
                path: file.to_string(),
            },
            other => corrupt(other.to_string()),
        })?,
        Format::Xlsb => read_xlsb(&mut sink, bytes).map_err(|e| match e {
            XlsbError::Password => IngestError::Encrypted {
                path: file.to_string(),
            },
            other => corrupt(other.to_string()),
        })?,
        Format::Xls => {
            let wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                XlsError::Password => IngestError::Encrypted {
                    path: file.to_string(),
                },
                other => corrupt(other.to_string()),
            })?;
            read_ranges(&mut sink, wb).map_err(|e: XlsError| corrupt(e.to_string()))?
        }
        Format::Ods => {
            let wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                OdsError::Password => IngestError::Encrypted {
                    path: file.to_string(),
                },
                other => corrupt(other.to_string()),
            })?;
            read_ranges(&mut sink, wb).map_err(|e: OdsError| corrupt(e.to_string()))?
        }
        Format::Csv => read_csv(&mut sink, bytes)?,
    }
    Ok(sink.out)
}

fn from_dataref<'a>(value: &DataRef<'a>) -> Option<Cell<'a>> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(*s)),
        DataRef::String(s) => Cell::Text(Cow::Owned(s.clone())),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::DateTime(d),
            None => Cell::Number(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(Cow::Owned(s.clone())),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    })
}

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

/// Groups a stream of cells into rows and feeds them to `parser` on a
/// second thread, so that decoding the sheet (this thread) and typing its
/// cells (the other) overlap. Cells must come in row order, as the
/// streaming readers give them.
fn pump<'a, 'v, E>(
    out: &mut WorkbookRead,
    mut parser: SheetParser<'v>,
    mut next: impl FnMut() -> Result<Option<(u32, u32, Cell<'a>)>, E>,
) -> Result<SheetParser<'v>, E> {
    const BATCH: usize = 512;
    let parser_ref = &mut parser;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row<'a>>>(8);
        let worker = scope.spawn(move || {
            for batch in rx {
                for row in batch {
                    parser_ref.push(row, &mut out.table, &mut out.problems, &mut out.skipped);
                }
            }
        });
        let produced = (|| -> Result<(), E> {
            let mut batch = Vec::with_capacity(BATCH);
            let mut row = Row::default();
            let mut started = false;
            while let Some((r, c, cell)) = next()? {
                if started && r != row.index {
                    batch.push(std::mem::take(&mut row));
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if tx.send(full).is_err() {
                            break;
                        }
                    }
                }
                started = true;
                row.index = r;
                row.cells.push((c, cell));
            }
            if started {
                batch.push(row);
            }
            if !batch.is_empty() {
                // A closed channel means the worker panicked; join reports it.
                let _ = tx.send(batch);
            }
            Ok(())
        })();
        drop(tx);
        if let Err(panic) = worker.join() {
            std::panic::resume_unwind(panic);
        }
        produced
    })?;
    Ok(parser)
}

/// Reads every worksheet of a workbook with a streaming cell reader.
macro_rules! stream_cells {
    ($sink:expr, $wb:expr, $err:ty) => {{
        let sheets = $wb.sheets_metadata().to_vec();
        for meta in sheets {
            if meta.typ != SheetType::WorkSheet {
                $sink.not_a_worksheet(&meta.name, meta.typ);
                continue;
            }
            let parser = $sink.parser(&meta.name);
            let mut reader = $wb.worksheet_cells_reader(&meta.name)?;
            let parser = pump(&mut $sink.out, parser, || {
                while let Some(cell) = reader.next_cell()? {
                    let (r, c) = cell.get_position();
                    if let Some(value) = from_dataref(cell.get_value()) {
                        return Ok(Some((r, c, value)));
                    }
                }
                Ok::<_, $err>(None)
            })?;
            drop(reader);
            $sink.finish(parser);
        }
        Ok::<(), $err>(())
    }};
}

fn read_xlsx(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), XlsxError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
    stream_cells!(sink, wb, XlsxError)
}

fn read_xlsb(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), XlsbError> {
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes))?;
    stream_cells!(sink, wb, XlsbError)
}

fn read_ranges<R, RS>(sink: &mut Sink<'_>, mut wb: R) -> Result<(), R::Error>
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
        let mut parser = sink.parser(&meta.name);
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
                    sink.push(&mut parser, row);
                }
            }
        }
        sink.finish(parser);
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

fn read_csv(sink: &mut Sink<'_>, bytes: &[u8]) -> Result<(), IngestError> {
    let text = decode_text(bytes).ok_or_else(|| IngestError::Encoding {
        path: sink.file.to_string(),
    })?;
    let delimiter = if sink.file.to_ascii_lowercase().ends_with(".tsv") {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut parser = sink.parser("");
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte());
                let index = lines.line_at(start);
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
                sink.push(&mut parser, row);
            }
            Err(e) => {
                return Err(IngestError::Corrupt {
                    path: sink.file.to_string(),
                    detail: format!("CSV: {e}"),
                });
            }
        }
    }
    sink.finish(parser);
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
    fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            pos: 0,
            line: 0,
        }
    }

    fn line_at(&mut self, byte: u64) -> u32 {
        let mut start = (byte as usize).min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.pos {
            let newlines = self.text[self.pos..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line = self.line.saturating_add(newlines as u32);
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
        body.iter().filter(|b| **b == b'\n').count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_record_lines_with_crlf_lf_and_quoted_breaks() {
        for sep in ["\r\n", "\n"] {
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
