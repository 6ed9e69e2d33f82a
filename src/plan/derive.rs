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

use crate::config::Lang;
use crate::domain::{ActionTaken, DatePrecision, Level, Retention, epoch_days, from_epoch_days};
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
    if !matches!(
        level,
        Level::TopSecret | Level::Secret | Level::Confidential
    ) || long
    {
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

fn str_col<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<&'a StringChunked> {
    df.column(name)?.str()
}

fn date_col(df: &DataFrame, name: &str) -> PolarsResult<Int32Chunked> {
    Ok(df.column(name)?.cast(&DataType::Int32)?.i32()?.clone())
}

/// Adds the derived columns to the canonical table.
pub fn derive(
    df: &mut DataFrame,
    policy: &PlanPolicy,
    as_of: NaiveDate,
    lang: Lang,
) -> PolarsResult<()> {
    let n = df.height();
    let kind = str_col(df, "retention_kind")?;
    let years = df.column("retention_years")?.i32()?;
    let category = str_col(df, "category")?;
    let level = str_col(df, "classification_level")?;
    let months = df.column("secrecy_months")?.i32()?;
    let long = df.column("secrecy_long")?.bool()?;
    let until = date_col(df, "declassify_on")?;
    let doc_date = date_col(df, "doc_date")?;
    let received = date_col(df, "received_date")?;
    let out_date = date_col(df, "out_date")?;
    let return_to = str_col(df, "return_to")?;
    let issuer = str_col(df, "issuer")?;
    let action = str_col(df, "action_code")?;
    let doc_precision = str_col(df, "doc_date_precision")?;
    let received_precision = str_col(df, "received_date_precision")?;

    let mut resolved = Vec::with_capacity(n);
    let mut resolved_text = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut expires = Vec::with_capacity(n);
    let mut expired = Vec::with_capacity(n);
    let mut effective = Vec::with_capacity(n);
    let mut declassified = Vec::with_capacity(n);
    let mut no_date = Vec::with_capacity(n);
    let mut days_out = Vec::with_capacity(n);
    let mut destination = Vec::with_capacity(n);
    let mut issued_here = Vec::with_capacity(n);
    for i in 0..n {
        let row_retention = match (kind.get(i), years.get(i)) {
            (Some("PERMANENT"), _) => Some(Retention::Permanent),
            (Some("NOT_ARCHIVED"), _) => Some(Retention::NotArchived),
            (Some("YEARS"), Some(y)) => Some(Retention::Years(y as u32)),
            _ => None,
        };
        let action = action
            .get(i)
            .and_then(|a| ActionTaken::ALL.into_iter().find(|x| x.code() == a));
        let resolved_retention = resolve_retention(row_retention, category.get(i), action, policy);
        let retention = resolved_retention.map(|r| r.0);
        let date = doc_date.get(i).or(received.get(i)).map(from_epoch_days);
        // A confidentiality period counts from the last day of a partial
        // date: never earlier than it could (SPEC §2).
        let secrecy_start = match (doc_date.get(i), received.get(i)) {
            (Some(d), _) => {
                Some(DatePrecision::from_code(doc_precision.get(i)).last_day(from_epoch_days(d)))
            }
            (None, Some(d)) => Some(
                DatePrecision::from_code(received_precision.get(i)).last_day(from_epoch_days(d)),
            ),
            (None, None) => None,
        };
        resolved.push(retention.map(Retention::kind_code));
        resolved_text.push(retention.map(|r| retention_text(r, lang)));
        source.push(resolved_retention.map(|r| r.1.text(lang)));
        issued_here.push(issued_by_office(issuer.get(i), category.get(i), policy));
        expires.push(
            retention
                .zip(date)
                .and_then(|(r, d)| retention_expiry(r, d))
                .map(epoch_days),
        );
        expired.push(retention_expired(retention, date, as_of));
        let lvl = level.get(i).and_then(Level::from_code);
        let declass = lvl.and_then(|l| {
            declassification_date(
                l,
                months.get(i),
                long.get(i).unwrap_or(false),
                until.get(i).map(from_epoch_days),
                secrecy_start,
                policy,
            )
        });
        let eff = match (lvl, declass) {
            (Some(_), Some(d)) if as_of >= d => Some(Level::Unclassified),
            (l, _) => l,
        };
        effective.push(eff.map(Level::code));
        declassified.push(declass.map(epoch_days));
        let classified = matches!(
            lvl,
            Some(Level::TopSecret | Level::Secret | Level::Confidential)
        );
        no_date.push(
            classified && date.is_none() && until.get(i).is_none() && !long.get(i).unwrap_or(false),
        );
        days_out.push(out_date.get(i).map(|d| i64::from(epoch_days(as_of) - d)));
        // A return goes to the return-to unit, else the issuer — never to
        // the office itself.
        let own = |u: &&str| policy.own_names.iter().any(|o| *o == normalize_cow(u));
        destination.push(
            return_to
                .get(i)
                .filter(|u| !own(u))
                .or(issuer.get(i).filter(|u| !own(u)))
                .unwrap_or(UNKNOWN_DESTINATION)
                .to_string(),
        );
    }
    let review = df.column("review_reasons")?.is_not_null();
    let date = |name: &str, v: Vec<Option<i32>>| -> PolarsResult<Column> {
        Ok(Int32Chunked::from_iter_options(name.into(), v.into_iter())
            .into_series()
            .cast(&DataType::Date)?
            .into())
    };
    let columns = vec![
        StringChunked::from_iter_options("retention_resolved".into(), resolved.into_iter())
            .into_column(),
        StringChunked::from_iter_options(
            "retention_resolved_text".into(),
            resolved_text.into_iter(),
        )
        .into_column(),
        StringChunked::from_iter_options("retention_source".into(), source.into_iter())
            .into_column(),
        date("retention_expires_on", expires)?,
        BooleanChunked::from_iter_options("retention_expired".into(), expired.into_iter())
            .into_column(),
        StringChunked::from_iter_options("effective_classification".into(), effective.into_iter())
            .into_column(),
        date("declassified_on", declassified)?,
        BooleanChunked::from_iter_values("classified_no_date".into(), no_date.into_iter())
            .into_column(),
        Int64Chunked::from_iter_options("days_out".into(), days_out.into_iter()).into_column(),
        StringChunked::from_iter_values(
            "destination".into(),
            destination.iter().map(String::as_str),
        )
        .into_column(),
        review.with_name("has_decision_error".into()).into_column(),
        BooleanChunked::from_iter_options("issued_by_office".into(), issued_here.into_iter())
            .into_column(),
    ];
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

    #[test]
    fn declassification_boundaries() {
        let policy = Policy::default_policy().unwrap().plan;
        let doc = Some(d(2014, 3, 5));
        let cases = [
            // Marked 10 years: declassified on the tenth anniversary.
            (
                Level::Confidential,
                Some(120),
                false,
                None,
                doc,
                Some(d(2024, 3, 5)),
            ),
            (
                Level::Secret,
                Some(66),
                false,
                None,
                doc,
                Some(d(2019, 9, 5)),
            ),
            // No period: the level's maximum (秘密 10, 机密 20, 绝密 30).
            (
                Level::Confidential,
                None,
                false,
                None,
                doc,
                Some(d(2024, 3, 5)),
            ),
            (Level::Secret, None, false, None, doc, Some(d(2034, 3, 5))),
            (
                Level::TopSecret,
                None,
                false,
                None,
                doc,
                Some(d(2044, 3, 5)),
            ),
            // 长期 never; a marked date wins; no date: never.
            (Level::TopSecret, None, true, None, doc, None),
            (
                Level::Secret,
                Some(120),
                false,
                Some(d(2030, 1, 1)),
                doc,
                Some(d(2030, 1, 1)),
            ),
            (Level::Secret, Some(120), false, None, None, None),
            (Level::Internal, None, false, None, doc, None),
            // 29 February plus a year falls on 28 February.
            (
                Level::Confidential,
                Some(12),
                false,
                None,
                Some(d(2020, 2, 29)),
                Some(d(2021, 2, 28)),
            ),
        ];
        for (level, months, long, until, date, want) in cases {
            assert_eq!(
                declassification_date(level, months, long, until, date, &policy),
                want,
                "{level:?} {months:?} {long} {until:?} {date:?}"
            );
        }
    }
}
