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
            // A number typed into a date-formatted cell: a day or a month (5
            // shows as 1900-01-05), a year (2019 as 1905-07-11) or a year
            // and month (2019.3). Read as dates they would declassify the
            // document; they are read as the number they are. (Serial
            // 3000 falls in 1908, or 1912 in the 1904 system: no
            // arithmetic for a later date.)
            if d.year() > if date1904 { 1912 } else { 1908 } {
                return Ok(DateValue::full(d));
            }
            let serial = (*dt - first_day(date1904).and_time(chrono::NaiveTime::MIN))
                .num_milliseconds() as f64
                / 86_400_000.0;
            if serial < LAST_YEAR_SERIAL {
                return date_from_number(serial, date1904);
            }
            Ok(DateValue::full(d))
        }
        Cell::Number(n) => date_from_number(*n, date1904),
        Cell::Text(s) => parse_date_text(s, date1904),
        Cell::Bool(_) => Err("a TRUE/FALSE cell is not a date".into()),
        Cell::Error(e) => Err(format!("formula error {e}")),
    }
}

/// Below this serial day (1908-03-18 in Excel's 1900 date system), a date
/// cell holds a number that reads as a year (1000–2999) or less, not a
/// date a register could hold.
const LAST_YEAR_SERIAL: f64 = 3000.0;

/// Day 0 of the workbook's date system.
fn first_day(date1904: bool) -> chrono::NaiveDate {
    let (y, m, d) = if date1904 {
        (1904, 1, 1)
    } else {
        (1899, 12, 30)
    };
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
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
            match t {
                // Zero written as a numeral.
                "零" | "〇" => 0,
                _ => t
                    .parse::<i64>()
                    .map_err(|_| "not a whole number".to_string())?,
            }
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

    /// Found by a fifth hunt: a plain number in a date column was read as
    /// a day of Excel's calendar, however far from any register's dates:
    /// 9999 (a "date unknown" filler) as 1927-05-17, 20000 as 1954-10-03,
    /// 500 as 1901 — a classified document then counted as declassified
    /// and was shredded in-house.
    #[test]
    fn a_plain_number_is_a_date_only_in_the_years_of_registers() {
        for n in [500.0, 999.0, 3000.0, 9999.0, 20000.0, 25568.0, 1_000_000.0] {
            let got = parse_date(&Cell::Number(n), false);
            assert!(got.is_err(), "{n}: {got:?}");
        }
        for (n, want) in [(25569.0, d(1970, 1, 1)), (43529.0, d(2019, 3, 5))] {
            assert_eq!(
                parse_date(&Cell::Number(n), false).unwrap().date,
                want,
                "{n}"
            );
        }
        // A real date cell of 1965 is a date of 1965.
        let cell = Cell::DateTime(d(1965, 3, 1).and_hms_opt(0, 0, 0).unwrap());
        assert_eq!(parse_date(&cell, false).unwrap().date, d(1965, 3, 1));
    }

    /// 2019.3 typed into a cell that Excel keeps as a number was read as
    /// serial day 2019 (1905-07-11): a 绝密 document then counted as long
    /// declassified and was destroyed in-house instead of returned.
    #[test]
    fn a_year_and_month_typed_as_a_number_is_not_a_day_of_1905() {
        let cases = [
            (2019.3, d(2019, 3, 1)),
            (2019.03, d(2019, 3, 1)),
            (2021.11, d(2021, 11, 1)),
            (2019.12, d(2019, 12, 1)),
            // 2019.1 cannot be told from 2019.10: the later month.
            (2019.1, d(2019, 10, 1)),
        ];
        for (n, want) in cases {
            let got = parse_date(&Cell::Number(n), false).unwrap();
            assert_eq!((got.date, got.is_partial()), (want, true), "{n}");
        }
        for n in [2019.13, 2019.305, 2019.0001] {
            assert!(parse_date(&Cell::Number(n), false).is_err(), "{n}");
        }
        // As text too: a CSV that Excel saved writes 2019.10 as 2019.1.
        for (t, month) in [("2019.1", 10), ("2019.01", 1), ("2019/1", 1), ("2019.3", 3)] {
            let got = parse_date(&text(t), false).unwrap();
            assert_eq!(got.date, d(2019, month, 1), "{t}");
        }
    }

    /// A number typed into a date-formatted cell reaches us as a date of
    /// 1900–1908: 5 as 1900-01-05, 2019.3 as 1905-07-11 07:12. Read as
    /// such, the document counted as declassified.
    #[test]
    fn a_number_in_a_date_formatted_cell_is_read_as_the_number() {
        let at = |y, m, day, h, min| Cell::DateTime(d(y, m, day).and_hms_opt(h, min, 0).unwrap());
        let got = parse_date(&at(1905, 7, 11, 7, 12), false).unwrap();
        assert_eq!((got.date, got.is_partial()), (d(2019, 3, 1), true));
        let got = parse_date(&at(1905, 7, 11, 0, 0), false).unwrap();
        assert_eq!(
            (got.date, got.is_partial()),
            (d(2019, 1, 1), true),
            "2019, a year"
        );
        assert!(
            parse_date(&at(1900, 1, 5, 0, 0), false).is_err(),
            "5, a day"
        );
        // In the 1904 date system, 5 is 1904-01-06.
        assert!(parse_date(&at(1904, 1, 6, 0, 0), true).is_err());
        // Real dates are dates.
        let got = parse_date(&at(2019, 3, 5, 0, 0), false).unwrap();
        assert_eq!((got.date, got.is_partial()), (d(2019, 3, 5), false));
        let got = parse_date(&at(1949, 10, 1, 0, 0), true).unwrap();
        assert_eq!(got.date, d(1949, 10, 1));
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
        assert_eq!(parse_count(&text("零"), 0), Ok(0));
        assert_eq!(parse_count(&text("〇份"), 0), Ok(0));
        assert!(parse_count(&text("-1"), 0).is_err());
    }
}
