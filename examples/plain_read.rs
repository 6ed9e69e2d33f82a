//! The benchmark's baselines: read every cell of every sheet of a workbook
//! with calamine and do nothing with it.
//! `cargo run --release --example plain_read -- FILE.xlsx [--stream]`
//! Without `--stream`: `worksheet_range`, the plain way (a dense grid).
//! With `--stream`: the xlsx streaming cell reader, as clearance reads.

use calamine::{DataType, Reader, Xlsx, open_workbook, open_workbook_auto};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: plain_read FILE [--stream]");
    let stream = args.next().as_deref() == Some("--stream");
    let mut cells = 0usize;
    if stream {
        let mut wb: Xlsx<_> = open_workbook(&path).expect("open");
        for name in wb.sheet_names() {
            let mut reader = wb.worksheet_cells_reader(&name).expect("sheet");
            while let Some(cell) = reader.next_cell().expect("cell") {
                if !cell.get_value().is_empty() {
                    cells += 1;
                }
            }
        }
    } else {
        let mut wb = open_workbook_auto(&path).expect("open");
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).expect("sheet");
            cells += range.used_cells().count();
        }
    }
    println!("{cells} cells");
}
