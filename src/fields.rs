//! The canonical fields of a register (SPEC §2), in one table.
//!
//! Every register a clerk hands in is read into the same set of fields, no
//! matter what its columns were called. [`FIELDS`] names each field once,
//! with how its values are read, whether it decides (an unreadable value
//! sends the row to REVIEW), and where it appears in the plan's detail
//! sheets. Everything else follows from the table: the record a row is
//! read into ([`crate::ingest::table::RowRecord`]), the canonical table's
//! columns ([`canonical_columns`]), the fields rules may test
//! ([`crate::policy::rules::rule_fields`]) and the columns of the outputs.
//! Adding a field is adding a line to [`FIELDS`] (and its aliases to the
//! policy).

use std::fmt;

/// One canonical field of a register row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Register or document number.
    DocId,
    /// Title of the document.
    Title,
    /// Issuing body.
    Issuer,
    /// Holding department.
    Department,
    /// Person responsible, or borrower.
    Holder,
    /// Kind of document.
    Category,
    /// Classification level, possibly with its confidentiality period.
    Classification,
    /// Confidentiality period in a column of its own.
    SecrecyPeriod,
    /// Carrier (paper, optical disc, …).
    Medium,
    /// Copies registered.
    Copies,
    /// Copies actually found.
    CopiesOnHand,
    /// Number of pages.
    Pages,
    /// Date the document was made.
    DocDate,
    /// Date it was received.
    ReceivedDate,
    /// Retention period.
    Retention,
    /// Whether it has lasting value.
    PreservationValue,
    /// Whether it must go back to its issuer.
    ReturnRequired,
    /// Where it must be returned.
    ReturnTo,
    /// Current state (on hand, on loan, …).
    Status,
    /// Date lent or sent round.
    OutDate,
    /// Freeze or legal hold.
    Hold,
    /// Remarks.
    Notes,
    /// Whether the office had to act on it (办理情况): decides whether a
    /// circular from a higher authority is archived.
    Action,
}

/// How the values of a field are read and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text, kept as written (trimmed).
    Text,
    /// A date, with how much of it was written.
    Date,
    /// A whole number.
    Count,
    /// A classification marking: level and period.
    Classification,
    /// A confidentiality period.
    Period,
    /// A carrier, read to its DIN 66399 class.
    Medium,
    /// A retention period.
    Retention,
    /// Yes or no.
    Boolean,
    /// A status word.
    Status,
    /// An action word (办理 / 阅知).
    Action,
}

/// The codes a coded column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSet {
    /// Classification levels (`SECRET` …).
    Level,
    /// DIN 66399 material classes (`P` …).
    MediumClass,
    /// Kinds of retention (`PERMANENT`, `YEARS`, `NOT_ARCHIVED`).
    RetentionKind,
    /// Statuses (`ON_HAND` …).
    Status,
    /// Actions taken (`ACTED`, `FOR_INFORMATION`).
    Action,
    /// How much of a date was written (`MONTH`, `YEAR`).
    DatePrecision,
    /// Dispositions (`DESTROY` …).
    Disposition,
    /// Where a destruction is done (`FACILITY`, `IN_HOUSE`).
    Site,
}

impl CodeSet {
    /// Every set.
    pub const ALL: [CodeSet; 8] = [
        CodeSet::Level,
        CodeSet::MediumClass,
        CodeSet::RetentionKind,
        CodeSet::Status,
        CodeSet::Action,
        CodeSet::DatePrecision,
        CodeSet::Disposition,
        CodeSet::Site,
    ];

    /// Every code of the set, in order (made once: a coded cell of every
    /// row is looked up in it).
    pub fn codes(self) -> &'static [&'static str] {
        static CODES: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
        &CODES.get_or_init(|| CodeSet::ALL.iter().map(|s| s.list()).collect())[self as usize]
    }

    /// Every code of the set, in order.
    fn list(self) -> Vec<&'static str> {
        use crate::domain::{
            ActionTaken, DatePrecision, Disposition, Level, MediumClass, Retention, Site, Status,
        };
        match self {
            CodeSet::Level => Level::ALL.iter().map(|l| l.code()).collect(),
            CodeSet::MediumClass => MediumClass::ALL.iter().map(|m| m.code()).collect(),
            CodeSet::RetentionKind => [
                Retention::Permanent,
                Retention::Years(1),
                Retention::NotArchived,
            ]
            .iter()
            .map(|r| r.kind_code())
            .collect(),
            CodeSet::Status => Status::ALL.iter().map(|s| s.code()).collect(),
            CodeSet::Action => ActionTaken::ALL.iter().map(|a| a.code()).collect(),
            CodeSet::DatePrecision => [DatePrecision::Month, DatePrecision::Year]
                .iter()
                .filter_map(|p| p.code())
                .collect(),
            CodeSet::Disposition => Disposition::ALL.iter().map(|d| d.code()).collect(),
            CodeSet::Site => Site::ALL.iter().map(|s| s.code()).collect(),
        }
    }
}

/// The type of a column of the canonical table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text.
    Text,
    /// One of a set of codes, kept as a polars Enum of the set
    /// ([`crate::codes`]).
    Code(CodeSet),
    /// A date.
    Date,
    /// A whole number of 64 bits.
    Int64,
    /// A whole number of 32 bits (months, years).
    Int32,
    /// A row number.
    UInt32,
    /// True or false.
    Bool,
}

impl FieldKind {
    /// The columns a field of this kind keeps in the canonical table, in
    /// order: the text as written first (where there is one), then what was
    /// read from it.
    pub fn columns(self, key: &'static str) -> Vec<(String, ColumnType)> {
        use ColumnType::{Bool, Code, Date, Int32, Int64, Text};
        let own = |suffix: &str, t: ColumnType| (format!("{key}{suffix}"), t);
        match self {
            FieldKind::Text | FieldKind::Period => vec![own("", Text)],
            FieldKind::Date => vec![
                own("", Date),
                own("_precision", Code(CodeSet::DatePrecision)),
            ],
            FieldKind::Count => vec![own("", Int64)],
            FieldKind::Boolean => vec![own("", Bool)],
            FieldKind::Classification => vec![
                own("", Text),
                own("_level", Code(CodeSet::Level)),
                ("secrecy_months".into(), Int32),
                ("secrecy_long".into(), Bool),
                ("declassify_on".into(), Date),
            ],
            FieldKind::Medium => vec![own("", Text), own("_class", Code(CodeSet::MediumClass))],
            FieldKind::Retention => vec![
                own("", Text),
                own("_kind", Code(CodeSet::RetentionKind)),
                own("_years", Int32),
            ],
            FieldKind::Status => vec![own("", Text), own("_code", Code(CodeSet::Status))],
            FieldKind::Action => vec![own("", Text), own("_code", Code(CodeSet::Action))],
        }
    }
}

/// One line of the field table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field.
    pub field: Field,
    /// Its key: the policy's `[aliases]` key and its first column's name.
    pub key: &'static str,
    /// How its values are read.
    pub kind: FieldKind,
    /// Whether an unrecognised value sends the row to REVIEW (SPEC §2: the
    /// decision fields) rather than being only an anomaly.
    pub decides: bool,
    /// Its place and label (zh, en) in the plan's per-disposition sheets,
    /// if shown there (after the decision columns).
    pub detail: Option<(u8, &'static str, &'static str)>,
}

const fn spec(
    field: Field,
    key: &'static str,
    kind: FieldKind,
    decides: bool,
    detail: Option<(u8, &'static str, &'static str)>,
) -> FieldSpec {
    FieldSpec {
        field,
        key,
        kind,
        decides,
        detail,
    }
}

/// The canonical fields, in the order of the canonical table.
pub const FIELDS: [FieldSpec; 23] = {
    use FieldKind as K;
    [
        spec(Field::DocId, "doc_id", K::Text, false, None),
        spec(Field::Title, "title", K::Text, false, None),
        spec(
            Field::Issuer,
            "issuer",
            K::Text,
            false,
            Some((8, "来文单位", "Issuer")),
        ),
        spec(
            Field::Department,
            "department",
            K::Text,
            false,
            Some((6, "部门", "Department")),
        ),
        spec(
            Field::Holder,
            "holder",
            K::Text,
            false,
            Some((7, "持有人", "Holder")),
        ),
        spec(
            Field::Category,
            "category",
            K::Text,
            false,
            Some((9, "类别", "Category")),
        ),
        spec(
            Field::Classification,
            "classification",
            K::Classification,
            true,
            Some((1, "密级（原标）", "Classification as marked")),
        ),
        spec(
            Field::SecrecyPeriod,
            "secrecy_period",
            K::Period,
            false,
            None,
        ),
        spec(
            Field::Medium,
            "medium",
            K::Medium,
            true,
            Some((2, "载体", "Medium")),
        ),
        spec(
            Field::Copies,
            "copies",
            K::Count,
            true,
            Some((3, "份数", "Copies")),
        ),
        spec(
            Field::CopiesOnHand,
            "copies_on_hand",
            K::Count,
            false,
            Some((4, "现存份数", "On hand")),
        ),
        spec(
            Field::Pages,
            "pages",
            K::Count,
            false,
            Some((5, "页数", "Pages")),
        ),
        spec(
            Field::DocDate,
            "doc_date",
            K::Date,
            false,
            Some((10, "成文日期", "Doc date")),
        ),
        spec(
            Field::ReceivedDate,
            "received_date",
            K::Date,
            false,
            Some((11, "收文日期", "Received")),
        ),
        spec(
            Field::Retention,
            "retention",
            K::Retention,
            true,
            Some((12, "保管期限", "Retention")),
        ),
        spec(
            Field::PreservationValue,
            "preservation_value",
            K::Boolean,
            true,
            None,
        ),
        spec(
            Field::ReturnRequired,
            "return_required",
            K::Boolean,
            true,
            None,
        ),
        spec(Field::ReturnTo, "return_to", K::Text, false, None),
        spec(
            Field::Status,
            "status",
            K::Status,
            true,
            Some((13, "状态", "Status")),
        ),
        spec(
            Field::OutDate,
            "out_date",
            K::Date,
            false,
            Some((14, "借出日期", "Out date")),
        ),
        spec(Field::Hold, "hold", K::Boolean, true, None),
        spec(
            Field::Notes,
            "notes",
            K::Text,
            false,
            Some((15, "备注", "Notes")),
        ),
        spec(Field::Action, "action", K::Action, false, None),
    ]
};

/// Columns of the canonical table before the fields' columns.
pub const SOURCE_COLUMNS: [&str; 4] =
    ["source_file", "source_sheet", "source_row", "reject_reason"];

/// Columns of the canonical table after the fields' columns.
pub const FINDINGS_COLUMNS: [&str; 2] = ["review_reasons", "anomalies"];

/// The canonical table's column after the findings: a row's other document numbers, from
/// a second number column (收文编号 beside 发文编号), one a line, null for
/// none. Read where a holding is matched by its number (a hold on either
/// number holds the row); not an output column (the second column is kept
/// as written).
pub const OTHER_NUMBERS_COLUMN: &str = "other_doc_ids";

/// The canonical table's column after [`OTHER_NUMBERS_COLUMN`]: the values
/// a row has in columns kept as is whose header seems to name a field that
/// could stop its destruction ([`Field::may_stop_destruction`]), each as
/// `header：value` on its own line, null for none (most rows). Read where
/// the plan's safety checks keep such a row from destruction; not an
/// output column (the columns are kept as written).
pub const UNREAD_COLUMN: &str = "unread_values";

/// A row's other numbers as [`OTHER_NUMBERS_COLUMN`] holds them (`None`
/// when there are none).
pub fn join_other_numbers(numbers: &[String]) -> Option<String> {
    (!numbers.is_empty()).then(|| numbers.join("\n"))
}

/// The numbers of an [`OTHER_NUMBERS_COLUMN`] cell, blank lines left out.
///
/// ```
/// use clearance::fields::{join_other_numbers, other_numbers};
/// let cell = join_other_numbers(&["京办发〔2019〕5号".into(), "A-1".into()]);
/// let numbers: Vec<&str> = other_numbers(cell.as_deref()).collect();
/// assert_eq!(numbers, ["京办发〔2019〕5号", "A-1"]);
/// assert_eq!(other_numbers(None).count(), 0);
/// ```
pub fn other_numbers(cell: Option<&str>) -> impl Iterator<Item = &str> {
    cell.into_iter()
        .flat_map(str::lines)
        .filter(|n| !n.trim().is_empty())
}

/// Every column of the canonical table (before the registers' kept
/// columns), in order, with its type.
pub fn canonical_columns() -> Vec<(String, ColumnType)> {
    let mut out: Vec<(String, ColumnType)> = SOURCE_COLUMNS
        .iter()
        .map(|c| {
            let t = if *c == "source_row" {
                ColumnType::UInt32
            } else {
                ColumnType::Text
            };
            (c.to_string(), t)
        })
        .collect();
    for spec in FIELDS {
        out.extend(spec.kind.columns(spec.key));
    }
    out.extend(
        FINDINGS_COLUMNS
            .iter()
            .map(|c| (c.to_string(), ColumnType::Text)),
    );
    out.push((OTHER_NUMBERS_COLUMN.to_string(), ColumnType::Text));
    out.push((UNREAD_COLUMN.to_string(), ColumnType::Text));
    out
}

impl Field {
    /// All fields, in the order of the canonical table.
    pub const ALL: [Field; 23] = {
        let mut all = [Field::DocId; 23];
        let mut i = 0;
        while i < FIELDS.len() {
            all[i] = FIELDS[i].field;
            i += 1;
        }
        all
    };

    /// The field's line of the table.
    pub fn spec(self) -> &'static FieldSpec {
        &FIELDS[self as usize]
    }

    /// The field's key, as used in the policy file and the canonical table.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// Looks a field up by its key.
    ///
    /// ```
    /// use clearance::fields::Field;
    /// assert_eq!(Field::from_key("doc_id"), Some(Field::DocId));
    /// assert_eq!(Field::from_key("nonsense"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Field> {
        FIELDS.iter().find(|s| s.key == key).map(|s| s.field)
    }

    /// How values of this field are read.
    pub fn kind(self) -> FieldKind {
        self.spec().kind
    }

    /// Whether an unrecognised value in this field sends the row to REVIEW
    /// (SPEC §2: the decision fields), rather than being only an anomaly.
    pub fn is_decision_field(self) -> bool {
        self.spec().decides
    }

    /// Whether a value of this field, unread, could let a holding be
    /// destroyed that it would have kept: a 保管期限 of 永久 left to the
    /// schedule, a 保密期限 of 长期 left to the level's maximum, a hold, a
    /// 保存价值, a 是否清退 or a 清退单位 not seen, a 状态 of 冻结 or 借出. A column kept
    /// as is whose header seems to name one of these sends the rows it has
    /// such a value in to REVIEW rather than to destruction
    /// ([`UNREAD_COLUMN`]).
    pub fn may_stop_destruction(self) -> bool {
        matches!(
            self,
            Field::Retention
                | Field::SecrecyPeriod
                | Field::Hold
                | Field::PreservationValue
                | Field::ReturnRequired
                | Field::ReturnTo
                | Field::Status
        )
    }
}

/// What the rules may do with a column the plan derives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleUse {
    /// A rule's condition may test it, and a reason show it.
    Condition,
    /// Only a reason may show it.
    ReasonOnly,
    /// Neither: the plan's own working column.
    Internal,
}

/// Columns the plan derives from the canonical fields
/// (`crate::plan::derive`), with their types, what rules may do with them,
/// and whether the decision table keeps them (after the fields' columns).
pub const DERIVED_COLUMNS: [(&str, ColumnType, RuleUse, bool); 12] = {
    use ColumnType::{Bool, Code, Date, Int64, Text};
    use RuleUse::{Condition, Internal, ReasonOnly};
    [
        (
            "retention_resolved",
            Code(CodeSet::RetentionKind),
            Condition,
            true,
        ),
        ("retention_resolved_text", Text, ReasonOnly, true),
        ("retention_source", Text, ReasonOnly, false),
        ("retention_expires_on", Date, ReasonOnly, true),
        ("retention_expired", Bool, Condition, false),
        (
            "effective_classification",
            Code(CodeSet::Level),
            Condition,
            false,
        ),
        ("declassified_on", Date, ReasonOnly, true),
        ("classified_no_date", Bool, Internal, false),
        ("days_out", Int64, ReasonOnly, true),
        ("destination", Text, Condition, false),
        ("has_decision_error", Bool, Condition, false),
        ("issued_by_office", Bool, Condition, false),
    ]
};

/// The columns the decision table (decisions.csv) starts with, in order;
/// other tools rely on these names. Then come the fields' columns, the
/// derived columns it keeps, and every kept column of the registers.
pub const LEADING_COLUMNS: [&str; 14] = [
    "source_file",
    "source_sheet",
    "source_row",
    "doc_id",
    "title",
    "disposition",
    "rule",
    "reason",
    "destination",
    "effective_classification",
    "destruction_level",
    "destruction_site",
    "witnesses",
    "anomalies",
];

/// Columns the plan's decision adds after the derived ones.
pub const DECISION_COLUMNS: [&str; 9] = [
    "case_index",
    "disposition",
    "rule",
    "reason",
    "destination_out",
    "destruction_level",
    "destruction_site",
    "witnesses",
    "anomalies_all",
];

/// Whether a register's column name would clash with a column the pipeline
/// makes; such a column is kept under another name (`… (kept)`), so that it
/// neither replaces one nor is replaced.
pub fn is_reserved_column(name: &str) -> bool {
    DERIVED_COLUMNS.iter().any(|(c, ..)| *c == name)
        || DECISION_COLUMNS.contains(&name)
        || name.ends_with("__normalized")
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips() {
        for field in Field::ALL {
            assert_eq!(Field::from_key(field.key()), Some(field));
        }
    }

    #[test]
    fn decision_fields_are_the_eight_of_the_spec() {
        let decision: Vec<_> = Field::ALL
            .into_iter()
            .filter(|f| f.is_decision_field())
            .map(Field::key)
            .collect();
        assert_eq!(
            decision,
            [
                "classification",
                "medium",
                "copies",
                "retention",
                "preservation_value",
                "return_required",
                "status",
                "hold"
            ]
        );
    }

    #[test]
    fn the_table_is_in_the_order_of_the_enum() {
        for (i, spec) in FIELDS.iter().enumerate() {
            assert_eq!(spec.field as usize, i, "{:?}", spec.field);
        }
    }

    #[test]
    fn column_names_are_unique() {
        let columns = canonical_columns();
        let mut names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
        for name in names {
            assert!(!is_reserved_column(name), "{name} is also a plan column");
        }
    }
}
