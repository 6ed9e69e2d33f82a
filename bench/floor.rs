//! The floor of issue 10: the least any tool must do to turn registers into
//! a workbook. calamine's streaming cell reader (`worksheet_cells_reader`)
//! reads every cell of every sheet of each file given, one file after
//! another, and rust_xlsxwriter in constant-memory mode writes the same rows
//! × columns back: strings as strings, numbers as numbers, booleans as
//! booleans, dates as dates with a date format. Nothing else.
//!
//! `cargo run --release --example floor -- --out OUT.xlsx FILE.xlsx…`
//!
//! All input sheets go into one output stream of rows, in order: each input
//! sheet's rows keep their row and column (title and blank rows included)
//! and the next sheet or file starts on the row after the last one. When a
//! sheet is full (1,048,576 rows, the xlsx limit) the rows continue on the
//! next sheet, so 5 × 1,000,000 rows make five sheets. Wall time and peak
//! memory of this program are what `bench/run` calls the floor.

use calamine::{DataRef, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use std::error::Error;

/// Rows in one xlsx sheet.
const SHEET_ROWS: u64 = 1_048_576;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result<()> {
    let mut out = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--out" || arg == "-o" {
            out = args.next();
        } else {
            files.push(arg);
        }
    }
    let (Some(out), false) = (out, files.is_empty()) else {
        eprintln!("usage: floor --out OUT.xlsx FILE.xlsx…");
        std::process::exit(2);
    };
    let counts = copy(&files, &out, SHEET_ROWS)?;
    println!(
        "{} cells in {} rows of {} file(s) written to {out} ({} sheet(s))",
        counts.cells,
        counts.rows,
        files.len(),
        counts.sheets
    );
    Ok(())
}

/// What was copied.
struct Counts {
    cells: u64,
    rows: u64,
    sheets: u64,
}

/// Reads every cell of `files` and writes them to `out`, `sheet_rows` rows
/// to a sheet.
fn copy(files: &[String], out: &str, sheet_rows: u64) -> Result<Counts> {
    let formats = Formats {
        date: Format::new().set_num_format("yyyy-mm-dd"),
        datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        duration: Format::new().set_num_format("[h]:mm:ss"),
    };
    let mut wb = Workbook::new();
    let mut sheet = wb.add_worksheet_with_constant_memory()?;
    let mut sheet_no = 0u64;
    // The output row of the current input sheet's row 0.
    let mut offset = 0u64;
    let mut cells = 0u64;
    for path in files {
        let mut book: Xlsx<_> = open_workbook(path).map_err(|e| format!("{path}: {e}"))?;
        for name in book.sheet_names() {
            let mut reader = book.worksheet_cells_reader(&name)?;
            let mut rows = 0u64;
            while let Some(cell) = reader.next_cell()? {
                let (r, c) = cell.get_position();
                let at = offset + u64::from(r);
                rows = rows.max(u64::from(r) + 1);
                while at / sheet_rows != sheet_no {
                    sheet_no += 1;
                    sheet = wb.add_worksheet_with_constant_memory()?;
                }
                let row = u32::try_from(at % sheet_rows)?;
                let col = u16::try_from(c)?;
                if write(sheet, row, col, cell.get_value(), &formats)? {
                    cells += 1;
                }
            }
            offset += rows;
        }
    }
    wb.save(out)?;
    Ok(Counts {
        cells,
        rows: offset,
        sheets: sheet_no + 1,
    })
}

/// The number formats of date and time cells.
struct Formats {
    date: Format,
    datetime: Format,
    duration: Format,
}

/// Writes one cell as the type it was read as; false for an empty cell.
fn write(sheet: &mut Worksheet, row: u32, col: u16, value: &DataRef, f: &Formats) -> Result<bool> {
    match value {
        DataRef::Empty => return Ok(false),
        DataRef::SharedString(s) => sheet.write_string(row, col, *s)?,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            sheet.write_string(row, col, s)?
        }
        DataRef::Float(x) => sheet.write_number(row, col, *x)?,
        DataRef::Int(i) => sheet.write_number(row, col, *i as f64)?,
        DataRef::Bool(b) => sheet.write_boolean(row, col, *b)?,
        DataRef::DateTime(d) if d.is_duration() => {
            sheet.write_number_with_format(row, col, d.as_f64(), &f.duration)?
        }
        DataRef::DateTime(d) => {
            let serial = d.as_f64();
            let format = if serial.fract() == 0.0 {
                &f.date
            } else {
                &f.datetime
            };
            match ExcelDateTime::from_serial_datetime(serial) {
                Ok(dt) => sheet.write_datetime_with_format(row, col, dt, format)?,
                // Outside 1900–9999: kept as the serial, with the format.
                Err(_) => sheet.write_number_with_format(row, col, serial, format)?,
            }
        }
        DataRef::Error(e) => sheet.write_string(row, col, e.to_string())?,
    };
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Data;

    /// Two registers of 3 + 10 rows (a title, a header, text, numbers and
    /// dates) copied 5 rows to a sheet: 26 rows on 6 sheets, every cell kept
    /// with its type.
    #[test]
    fn copies_every_cell_across_files_and_sheets() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let mut inputs = Vec::new();
        for n in 0..2 {
            let path = dir.path().join(format!("in{n}.xlsx"));
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "登记簿")?;
            ws.write_string(1, 0, "编号")?;
            ws.write_string(1, 1, "份数")?;
            ws.write_string(1, 2, "日期")?;
            for r in 2..13 {
                ws.write_string(r, 0, format!("收{n}-{r}"))?;
                ws.write_number(r, 1, f64::from(r))?;
                let d = ExcelDateTime::from_ymd(2020, 1, r as u8)?;
                ws.write_datetime_with_format(r, 2, &d, &date)?;
            }
            wb.save(&path)?;
            inputs.push(path.to_string_lossy().into_owned());
        }
        let out = dir.path().join("out.xlsx");
        let counts = copy(&inputs, &out.to_string_lossy(), 5)?;
        assert_eq!(
            (counts.rows, counts.sheets, counts.cells),
            (26, 6, 2 * (4 + 33))
        );

        let mut wb: Xlsx<_> = open_workbook(&out)?;
        let mut rows = Vec::new();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name)?;
            assert!(
                range.end().is_none_or(|(r, _)| r < 5),
                "{name} holds more than 5 rows"
            );
            let mut sheet = vec![Vec::new(); 5];
            for (r, c, v) in range.used_cells() {
                let r = r + range.start().map_or(0, |(r0, _)| r0 as usize);
                let c = c + range.start().map_or(0, |(_, c0)| c0 as usize);
                sheet[r].push((c, v.clone()));
            }
            rows.extend(sheet);
        }
        assert_eq!(rows[0], vec![(0, Data::String("登记簿".into()))]);
        assert_eq!(rows[13][0], (0, Data::String("登记簿".into())));
        let last = &rows[25];
        assert_eq!(last[0], (0, Data::String("收1-12".into())));
        assert_eq!(last[1], (1, Data::Float(12.0)));
        match &last[2] {
            (2, Data::DateTime(d)) => {
                assert_eq!(
                    d.as_datetime().map(|d| d.date().to_string()).as_deref(),
                    Some("2020-01-12")
                )
            }
            other => panic!("not a date: {other:?}"),
        }
        Ok(())
    }
}
