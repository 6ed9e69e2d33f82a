//! The benchmark's reading baseline: read every cell of every sheet of each
//! workbook given with calamine and do nothing with it but count.
//! `cargo run --release --example plain_read -- [--stream] FILE.xlsx…`
//! With `--stream`: the xlsx streaming cell reader (`worksheet_cells_reader`),
//! as clearance reads; `bench/run` compares `clearance validate` with it.
//! Without: `worksheet_range`, the plain way (a dense grid per sheet).

use calamine::{DataType, Reader, Xlsx, open_workbook, open_workbook_auto};

fn main() {
    let mut stream = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--stream" {
            stream = true;
        } else {
            files.push(arg);
        }
    }
    if files.is_empty() {
        eprintln!("usage: plain_read [--stream] FILE…");
        std::process::exit(2);
    }
    let mut cells = 0usize;
    for path in &files {
        if stream {
            let mut wb: Xlsx<_> = open_workbook(path).expect("open");
            for name in wb.sheet_names() {
                let mut reader = wb.worksheet_cells_reader(&name).expect("sheet");
                while let Some(cell) = reader.next_cell().expect("cell") {
                    if !cell.get_value().is_empty() {
                        cells += 1;
                    }
                }
            }
        } else {
            let mut wb = open_workbook_auto(path).expect("open");
            for name in wb.sheet_names() {
                let range = wb.worksheet_range(&name).expect("sheet");
                cells += range.used_cells().count();
            }
        }
    }
    println!("{cells} cells in {} file(s)", files.len());
}
