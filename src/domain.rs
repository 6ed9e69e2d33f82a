//! The coded values a register's cells are read into.
//!
//! Registers write the same thing many ways (机密, Secret, 机密★10年); the
//! reader turns each into one of these codes, which the plan, the outputs and
//! the policy file all use. The codes' spellings (`TOP_SECRET`, `P`,
//! `ON_LOAN`) appear in the policy file and in decisions.csv, so they are
//! part of the tool's interface.

use chrono::NaiveDate;
use serde::Deserialize;

/// Days from 1970-01-01: how polars stores a `Date`.
pub fn epoch_days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)).num_days() as i32
}

/// The date a number of days after 1970-01-01.
///
/// ```
/// use chrono::NaiveDate;
/// use clearance::domain::{epoch_days, from_epoch_days};
/// let d = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
/// assert_eq!(from_epoch_days(epoch_days(d)), d);
/// ```
pub fn from_epoch_days(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .unwrap_or(NaiveDate::MIN)
        .checked_add_signed(chrono::Duration::days(i64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// Classification level (密级).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    /// 绝密.
    TopSecret,
    /// 机密.
    Secret,
    /// 秘密.
    Confidential,
    /// 内部.
    Internal,
    /// 公开 / 非密 / blank.
    Unclassified,
}

impl Level {
    /// Every level, highest first.
    pub const ALL: [Level; 5] = [
        Level::TopSecret,
        Level::Secret,
        Level::Confidential,
        Level::Internal,
        Level::Unclassified,
    ];

    /// The level of a code (`SECRET`).
    ///
    /// ```
    /// use clearance::domain::Level;
    /// assert_eq!(Level::from_code("SECRET"), Some(Level::Secret));
    /// assert_eq!(Level::from_code("机密"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The code written to the canonical table and decisions.csv.
    pub fn code(self) -> &'static str {
        match self {
            Level::TopSecret => "TOP_SECRET",
            Level::Secret => "SECRET",
            Level::Confidential => "CONFIDENTIAL",
            Level::Internal => "INTERNAL",
            Level::Unclassified => "UNCLASSIFIED",
        }
    }

    /// Whether the level is a state secret (绝密, 机密, 秘密): the levels
    /// that are declassified by time.
    ///
    /// ```
    /// use clearance::domain::Level;
    /// assert!(Level::Confidential.is_classified());
    /// assert!(!Level::Internal.is_classified());
    /// ```
    pub fn is_classified(self) -> bool {
        matches!(self, Level::TopSecret | Level::Secret | Level::Confidential)
    }
}

/// DIN 66399 material class of a carrier (载体).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum MediumClass {
    /// Paper.
    P,
    /// Film, microfilm.
    F,
    /// Optical discs.
    O,
    /// Magnetic media: floppy disks, tapes, cards.
    T,
    /// Hard drives.
    H,
    /// Electronic media: flash drives, SSDs, memory cards.
    E,
}

impl MediumClass {
    /// Every class.
    pub const ALL: [MediumClass; 6] = [
        MediumClass::P,
        MediumClass::F,
        MediumClass::O,
        MediumClass::T,
        MediumClass::H,
        MediumClass::E,
    ];

    /// The class of a one-letter code.
    pub fn from_code(code: &str) -> Option<MediumClass> {
        MediumClass::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The one-letter code.
    pub fn code(self) -> &'static str {
        match self {
            MediumClass::P => "P",
            MediumClass::F => "F",
            MediumClass::O => "O",
            MediumClass::T => "T",
            MediumClass::H => "H",
            MediumClass::E => "E",
        }
    }
}

/// Status of a holding (状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// 在库 / 在办 / blank.
    OnHand,
    /// 借出 / 外借.
    OnLoan,
    /// 传阅中.
    Circulating,
    /// 已归档.
    Archived,
    /// 已清退 / 已退还.
    Returned,
    /// 已销毁.
    Destroyed,
    /// 留用 / 在用.
    Kept,
    /// 冻结.
    Hold,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 8] = [
        Status::OnHand,
        Status::OnLoan,
        Status::Circulating,
        Status::Archived,
        Status::Returned,
        Status::Destroyed,
        Status::Kept,
        Status::Hold,
    ];

    /// The code written to the canonical table.
    pub fn code(self) -> &'static str {
        match self {
            Status::OnHand => "ON_HAND",
            Status::OnLoan => "ON_LOAN",
            Status::Circulating => "CIRCULATING",
            Status::Archived => "ARCHIVED",
            Status::Returned => "RETURNED",
            Status::Destroyed => "DESTROYED",
            Status::Kept => "KEPT",
            Status::Hold => "HOLD",
        }
    }

    /// The status of a code.
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Kind of retention named by a word in the policy (永久, 不归档).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RetentionWord {
    /// 永久.
    Permanent,
    /// 不归档.
    NotArchived,
}

/// A retention period (保管期限) as read from a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Kept for ever.
    Permanent,
    /// Kept this many years, counted from the year after the document's year.
    Years(u32),
    /// Not archived at all.
    NotArchived,
}

impl Retention {
    /// The kind code written to the canonical table.
    pub fn kind_code(self) -> &'static str {
        match self {
            Retention::Permanent => "PERMANENT",
            Retention::Years(_) => "YEARS",
            Retention::NotArchived => "NOT_ARCHIVED",
        }
    }
}

/// A confidentiality period (保密期限).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// This many months from the document's date.
    Months(u32),
    /// 长期: never declassified by time.
    Long,
    /// Declassified on this date (解密时间).
    Until(NaiveDate),
}

/// A classification marking: level and, where marked, period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marking {
    /// The level.
    pub level: Level,
    /// The period written after ★, if any.
    pub period: Option<Period>,
}

/// Whether the office had to act on a document (办理情况), which decides
/// whether a circular from a higher authority is archived (国家档案局令第8号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionTaken {
    /// 办理 / 承办 / 已办 / 办结: the office acted on it.
    Acted,
    /// 阅知 / 参阅 / 传阅: read for information only.
    ForInformation,
}

impl ActionTaken {
    /// Both kinds.
    pub const ALL: [ActionTaken; 2] = [ActionTaken::Acted, ActionTaken::ForInformation];

    /// The code written to the canonical table and used in the policy.
    pub fn code(self) -> &'static str {
        match self {
            ActionTaken::Acted => "ACTED",
            ActionTaken::ForInformation => "FOR_INFORMATION",
        }
    }
}

/// How much of a date was written: a full date, or only a year and month,
/// or only a year (a partial date, read as its first day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum DatePrecision {
    /// Year, month and day.
    #[default]
    Day,
    /// Year and month only.
    Month,
    /// Year only.
    Year,
}

impl DatePrecision {
    /// The code written to the canonical table; `None` for a full date.
    pub fn code(self) -> Option<&'static str> {
        match self {
            DatePrecision::Day => None,
            DatePrecision::Month => Some("MONTH"),
            DatePrecision::Year => Some("YEAR"),
        }
    }

    /// The precision of a code (`None` or unknown: a full date).
    pub fn from_code(code: Option<&str>) -> DatePrecision {
        match code {
            Some("MONTH") => DatePrecision::Month,
            Some("YEAR") => DatePrecision::Year,
            _ => DatePrecision::Day,
        }
    }

    /// The last day of the period a partial date names: a confidentiality
    /// period counts from there, never earlier than it could (SPEC §2).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use clearance::domain::DatePrecision;
    /// let d = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap();
    /// assert_eq!(DatePrecision::Year.last_day(d), NaiveDate::from_ymd_opt(2014, 12, 31).unwrap());
    /// let m = NaiveDate::from_ymd_opt(2019, 2, 1).unwrap();
    /// assert_eq!(DatePrecision::Month.last_day(m), NaiveDate::from_ymd_opt(2019, 2, 28).unwrap());
    /// ```
    pub fn last_day(self, first: NaiveDate) -> NaiveDate {
        use chrono::Datelike;
        match self {
            DatePrecision::Day => first,
            DatePrecision::Month => first
                .checked_add_months(chrono::Months::new(1))
                .and_then(|d| d.pred_opt())
                .unwrap_or(first),
            DatePrecision::Year => NaiveDate::from_ymd_opt(first.year(), 12, 31).unwrap_or(first),
        }
    }
}

/// What is decided for a holding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Disposition {
    /// Frozen or under legal hold: nothing is done.
    Hold,
    /// A person must decide.
    Review,
    /// Already disposed of, or archived and not yet expired.
    Done,
    /// Out on loan or circulating: get it back first.
    Recall,
    /// Archived and past retention: appraise.
    Appraise,
    /// Return to the issuer.
    Return,
    /// Kept in use.
    Keep,
    /// Hand to the archive.
    Archive,
    /// Destroy by an approved method.
    Destroy,
    /// The row cannot be identified (not a rule's outcome).
    Rejected,
}

impl Disposition {
    /// Every disposition, in report order.
    pub const ALL: [Disposition; 10] = [
        Disposition::Destroy,
        Disposition::Return,
        Disposition::Archive,
        Disposition::Appraise,
        Disposition::Keep,
        Disposition::Recall,
        Disposition::Hold,
        Disposition::Review,
        Disposition::Done,
        Disposition::Rejected,
    ];

    /// The code written to decisions.csv.
    pub fn code(self) -> &'static str {
        match self {
            Disposition::Hold => "HOLD",
            Disposition::Review => "REVIEW",
            Disposition::Done => "DONE",
            Disposition::Recall => "RECALL",
            Disposition::Appraise => "APPRAISE",
            Disposition::Return => "RETURN",
            Disposition::Keep => "KEEP",
            Disposition::Archive => "ARCHIVE",
            Disposition::Destroy => "DESTROY",
            Disposition::Rejected => "REJECTED",
        }
    }

    /// Looks a disposition up by its code.
    pub fn from_code(code: &str) -> Option<Disposition> {
        Disposition::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// Where a DESTROY row is destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Site {
    /// At a designated destruction facility.
    Facility,
    /// With approved equipment in the office.
    InHouse,
}

impl Site {
    /// Both sites, facility first (the order of destruction batches).
    pub const ALL: [Site; 2] = [Site::Facility, Site::InHouse];

    /// The code written to decisions.csv.
    pub fn code(self) -> &'static str {
        match self {
            Site::InHouse => "IN_HOUSE",
            Site::Facility => "FACILITY",
        }
    }

    /// The site of a code.
    pub fn from_code(code: &str) -> Option<Site> {
        Site::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Something about a holding that must be seen to, whatever its
/// disposition (SPEC §3: anomalies never change a disposition).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Anomaly {
    /// The same doc_id more than once across all inputs.
    DuplicateId,
    /// Fewer copies on hand than registered: to be reported at once.
    LossSuspected,
    /// Circulating or on loan longer than allowed.
    Overdue,
    /// Destroyed or returned, by the ledger, yet still registered.
    Reappeared,
    /// Held last year, in no register now, and no ledger entry explains
    /// it (`plan --previous`; not a row of this year's table).
    Missing,
    /// A return with no destination.
    ReturnDestinationMissing,
    /// Only a year or a month was written.
    DatePartial,
    /// Classified without a date: it cannot be declassified.
    ClassifiedNoDate,
    /// A value in a field that does not decide was not understood.
    InvalidValue,
}

impl Anomaly {
    /// Every anomaly, losses first (the order of the anomalies sheet).
    pub const ALL: [Anomaly; 9] = [
        Anomaly::Missing,
        Anomaly::LossSuspected,
        Anomaly::Reappeared,
        Anomaly::Overdue,
        Anomaly::DuplicateId,
        Anomaly::ReturnDestinationMissing,
        Anomaly::DatePartial,
        Anomaly::ClassifiedNoDate,
        Anomaly::InvalidValue,
    ];

    /// The code written to decisions.csv.
    pub fn code(self) -> &'static str {
        match self {
            Anomaly::DuplicateId => "DUPLICATE_ID",
            Anomaly::LossSuspected => "LOSS_SUSPECTED",
            Anomaly::Overdue => "OVERDUE",
            Anomaly::Reappeared => "REAPPEARED",
            Anomaly::Missing => "MISSING",
            Anomaly::ReturnDestinationMissing => "RETURN_DESTINATION_MISSING",
            Anomaly::DatePartial => "DATE_PARTIAL",
            Anomaly::ClassifiedNoDate => "CLASSIFIED_NO_DATE",
            Anomaly::InvalidValue => "INVALID_VALUE",
        }
    }

    /// The anomaly of a code.
    pub fn from_code(code: &str) -> Option<Anomaly> {
        Anomaly::ALL.into_iter().find(|a| a.code() == code)
    }

    /// How soon it must be seen to: missing holdings and losses at once (0), then holdings that
    /// reappeared (1), then overdue ones (2), then the rest (3).
    pub fn urgency(self) -> u8 {
        match self {
            Anomaly::Missing | Anomaly::LossSuspected => 0,
            Anomaly::Reappeared => 1,
            Anomaly::Overdue => 2,
            _ => 3,
        }
    }
}
