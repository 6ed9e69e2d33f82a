//! The canonical fields of a register (SPEC §2).
//!
//! Every register a clerk hands in is read into the same set of fields, no
//! matter what its columns were called. This module names those fields once,
//! so that header aliases in the policy, the canonical table's columns and the
//! messages shown to users all agree.

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

/// How the value of a field is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text, kept as written (trimmed).
    Text,
    /// A date.
    Date,
    /// A positive whole number.
    Count,
    /// A classification marking.
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

impl Field {
    /// All fields, in the order of the canonical table.
    pub const ALL: [Field; 23] = [
        Field::DocId,
        Field::Title,
        Field::Issuer,
        Field::Department,
        Field::Holder,
        Field::Category,
        Field::Classification,
        Field::SecrecyPeriod,
        Field::Medium,
        Field::Copies,
        Field::CopiesOnHand,
        Field::Pages,
        Field::DocDate,
        Field::ReceivedDate,
        Field::Retention,
        Field::PreservationValue,
        Field::ReturnRequired,
        Field::ReturnTo,
        Field::Status,
        Field::OutDate,
        Field::Hold,
        Field::Notes,
        Field::Action,
    ];

    /// The field's key, as used in the policy file and the canonical table.
    pub fn key(self) -> &'static str {
        match self {
            Field::DocId => "doc_id",
            Field::Title => "title",
            Field::Issuer => "issuer",
            Field::Department => "department",
            Field::Holder => "holder",
            Field::Category => "category",
            Field::Classification => "classification",
            Field::SecrecyPeriod => "secrecy_period",
            Field::Medium => "medium",
            Field::Copies => "copies",
            Field::CopiesOnHand => "copies_on_hand",
            Field::Pages => "pages",
            Field::DocDate => "doc_date",
            Field::ReceivedDate => "received_date",
            Field::Retention => "retention",
            Field::PreservationValue => "preservation_value",
            Field::ReturnRequired => "return_required",
            Field::ReturnTo => "return_to",
            Field::Status => "status",
            Field::OutDate => "out_date",
            Field::Hold => "hold",
            Field::Notes => "notes",
            Field::Action => "action",
        }
    }

    /// Looks a field up by its key.
    ///
    /// ```
    /// use clearance::fields::Field;
    /// assert_eq!(Field::from_key("doc_id"), Some(Field::DocId));
    /// assert_eq!(Field::from_key("nonsense"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// How values of this field are read.
    pub fn kind(self) -> FieldKind {
        match self {
            Field::DocId
            | Field::Title
            | Field::Issuer
            | Field::Department
            | Field::Holder
            | Field::Category
            | Field::ReturnTo
            | Field::Notes => FieldKind::Text,
            Field::Classification => FieldKind::Classification,
            Field::SecrecyPeriod => FieldKind::Period,
            Field::Medium => FieldKind::Medium,
            Field::Copies | Field::CopiesOnHand | Field::Pages => FieldKind::Count,
            Field::DocDate | Field::ReceivedDate | Field::OutDate => FieldKind::Date,
            Field::Retention => FieldKind::Retention,
            Field::PreservationValue | Field::ReturnRequired | Field::Hold => FieldKind::Boolean,
            Field::Status => FieldKind::Status,
            Field::Action => FieldKind::Action,
        }
    }

    /// Whether an unrecognised value in this field sends the row to REVIEW
    /// (SPEC §2: the decision fields), rather than being only an anomaly.
    pub fn is_decision_field(self) -> bool {
        matches!(
            self,
            Field::Classification
                | Field::Medium
                | Field::Retention
                | Field::Status
                | Field::Hold
                | Field::ReturnRequired
                | Field::PreservationValue
                | Field::Copies
        )
    }
}

/// Columns the plan adds to the canonical table. A register column of the
/// same name is kept under another name (`… (kept)`), so that it neither
/// replaces one nor is replaced.
pub const PLAN_COLUMNS: [&str; 21] = [
    "retention_resolved",
    "retention_resolved_text",
    "retention_source",
    "retention_expires_on",
    "retention_expired",
    "effective_classification",
    "declassified_on",
    "classified_no_date",
    "days_out",
    "destination",
    "has_decision_error",
    "issued_by_office",
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
/// makes.
pub fn is_reserved_column(name: &str) -> bool {
    PLAN_COLUMNS.contains(&name) || name.ends_with("__normalized")
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
}
