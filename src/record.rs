//! The record of a confirmation (SPEC §1 step 6): the destruction record
//! (销毁记录) of a batch, or the handover record of a return (清退) or an
//! archive transfer (移交). It is printed and signed, and kept for the long
//! term with the manifest and the ledger.
//!
//! A record prints every line that left, the date, the place, the method
//! and the people (witnesses or receivers) with a line for each to sign,
//! and names the ledger entry it was recorded as (number and SHA-256): a
//! ledger cut short after the record was signed no longer shows that
//! entry, so the signed paper closes the one gap a hash chain leaves.

use std::path::Path;

use anyhow::{Context, Result};

use crate::config::Lang;
use crate::labels::{self, Signer};
use crate::ledger::EntryKind;
use crate::output::printable::{Printable, write_printable};
use crate::output::sheet_xml::WorkbookRows;
use crate::output::{OutCell, new_workbook};

/// One holding that left, as printed.
#[derive(Debug, Clone, Default)]
pub struct RecordLine {
    /// Document number.
    pub doc_id: String,
    /// Title as printed in the confirmed document (or the withheld mark).
    pub title: String,
    /// Classification as marked.
    pub classification: String,
    /// Medium as written (destructions only).
    pub medium: String,
    /// Copies that left.
    pub copies: i64,
    /// Department.
    pub department: String,
    /// Source file.
    pub source_file: String,
    /// Source row.
    pub source_row: String,
}

/// What a record says.
#[derive(Debug, Clone)]
pub struct Record {
    /// Destruction, return or transfer.
    pub kind: EntryKind,
    /// The office.
    pub unit: String,
    /// The batch or list id.
    pub batch: String,
    /// The digest of the final manifest or list confirmed.
    pub document_digest: String,
    /// When it happened, YYYY-MM-DD.
    pub date: String,
    /// Where it was destroyed, or the receiving unit.
    pub site: String,
    /// The destruction level as printed (`P-5 …`); blank for handovers.
    pub method: String,
    /// The witnesses, or the receivers of a handover.
    pub people: Vec<String>,
    /// The lines.
    pub lines: Vec<RecordLine>,
    /// The ledger entry's number.
    pub ledger_seq: u64,
    /// The ledger entry's SHA-256.
    pub ledger_hash: String,
    /// Language of labels.
    pub lang: Lang,
}

impl Record {
    /// The record's file name: `销毁记录-2024-D-001.xlsx`,
    /// `destruction-record-2024-D-001.xlsx` and the like.
    pub fn file_name(&self) -> String {
        let stem = match (self.kind, self.lang) {
            (EntryKind::Destruction, Lang::Zh) => "销毁记录",
            (EntryKind::Destruction, Lang::En) => "destruction-record",
            (EntryKind::Return, Lang::Zh) => "清退交接记录",
            (EntryKind::Return, Lang::En) => "return-record",
            (_, Lang::Zh) => "移交记录",
            (_, Lang::En) => "transfer-record",
        };
        format!(
            "{stem}-{}.xlsx",
            crate::output::names::file_safe(&self.batch)
        )
    }

    /// The printed title.
    fn title(&self) -> String {
        let what = match (self.kind, self.lang) {
            (EntryKind::Destruction, Lang::Zh) => "涉密载体销毁记录",
            (EntryKind::Destruction, Lang::En) => "destruction record",
            (EntryKind::Return, Lang::Zh) => "文件清退交接记录",
            (EntryKind::Return, Lang::En) => "return record",
            (_, Lang::Zh) => "档案移交记录",
            (_, Lang::En) => "archive transfer record",
        };
        format!("{} {what}", self.unit)
    }

    /// The three lines under the title: what was confirmed, when and
    /// where, by whom (and the ledger entry).
    fn info(&self) -> Vec<String> {
        vec![self.document_line(), self.event_line(), self.people_line()]
    }

    /// The first line under the title: the batch or list and the digest of
    /// the document confirmed.
    fn document_line(&self) -> String {
        let sep = crate::manifest::SEGMENT_SEPARATOR;
        let destruction = self.kind == EntryKind::Destruction;
        match self.lang {
            Lang::Zh => format!(
                "{}：{}{sep}{}摘要 SHA-256：{}",
                if destruction { "批次" } else { "清单" },
                self.batch,
                if destruction {
                    "正式清单"
                } else {
                    "清单"
                },
                self.document_digest
            ),
            Lang::En => format!(
                "{}: {}{sep}{} digest SHA-256: {}",
                if destruction { "Batch" } else { "List" },
                self.batch,
                if destruction {
                    "Final manifest"
                } else {
                    "List"
                },
                self.document_digest
            ),
        }
    }

    /// The second line under the title: when and where it was destroyed
    /// (and how), or when it was handed over and to whom.
    fn event_line(&self) -> String {
        let sep = crate::manifest::SEGMENT_SEPARATOR;
        match (self.kind == EntryKind::Destruction, self.lang) {
            (true, Lang::Zh) => format!(
                "销毁日期：{}{sep}销毁地点：{}{sep}销毁等级：{}",
                self.date, self.site, self.method
            ),
            (false, Lang::Zh) => format!("交接日期：{}{sep}接收单位：{}", self.date, self.site),
            (true, Lang::En) => format!(
                "Destroyed on: {}{sep}Site: {}{sep}Level: {}",
                self.date, self.site, self.method
            ),
            (false, Lang::En) => format!(
                "Handed over on: {}{sep}Received by: {}",
                self.date, self.site
            ),
        }
    }

    /// The third line under the title: the witnesses or receivers, and the
    /// ledger entry.
    fn people_line(&self) -> String {
        let sep = crate::manifest::SEGMENT_SEPARATOR;
        let people = self.people.join(self.lang.pick("、", ", "));
        let destruction = self.kind == EntryKind::Destruction;
        match self.lang {
            Lang::Zh => format!(
                "{}：{people}{sep}台账第 {} 条  SHA-256：{}",
                if destruction {
                    "监销人"
                } else {
                    "接收人"
                },
                self.ledger_seq,
                self.ledger_hash
            ),
            Lang::En => format!(
                "{}: {people}{sep}Ledger entry {}  SHA-256: {}",
                if destruction {
                    "Witnesses"
                } else {
                    "Receivers"
                },
                self.ledger_seq,
                self.ledger_hash
            ),
        }
    }

    /// The columns printed for each line.
    fn columns(&self) -> Vec<&'static str> {
        let mut c = vec!["doc_id", "title", "classification"];
        if self.kind == EntryKind::Destruction {
            c.push("medium");
        }
        c.extend(["copies", "department", "source_file", "source_row"]);
        c
    }

    /// The signature lines: one per named person, then whoever carried it
    /// out and whoever approved it.
    fn signatures(&self) -> Vec<String> {
        let role = if self.kind == EntryKind::Destruction {
            labels::WITNESS
        } else {
            labels::RECEIVER
        };
        let mut lines: Vec<String> = self
            .people
            .iter()
            .map(|p| labels::named_signature_line(role, p, self.lang))
            .collect();
        let others = if self.kind == EntryKind::Destruction {
            [Signer::PreparedBy, Signer::ApprovedBy]
        } else {
            [Signer::HandedOverBy, Signer::ApprovedBy]
        };
        lines.extend(others.iter().map(|s| labels::signature_line(*s, self.lang)));
        lines
    }
}

/// Writes the record to `path` (atomically: a reader never sees half a
/// file).
pub fn write_record(path: &Path, record: &Record) -> Result<()> {
    let lang = record.lang;
    let columns = record.columns();
    let mut headers = vec![lang.pick(labels::LINE_NUMBER.0, labels::LINE_NUMBER.1)];
    headers.extend(columns.iter().map(|c| labels::list_column(c, lang)));
    let rows = record
        .lines
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let mut row = vec![OutCell::Number(k as f64 + 1.0)];
            row.extend(columns.iter().map(|c| {
                match *c {
                    "doc_id" => OutCell::from(l.doc_id.as_str()),
                    "title" => OutCell::from(l.title.as_str()),
                    "classification" => OutCell::from(l.classification.as_str()),
                    "medium" => OutCell::from(l.medium.as_str()),
                    "copies" => OutCell::Number(l.copies as f64),
                    "department" => OutCell::from(l.department.as_str()),
                    "source_file" => OutCell::from(l.source_file.as_str()),
                    _ => l
                        .source_row
                        .parse::<f64>()
                        .map_or_else(|_| OutCell::from(l.source_row.as_str()), OutCell::Number),
                }
            }));
            row
        })
        .collect();
    let copies: i64 = record.lines.iter().map(|l| l.copies).sum();
    let printable = Printable {
        title: record.title(),
        info: record.info(),
        headers,
        rows,
        totals: vec![
            OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1)),
            OutCell::Text(match lang {
                Lang::Zh => format!("{} 件，{copies} 份", record.lines.len()),
                Lang::En => format!("{} lines, {copies} copies", record.lines.len()),
            }),
        ],
        review: false,
        batch_review: None,
        signatures: record.signatures(),
        footer: format!(
            "{} {}  SHA-256 {}",
            lang.pick("台账条目", "Ledger entry"),
            record.ledger_seq,
            record.ledger_hash
        ),
        lang,
    };
    let mut wb = new_workbook()?;
    let mut rows = WorkbookRows::new();
    rows.add(
        write_printable(&mut wb, lang.pick("记录", "Record"), printable)
            .with_context(|| crate::output::writing(path))?,
    );
    rows.save(&mut wb, path)
}
