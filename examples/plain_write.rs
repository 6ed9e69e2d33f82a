//! The benchmark's writing baseline: a workbook of ROWS rows × COLS text
//! cells in one constant-memory sheet, written with rust_xlsxwriter and
//! nothing else. `cargo run --release --example plain_write -- ROWS COLS OUT`

use rust_xlsxwriter::{Workbook, XlsxError};

fn main() -> Result<(), XlsxError> {
    let mut args = std::env::args().skip(1);
    let rows: u32 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let cols: u16 = args.next().and_then(|s| s.parse().ok()).unwrap_or(25);
    let out = args
        .next()
        .unwrap_or_else(|| "/tmp/plain-write.xlsx".to_string());
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet_with_constant_memory()?;
    for r in 0..rows {
        for c in 0..cols {
            sheet.write_string(r, c, format!("收〔{}〕{}号", 1990 + c, r))?;
        }
    }
    wb.save(&out)?;
    Ok(())
}
