//! Merged ranges of an OpenDocument spreadsheet, which calamine does not
//! report.
//!
//! A register may merge 密级 or 部门 down over the rows of one batch; in an
//! .ods file the merge is an attribute of the first cell
//! (`table:number-rows-spanned`) and the hidden cells are
//! `table:covered-table-cell`s that read as empty. Without the ranges the
//! rows below would read as unclassified. This module walks `content.xml`
//! once, counting rows and columns (with their repeat counts) the way the
//! file lays them out, and returns each sheet's ranges. A file it cannot
//! walk gives no ranges; the readers' own errors report a damaged file.

use std::collections::HashMap;
use std::io::{BufReader, Cursor};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::sheet::MergedRange;

fn number(e: &BytesStart<'_>, name: &str) -> u32 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.parse().ok())
        .unwrap_or(1)
}

/// Every sheet's merged ranges, by sheet name.
pub fn merged_ranges(bytes: &[u8]) -> HashMap<String, Vec<MergedRange>> {
    let mut out = HashMap::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return out;
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet: Option<(String, Vec<MergedRange>)> = None;
    let (mut row, mut col, mut row_repeat) = (0u32, 0u32, 1u32);
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                let name = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                sheet = Some((name, Vec::new()));
                row = 0;
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some((name, ranges)) = sheet.take()
                    && !ranges.is_empty()
                {
                    out.insert(name, ranges);
                }
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                row_repeat = number(&e, "table:number-rows-repeated");
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(row_repeat);
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let rows = number(&e, "table:number-rows-spanned");
                let cols = number(&e, "table:number-columns-spanned");
                if (rows > 1 || cols > 1)
                    && let Some((_, ranges)) = sheet.as_mut()
                {
                    ranges.push(MergedRange {
                        first_row: row,
                        last_row: row.saturating_add(rows.saturating_sub(1)),
                        first_col: col,
                        last_col: col.saturating_add(cols.saturating_sub(1)),
                    });
                }
                col = col.saturating_add(number(&e, "table:number-columns-repeated"));
            }
            _ => {}
        }
        buf.clear();
    }
    out
}
