//! The canonical table: one row per data row of every register.
//!
//! A row is read into a [`RowRecord`]: one value per canonical field, of the
//! shape its kind needs ([`FieldValue`]), laid out by the field table
//! ([`crate::fields::FIELDS`]). Rows are appended into polars column
//! builders (contiguous Arrow buffers, not a `Vec<String>` per cell), so a
//! million-row register costs little more than its text. Every later
//! stage — the plan, the outputs — starts from the [`DataFrame`] this
//! module finishes.
//!
//! Columns, in order: those of [`crate::fields::canonical_columns`] (the
//! source, each field's text as written and what was read from it, the
//! findings), then every kept column, as text.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::codes;
use crate::domain::{
    ActionTaken, Anomaly, DatePrecision, Level, MediumClass, Period, Retention, Status, epoch_days,
};
use crate::fields::{CodeSet, ColumnType, FIELDS, Field, FieldKind, canonical_columns};

/// What one field of a row holds, by its kind: the text as written (for
/// coded fields) and what was read from it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Free text.
    Text(Option<String>),
    /// A date (the first day of a partial one) and how much was written.
    Date(Option<NaiveDate>, DatePrecision),
    /// A whole number.
    Count(Option<i64>),
    /// A marking as written, its level and its period (the marking's, else
    /// the period column's).
    Marking(Option<String>, Option<Level>, Option<Period>),
    /// A confidentiality period as written, and read.
    Period(Option<String>, Option<Period>),
    /// A carrier as written, and its class.
    Medium(Option<String>, Option<MediumClass>),
    /// A retention as written, and read.
    Retention(Option<String>, Option<Retention>),
    /// Yes or no.
    Boolean(Option<bool>),
    /// A status as written, and read.
    Status(Option<String>, Option<Status>),
    /// An action as written, and read.
    Action(Option<String>, Option<ActionTaken>),
}

impl FieldValue {
    /// An empty value of a kind.
    pub fn empty(kind: FieldKind) -> FieldValue {
        match kind {
            FieldKind::Text => FieldValue::Text(None),
            FieldKind::Date => FieldValue::Date(None, DatePrecision::Day),
            FieldKind::Count => FieldValue::Count(None),
            FieldKind::Classification => FieldValue::Marking(None, None, None),
            FieldKind::Period => FieldValue::Period(None, None),
            FieldKind::Medium => FieldValue::Medium(None, None),
            FieldKind::Retention => FieldValue::Retention(None, None),
            FieldKind::Boolean => FieldValue::Boolean(None),
            FieldKind::Status => FieldValue::Status(None, None),
            FieldKind::Action => FieldValue::Action(None, None),
        }
    }

    /// The text as written, for the kinds that keep it.
    fn raw_mut(&mut self) -> Option<&mut Option<String>> {
        match self {
            FieldValue::Text(r)
            | FieldValue::Marking(r, _, _)
            | FieldValue::Period(r, _)
            | FieldValue::Medium(r, _)
            | FieldValue::Retention(r, _)
            | FieldValue::Status(r, _)
            | FieldValue::Action(r, _) => Some(r),
            FieldValue::Date(..) | FieldValue::Count(_) | FieldValue::Boolean(_) => None,
        }
    }

    /// Appends the value's columns (in [`FieldKind::columns`] order) to
    /// `builders`; returns how many it filled.
    fn append(&self, builders: &mut [Builder]) -> usize {
        let mut b = builders.iter_mut();
        let mut next = || b.next().expect("a builder per column");
        fn text(v: Option<&str>) -> Cell<'_> {
            Cell::Text(v)
        }
        let cells: &[Cell<'_>] = match self {
            FieldValue::Text(r) => &[text(r.as_deref())],
            FieldValue::Date(d, p) => &[Cell::Date(*d), text(p.code())],
            FieldValue::Count(n) => &[Cell::Int64(*n)],
            FieldValue::Boolean(b) => &[Cell::Bool(*b)],
            FieldValue::Marking(r, level, period) => &[
                text(r.as_deref()),
                text(level.map(Level::code)),
                Cell::Int32(match period {
                    Some(Period::Months(m)) => Some(*m as i32),
                    _ => None,
                }),
                Cell::Bool(Some(matches!(period, Some(Period::Long)))),
                Cell::Date(match period {
                    Some(Period::Until(d)) => Some(*d),
                    _ => None,
                }),
            ],
            FieldValue::Period(r, _) => &[text(r.as_deref())],
            FieldValue::Medium(r, m) => &[text(r.as_deref()), text(m.map(MediumClass::code))],
            FieldValue::Retention(r, v) => &[
                text(r.as_deref()),
                text(v.map(Retention::kind_code)),
                Cell::Int32(match v {
                    Some(Retention::Years(y)) => Some(*y as i32),
                    _ => None,
                }),
            ],
            FieldValue::Status(r, s) => &[text(r.as_deref()), text(s.map(Status::code))],
            FieldValue::Action(r, a) => &[text(r.as_deref()), text(a.map(ActionTaken::code))],
        };
        for cell in cells {
            next().push(cell);
        }
        cells.len()
    }
}

/// One data row, read and typed, ready to append.
#[derive(Debug, Clone)]
pub struct RowRecord {
    /// 1-based row number in the sheet (line number in a CSV).
    pub source_row: u32,
    /// Why the row cannot be planned, if it cannot.
    pub reject_reason: Option<String>,
    /// One value per field, in [`FIELDS`] order.
    values: Vec<FieldValue>,
    /// Decision-field problems, one sentence each.
    pub review_reasons: Vec<String>,
    /// Anomalies found while reading (DATE_PARTIAL, INVALID_VALUE).
    pub anomalies: Vec<Anomaly>,
    /// Kept columns: (name, text).
    pub kept: Vec<(String, String)>,
    /// The row's other document numbers, from a second number column, each
    /// as written but put on one line (see
    /// [`crate::fields::OTHER_NUMBERS_COLUMN`]).
    pub other_numbers: Vec<String>,
    /// Values in columns kept as is that seem to hold a field that could
    /// stop the row's destruction, as `header：value` (see
    /// [`crate::fields::UNREAD_COLUMN`]).
    pub unread: Vec<String>,
}

impl Default for RowRecord {
    fn default() -> Self {
        RowRecord {
            source_row: 0,
            reject_reason: None,
            values: FIELDS.iter().map(|s| FieldValue::empty(s.kind)).collect(),
            review_reasons: Vec::new(),
            anomalies: Vec::new(),
            kept: Vec::new(),
            other_numbers: Vec::new(),
            unread: Vec::new(),
        }
    }
}

impl RowRecord {
    /// An empty record of a row.
    pub fn new(source_row: u32) -> RowRecord {
        RowRecord {
            source_row,
            ..RowRecord::default()
        }
    }

    /// A field's value.
    pub fn value(&self, field: Field) -> &FieldValue {
        &self.values[field as usize]
    }

    /// A field's value, to change.
    pub fn value_mut(&mut self, field: Field) -> &mut FieldValue {
        &mut self.values[field as usize]
    }

    /// A field's text as written (a text field's value).
    pub fn text(&self, field: Field) -> Option<&str> {
        match self.value(field) {
            FieldValue::Text(r)
            | FieldValue::Marking(r, _, _)
            | FieldValue::Period(r, _)
            | FieldValue::Medium(r, _)
            | FieldValue::Retention(r, _)
            | FieldValue::Status(r, _)
            | FieldValue::Action(r, _) => r.as_deref(),
            _ => None,
        }
    }

    /// Sets a field's text as written (a text field's value); ignored for
    /// kinds without text.
    pub fn set_text(&mut self, field: Field, text: Option<String>) {
        if let Some(slot) = self.value_mut(field).raw_mut() {
            *slot = text;
        }
    }

    /// A date field's date.
    pub fn date(&self, field: Field) -> Option<NaiveDate> {
        match self.value(field) {
            FieldValue::Date(d, _) => *d,
            _ => None,
        }
    }

    /// Sets a date field.
    pub fn set_date(&mut self, field: Field, date: Option<NaiveDate>, precision: DatePrecision) {
        if let FieldValue::Date(d, p) = self.value_mut(field) {
            *d = date;
            *p = precision;
        }
    }

    /// A count field's number.
    pub fn count(&self, field: Field) -> Option<i64> {
        match self.value(field) {
            FieldValue::Count(n) => *n,
            _ => None,
        }
    }

    /// Sets a count field.
    pub fn set_count(&mut self, field: Field, n: Option<i64>) {
        if let FieldValue::Count(v) = self.value_mut(field) {
            *v = n;
        }
    }

    /// A yes/no field's value.
    pub fn boolean(&self, field: Field) -> Option<bool> {
        match self.value(field) {
            FieldValue::Boolean(b) => *b,
            _ => None,
        }
    }

    /// Sets a yes/no field.
    pub fn set_boolean(&mut self, field: Field, b: Option<bool>) {
        if let FieldValue::Boolean(v) = self.value_mut(field) {
            *v = b;
        }
    }

    /// The classification level read.
    pub fn level(&self) -> Option<Level> {
        match self.value(Field::Classification) {
            FieldValue::Marking(_, l, _) => *l,
            _ => None,
        }
    }

    /// Sets the classification level.
    pub fn set_level(&mut self, level: Option<Level>) {
        if let FieldValue::Marking(_, l, _) = self.value_mut(Field::Classification) {
            *l = level;
        }
    }

    /// The confidentiality period that applies: the marking's, else the
    /// period column's.
    pub fn period(&self) -> Option<Period> {
        match self.value(Field::Classification) {
            FieldValue::Marking(_, _, p) => *p,
            _ => None,
        }
    }

    /// Sets the confidentiality period that applies.
    pub fn set_period(&mut self, period: Option<Period>) {
        if let FieldValue::Marking(_, _, p) = self.value_mut(Field::Classification) {
            *p = period;
        }
    }

    /// The period read from the period column.
    pub fn column_period(&self) -> Option<Period> {
        match self.value(Field::SecrecyPeriod) {
            FieldValue::Period(_, p) => *p,
            _ => None,
        }
    }

    /// The carrier's class.
    pub fn medium_class(&self) -> Option<MediumClass> {
        match self.value(Field::Medium) {
            FieldValue::Medium(_, m) => *m,
            _ => None,
        }
    }

    /// Sets the carrier's class.
    pub fn set_medium_class(&mut self, class: Option<MediumClass>) {
        if let FieldValue::Medium(_, m) = self.value_mut(Field::Medium) {
            *m = class;
        }
    }

    /// Sets the retention read.
    pub fn set_retention(&mut self, retention: Option<Retention>) {
        if let FieldValue::Retention(_, r) = self.value_mut(Field::Retention) {
            *r = retention;
        }
    }

    /// The status read.
    pub fn status(&self) -> Option<Status> {
        match self.value(Field::Status) {
            FieldValue::Status(_, s) => *s,
            _ => None,
        }
    }

    /// Sets the status read.
    pub fn set_status(&mut self, status: Option<Status>) {
        if let FieldValue::Status(_, s) = self.value_mut(Field::Status) {
            *s = status;
        }
    }

    /// Sets the action read.
    pub fn set_action(&mut self, action: Option<ActionTaken>) {
        if let FieldValue::Action(_, a) = self.value_mut(Field::Action) {
            *a = action;
        }
    }
}

/// A value for one column.
enum Cell<'v> {
    Text(Option<&'v str>),
    Date(Option<NaiveDate>),
    Int64(Option<i64>),
    Int32(Option<i32>),
    UInt32(Option<u32>),
    Bool(Option<bool>),
}

/// A column builder of one of the canonical table's column types.
enum Builder {
    Text(StringChunkedBuilder),
    /// A coded column: each code's place in its set.
    Code(PrimitiveChunkedBuilder<UInt8Type>, CodeSet),
    Date(PrimitiveChunkedBuilder<Int32Type>),
    Int64(PrimitiveChunkedBuilder<Int64Type>),
    Int32(PrimitiveChunkedBuilder<Int32Type>),
    UInt32(PrimitiveChunkedBuilder<UInt32Type>),
    Bool(BooleanChunkedBuilder),
}

impl Builder {
    /// An empty builder of a column named `name` of type `t`.
    fn new(name: &str, t: ColumnType, capacity: usize) -> Builder {
        let name = name.into();
        match t {
            ColumnType::Text => Builder::Text(StringChunkedBuilder::new(name, capacity)),
            ColumnType::Code(set) => {
                Builder::Code(PrimitiveChunkedBuilder::new(name, capacity), set)
            }
            ColumnType::Date => Builder::Date(PrimitiveChunkedBuilder::new(name, capacity)),
            ColumnType::Int64 => Builder::Int64(PrimitiveChunkedBuilder::new(name, capacity)),
            ColumnType::Int32 => Builder::Int32(PrimitiveChunkedBuilder::new(name, capacity)),
            ColumnType::UInt32 => Builder::UInt32(PrimitiveChunkedBuilder::new(name, capacity)),
            ColumnType::Bool => Builder::Bool(BooleanChunkedBuilder::new(name, capacity)),
        }
    }

    /// Appends a cell of the builder's type.
    fn push(&mut self, cell: &Cell<'_>) {
        match (self, cell) {
            (Builder::Text(b), Cell::Text(v)) => b.append_option(*v),
            (Builder::Code(b, set), Cell::Text(v)) => {
                let index = v.and_then(|code| codes::index(*set, code));
                debug_assert_eq!(index.is_some(), v.is_some(), "{v:?} is a code of {set:?}");
                b.append_option(index)
            }
            (Builder::Date(b), Cell::Date(v)) => b.append_option(v.map(epoch_days)),
            (Builder::Int64(b), Cell::Int64(v)) => b.append_option(*v),
            (Builder::Int32(b), Cell::Int32(v)) => b.append_option(*v),
            (Builder::UInt32(b), Cell::UInt32(v)) => b.append_option(*v),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_option(*v),
            _ => unreachable!("the field table and the values agree (a test checks)"),
        }
    }

    /// The finished column.
    fn finish(self) -> PolarsResult<Column> {
        Ok(match self {
            Builder::Text(b) => b.finish().into_column(),
            Builder::Code(b, set) => {
                let indexes = b.finish();
                let name = indexes.name().clone();
                codes::from_indexes(&name, set, indexes)?
            }
            Builder::Date(b) => b.finish().into_series().cast(&DataType::Date)?.into(),
            Builder::Int64(b) => b.finish().into_column(),
            Builder::Int32(b) => b.finish().into_column(),
            Builder::UInt32(b) => b.finish().into_column(),
            Builder::Bool(b) => b.finish().into_column(),
        })
    }
}

/// Appends rows to the canonical table.
pub struct TableBuilder {
    builders: Vec<Builder>,
    kept: Vec<(String, Vec<Option<String>>)>,
    kept_index: HashMap<String, usize>,
    len: usize,
}

impl Default for TableBuilder {
    fn default() -> Self {
        TableBuilder::new()
    }
}

impl TableBuilder {
    /// An empty table.
    pub fn new() -> Self {
        TableBuilder::with_capacity(1024)
    }

    /// An empty table with room for `rows` rows (at most Excel's
    /// 1,048,576: a sheet cannot hold more, and a larger hint is wrong).
    /// Room not used is only reserved, never touched.
    pub fn with_capacity(rows: usize) -> Self {
        let rows = rows.min(1 << 20);
        TableBuilder {
            builders: canonical_columns()
                .iter()
                .map(|(name, t)| Builder::new(name, *t, rows))
                .collect(),
            kept: Vec::new(),
            kept_index: HashMap::new(),
            len: 0,
        }
    }

    /// Rows appended so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no row was appended.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends one row read from `file`, `sheet`.
    pub fn push(&mut self, file: &str, sheet: &str, row: RowRecord) {
        let b = &mut self.builders;
        b[0].push(&Cell::Text(Some(file)));
        b[1].push(&Cell::Text(Some(sheet)));
        b[2].push(&Cell::UInt32(Some(row.source_row)));
        b[3].push(&Cell::Text(row.reject_reason.as_deref()));
        let mut at = 4;
        for value in &row.values {
            at += value.append(&mut b[at..]);
        }
        let reasons = (!row.review_reasons.is_empty()).then(|| row.review_reasons.join("; "));
        b[at].push(&Cell::Text(reasons.as_deref()));
        let anomalies = (!row.anomalies.is_empty()).then(|| {
            let mut codes: Vec<&str> = row.anomalies.iter().map(|a| a.code()).collect();
            codes.sort_unstable();
            codes.dedup();
            codes.join(";")
        });
        b[at + 1].push(&Cell::Text(anomalies.as_deref()));
        let others = crate::fields::join_other_numbers(&row.other_numbers);
        b[at + 2].push(&Cell::Text(others.as_deref()));
        let unread = (!row.unread.is_empty()).then(|| row.unread.join("\n"));
        b[at + 3].push(&Cell::Text(unread.as_deref()));
        self.push_kept(row.kept);
    }

    /// Appends a row's kept columns: a column first met gets blanks for
    /// the rows before; a kept column the row lacks gets a blank.
    fn push_kept(&mut self, kept: Vec<(String, String)>) {
        for (name, value) in kept {
            let idx = match self.kept_index.get(&name) {
                Some(i) => *i,
                None => {
                    self.kept.push((name.clone(), vec![None; self.len]));
                    self.kept_index.insert(name, self.kept.len() - 1);
                    self.kept.len() - 1
                }
            };
            let column = &mut self.kept[idx].1;
            // A name written twice in one row keeps the first value.
            if column.len() == self.len {
                column.push(Some(value));
            }
        }
        self.len += 1;
        for (_, column) in &mut self.kept {
            if column.len() < self.len {
                column.push(None);
            }
        }
    }

    /// Finishes the table.
    pub fn finish(self) -> PolarsResult<DataFrame> {
        let mut columns = self
            .builders
            .into_iter()
            .map(|b| b.finish().map(blank_if_empty))
            .collect::<PolarsResult<Vec<Column>>>()?;
        for (name, values) in self.kept {
            // A kept header that happens to spell a canonical column's name
            // must not replace it.
            let mut name = name;
            while columns.iter().any(|c| c.name().as_str() == name)
                || crate::fields::is_reserved_column(&name)
            {
                name.push_str(" (kept)");
            }
            let ca: StringChunked = values.into_iter().collect();
            columns.push(ca.with_name(name.as_str().into()).into_column());
        }
        DataFrame::new(self.len, columns)
    }
}
/// A column without a single value as one null repeated, which takes no
/// room per row: a register without a 保密期限 or 备注 column would
/// otherwise hold a 16-byte text view of nothing on every row (16 MB a
/// million rows, for each such column). It reads as any column does.
fn blank_if_empty(column: Column) -> Column {
    if !column.is_empty() && codes::is_blank(&column) {
        Column::full_null(column.name().clone(), column.len(), column.dtype())
    } else {
        column
    }
}

/// Stacks per-file tables into one, in order, adding every kept column that
/// some file lacks as an all-null text column. A column empty in every file
/// stays one null repeated ([`blank_if_empty`]).
pub fn concat_tables(tables: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let mut names: Vec<PlSmallStr> = Vec::new();
    let mut empty: Vec<(PlSmallStr, DataType)> = Vec::new();
    for t in &tables {
        for column in t.columns() {
            if !names.contains(column.name()) {
                names.push(column.name().clone());
                empty.push((column.name().clone(), column.dtype().clone()));
            }
        }
    }
    empty.retain(|(name, _)| {
        tables
            .iter()
            .all(|t| t.column(name).map_or(true, codes::is_blank))
    });
    let stacked: Vec<PlSmallStr> = names
        .iter()
        .filter(|n| !empty.iter().any(|(e, _)| e == *n))
        .cloned()
        .collect();
    let mut out: Option<DataFrame> = None;
    for mut t in tables {
        let height = t.height();
        for name in &stacked {
            if t.column(name).is_err() {
                t.with_column(Column::full_null(name.clone(), height, &DataType::String))?;
            }
        }
        let t = t.select(stacked.iter().cloned())?;
        match out.as_mut() {
            None => out = Some(t),
            Some(acc) => {
                acc.vstack_mut(&t)?;
            }
        }
    }
    // Not rechunked: a chunk per file costs nothing to read by row, while
    // copying five million rows into one chunk would double the table in
    // memory for a moment (issue 10: 5 × 1M rows within 4 GiB).
    let Some(mut df) = out else {
        return TableBuilder::new().finish();
    };
    let height = df.height();
    for (name, dtype) in empty {
        df.with_column(Column::full_null(name, height, &dtype))?;
    }
    df.select(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field table, the record and the table's schema agree: every
    /// column of `canonical_columns` is made, in order, with its type.
    #[test]
    fn the_table_is_laid_out_by_the_field_table() {
        let mut t = TableBuilder::new();
        let mut r = RowRecord::new(2);
        r.set_text(Field::DocId, Some("D-1".into()));
        t.push("f.xlsx", "s", r);
        let df = t.finish().unwrap();
        let want = canonical_columns();
        assert_eq!(df.width(), want.len());
        for (column, (name, t)) in df.columns().iter().zip(&want) {
            assert_eq!(column.name().as_str(), name);
            let dtype = match t {
                ColumnType::Text => DataType::String,
                ColumnType::Code(set) => codes::dtype(*set).unwrap(),
                ColumnType::Date => DataType::Date,
                ColumnType::Int64 => DataType::Int64,
                ColumnType::Int32 => DataType::Int32,
                ColumnType::UInt32 => DataType::UInt32,
                ColumnType::Bool => DataType::Boolean,
            };
            assert_eq!(column.dtype(), &dtype, "{name}");
        }
        // Each kind fills as many columns as it declares.
        for spec in FIELDS {
            let columns = spec.kind.columns(spec.key);
            let mut builders: Vec<Builder> = columns
                .iter()
                .map(|(n, t)| Builder::new(n, *t, 1))
                .collect();
            let filled = FieldValue::empty(spec.kind).append(&mut builders);
            assert_eq!(filled, columns.len(), "{:?}", spec.field);
        }
    }

    /// A column empty in every register is one null repeated, in the
    /// stacked table too, and reads as nulls; a column empty in one
    /// register only is stacked as usual; every row and the column order
    /// survive.
    #[test]
    fn a_column_empty_in_every_register_takes_no_room_and_reads_as_nulls() {
        let table = |file: &str, ids: &[&str], notes: Option<&str>| {
            let mut t = TableBuilder::new();
            for (k, id) in ids.iter().enumerate() {
                let mut r = RowRecord::new(k as u32 + 2);
                r.set_text(Field::DocId, Some(id.to_string()));
                r.set_text(Field::Notes, notes.map(str::to_string));
                t.push(file, "s", r);
            }
            t.finish().unwrap()
        };
        let one = table("a.xlsx", &["D-1", "D-2"], None);
        let names: Vec<String> = one
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert!(matches!(one.column("notes").unwrap(), Column::Scalar(_)));
        assert!(matches!(one.column("doc_id").unwrap(), Column::Series(_)));
        let two = table("b.xlsx", &["D-3"], Some("x"));
        let three = table("c.xlsx", &["D-4", "D-5", "D-6"], None);
        let stacked = concat_tables(vec![one, two, three]).unwrap();
        assert_eq!(stacked.height(), 6);
        let stacked_names: Vec<String> = stacked
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(stacked_names, names);
        let ids: Vec<Option<&str>> = stacked
            .column("doc_id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(ids, ["D-1", "D-2", "D-3", "D-4", "D-5", "D-6"].map(Some));
        let notes: Vec<Option<&str>> = stacked
            .column("notes")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(notes, [None, None, Some("x"), None, None, None]);
        let title = stacked.column("title").unwrap();
        assert!(
            matches!(title, Column::Scalar(_)),
            "empty in every register"
        );
        assert_eq!((title.len(), title.null_count()), (6, 6));
        assert_eq!(title.dtype(), &DataType::String);
    }
}
