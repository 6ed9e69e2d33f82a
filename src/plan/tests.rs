//! Table-driven tests of the whole decision: every rule, every anomaly, the
//! date boundaries and the precedence cases of the plan issue.

use chrono::NaiveDate;

use super::*;
use crate::domain::{DatePrecision, Period, Retention, Status};
use crate::fields::Field;
use crate::ingest::table::{RowRecord, TableBuilder};
use crate::policy::Policy;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A plain on-hand row with an id; `edit` changes what the case tests.
fn row(edit: impl FnOnce(&mut RowRecord)) -> RowRecord {
    let mut r = RowRecord::new(2);
    r.set_text(Field::DocId, Some("D-1".into()));
    r.set_text(Field::Title, Some("标题".into()));
    r.set_level(Some(Level::Unclassified));
    r.set_medium_class(Some(MediumClass::P));
    r.set_count(Field::Copies, Some(1));
    r.set_status(Some(Status::OnHand));
    r.set_text(Field::Issuer, Some("省保密局".into()));
    edit(&mut r);
    r
}

struct Decided {
    disposition: String,
    rule: String,
    reason: String,
    destination: String,
    anomalies: String,
    level: String,
    site: String,
    witnesses: String,
    effective: String,
}

fn decide_all(rows: Vec<RowRecord>, as_of: NaiveDate) -> Vec<Decided> {
    let mut t = TableBuilder::new();
    for (i, mut r) in rows.into_iter().enumerate() {
        r.source_row = i as u32 + 2;
        t.push("t.xlsx", "s", r);
    }
    let policy = Policy::default_policy().unwrap();
    let df = plan(
        &t.finish().unwrap(),
        &policy.plan,
        as_of,
        Lang::En,
        &Default::default(),
    )
    .unwrap();
    let s = |name: &str, i: usize| -> String {
        let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
        c.str().unwrap().get(i).unwrap_or("").to_string()
    };
    (0..df.height())
        .map(|i| Decided {
            disposition: s("disposition", i),
            rule: s("rule", i),
            reason: s("reason", i),
            destination: s("destination", i),
            anomalies: s("anomalies", i),
            level: s("destruction_level", i),
            site: s("destruction_site", i),
            witnesses: s("witnesses", i),
            effective: s("effective_classification", i),
        })
        .collect()
}

fn decide(r: RowRecord, as_of: NaiveDate) -> Decided {
    decide_all(vec![r], as_of).remove(0)
}

const AS_OF: (i32, u32, u32) = (2024, 12, 31);

fn as_of() -> NaiveDate {
    d(AS_OF.0, AS_OF.1, AS_OF.2)
}

/// Changes the plain row into what a case tests.
type Edit = fn(&mut RowRecord);

/// Decides the plain row changed by each case's edit; checks the disposition
/// and the rule (name, disposition, rule, edit), and that a reason is given.
fn assert_rules(cases: &[(&str, &str, &str, Edit)]) {
    for &(name, disposition, rule, edit) in cases {
        let got = decide(row(edit), as_of());
        assert_eq!(
            (got.disposition.as_str(), got.rule.as_str()),
            (disposition, rule),
            "{name}: {}",
            got.reason
        );
        assert!(!got.reason.is_empty(), "{name}: no reason");
    }
}

/// Precedence at the top: a hold (R1) beats a bad value, a bad value (R2)
/// beats destroyed and return, and an unidentifiable row is rejected even
/// on hold.
#[test]
fn holds_bad_values_and_rejected_rows_come_first() {
    assert_rules(&[
        ("hold column", "HOLD", "R1", |r| {
            r.set_boolean(Field::Hold, Some(true))
        }),
        ("status 冻结", "HOLD", "R1", |r| {
            r.set_status(Some(Status::Hold))
        }),
        ("hold beats a bad value", "HOLD", "R1", |r| {
            r.set_boolean(Field::Hold, Some(true));
            r.review_reasons
                .push("medium I2 \"石碑\": not a recognised medium".into());
        }),
        ("a bad value beats destroyed", "REVIEW", "R2", |r| {
            r.set_status(Some(Status::Destroyed));
            r.review_reasons
                .push("copies J2 \"两份\": not a whole number".into());
        }),
        ("a bad value beats return", "REVIEW", "R2", |r| {
            r.set_boolean(Field::ReturnRequired, Some(true));
            r.review_reasons
                .push("retention O2 \"很久\": not a recognised retention".into());
        }),
        ("an unidentifiable row", "REJECTED", "", |r| {
            r.set_text(Field::DocId, None);
            r.set_text(Field::Title, None);
            r.reject_reason = Some("neither doc_id nor title".into());
            r.set_boolean(Field::Hold, Some(true));
        }),
    ]);
}

/// R3 and R4 by status: destroyed or returned rows are done, rows on loan or
/// circulating are recalled.
#[test]
fn done_and_recall_by_status() {
    assert_rules(&[
        ("destroyed", "DONE", "R3", |r| {
            r.set_status(Some(Status::Destroyed))
        }),
        ("returned", "DONE", "R3", |r| {
            r.set_status(Some(Status::Returned))
        }),
        ("on loan", "RECALL", "R4", |r| {
            r.set_status(Some(Status::OnLoan))
        }),
        ("circulating", "RECALL", "R4", |r| {
            r.set_status(Some(Status::Circulating))
        }),
    ]);
}

/// R5: an archived row is appraised once its retention has expired (on the
/// as-of date, not the day after), reviewed without a date or a retention,
/// and never returned.
#[test]
fn archived_rows_by_retention_expiry() {
    assert_rules(&[
        (
            "archived, expired on the as-of date",
            "APPRAISE",
            "R5",
            |r| {
                r.set_status(Some(Status::Archived));
                r.set_retention(Some(Retention::Years(10)));
                r.set_date(Field::DocDate, Some(d(2014, 6, 1)), DatePrecision::Day);
            },
        ),
        ("archived, expires the day after", "DONE", "R5", |r| {
            r.set_status(Some(Status::Archived));
            r.set_retention(Some(Retention::Years(10)));
            r.set_date(Field::DocDate, Some(d(2015, 1, 1)), DatePrecision::Day);
        }),
        ("archived without a date", "REVIEW", "R5", |r| {
            r.set_status(Some(Status::Archived));
            r.set_retention(Some(Retention::Years(10)));
        }),
        ("archived without a retention", "REVIEW", "R5", |r| {
            r.set_status(Some(Status::Archived));
            r.set_date(Field::DocDate, Some(d(2000, 1, 1)), DatePrecision::Day);
        }),
        ("archived items are never returned", "DONE", "R5", |r| {
            r.set_status(Some(Status::Archived));
            r.set_boolean(Field::ReturnRequired, Some(true));
            r.set_retention(Some(Retention::Permanent));
            r.set_date(Field::DocDate, Some(d(2000, 1, 1)), DatePrecision::Day);
        }),
    ]);
}

/// R6: a row is returned when return is required, a return-to is given or
/// its category is returned; return beats keep.
#[test]
fn return_rule_and_return_beats_keep() {
    assert_rules(&[
        ("return required", "RETURN", "R6", |r| {
            r.set_boolean(Field::ReturnRequired, Some(true))
        }),
        ("return-to given", "RETURN", "R6", |r| {
            r.set_text(Field::ReturnTo, Some("市委办公室".into()))
        }),
        ("return category", "RETURN", "R6", |r| {
            r.set_text(Field::Category, Some("领导圈阅件".into()))
        }),
        ("return beats keep", "RETURN", "R6", |r| {
            r.set_boolean(Field::ReturnRequired, Some(true));
            r.set_status(Some(Status::Kept));
        }),
    ]);
}

/// R7 to R10: kept; archived or destroyed by retention, retention schedule
/// or lasting value; reviewed when nothing decides.
#[test]
fn keep_archive_destroy_and_undecided() {
    assert_rules(&[
        ("kept", "KEEP", "R7", |r| r.set_status(Some(Status::Kept))),
        ("retention 30 years", "ARCHIVE", "R8", |r| {
            r.set_retention(Some(Retention::Years(30)))
        }),
        ("retention permanent", "ARCHIVE", "R8", |r| {
            r.set_retention(Some(Retention::Permanent))
        }),
        ("schedule: 会议纪要 永久", "ARCHIVE", "R8", |r| {
            r.set_text(Field::Category, Some("会议纪要".into()))
        }),
        ("has lasting value", "ARCHIVE", "R8", |r| {
            r.set_boolean(Field::PreservationValue, Some(true))
        }),
        ("not archived", "DESTROY", "R9", |r| {
            r.set_retention(Some(Retention::NotArchived))
        }),
        ("schedule: 简报 不归档", "DESTROY", "R9", |r| {
            r.set_text(Field::Category, Some("简报".into()))
        }),
        ("no lasting value", "DESTROY", "R9", |r| {
            r.set_boolean(Field::PreservationValue, Some(false))
        }),
        ("nothing decides", "REVIEW", "R10", |_| {}),
    ]);
}

/// 绝密 from a higher authority (by issuer or category) goes back, never
/// destroyed; the office's own may be destroyed; an unknown issuer is
/// reviewed.
#[test]
fn top_secret_by_issuer() {
    assert_rules(&[
        (
            "top secret from a higher authority goes back, never destroyed",
            "RETURN",
            "R6",
            |r| {
                r.set_level(Some(Level::TopSecret));
                r.set_text(Field::Issuer, Some("中央某部".into()));
                r.set_retention(Some(Retention::NotArchived));
            },
        ),
        (
            "top secret of category 上级来文 goes back",
            "RETURN",
            "R6",
            |r| {
                r.set_level(Some(Level::TopSecret));
                r.set_text(Field::Issuer, Some("本单位".into()));
                r.set_text(Field::Category, Some("上级来文".into()));
                r.set_retention(Some(Retention::NotArchived));
            },
        ),
        (
            "top secret issued by the office may be destroyed",
            "DESTROY",
            "R9",
            |r| {
                r.set_level(Some(Level::TopSecret));
                r.set_text(Field::Issuer, Some("本单位".into()));
                r.set_retention(Some(Retention::NotArchived));
            },
        ),
        (
            "top secret of unknown issuer is reviewed",
            "REVIEW",
            "R9",
            |r| {
                r.set_level(Some(Level::TopSecret));
                r.set_text(Field::Issuer, None);
                r.set_retention(Some(Retention::NotArchived));
            },
        ),
    ]);
}

/// 上级来文 by the action taken: acted on is archived, read for information
/// is destroyed, neither retention nor action is reviewed.
#[test]
fn incoming_documents_by_action_taken() {
    assert_rules(&[
        ("上级来文 acted on is archived", "ARCHIVE", "R8", |r| {
            r.set_text(Field::Category, Some("上级来文".into()));
            r.set_action(Some(crate::domain::ActionTaken::Acted));
        }),
        (
            "上级来文 read for information is destroyed",
            "DESTROY",
            "R9",
            |r| {
                r.set_text(Field::Category, Some("上级来文".into()));
                r.set_action(Some(crate::domain::ActionTaken::ForInformation));
            },
        ),
        (
            "上级来文 with neither retention nor action is reviewed",
            "REVIEW",
            "R10",
            |r| r.set_text(Field::Category, Some("上级来文".into())),
        ),
    ]);
}

/// The safety rule: a row of unknown level or medium is never destroyed.
#[test]
fn unknown_level_or_medium_is_never_destroyed() {
    assert_rules(&[
        (
            "an unknown level is never destroyed",
            "REVIEW",
            super::SAFETY_RULE,
            |r| {
                r.set_level(None);
                r.set_retention(Some(Retention::NotArchived));
            },
        ),
        (
            "an unknown medium is never destroyed",
            "REVIEW",
            super::SAFETY_RULE,
            |r| {
                r.set_medium_class(None);
                r.set_retention(Some(Retention::NotArchived));
            },
        ),
    ]);
}

#[test]
fn reasons_name_the_deciding_value() {
    let got = decide(
        row(|r| r.set_text(Field::Status, Some("外借".into())))
            .tap(|r| r.set_status(Some(Status::OnLoan))),
        as_of(),
    );
    assert!(got.reason.contains("\"外借\""), "{}", got.reason);
    let got = decide(
        row(|r| {
            r.set_status(Some(Status::Archived));
            r.set_retention(Some(Retention::Years(10)));
            r.set_date(Field::DocDate, Some(d(2014, 6, 1)), DatePrecision::Day);
        }),
        as_of(),
    );
    assert!(
        got.reason.contains("10 years") && got.reason.contains("2024-12-31"),
        "{}",
        got.reason
    );
    let got = decide(
        row(|r| r.set_text(Field::Category, Some("简报".into()))),
        as_of(),
    );
    assert!(got.reason.contains("retention schedule"), "{}", got.reason);
}

trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&mut Self)) -> Self;
}

impl Tap for RowRecord {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

#[test]
fn return_destination() {
    let got = decide(
        row(|r| r.set_boolean(Field::ReturnRequired, Some(true))),
        as_of(),
    );
    assert_eq!(
        (got.destination.as_str(), got.anomalies.as_str()),
        ("省保密局", "")
    );
    let got = decide(
        row(|r| {
            r.set_boolean(Field::ReturnRequired, Some(true));
            r.set_text(Field::ReturnTo, Some("市委办公室".into()));
        }),
        as_of(),
    );
    assert_eq!(got.destination, "市委办公室");
    let got = decide(
        row(|r| {
            r.set_boolean(Field::ReturnRequired, Some(true));
            r.set_text(Field::Issuer, None);
        }),
        as_of(),
    );
    assert_eq!(
        (got.destination.as_str(), got.anomalies.as_str()),
        ("unknown", "RETURN_DESTINATION_MISSING")
    );
    // Only RETURN rows carry a destination.
    assert_eq!(
        decide(
            row(|r| r.set_retention(Some(Retention::Permanent))),
            as_of()
        )
        .destination,
        ""
    );
}

/// Decides the plain row changed by each case's edit and checks its anomaly
/// codes (name, codes, edit).
fn assert_anomalies(cases: &[(&str, &str, Edit)]) {
    for &(name, want, edit) in cases {
        assert_eq!(decide(row(edit), as_of()).anomalies, want, "{name}");
    }
}

/// Fewer copies on hand than held is a suspected loss; all there is not.
#[test]
fn copies_missing_are_a_suspected_loss() {
    assert_anomalies(&[
        ("copies missing", "LOSS_SUSPECTED", |r| {
            r.set_count(Field::CopiesOnHand, Some(0))
        }),
        ("copies all there", "", |r| {
            r.set_count(Field::CopiesOnHand, Some(1))
        }),
    ]);
}

/// Out too long is overdue: circulating over 2 days, on loan over 30 days.
#[test]
fn rows_out_too_long_are_overdue() {
    assert_anomalies(&[
        ("circulating 2 days", "", |r| {
            r.set_status(Some(Status::Circulating));
            r.set_date(Field::OutDate, Some(d(2024, 12, 29)), DatePrecision::Day);
        }),
        ("circulating 3 days", "OVERDUE", |r| {
            r.set_status(Some(Status::Circulating));
            r.set_date(Field::OutDate, Some(d(2024, 12, 28)), DatePrecision::Day);
        }),
        ("on loan 30 days", "", |r| {
            r.set_status(Some(Status::OnLoan));
            r.set_date(Field::OutDate, Some(d(2024, 12, 1)), DatePrecision::Day);
        }),
        ("on loan 31 days", "OVERDUE", |r| {
            r.set_status(Some(Status::OnLoan));
            r.set_date(Field::OutDate, Some(d(2024, 11, 30)), DatePrecision::Day);
        }),
    ]);
}

/// A classified row needs a date, unless its period is 长期 or it is only
/// internal.
#[test]
fn classified_rows_without_a_date() {
    assert_anomalies(&[
        ("classified without a date", "CLASSIFIED_NO_DATE", |r| {
            r.set_level(Some(Level::Confidential))
        }),
        ("长期 without a date is fine", "", |r| {
            r.set_level(Some(Level::TopSecret));
            r.set_period(Some(Period::Long));
        }),
        ("internal without a date is fine", "", |r| {
            r.set_level(Some(Level::Internal))
        }),
    ]);
}

/// Anomalies found on reading are carried over, and several are listed
/// together in order.
#[test]
fn read_and_several_anomalies_are_listed() {
    assert_anomalies(&[
        ("partial date", "DATE_PARTIAL", |r| {
            r.anomalies.push(crate::domain::Anomaly::DatePartial)
        }),
        (
            "several at once",
            "LOSS_SUSPECTED;CLASSIFIED_NO_DATE;INVALID_VALUE",
            |r| {
                r.set_count(Field::CopiesOnHand, Some(0));
                r.set_level(Some(Level::Secret));
                r.anomalies.push(crate::domain::Anomaly::InvalidValue);
            },
        ),
    ]);
}

/// Anomalies never change the disposition, except that with no copy on hand
/// there is nothing to destroy.
#[test]
fn anomalies_keep_the_disposition_unless_no_copy_is_on_hand() {
    let plain = decide(
        row(|r| r.set_retention(Some(Retention::NotArchived))),
        as_of(),
    );
    let lossy = decide(
        row(|r| {
            r.set_retention(Some(Retention::NotArchived));
            r.set_count(Field::Copies, Some(3));
            r.set_count(Field::CopiesOnHand, Some(1));
        }),
        as_of(),
    );
    assert_eq!(plain.disposition, lossy.disposition);
    assert_eq!(lossy.anomalies, "LOSS_SUSPECTED");
    // But with no copy on hand there is nothing to destroy: a person looks.
    let gone = decide(
        row(|r| {
            r.set_retention(Some(Retention::NotArchived));
            r.set_count(Field::CopiesOnHand, Some(0));
        }),
        as_of(),
    );
    assert_eq!(
        (gone.disposition.as_str(), gone.rule.as_str()),
        ("REVIEW", super::SAFETY_RULE)
    );
}

/// Found in review: a 冻结清单 sheet holding a doc_id did not stop another
/// row of the same doc_id from being destroyed.
#[test]
fn a_doc_id_on_hold_in_one_row_is_not_destroyed_in_another() {
    let got = decide_all(
        vec![
            row(|r| r.set_retention(Some(Retention::NotArchived))),
            row(|r| r.set_boolean(Field::Hold, Some(true))),
            row(|r| {
                r.set_text(Field::DocId, Some("D-2".into()));
                r.set_retention(Some(Retention::NotArchived));
            }),
        ],
        as_of(),
    );
    assert_eq!(
        (got[0].disposition.as_str(), got[0].rule.as_str()),
        ("REVIEW", super::SAFETY_RULE),
        "{}",
        got[0].reason
    );
    assert!(got[0].reason.contains("row 3"), "{}", got[0].reason);
    assert_eq!(got[1].disposition, "HOLD");
    assert_eq!(got[2].disposition, "DESTROY");
}

/// Found in review: category lists were compared as exact text, so
/// "领导 圈阅件" was destroyed instead of returned.
#[test]
fn category_words_are_compared_as_header_words_are() {
    for written in ["领导 圈阅件", "领导\n圈阅件", " 领导圈阅件 ", "ＢＲＩＥＦ"]
    {
        let got = decide(
            row(|r| {
                r.set_text(Field::Category, Some(written.to_string()));
                r.set_retention(Some(Retention::NotArchived));
            }),
            as_of(),
        );
        let want = if written == "ＢＲＩＥＦ" {
            "DESTROY"
        } else {
            "RETURN"
        };
        assert_eq!(got.disposition, want, "{written:?}: {}", got.reason);
    }
}

/// Found in review: a 绝密 上级来文 whose issuer was 本单位 was returned to the
/// office itself.
#[test]
fn a_return_never_goes_to_the_office_itself() {
    let got = decide(
        row(|r| {
            r.set_level(Some(Level::TopSecret));
            r.set_text(Field::Issuer, Some("本单位".into()));
            r.set_text(Field::Category, Some("上级来文".into()));
        }),
        as_of(),
    );
    assert_eq!(got.disposition, "RETURN");
    assert_eq!(got.destination, "unknown");
    assert!(got.anomalies.contains("RETURN_DESTINATION_MISSING"));
}

#[test]
fn duplicate_ids_across_rows() {
    let got = decide_all(
        vec![
            row(|_| {}),
            row(|r| r.set_text(Field::DocId, Some("D-2".into()))),
            row(|_| {}),
        ],
        as_of(),
    );
    let codes: Vec<&str> = got.iter().map(|g| g.anomalies.as_str()).collect();
    assert_eq!(codes, ["DUPLICATE_ID", "", "DUPLICATE_ID"]);
}

/// The effective classification and the method: level, site, witnesses.
type Method = (&'static str, &'static str, &'static str, &'static str);

/// Destroys the plain row changed by each case's edit and checks its
/// effective classification and method (name, method, edit).
fn assert_methods(cases: &[(&str, Method, Edit)]) {
    for &(name, want, edit) in cases {
        let mut r = row(edit);
        r.set_retention(Some(Retention::NotArchived));
        let got = decide(r, as_of());
        assert_eq!(got.disposition, "DESTROY", "{name}");
        assert_eq!(
            (
                got.effective.as_str(),
                got.level.as_str(),
                got.site.as_str(),
                got.witnesses.as_str()
            ),
            want,
            "{name}"
        );
    }
}

/// Unclassified and internal paper is destroyed in house, one witness.
#[test]
fn destruction_method_of_unclassified_and_internal() {
    assert_methods(&[
        (
            "unclassified paper",
            ("UNCLASSIFIED", "P-3", "IN_HOUSE", "1"),
            |_| {},
        ),
        (
            "internal paper",
            ("INTERNAL", "P-4", "IN_HOUSE", "1"),
            |r| r.set_level(Some(Level::Internal)),
        ),
    ]);
}

/// Classified rows go to the facility with two witnesses, the level of
/// destruction by classification and medium.
#[test]
fn destruction_method_of_classified_by_level_and_medium() {
    assert_methods(&[
        (
            "秘密 paper",
            ("CONFIDENTIAL", "P-5", "FACILITY", "2"),
            |r| {
                r.set_level(Some(Level::Confidential));
                r.set_date(Field::DocDate, Some(d(2020, 1, 1)), DatePrecision::Day);
            },
        ),
        (
            "秘密 optical disc",
            ("CONFIDENTIAL", "O-5", "FACILITY", "2"),
            |r| {
                r.set_level(Some(Level::Confidential));
                r.set_medium_class(Some(MediumClass::O));
                r.set_date(Field::DocDate, Some(d(2020, 1, 1)), DatePrecision::Day);
            },
        ),
        ("机密 paper", ("SECRET", "P-6", "FACILITY", "2"), |r| {
            r.set_level(Some(Level::Secret));
            r.set_date(Field::DocDate, Some(d(2020, 1, 1)), DatePrecision::Day);
        }),
        (
            "绝密 flash drive the office issued",
            ("TOP_SECRET", "E-7", "FACILITY", "2"),
            |r| {
                r.set_level(Some(Level::TopSecret));
                r.set_text(Field::Issuer, Some("本单位".into()));
                r.set_medium_class(Some(MediumClass::E));
                r.set_period(Some(Period::Long));
            },
        ),
    ]);
}

/// The method follows the effective classification: 秘密 is declassified on
/// the as-of date, not the day after; 机密 without a date stays classified.
#[test]
fn destruction_method_after_declassification() {
    assert_methods(&[
        (
            "秘密 declassified the day before",
            ("UNCLASSIFIED", "P-3", "IN_HOUSE", "1"),
            |r| {
                r.set_level(Some(Level::Confidential));
                r.set_date(Field::DocDate, Some(d(2014, 12, 30)), DatePrecision::Day);
            },
        ),
        (
            "秘密 declassified on the as-of date",
            ("UNCLASSIFIED", "P-3", "IN_HOUSE", "1"),
            |r| {
                r.set_level(Some(Level::Confidential));
                r.set_date(Field::DocDate, Some(d(2014, 12, 31)), DatePrecision::Day);
            },
        ),
        (
            "秘密 declassified the day after",
            ("CONFIDENTIAL", "P-5", "FACILITY", "2"),
            |r| {
                r.set_level(Some(Level::Confidential));
                r.set_date(Field::DocDate, Some(d(2015, 1, 1)), DatePrecision::Day);
            },
        ),
        (
            "机密 without a date stays classified",
            ("SECRET", "P-6", "FACILITY", "2"),
            |r| r.set_level(Some(Level::Secret)),
        ),
    ]);
}

/// Only DESTROY rows carry a method.
#[test]
fn only_destroy_rows_carry_a_method() {
    let kept = decide(
        row(|r| r.set_retention(Some(Retention::Permanent))),
        as_of(),
    );
    assert_eq!(
        (
            kept.level.as_str(),
            kept.site.as_str(),
            kept.witnesses.as_str()
        ),
        ("", "", "")
    );
}

#[test]
fn every_rule_field_is_a_column_of_the_derived_table() {
    let mut t = TableBuilder::new();
    t.push("f", "s", row(|_| {}));
    let mut df = t.finish().unwrap();
    let policy = Policy::default_policy().unwrap();
    derive::derive(&mut df, &policy.plan, as_of(), Lang::Zh).unwrap();
    let (fields, _) = crate::policy::rules::rule_fields();
    for field in fields.keys() {
        assert!(
            df.column(field).is_ok(),
            "rule field {field} is not provided by the plan"
        );
    }
}

#[test]
fn decision_table_leads_with_the_documented_columns() {
    let mut t = TableBuilder::new();
    let mut r = row(|_| {});
    r.kept.push(("经办人".into(), "王芳".into()));
    t.push("f", "s", r);
    let policy = Policy::default_policy().unwrap();
    let df = plan(
        &t.finish().unwrap(),
        &policy.plan,
        as_of(),
        Lang::Zh,
        &Default::default(),
    )
    .unwrap();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(&names[..14], LEADING_COLUMNS);
    assert_eq!(names.last().map(String::as_str), Some("经办人"));
    for dropped in [
        "reject_reason",
        "case_index",
        "rule_reason",
        "has_decision_error",
    ] {
        assert!(
            !names.iter().any(|n| n == dropped),
            "{dropped} leaked into decisions"
        );
    }
}

/// Issue 7, point 9: a bare year counted a confidentiality period from 1
/// January, declassifying up to a year early.
#[test]
fn a_partial_date_never_declassifies_early() {
    let marked = |precision: crate::domain::DatePrecision, first: NaiveDate| {
        row(|r| {
            r.set_level(Some(Level::Confidential));
            r.set_period(Some(Period::Months(120)));
            r.set_date(Field::DocDate, Some(first), precision);
            r.set_retention(Some(Retention::NotArchived));
        })
    };
    use crate::domain::DatePrecision::{Month, Year};
    let cases = [
        (marked(Year, d(2014, 1, 1)), d(2024, 12, 30), "CONFIDENTIAL"),
        (marked(Year, d(2014, 1, 1)), d(2024, 12, 31), "UNCLASSIFIED"),
        (marked(Month, d(2014, 3, 1)), d(2024, 3, 30), "CONFIDENTIAL"),
        (marked(Month, d(2014, 3, 1)), d(2024, 3, 31), "UNCLASSIFIED"),
    ];
    for (r, as_of, want) in cases {
        let got = decide(r, as_of);
        assert_eq!(got.effective, want, "as of {as_of}");
    }
}

/// A register column named like a column the plan makes is kept under
/// another name: it broke the plan ("not found") or was silently replaced.
/// And the field table's list of derived columns is exactly what the plan
/// derives.
#[test]
fn every_column_the_plan_adds_is_reserved() {
    let mut t = TableBuilder::new();
    t.push("t.xlsx", "s", row(|_| {}));
    let canonical = t.finish().unwrap();
    let policy = Policy::default_policy().unwrap();
    let mut derived = canonical.clone();
    derive::derive(&mut derived, &policy.plan, as_of(), Lang::En).unwrap();
    let planned = plan(
        &canonical,
        &policy.plan,
        as_of(),
        Lang::En,
        &Default::default(),
    )
    .unwrap();
    let before: Vec<String> = canonical
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let added: Vec<String> = derived
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .filter(|c| !before.contains(c))
        .collect();
    let table: Vec<String> = crate::fields::DERIVED_COLUMNS
        .iter()
        .map(|(c, ..)| c.to_string())
        .collect();
    assert_eq!(
        added, table,
        "derive adds the columns of fields::DERIVED_COLUMNS"
    );
    for name in planned.get_column_names() {
        if !before.contains(&name.to_string()) {
            assert!(
                crate::fields::is_reserved_column(name),
                "{name} is not reserved in fields"
            );
        }
    }
}

/// Reasons are held once each: a row's reason replaced by another's
/// shares its text, and the column reads back every row's own.
#[test]
fn reasons_are_held_once_and_read_back_per_row() {
    let mut reasons = Reasons::default();
    for text in ["a", "b", "a", "a long reason past twelve bytes", "b"] {
        reasons.push(text);
    }
    reasons.set(1, "a".to_string());
    reasons.set(4, "c".to_string());
    assert_eq!(reasons.get(3), "a long reason past twelve bytes");
    assert_eq!(reasons.texts.len(), 4, "a, b, the long one and c");
    let column = reasons.into_column("reason").unwrap();
    let read: Vec<Option<&str>> = column.str().unwrap().iter().collect();
    assert_eq!(
        read,
        [
            Some("a"),
            Some("a"),
            Some("a"),
            Some("a long reason past twelve bytes"),
            Some("c")
        ]
    );
}

/// Duplicate ids found by sorting hashes agree with counting each id in a
/// map, over ids made to repeat (some many times), differ only in case or
/// spacing, or be missing.
#[test]
fn duplicate_ids_are_the_ids_more_than_one_row_has() {
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize
    };
    let words = ["D-1", "d-1", "D-1 ", "无", "", "2024-A-0001"];
    let ids: Vec<Option<String>> = (0..5_000)
        .map(|k| match next() % 10 {
            0 => None,
            1 | 2 => Some(words[next() % words.len()].to_string()),
            3 => Some(format!("R-{}", next() % 300)),
            _ => Some(format!("U-{k}")),
        })
        .collect();
    let column =
        StringChunked::from_iter_options("doc_id".into(), ids.iter().map(|s| s.as_deref()));
    let mut count: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for id in ids.iter().flatten() {
        *count.entry(id).or_default() += 1;
    }
    let want: Vec<bool> = ids
        .iter()
        .map(|id| id.as_deref().is_some_and(|id| count[id] > 1))
        .collect();
    assert_eq!(duplicated(&column), want);
    assert!(want.iter().any(|d| *d) && !want.iter().all(|d| *d));
}

/// Reasons gathered in two halves and appended are what one pass over
/// every row gives, wherever the rows are split: the same column and the
/// distinct texts in the order first met.
#[test]
fn reasons_appended_in_halves_equal_one_pass() {
    let rows = ["甲", "乙", "甲", "丙", "乙", "丁", "丁", "甲"];
    let mut one = Reasons::default();
    for r in rows {
        one.push(r);
    }
    let texts = one.texts.clone();
    let column = one.into_column("reason").unwrap();
    for split in 0..=rows.len() {
        let (mut first, mut second) = (Reasons::default(), Reasons::default());
        for r in &rows[..split] {
            first.push(r);
        }
        for r in &rows[split..] {
            second.push(r);
        }
        first.append(second);
        assert_eq!(first.texts, texts, "split at {split}");
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(first.get(i), *r, "split at {split}, row {i}");
        }
        assert_eq!(
            first.into_column("reason").unwrap(),
            column,
            "split at {split}"
        );
    }
}
