//! Columns the rules need that a register does not hold: the retention
//! resolved through the schedule and its expiry, the effective
//! classification after declassification, where a return goes.
//!
//! Date arithmetic follows SPEC §3 exactly. Retention counts from the year
//! after the document's year: a document of year Y kept N years expires on
//! 31 December of Y+N. Confidentiality runs from doc_date (else
//! received_date) to the same day N years (or months) later; from that day
//! the document is unclassified. 长期 never expires; without any date a
//! document stays classified.

use chrono::{Datelike, Months, NaiveDate};
use polars::prelude::*;

use crate::codes::{self, Codes};
use crate::config::Lang;
use crate::domain::{ActionTaken, DatePrecision, Level, Retention, epoch_days, from_epoch_days};
use crate::fields::CodeSet;
use crate::policy::PlanPolicy;
use crate::text::normalize_cow;

/// The destination of a return when neither a return-to unit nor an issuer
/// other than the office is known.
pub const UNKNOWN_DESTINATION: &str = "unknown";

/// Where a resolved retention came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionSource {
    /// The register's 保管期限 column.
    Register,
    /// The schedule, by category and action taken.
    ScheduleByAction,
    /// The schedule, by category.
    Schedule,
}

impl RetentionSource {
    /// How a reason names it.
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RetentionSource::Register, Lang::Zh) => "登记簿",
            (RetentionSource::Register, Lang::En) => "register",
            (RetentionSource::ScheduleByAction, Lang::Zh) => "保管期限表，按办理情况",
            (RetentionSource::ScheduleByAction, Lang::En) => "retention schedule, by action taken",
            (RetentionSource::Schedule, Lang::Zh) => "保管期限表",
            (RetentionSource::Schedule, Lang::En) => "retention schedule",
        }
    }
}

/// The retention, resolved through the schedule where the row has none:
/// by category and action taken, else by category.
pub fn resolve_retention(
    row: Option<Retention>,
    category: Option<&str>,
    action: Option<ActionTaken>,
    policy: &PlanPolicy,
) -> Option<(Retention, RetentionSource)> {
    if let Some(r) = row {
        return Some((r, RetentionSource::Register));
    }
    let category = normalize_cow(category?);
    if let Some(a) = action
        && let Some(r) = policy.schedule_by_action.get(&(category.to_string(), a))
    {
        return Some((*r, RetentionSource::ScheduleByAction));
    }
    policy
        .schedule
        .get(category.as_ref())
        .map(|r| (*r, RetentionSource::Schedule))
}

/// Whether the office issued a document: `Some(false)` when its category
/// says it came from outside or its issuer is another body, `Some(true)`
/// when the issuer is one of the office's own names, `None` when nothing
/// says.
pub fn issued_by_office(
    issuer: Option<&str>,
    category: Option<&str>,
    policy: &PlanPolicy,
) -> Option<bool> {
    if category.is_some_and(|c| {
        policy
            .outside_categories
            .iter()
            .any(|o| *o == normalize_cow(c))
    }) {
        return Some(false);
    }
    let issuer = normalize_cow(issuer?);
    if issuer.is_empty() {
        return None;
    }
    Some(policy.own_names.iter().any(|o| *o == issuer))
}

/// When a retention expires, for a document of `date`: 31 December of the
/// document's year plus the years kept. `None` for permanent and
/// not-archived retention.
///
/// ```
/// use chrono::NaiveDate;
/// use clearance::domain::Retention;
/// use clearance::plan::derive::retention_expiry;
/// let d = NaiveDate::from_ymd_opt(2014, 6, 1).unwrap();
/// assert_eq!(retention_expiry(Retention::Years(10), d), NaiveDate::from_ymd_opt(2024, 12, 31));
/// ```
pub fn retention_expiry(retention: Retention, date: NaiveDate) -> Option<NaiveDate> {
    match retention {
        Retention::Years(n) => NaiveDate::from_ymd_opt(date.year().checked_add(n as i32)?, 12, 31),
        Retention::Permanent | Retention::NotArchived => None,
    }
}

/// Whether a retention has expired at `as_of`: `None` when it cannot be
/// known (N years without a date, or no retention at all).
pub fn retention_expired(
    retention: Option<Retention>,
    date: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Option<bool> {
    match retention? {
        Retention::Permanent => Some(false),
        Retention::NotArchived => Some(true),
        r @ Retention::Years(_) => retention_expiry(r, date?).map(|e| as_of >= e),
    }
}

/// When a classified document is declassified: the marked date, else its
/// date plus the marked period, else plus the level's maximum. `None` when
/// it never is (长期, unclassified levels, or no date to count from).
pub fn declassification_date(
    level: Level,
    months: Option<i32>,
    long: bool,
    until: Option<NaiveDate>,
    date: Option<NaiveDate>,
    policy: &PlanPolicy,
) -> Option<NaiveDate> {
    if !level.is_classified() || long {
        return None;
    }
    if until.is_some() {
        return until;
    }
    let months = match months {
        Some(m) => u32::try_from(m).ok()?,
        None => policy.secrecy_max_years.get(&level)?.checked_mul(12)?,
    };
    date?.checked_add_months(Months::new(months))
}

/// How a resolved retention is written in `retention_resolved_text`.
fn retention_text(r: Retention, lang: Lang) -> String {
    match (r, lang) {
        (Retention::Permanent, Lang::Zh) => "永久".into(),
        (Retention::Permanent, Lang::En) => "permanent".into(),
        (Retention::NotArchived, Lang::Zh) => "不归档".into(),
        (Retention::NotArchived, Lang::En) => "not archived".into(),
        (Retention::Years(n), Lang::Zh) => format!("{n}年"),
        (Retention::Years(n), Lang::En) => format!("{n} years"),
    }
}

/// A text column of the table.
fn str_col<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<&'a StringChunked> {
    df.column(name)?.str()
}

/// A date column of the table, as epoch days.
fn date_col(df: &DataFrame, name: &str) -> PolarsResult<Int32Chunked> {
    Ok(df.column(name)?.cast(&DataType::Int32)?.i32()?.clone())
}

/// The register columns the derived columns are computed from.
struct Inputs<'a> {
    kind: Codes,
    years: &'a Int32Chunked,
    category: &'a StringChunked,
    level: Codes,
    months: &'a Int32Chunked,
    long: &'a BooleanChunked,
    until: Int32Chunked,
    doc_date: Int32Chunked,
    received: Int32Chunked,
    out_date: Int32Chunked,
    return_to: &'a StringChunked,
    issuer: &'a StringChunked,
    action: Codes,
    doc_precision: Codes,
    received_precision: Codes,
}

impl<'a> Inputs<'a> {
    /// Takes the input columns from the canonical table.
    fn read(df: &'a DataFrame) -> PolarsResult<Self> {
        Ok(Inputs {
            kind: Codes::of(df, "retention_kind")?,
            years: df.column("retention_years")?.i32()?,
            category: str_col(df, "category")?,
            level: Codes::of(df, "classification_level")?,
            months: df.column("secrecy_months")?.i32()?,
            long: df.column("secrecy_long")?.bool()?,
            until: date_col(df, "declassify_on")?,
            doc_date: date_col(df, "doc_date")?,
            received: date_col(df, "received_date")?,
            out_date: date_col(df, "out_date")?,
            return_to: str_col(df, "return_to")?,
            issuer: str_col(df, "issuer")?,
            action: Codes::of(df, "action_code")?,
            doc_precision: Codes::of(df, "doc_date_precision")?,
            received_precision: Codes::of(df, "received_date_precision")?,
        })
    }

    /// The retention row `i` gives in its own columns.
    fn row_retention(&self, i: usize) -> Option<Retention> {
        match (self.kind.get(i), self.years.get(i)) {
            (Some("PERMANENT"), _) => Some(Retention::Permanent),
            (Some("NOT_ARCHIVED"), _) => Some(Retention::NotArchived),
            (Some("YEARS"), Some(y)) => Some(Retention::Years(y as u32)),
            _ => None,
        }
    }

    /// The action taken on row `i`, from its code.
    fn action(&self, i: usize) -> Option<ActionTaken> {
        self.action
            .get(i)
            .and_then(|a| ActionTaken::ALL.into_iter().find(|x| x.code() == a))
    }

    /// Row `i`'s retention, resolved through the schedule where it has none.
    fn retention(&self, i: usize, policy: &PlanPolicy) -> Option<(Retention, RetentionSource)> {
        resolve_retention(
            self.row_retention(i),
            self.category.get(i),
            self.action(i),
            policy,
        )
    }

    /// The date row `i`'s retention counts from: doc_date, else
    /// received_date.
    fn date(&self, i: usize) -> Option<NaiveDate> {
        self.doc_date
            .get(i)
            .or(self.received.get(i))
            .map(from_epoch_days)
    }

    /// The day row `i`'s confidentiality period counts from: the last day
    /// of a partial date, never earlier than it could (SPEC §2).
    fn secrecy_start(&self, i: usize) -> Option<NaiveDate> {
        match (self.doc_date.get(i), self.received.get(i)) {
            (Some(d), _) => Some(
                DatePrecision::from_code(self.doc_precision.get(i)).last_day(from_epoch_days(d)),
            ),
            (None, Some(d)) => Some(
                DatePrecision::from_code(self.received_precision.get(i))
                    .last_day(from_epoch_days(d)),
            ),
            (None, None) => None,
        }
    }

    /// Where a return of row `i` goes: the return-to unit, else the issuer —
    /// never the office itself.
    fn destination(&self, i: usize, policy: &PlanPolicy) -> &'a str {
        let own = |u: &&str| policy.own_names.iter().any(|o| *o == normalize_cow(u));
        self.return_to
            .get(i)
            .filter(|u| !own(u))
            .or(self.issuer.get(i).filter(|u| !own(u)))
            .unwrap_or(UNKNOWN_DESTINATION)
    }
}

/// The retention columns: the retention resolved (code and text), where it
/// came from, when it expires and whether it has.
struct RetentionColumns {
    resolved: Vec<Option<&'static str>>,
    text: Vec<Option<String>>,
    source: Vec<Option<&'static str>>,
    expires: Vec<Option<i32>>,
    expired: Vec<Option<bool>>,
}

impl RetentionColumns {
    /// Empty columns for `n` rows.
    fn with_capacity(n: usize) -> Self {
        RetentionColumns {
            resolved: Vec::with_capacity(n),
            text: Vec::with_capacity(n),
            source: Vec::with_capacity(n),
            expires: Vec::with_capacity(n),
            expired: Vec::with_capacity(n),
        }
    }

    /// Adds one row: its resolved retention and the date it counts from.
    fn push(
        &mut self,
        resolved: Option<(Retention, RetentionSource)>,
        date: Option<NaiveDate>,
        as_of: NaiveDate,
        lang: Lang,
    ) {
        let retention = resolved.map(|r| r.0);
        self.resolved.push(retention.map(Retention::kind_code));
        self.text.push(retention.map(|r| retention_text(r, lang)));
        self.source.push(resolved.map(|r| r.1.text(lang)));
        self.expires.push(
            retention
                .zip(date)
                .and_then(|(r, d)| retention_expiry(r, d))
                .map(epoch_days),
        );
        self.expired.push(retention_expired(retention, date, as_of));
    }

    /// The finished columns, in table order.
    fn into_columns(self) -> PolarsResult<[Column; 5]> {
        Ok([
            codes::column("retention_resolved", CodeSet::RetentionKind, self.resolved)?,
            StringChunked::from_iter_options(
                "retention_resolved_text".into(),
                self.text.into_iter(),
            )
            .into_column(),
            StringChunked::from_iter_options("retention_source".into(), self.source.into_iter())
                .into_column(),
            date_column("retention_expires_on", self.expires)?,
            BooleanChunked::from_iter_options("retention_expired".into(), self.expired.into_iter())
                .into_column(),
        ])
    }
}

/// The classification columns: the effective level after
/// declassification, the declassification date, and whether a classified
/// row has no date to count from.
struct ClassificationColumns {
    effective: Vec<Option<&'static str>>,
    declassified: Vec<Option<i32>>,
    no_date: Vec<bool>,
}

impl ClassificationColumns {
    /// Empty columns for `n` rows.
    fn with_capacity(n: usize) -> Self {
        ClassificationColumns {
            effective: Vec::with_capacity(n),
            declassified: Vec::with_capacity(n),
            no_date: Vec::with_capacity(n),
        }
    }

    /// Adds row `i`; `date` is the date its retention counts from.
    fn push(
        &mut self,
        inputs: &Inputs<'_>,
        i: usize,
        date: Option<NaiveDate>,
        policy: &PlanPolicy,
        as_of: NaiveDate,
    ) {
        let long = inputs.long.get(i).unwrap_or(false);
        let until = inputs.until.get(i);
        let lvl = inputs.level.get(i).and_then(Level::from_code);
        let declass = lvl.and_then(|l| {
            declassification_date(
                l,
                inputs.months.get(i),
                long,
                until.map(from_epoch_days),
                inputs.secrecy_start(i),
                policy,
            )
        });
        let eff = match (lvl, declass) {
            (Some(_), Some(d)) if as_of >= d => Some(Level::Unclassified),
            (l, _) => l,
        };
        self.effective.push(eff.map(Level::code));
        self.declassified.push(declass.map(epoch_days));
        let classified = lvl.is_some_and(Level::is_classified);
        self.no_date
            .push(classified && date.is_none() && until.is_none() && !long);
    }

    /// The finished columns, in table order.
    fn into_columns(self) -> PolarsResult<[Column; 3]> {
        Ok([
            codes::column("effective_classification", CodeSet::Level, self.effective)?,
            date_column("declassified_on", self.declassified)?,
            BooleanChunked::from_iter_values("classified_no_date".into(), self.no_date.into_iter())
                .into_column(),
        ])
    }
}

/// Every derived column, built row by row.
struct Derived<'a> {
    retention: RetentionColumns,
    classification: ClassificationColumns,
    days_out: Vec<Option<i64>>,
    destination: Vec<&'a str>,
    issued_here: Vec<Option<bool>>,
}

impl<'a> Derived<'a> {
    /// Empty columns for `n` rows.
    fn with_capacity(n: usize) -> Self {
        Derived {
            retention: RetentionColumns::with_capacity(n),
            classification: ClassificationColumns::with_capacity(n),
            days_out: Vec::with_capacity(n),
            destination: Vec::with_capacity(n),
            issued_here: Vec::with_capacity(n),
        }
    }

    /// Derives rows `rows`.
    fn of_rows(
        inputs: &Inputs<'a>,
        rows: std::ops::Range<usize>,
        policy: &PlanPolicy,
        as_of: NaiveDate,
        lang: Lang,
    ) -> Self {
        let mut derived = Derived::with_capacity(rows.len());
        for i in rows {
            derived.push(inputs, i, policy, as_of, lang);
        }
        derived
    }

    /// Derives row `i`.
    fn push(
        &mut self,
        inputs: &Inputs<'a>,
        i: usize,
        policy: &PlanPolicy,
        as_of: NaiveDate,
        lang: Lang,
    ) {
        let date = inputs.date(i);
        self.retention
            .push(inputs.retention(i, policy), date, as_of, lang);
        self.classification.push(inputs, i, date, policy, as_of);
        self.days_out.push(
            inputs
                .out_date
                .get(i)
                .map(|d| i64::from(epoch_days(as_of) - d)),
        );
        self.destination.push(inputs.destination(i, policy));
        self.issued_here.push(issued_by_office(
            inputs.issuer.get(i),
            inputs.category.get(i),
            policy,
        ));
    }

    /// The finished columns, in table order, but for `has_decision_error`
    /// (made from the review reasons, see [`derive`]).
    fn into_columns(self) -> PolarsResult<Vec<Column>> {
        let mut columns = Vec::with_capacity(11);
        columns.extend(self.retention.into_columns()?);
        columns.extend(self.classification.into_columns()?);
        columns.push(
            Int64Chunked::from_iter_options("days_out".into(), self.days_out.into_iter())
                .into_column(),
        );
        columns.push(
            StringChunked::from_iter_values("destination".into(), self.destination.into_iter())
                .into_column(),
        );
        columns.push(
            BooleanChunked::from_iter_options(
                "issued_by_office".into(),
                self.issued_here.into_iter(),
            )
            .into_column(),
        );
        Ok(columns)
    }
}

/// A date column from epoch days.
fn date_column(name: &str, days: Vec<Option<i32>>) -> PolarsResult<Column> {
    Ok(
        Int32Chunked::from_iter_options(name.into(), days.into_iter())
            .into_series()
            .cast(&DataType::Date)?
            .into(),
    )
}

/// Adds the derived columns to the canonical table.
pub fn derive(
    df: &mut DataFrame,
    policy: &PlanPolicy,
    as_of: NaiveDate,
    lang: Lang,
) -> PolarsResult<()> {
    let mut columns = {
        let inputs = Inputs::read(df)?;
        // Each row is derived from its own values only: each half of the
        // rows made into columns on its own core.
        crate::cores::columns_on_two_cores(df.height(), |rows| {
            Derived::of_rows(&inputs, rows, policy, as_of, lang).into_columns()
        })?
    };
    // Whether the register's values stopped a rule deciding: between
    // destination and issued_by_office.
    let review = df.column("review_reasons")?.is_not_null();
    let after_destination = columns
        .iter()
        .position(|c| c.name() == "destination")
        .ok_or_else(|| polars_err!(ColumnNotFound: "destination"))?
        + 1;
    columns.insert(
        after_destination,
        review.with_name("has_decision_error".into()).into_column(),
    );
    for c in columns {
        df.with_column(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn retention_expiry_boundaries() {
        let doc = Some(d(2014, 6, 1));
        let ten = Some(Retention::Years(10));
        let cases = [
            (ten, doc, d(2024, 12, 30), Some(false)),
            (ten, doc, d(2024, 12, 31), Some(true)),
            (ten, doc, d(2025, 1, 1), Some(true)),
            (Some(Retention::Permanent), doc, d(2999, 1, 1), Some(false)),
            (
                Some(Retention::NotArchived),
                None,
                d(2024, 1, 1),
                Some(true),
            ),
            (ten, None, d(2024, 12, 31), None),
            (None, doc, d(2024, 12, 31), None),
        ];
        for (r, date, as_of, want) in cases {
            assert_eq!(
                retention_expired(r, date, as_of),
                want,
                "{r:?} {date:?} {as_of}"
            );
        }
    }

    /// `Some` date: a document date, a marked date or the date expected.
    fn on(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        Some(d(y, m, day))
    }

    /// A level, its period in months, 长期, a marked date to declassify, the
    /// document date, and the date it is declassified.
    type Declass = (
        Level,
        Option<i32>,
        bool,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );

    /// Checks the date each case is declassified under the default policy.
    fn assert_declassified(cases: &[Declass]) {
        let policy = Policy::default_policy().unwrap().plan;
        for &(level, months, long, until, date, want) in cases {
            assert_eq!(
                declassification_date(level, months, long, until, date, &policy),
                want,
                "{level:?} {months:?} {long} {until:?} {date:?}"
            );
        }
    }

    /// A marked period ends on its anniversary (29 February plus a year falls
    /// on 28 February); a marked date wins over the period.
    #[test]
    fn declassified_at_the_marked_period_or_date() {
        use Level::{Confidential, Secret};
        let (doc, until) = (on(2014, 3, 5), on(2030, 1, 1));
        assert_declassified(&[
            // Marked 10 years: declassified on the tenth anniversary.
            (Confidential, Some(120), false, None, doc, on(2024, 3, 5)),
            (Secret, Some(66), false, None, doc, on(2019, 9, 5)),
            // A marked date wins.
            (Secret, Some(120), false, until, doc, until),
            // 29 February plus a year falls on 28 February.
            (
                Confidential,
                Some(12),
                false,
                None,
                on(2020, 2, 29),
                on(2021, 2, 28),
            ),
        ]);
    }

    /// No period: the level's maximum (秘密 10, 机密 20, 绝密 30 years).
    #[test]
    fn declassified_at_the_level_maximum_without_a_period() {
        use Level::{Confidential, Secret, TopSecret};
        let doc = on(2014, 3, 5);
        assert_declassified(&[
            (Confidential, None, false, None, doc, on(2024, 3, 5)),
            (Secret, None, false, None, doc, on(2034, 3, 5)),
            (TopSecret, None, false, None, doc, on(2044, 3, 5)),
        ]);
    }

    /// Never declassified: 长期, no document date, or not classified.
    #[test]
    fn long_undated_and_internal_are_never_declassified() {
        use Level::{Internal, Secret, TopSecret};
        let doc = on(2014, 3, 5);
        assert_declassified(&[
            (TopSecret, None, true, None, doc, None),
            (Secret, Some(120), false, None, None, None),
            (Internal, None, false, None, doc, None),
        ]);
    }
}
