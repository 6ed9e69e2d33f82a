//! The canonical table: one row per data row of every register.
//!
//! Rows are appended field by field into polars column builders (contiguous
//! Arrow buffers, not a `Vec<String>` per cell), so a million-row register
//! costs little more than its text. Every later stage — the plan, the
//! outputs — starts from the [`DataFrame`] this module finishes.
//!
//! Columns, in order: `source_file`, `source_sheet`, `source_row`,
//! `reject_reason`, the canonical fields (coded ones as the raw text plus
//! their codes: `classification` + `classification_level`, `secrecy_months`,
//! `secrecy_long`, `declassify_on`; `medium` + `medium_class`; `retention` +
//! `retention_kind`, `retention_years`; `status` + `status_code`),
//! `review_reasons`, `anomalies`, then every kept column, as text.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::domain::{
    ActionTaken, DatePrecision, Level, MediumClass, Period, Retention, Status, epoch_days,
};

/// One data row, read and typed, ready to append.
#[derive(Debug, Clone, Default)]
pub struct RowRecord {
    /// 1-based row number in the sheet (line number in a CSV).
    pub source_row: u32,
    /// Why the row cannot be planned, if it cannot.
    pub reject_reason: Option<String>,
    /// Plain text fields, by name.
    pub doc_id: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Holding department.
    pub department: Option<String>,
    /// Holder.
    pub holder: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Classification as written.
    pub classification: Option<String>,
    /// Level read from it (blank → the policy's blank level).
    pub level: Option<Level>,
    /// Period read from the marking, else the secrecy_period column.
    pub period: Option<Period>,
    /// Period read from the secrecy_period column.
    pub column_period: Option<Period>,
    /// secrecy_period as written.
    pub secrecy_period: Option<String>,
    /// Medium as written.
    pub medium: Option<String>,
    /// Its DIN 66399 class.
    pub medium_class: Option<MediumClass>,
    /// Copies registered.
    pub copies: Option<i64>,
    /// Copies on hand.
    pub copies_on_hand: Option<i64>,
    /// Pages.
    pub pages: Option<i64>,
    /// Document date (the first day of a partial one).
    pub doc_date: Option<NaiveDate>,
    /// How much of it was written.
    pub doc_date_precision: DatePrecision,
    /// Received date.
    pub received_date: Option<NaiveDate>,
    /// How much of it was written.
    pub received_date_precision: DatePrecision,
    /// Retention as written.
    pub retention: Option<String>,
    /// Retention read.
    pub retention_value: Option<Retention>,
    /// Has lasting value.
    pub preservation_value: Option<bool>,
    /// Must be returned.
    pub return_required: Option<bool>,
    /// Return destination.
    pub return_to: Option<String>,
    /// Status as written.
    pub status: Option<String>,
    /// Status read.
    pub status_code: Option<Status>,
    /// Date lent or sent round.
    pub out_date: Option<NaiveDate>,
    /// How much of it was written.
    pub out_date_precision: DatePrecision,
    /// Hold.
    pub hold: Option<bool>,
    /// Remarks.
    pub notes: Option<String>,
    /// Action taken, as written.
    pub action: Option<String>,
    /// Action taken, read.
    pub action_code: Option<ActionTaken>,
    /// Decision-field problems, one sentence each.
    pub review_reasons: Vec<String>,
    /// Anomaly codes found while reading (DATE_PARTIAL, INVALID_VALUE).
    pub anomalies: Vec<&'static str>,
    /// Kept columns: (name, text).
    pub kept: Vec<(String, String)>,
}

macro_rules! builders {
    ($( $name:ident : $builder:ty ),* $(,)?) => {
        struct Builders { $( $name: $builder, )* }
        impl Builders {
            fn new(capacity: usize) -> Self {
                Builders { $( $name: <$builder>::new(stringify!($name).into(), capacity), )* }
            }
        }
    };
}

type Str = StringChunkedBuilder;
type I64 = PrimitiveChunkedBuilder<Int64Type>;
type I32 = PrimitiveChunkedBuilder<Int32Type>;
type U32 = PrimitiveChunkedBuilder<UInt32Type>;
type Bool = BooleanChunkedBuilder;

builders! {
    source_file: Str, source_sheet: Str, source_row: U32, reject_reason: Str,
    doc_id: Str, title: Str, issuer: Str, department: Str, holder: Str, category: Str,
    classification: Str, classification_level: Str, secrecy_months: I32, secrecy_long: Bool,
    declassify_on: I32, secrecy_period: Str,
    medium: Str, medium_class: Str,
    copies: I64, copies_on_hand: I64, pages: I64,
    doc_date: I32, doc_date_precision: Str, received_date: I32, received_date_precision: Str,
    retention: Str, retention_kind: Str, retention_years: I32,
    preservation_value: Bool, return_required: Bool, return_to: Str,
    status: Str, status_code: Str, out_date: I32, out_date_precision: Str, hold: Bool, notes: Str,
    action: Str, action_code: Str,
    review_reasons: Str, anomalies: Str,
}

/// Appends rows to the canonical table.
pub struct TableBuilder {
    b: Builders,
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
        TableBuilder {
            b: Builders::new(1024),
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
        let b = &mut self.b;
        b.source_file.append_value(file);
        b.source_sheet.append_value(sheet);
        b.source_row.append_value(row.source_row);
        b.reject_reason.append_option(row.reject_reason);
        b.doc_id.append_option(row.doc_id);
        b.title.append_option(row.title);
        b.issuer.append_option(row.issuer);
        b.department.append_option(row.department);
        b.holder.append_option(row.holder);
        b.category.append_option(row.category);
        b.classification.append_option(row.classification);
        b.classification_level
            .append_option(row.level.map(Level::code));
        b.secrecy_months.append_option(match row.period {
            Some(Period::Months(m)) => Some(m as i32),
            _ => None,
        });
        b.secrecy_long
            .append_value(matches!(row.period, Some(Period::Long)));
        b.declassify_on.append_option(match row.period {
            Some(Period::Until(d)) => Some(epoch_days(d)),
            _ => None,
        });
        b.secrecy_period.append_option(row.secrecy_period);
        b.medium.append_option(row.medium);
        b.medium_class
            .append_option(row.medium_class.map(MediumClass::code));
        b.copies.append_option(row.copies);
        b.copies_on_hand.append_option(row.copies_on_hand);
        b.pages.append_option(row.pages);
        b.doc_date.append_option(row.doc_date.map(epoch_days));
        b.doc_date_precision
            .append_option(row.doc_date_precision.code());
        b.received_date
            .append_option(row.received_date.map(epoch_days));
        b.received_date_precision
            .append_option(row.received_date_precision.code());
        b.retention.append_option(row.retention);
        b.retention_kind
            .append_option(row.retention_value.map(Retention::kind_code));
        b.retention_years.append_option(match row.retention_value {
            Some(Retention::Years(y)) => Some(y as i32),
            _ => None,
        });
        b.preservation_value.append_option(row.preservation_value);
        b.return_required.append_option(row.return_required);
        b.return_to.append_option(row.return_to);
        b.status.append_option(row.status);
        b.status_code
            .append_option(row.status_code.map(Status::code));
        b.out_date.append_option(row.out_date.map(epoch_days));
        b.out_date_precision
            .append_option(row.out_date_precision.code());
        b.hold.append_option(row.hold);
        b.notes.append_option(row.notes);
        b.action.append_option(row.action);
        b.action_code
            .append_option(row.action_code.map(ActionTaken::code));
        if row.review_reasons.is_empty() {
            b.review_reasons.append_null();
        } else {
            b.review_reasons.append_value(row.review_reasons.join("; "));
        }
        if row.anomalies.is_empty() {
            b.anomalies.append_null();
        } else {
            let mut codes = row.anomalies;
            codes.sort_unstable();
            codes.dedup();
            b.anomalies.append_value(codes.join(";"));
        }
        for (name, value) in row.kept {
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
        let b = self.b;
        let date = |builder: I32| -> PolarsResult<Column> {
            Ok(builder.finish().into_series().cast(&DataType::Date)?.into())
        };
        let mut columns: Vec<Column> = vec![
            b.source_file.finish().into_column(),
            b.source_sheet.finish().into_column(),
            b.source_row.finish().into_column(),
            b.reject_reason.finish().into_column(),
            b.doc_id.finish().into_column(),
            b.title.finish().into_column(),
            b.issuer.finish().into_column(),
            b.department.finish().into_column(),
            b.holder.finish().into_column(),
            b.category.finish().into_column(),
            b.classification.finish().into_column(),
            b.classification_level.finish().into_column(),
            b.secrecy_months.finish().into_column(),
            b.secrecy_long.finish().into_column(),
            date(b.declassify_on)?,
            b.secrecy_period.finish().into_column(),
            b.medium.finish().into_column(),
            b.medium_class.finish().into_column(),
            b.copies.finish().into_column(),
            b.copies_on_hand.finish().into_column(),
            b.pages.finish().into_column(),
            date(b.doc_date)?,
            b.doc_date_precision.finish().into_column(),
            date(b.received_date)?,
            b.received_date_precision.finish().into_column(),
            b.retention.finish().into_column(),
            b.retention_kind.finish().into_column(),
            b.retention_years.finish().into_column(),
            b.preservation_value.finish().into_column(),
            b.return_required.finish().into_column(),
            b.return_to.finish().into_column(),
            b.status.finish().into_column(),
            b.status_code.finish().into_column(),
            date(b.out_date)?,
            b.out_date_precision.finish().into_column(),
            b.hold.finish().into_column(),
            b.notes.finish().into_column(),
            b.action.finish().into_column(),
            b.action_code.finish().into_column(),
            b.review_reasons.finish().into_column(),
            b.anomalies.finish().into_column(),
        ];
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

/// Stacks per-file tables into one, in order, adding every kept column that
/// some file lacks as an all-null text column.
pub fn concat_tables(tables: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let mut names: Vec<PlSmallStr> = Vec::new();
    for t in &tables {
        for name in t.get_column_names() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    let mut out: Option<DataFrame> = None;
    for mut t in tables {
        let height = t.height();
        for name in &names {
            if t.column(name).is_err() {
                t.with_column(Column::full_null(name.clone(), height, &DataType::String))?;
            }
        }
        let t = t.select(names.iter().cloned())?;
        match out.as_mut() {
            None => out = Some(t),
            Some(acc) => {
                acc.vstack_mut(&t)?;
            }
        }
    }
    let mut out = match out {
        Some(df) => df,
        None => TableBuilder::new().finish()?,
    };
    out.rechunk_mut();
    Ok(out)
}
