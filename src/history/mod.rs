//! What earlier clearances leave to this one (SPEC §1 step 7): the ledger's
//! record of every holding that left the office and of the committee's
//! decisions (`plan --ledger`), and last year's decisions (`plan
//! --previous`).
//!
//! The plan uses the ledger so that nothing is planned for destruction
//! twice: a holding the ledger says left is DONE, naming the entry — or,
//! when a register still shows it as held, REVIEW with the REAPPEARED
//! anomaly. A holding the committee rejected or deferred carries that
//! decision and comment into its reason. Last year's decisions find what
//! went missing: a holding held then, absent from every register now, with
//! no ledger entry explaining it.
//!
//! Holdings are matched across years by document number (doc_id), and by
//! department where both sides name one: registers are re-typed, re-sorted
//! and renamed between years, so their file, sheet and row are not the
//! same holding's from one year to the next.

pub mod previous;

use std::collections::HashMap;

use crate::ledger::{Entry, EntryKind};
use crate::text::document_key;

/// Reads the ledger for a plan: its index, and its verification (entries,
/// last hash) for the summary. A ledger whose chain is broken is refused:
/// what it records decides holdings.
pub fn load_ledger(
    path: &std::path::Path,
) -> anyhow::Result<(LedgerIndex, crate::ledger::Verification)> {
    let check = crate::ledger::verify(path)?;
    if !check.intact() {
        anyhow::bail!(
            "{}: the ledger's chain is broken ({}), so it cannot decide anything; run `clearance ledger verify {}`",
            path.display(),
            check.findings.first().map_or("", String::as_str),
            path.display()
        );
    }
    Ok((LedgerIndex::new(&crate::ledger::read(path)?), check))
}

/// One ledger entry's word on one holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The entry's number.
    pub seq: u64,
    /// What it records.
    pub kind: EntryKind,
    /// The batch or list.
    pub batch: String,
    /// When it happened (YYYY-MM-DD).
    pub date: String,
    /// The department the item names ("" when none).
    pub department: String,
    /// The reviewer's comment on the item.
    pub comment: String,
    /// Copies.
    pub copies: i64,
}

/// The ledger, indexed by document number, compared as one document's
/// (last year's `京办发〔2019〕5号` is this year's `京办发[2019] 5号`).
#[derive(Debug, Clone, Default)]
pub struct LedgerIndex {
    /// Holdings that left: destroyed, returned, transferred.
    left: HashMap<String, Vec<Recorded>>,
    /// The committee's rejections and deferrals.
    decided: HashMap<String, Vec<Recorded>>,
    /// Entries read.
    pub entries: usize,
    /// Items without a document number, which cannot be matched.
    pub unmatchable: usize,
}

/// Whether a recorded item's department fits a holding's: equal, or
/// either blank.
fn same_department(recorded: &str, holding: &str) -> bool {
    let (a, b) = (recorded.trim(), holding.trim());
    a.is_empty() || b.is_empty() || a == b
}

impl LedgerIndex {
    /// Indexes the ledger's entries.
    pub fn new(entries: &[Entry]) -> LedgerIndex {
        let mut index = LedgerIndex {
            entries: entries.len(),
            ..LedgerIndex::default()
        };
        for e in entries {
            let map = if e.kind.left_the_office() {
                &mut index.left
            } else {
                &mut index.decided
            };
            for item in &e.items {
                let id = document_key(&item.doc_id);
                if id.is_empty() {
                    index.unmatchable += 1;
                    continue;
                }
                map.entry(id).or_default().push(Recorded {
                    seq: e.seq,
                    kind: e.kind,
                    batch: e.batch.clone(),
                    date: e.date.clone(),
                    department: item.department.clone(),
                    comment: item.comment.clone(),
                    copies: item.copies,
                });
            }
        }
        index
    }

    /// Whether the ledger had nothing to say.
    pub fn is_empty(&self) -> bool {
        self.left.is_empty() && self.decided.is_empty()
    }

    /// The latest entry recording that the holding (`doc_id`, held by
    /// `department`) left the office.
    pub fn left(&self, doc_id: &str, department: &str) -> Option<&Recorded> {
        latest(self.left.get(&document_key(doc_id))?, department)
    }

    /// How many holdings of `doc_id` (held by `department`) the ledger
    /// records as having left, one per item.
    pub fn left_count(&self, doc_id: &str, department: &str) -> usize {
        self.left.get(&document_key(doc_id)).map_or(0, |r| {
            r.iter()
                .filter(|r| same_department(&r.department, department))
                .count()
        })
    }

    /// The committee's latest decision on the holding (a rejection or
    /// deferral).
    pub fn decided(&self, doc_id: &str, department: &str) -> Option<&Recorded> {
        latest(self.decided.get(&document_key(doc_id))?, department)
    }

    /// Copies of `doc_id` recorded as having left on or after `since`
    /// (YYYY-MM-DD), as items (one per holding).
    pub fn left_since(&self, doc_id: &str, since: &str) -> usize {
        self.left
            .get(&document_key(doc_id))
            .map_or(0, |r| r.iter().filter(|r| r.date.as_str() >= since).count())
    }
}

/// The latest of `recorded` whose department fits.
fn latest<'a>(recorded: &'a [Recorded], department: &str) -> Option<&'a Recorded> {
    recorded
        .iter()
        .filter(|r| same_department(&r.department, department))
        .max_by_key(|r| r.seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::LedgerItem;

    fn entry(seq: u64, kind: EntryKind, items: &[(&str, &str)]) -> Entry {
        Entry {
            seq,
            kind,
            batch: format!("B{seq}"),
            document_digest: String::new(),
            as_of: "2024-12-31".into(),
            date: format!("2025-01-{:02}", seq),
            site: String::new(),
            method: String::new(),
            witnesses: Vec::new(),
            items: items
                .iter()
                .map(|(id, dept)| LedgerItem {
                    doc_id: id.to_string(),
                    title_hash: String::new(),
                    copies: 1,
                    department: dept.to_string(),
                    source_file: String::new(),
                    source_sheet: String::new(),
                    source_row: 0,
                    comment: "c".into(),
                })
                .collect(),
            prev: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn matches_by_doc_id_and_department_where_both_name_one() {
        let index = LedgerIndex::new(&[
            entry(1, EntryKind::Rejection, &[("A", "科一")]),
            entry(2, EntryKind::Destruction, &[("A", "科一"), ("", "科二")]),
            entry(3, EntryKind::Return, &[("B", "")]),
        ]);
        assert_eq!(index.unmatchable, 1);
        assert_eq!(index.left("A", "科一").map(|r| r.seq), Some(2));
        assert_eq!(index.left(" A ", "").map(|r| r.seq), Some(2));
        assert_eq!(index.left("A", "科二"), None, "another department's copy");
        assert_eq!(
            index.left("B", "科九").map(|r| r.kind),
            Some(EntryKind::Return)
        );
        assert_eq!(index.decided("A", "科一").map(|r| r.seq), Some(1));
        assert_eq!(index.left("C", ""), None);
        assert_eq!(index.left_since("A", "2025-01-02"), 1);
        assert_eq!(index.left_since("A", "2025-01-03"), 0);
    }

    /// Last year's number written another way this year was a new
    /// document: a rejected destruction was planned again, a destroyed
    /// holding that reappeared was not noticed.
    #[test]
    fn a_number_written_another_way_is_the_same_document() {
        let index = LedgerIndex::new(&[
            entry(1, EntryKind::Rejection, &[("京办发〔2019〕5号", "科一")]),
            entry(2, EntryKind::Destruction, &[("Ａ-7", "科一")]),
        ]);
        assert_eq!(
            index.decided("京办发[2019] 5号", "科一").map(|r| r.seq),
            Some(1)
        );
        assert_eq!(index.left("a-7", "科一").map(|r| r.seq), Some(2));
        assert_eq!(index.left_count("A-7", ""), 1);
        assert_eq!(index.left("A-8", "科一"), None);
    }
}
