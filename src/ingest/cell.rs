//! One cell as the reader sees it, whatever file format it came from.
//!
//! calamine has a cell type per reading mode, and CSV has only text; the
//! register reader works on this one small enum so that header detection and
//! value reading are written once for every format.

use std::borrow::Cow;

use chrono::NaiveDateTime;

/// A non-empty cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text (shared strings are borrowed, not copied).
    Text(Cow<'a, str>),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A real date or date-time cell.
    DateTime(NaiveDateTime),
    /// A formula error such as `#N/A`.
    Error(String),
}

impl Cell<'_> {
    /// The cell as text, the way the clerk sees it: whole numbers without a
    /// decimal point, dates as `YYYY-MM-DD` (with the time when it is not
    /// midnight).
    ///
    /// ```
    /// use clearance::ingest::Cell;
    /// assert_eq!(Cell::Number(3.0).to_text(), "3");
    /// assert_eq!(Cell::Number(2.5).to_text(), "2.5");
    /// ```
    pub fn to_text(&self) -> Cow<'_, str> {
        if let Some(text) = self.held_text() {
            return Cow::Borrowed(text);
        }
        match self {
            Cell::Number(n) => Cow::Owned(format_number(*n)),
            Cell::DateTime(dt) if dt.time() == chrono::NaiveTime::MIN => {
                Cow::Owned(crate::text::iso_date(dt.date()))
            }
            Cell::DateTime(dt) => Cow::Owned(dt.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::Text(_) | Cell::Bool(_) | Cell::Error(_) => Cow::Borrowed(""),
        }
    }

    /// [`Cell::to_text`] when the cell holds it as text (text, a boolean,
    /// an error), borrowed; `None` for a number or a date, which are
    /// written out.
    pub fn held_text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s.as_ref()),
            Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }),
            Cell::Error(e) => Some(e.as_str()),
            Cell::Number(_) | Cell::DateTime(_) => None,
        }
    }

    /// Whether the cell holds nothing but white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

pub use crate::text::format_number;

/// One row as the reader sees it: its 0-based row index and its non-empty
/// cells as (0-based column, value), in column order.
#[derive(Debug, Clone, Default)]
pub struct Row<'a> {
    /// 0-based row index within the sheet (the CSV line number minus one).
    pub index: u32,
    /// Non-empty cells, in column order.
    pub cells: Vec<(u32, Cell<'a>)>,
    /// Further lines the row spans (a CSV record with quoted line breaks);
    /// 0 for sheet rows.
    pub extra_lines: u32,
}
