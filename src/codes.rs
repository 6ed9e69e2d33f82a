//! Columns of codes, held as polars Enums.
//!
//! A coded column — a classification level, a medium class, a status, a
//! disposition, a destruction site — holds one of a few codes on every
//! row. Held as text, each row costs a 16-byte string view; held as a
//! polars Enum of its [`CodeSet`], one byte, and a value outside the set
//! cannot be stored at all. The plan computes with the Rust enums of
//! [`crate::domain`]; this module makes such columns from codes and reads
//! the codes back. Codes become text again only at the edges: CSV (polars
//! writes an Enum as its text), Parquet ([`to_text`]) and workbooks.

use polars::prelude::*;

use crate::fields::CodeSet;

/// The polars type of a column of `set`'s codes: an Enum of them, in the
/// set's order.
///
/// ```
/// use clearance::codes::dtype;
/// use clearance::fields::CodeSet;
/// assert!(dtype(CodeSet::Level).unwrap().is_enum());
/// ```
pub fn dtype(set: CodeSet) -> PolarsResult<DataType> {
    let categories = FrozenCategories::new(set.codes().iter().copied())?;
    Ok(DataType::from_frozen_categories(categories))
}

/// A code's place in its set, or `None` for a code outside it.
///
/// ```
/// use clearance::codes::index;
/// use clearance::fields::CodeSet;
/// assert_eq!(index(CodeSet::Site, "IN_HOUSE"), Some(1));
/// assert_eq!(index(CodeSet::Site, "ELSEWHERE"), None);
/// ```
pub fn index(set: CodeSet, code: &str) -> Option<u8> {
    let codes = set.codes();
    // A code made by the domain's enums is the very string of the set: its
    // address finds it without comparing text (this runs for every coded
    // cell of every row); any other text is compared.
    let same_str = |c: &&str| std::ptr::eq(c.as_ptr(), code.as_ptr()) && c.len() == code.len();
    codes
        .iter()
        .position(same_str)
        .or_else(|| codes.iter().position(|c| *c == code))
        .and_then(|p| u8::try_from(p).ok())
}

/// A column named `name` of `set`'s codes, from each code's place in the
/// set (null for none).
pub fn from_indexes(name: &str, set: CodeSet, indexes: UInt8Chunked) -> PolarsResult<Column> {
    let indexes = indexes.with_name(name.into());
    let codes = Categorical8Chunked::from_cats_and_dtype(indexes, dtype(set)?);
    Ok(codes.into_series().into_column())
}

/// A column named `name` of `set`'s codes; a code outside the set is an
/// error naming it.
pub fn column<'a>(
    name: &str,
    set: CodeSet,
    codes: impl IntoIterator<Item = Option<&'a str>>,
) -> PolarsResult<Column> {
    let indexes = codes
        .into_iter()
        .map(|code| match code {
            None => Ok(None),
            Some(c) => index(set, c)
                .map(Some)
                .ok_or_else(|| polars_err!(ComputeError: "{c:?} is not a code of column {name}")),
        })
        .collect::<PolarsResult<UInt8Chunked>>()?;
    from_indexes(name, set, indexes)
}

/// The codes of one coded column, read row by row.
#[derive(Clone)]
pub struct Codes {
    /// The column (a polars Enum; cloning it shares its buffers).
    ca: Categorical8Chunked,
}

impl Codes {
    /// The codes of column `name` of `df`; an error if it is not a coded
    /// column.
    pub fn of(df: &DataFrame, name: &str) -> PolarsResult<Codes> {
        Codes::new(df.column(name)?)
    }

    /// The codes of `column`; an error if it is not a coded column.
    pub fn new(column: &Column) -> PolarsResult<Codes> {
        Ok(Codes {
            ca: column.cat8()?.clone(),
        })
    }

    /// Row `i`'s code, or `None` when it has none.
    pub fn get(&self, i: usize) -> Option<&str> {
        let mapping = self.ca.get_mapping();
        self.ca
            .physical()
            .get(i)
            .and_then(|id| mapping.cat_to_str(CatSize::from(id)))
    }

    /// The rows whose code is `code`, in order. Which of the column's codes
    /// is `code` is found once; each row's is then a byte compared.
    pub fn rows_with(&self, code: &str) -> Vec<usize> {
        let mapping = self.ca.get_mapping();
        let mut is_code = [false; 256];
        for (id, yes) in (0..).zip(is_code.iter_mut()) {
            *yes = mapping.cat_to_str(id) == Some(code);
        }
        self.ca
            .physical()
            .iter()
            .enumerate()
            .filter_map(|(i, id)| id.filter(|id| is_code[usize::from(*id)]).map(|_| i))
            .collect()
    }

    /// Every row's code, in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        let mapping = self.ca.get_mapping();
        self.ca
            .physical()
            .iter()
            .map(move |id| id.and_then(|id| mapping.cat_to_str(CatSize::from(id))))
    }
}

/// Whether `column` has no value in any row (as a register's column that
/// is not there): such a column is held as one null repeated
/// (`ingest::table`), and writers skip it without reading it, since
/// reading would make it a null per row.
pub fn is_blank(column: &Column) -> bool {
    column.null_count() == column.len()
}

/// A column of whole numbers read in its own type (no copy of an `i64`,
/// `i32` or `u32` column), each value as an `i64`.
pub enum WholeNumbers {
    /// 64-bit.
    I64(Int64Chunked),
    /// 32-bit.
    I32(Int32Chunked),
    /// Unsigned 32-bit (a source row).
    U32(UInt32Chunked),
}

impl WholeNumbers {
    /// Reads `column` when it holds whole numbers of 32 or 64 bits.
    pub fn of(column: &Column) -> Option<WholeNumbers> {
        Some(match column.dtype() {
            DataType::Int64 => WholeNumbers::I64(column.i64().ok()?.clone()),
            DataType::Int32 => WholeNumbers::I32(column.i32().ok()?.clone()),
            DataType::UInt32 => WholeNumbers::U32(column.u32().ok()?.clone()),
            _ => return None,
        })
    }

    /// Row `i`, or `None` when it is null.
    pub fn get(&self, i: usize) -> Option<i64> {
        match self {
            WholeNumbers::I64(ca) => ca.get(i),
            WholeNumbers::I32(ca) => ca.get(i).map(i64::from),
            WholeNumbers::U32(ca) => ca.get(i).map(i64::from),
        }
    }
}

/// A column read as text, row by row: text as it is, a coded column as its
/// codes, whole numbers and dates written out as each row is read (none is
/// copied into a text column), anything else cast to text. What the
/// workbooks' tables and the printed lists are written from.
pub enum TextColumn {
    /// A text column, or another cast to text.
    Text(StringChunked),
    /// A coded column.
    Codes(Codes),
    /// Whole numbers, as decimal digits.
    Whole(WholeNumbers),
    /// Dates (days since 1970-01-01), as `YYYY-MM-DD`.
    Date(Int32Chunked),
    /// A column without a value, not read at all (not made a null per row).
    Blank,
}

impl TextColumn {
    /// Reads `column` as text.
    pub fn new(column: &Column) -> PolarsResult<TextColumn> {
        if is_blank(column) {
            return Ok(TextColumn::Blank);
        }
        if column.dtype().is_enum() {
            return Ok(TextColumn::Codes(Codes::new(column)?));
        }
        if let Some(whole) = WholeNumbers::of(column) {
            return Ok(TextColumn::Whole(whole));
        }
        if column.dtype() == &DataType::Date {
            return Ok(TextColumn::Date(column.date()?.physical().clone()));
        }
        Ok(TextColumn::Text(
            column.cast(&DataType::String)?.str()?.clone(),
        ))
    }

    /// Row `i` as text, or `None` when it is null: borrowed from the column
    /// where it is held as text, made when it is a number or a date.
    pub fn get(&self, i: usize) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match self {
            TextColumn::Text(ca) => ca.get(i).map(Cow::Borrowed),
            TextColumn::Codes(codes) => codes.get(i).map(Cow::Borrowed),
            TextColumn::Whole(n) => n.get(i).map(|n| Cow::Owned(n.to_string())),
            TextColumn::Date(ca) => ca.get(i).map(|days| {
                Cow::Owned(crate::text::iso_date(crate::domain::from_epoch_days(days)))
            }),
            TextColumn::Blank => None,
        }
    }

    /// Row `i` as a number: a whole number as it is, text that reads as
    /// one, else `None` (null, a date, other text).
    pub fn number(&self, i: usize) -> Option<f64> {
        match self {
            TextColumn::Whole(n) => n.get(i).map(|n| n as f64),
            TextColumn::Date(_) | TextColumn::Blank => None,
            other => other.get(i)?.parse().ok(),
        }
    }
}

/// `df` with every coded column turned back to text: what Parquet files
/// hold, so that last year's run, `diff` and other tools read the codes as
/// they always have.
pub fn to_text(df: &DataFrame) -> PolarsResult<DataFrame> {
    let columns = df
        .columns()
        .iter()
        .map(|c| {
            if c.dtype().is_enum() {
                c.cast(&DataType::String)
            } else {
                Ok(c.clone())
            }
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(df.height(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every set's codes make an Enum of one byte per row, and come back
    /// as they went in, nulls included.
    #[test]
    fn every_set_round_trips_its_codes_in_one_byte() {
        for (i, set) in CodeSet::ALL.into_iter().enumerate() {
            assert_eq!(set as usize, i, "CodeSet::ALL is in declaration order");
            let mut codes: Vec<Option<&str>> = set.codes().iter().copied().map(Some).collect();
            codes.push(None);
            let df = DataFrame::new(codes.len(), vec![column("c", set, codes.clone()).unwrap()])
                .unwrap();
            let c = df.column("c").unwrap();
            assert!(c.dtype().is_enum(), "{set:?}");
            assert_eq!(c.cat8().unwrap().physical().dtype(), &DataType::UInt8);
            let read = Codes::of(&df, "c").unwrap();
            assert_eq!(read.iter().collect::<Vec<_>>(), codes, "{set:?}");
            assert_eq!(read.get(0), codes[0]);
            let as_text = TextColumn::new(c).unwrap();
            let as_text: Vec<Option<String>> = (0..codes.len())
                .map(|i| as_text.get(i).map(|s| s.into_owned()))
                .collect();
            let owned: Vec<Option<String>> = codes.iter().map(|c| c.map(str::to_string)).collect();
            assert_eq!(as_text, owned, "{set:?} read as text");
            let text = to_text(&df).unwrap();
            let text: Vec<Option<&str>> = text.column("c").unwrap().str().unwrap().iter().collect();
            assert_eq!(text, codes);
        }
    }

    /// Whole numbers and dates read as text are what polars' own cast to
    /// text makes of them, nulls included.
    #[test]
    fn numbers_and_dates_read_as_text_as_polars_casts_them() {
        let days = [
            Some(0),
            Some(-719_162),
            Some(2_932_896),
            Some(19_723),
            None,
            Some(-1),
        ];
        let whole = [
            Some(0),
            Some(-7),
            Some(i64::MAX),
            Some(i64::MIN),
            None,
            Some(1_000_000),
        ];
        let columns = [
            Int32Chunked::from_iter_options("d".into(), days.into_iter())
                .into_date()
                .into_column(),
            Int64Chunked::from_iter_options("n".into(), whole.into_iter()).into_column(),
            Int32Chunked::from_iter_options(
                "n32".into(),
                whole.iter().map(|n| n.and_then(|n| i32::try_from(n).ok())),
            )
            .into_column(),
            UInt32Chunked::from_iter_options(
                "u32".into(),
                whole.iter().map(|n| n.and_then(|n| u32::try_from(n).ok())),
            )
            .into_column(),
        ];
        for column in columns {
            let read = TextColumn::new(&column).unwrap();
            assert!(
                !matches!(read, TextColumn::Text(_)),
                "{} is read in its own type",
                column.name()
            );
            let cast = column.cast(&DataType::String).unwrap();
            let cast: Vec<Option<String>> = cast
                .str()
                .unwrap()
                .iter()
                .map(|s| s.map(str::to_string))
                .collect();
            let ours: Vec<Option<String>> = (0..column.len())
                .map(|i| read.get(i).map(|s| s.into_owned()))
                .collect();
            assert_eq!(ours, cast, "{}", column.name());
        }
    }

    /// `rows_with` finds the rows a row-by-row comparison of the codes
    /// finds, for every code of every set and for text that is no code,
    /// over a column with nulls and codes in a scrambled order.
    #[test]
    fn rows_with_a_code_are_those_whose_code_reads_the_same() {
        for set in CodeSet::ALL {
            let n = set.codes().len();
            let codes: Vec<Option<&str>> = (0..3 * n + 5)
                .map(|i| (i % 4 != 3).then(|| set.codes()[(i * 7 + 3) % n]))
                .collect();
            let df = DataFrame::new(codes.len(), vec![column("c", set, codes.clone()).unwrap()])
                .unwrap();
            let read = Codes::of(&df, "c").unwrap();
            for wanted in set.codes().iter().copied().chain(["", "NO_SUCH_CODE"]) {
                let by_row: Vec<usize> = (0..codes.len())
                    .filter(|i| codes[*i] == Some(wanted))
                    .collect();
                assert_eq!(read.rows_with(wanted), by_row, "{set:?} {wanted:?}");
            }
        }
    }

    /// A code outside its set is refused, naming the column.
    #[test]
    fn a_code_outside_the_set_is_an_error() {
        let e = column("status_code", CodeSet::Status, [Some("LOST_AT_SEA")]).unwrap_err();
        assert!(e.to_string().contains("status_code"), "{e}");
    }
}
