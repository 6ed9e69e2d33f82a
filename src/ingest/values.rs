//! Reading one cell into a typed value (SPEC §2, "Values"): what depends on
//! the kind of cell — a real date cell, a number in a date column, a
//! TRUE/FALSE cell, a count written as a number or as text. Words and text
//! forms are read by [`crate::vocabulary::words`].

use chrono::Datelike;

use crate::text::half_width;
use crate::vocabulary::Vocabulary;
use crate::vocabulary::words::{
    DateValue, FIRST_YEAR, date_from_number, parse_boolean_word, parse_date_text,
};

use super::cell::Cell;

/// Reads a date cell: a real date, an Excel serial number, or text in any of
/// the forms of SPEC §2 (2019-03-05, 2019/3/5, 2019.3.5, 2019年3月5日,
/// 20190305, 2019-03-05 10:20; 2019 and 2019年3月 as partial dates).
pub fn parse_date(cell: &Cell<'_>, date1904: bool) -> Result<DateValue, String> {
    match cell {
        Cell::DateTime(dt) => {
            let d = dt.date();
            if i64::from(d.year()) < FIRST_YEAR {
                // Excel's "1900-01-00" (a formula pointing at a blank cell).
                return Err(format!("not a valid date ({d}, before {FIRST_YEAR})"));
            }
            Ok(DateValue::full(d))
        }
        Cell::Number(n) => date_from_number(*n, date1904),
        Cell::Text(s) => parse_date_text(s, date1904),
        Cell::Bool(_) => Err("a TRUE/FALSE cell is not a date".into()),
        Cell::Error(e) => Err(format!("formula error {e}")),
    }
}

/// Reads a count (份数, 页数): a whole number of at least `min`, as a number
/// or as text (a trailing 份, 页, 张, 册 or 件 is accepted).
pub fn parse_count(cell: &Cell<'_>, min: i64) -> Result<i64, String> {
    let n = match cell {
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => *n as i64,
        Cell::Number(_) => return Err("not a whole number".into()),
        Cell::Text(s) => {
            let t: String = s.trim().chars().map(half_width).collect();
            let t = t.trim_end_matches(['份', '页', '张', '册', '件']).trim();
            t.parse::<i64>()
                .map_err(|_| "not a whole number".to_string())?
        }
        _ => return Err("not a whole number".into()),
    };
    if n < min {
        return Err(format!("must be at least {min}"));
    }
    Ok(n)
}

/// Reads a yes/no cell.
pub fn parse_boolean(cell: &Cell<'_>, vocab: &Vocabulary) -> Result<bool, String> {
    match cell {
        Cell::Bool(b) => Ok(*b),
        other => parse_boolean_word(&other.to_text(), vocab),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use chrono::NaiveDate;
    use std::borrow::Cow;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    #[test]
    fn numbers_in_date_columns() {
        let cases = [
            (43529.0, false, d(2019, 3, 5), false),
            (42067.0, true, d(2019, 3, 5), false),
            (43529.75, false, d(2019, 3, 5), false),
            (2019.0, false, d(2019, 1, 1), true),
            (20190305.0, false, d(2019, 3, 5), false),
            (367.0, false, d(1901, 1, 1), false),
        ];
        for (n, is1904, want, partial) in cases {
            let got = parse_date(&Cell::Number(n), is1904).unwrap();
            assert_eq!((got.date, got.is_partial()), (want, partial), "{n}");
        }
        // Serials around Excel's phantom 29 February 1900.
        assert_eq!(
            crate::vocabulary::words::excel_serial_to_date(59.0, false),
            Some(d(1900, 2, 28))
        );
        assert_eq!(
            crate::vocabulary::words::excel_serial_to_date(61.0, false),
            Some(d(1900, 3, 1))
        );
        // A day or month number is not a day of 1900.
        for n in [3.0, 31.0, 366.0, 60.0, 0.0, -5.0, 1e12, f64::NAN] {
            assert!(parse_date(&Cell::Number(n), false).is_err(), "{n}");
        }
    }

    #[test]
    fn booleans_in_cells() {
        let v = Policy::default_policy().unwrap().vocabulary;
        assert_eq!(parse_boolean(&Cell::Number(1.0), &v), Ok(true));
        assert_eq!(parse_boolean(&Cell::Bool(false), &v), Ok(false));
        assert_eq!(parse_boolean(&text("是"), &v), Ok(true));
        assert!(parse_boolean(&text("也许"), &v).is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(&Cell::Number(3.0), 1), Ok(3));
        assert_eq!(parse_count(&text(" 2份 "), 1), Ok(2));
        assert_eq!(parse_count(&text("０"), 0), Ok(0));
        assert!(parse_count(&text("0"), 1).is_err());
        assert!(parse_count(&Cell::Number(2.5), 1).is_err());
        assert!(parse_count(&text("两份"), 1).is_err());
        assert!(parse_count(&text("-1"), 0).is_err());
    }
}
