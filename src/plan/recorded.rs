//! What the ledger says of a holding, applied to its decision (SPEC §1
//! step 7, §3 REAPPEARED): nothing the ledger records as gone is planned
//! again.
//!
//! - The ledger records it destroyed, returned or transferred and the
//!   register agrees (已销毁 / 已清退; 已归档 for a transfer): DONE, the
//!   reason naming the entry.
//! - The ledger records it gone but the register still shows it held:
//!   REVIEW with REAPPEARED (a HOLD stays on hold, and a rejected row stays
//!   rejected, both with the anomaly) — never a second destruction.
//! - The committee rejected or deferred its destruction: the decision and
//!   comment are added to the reason; the disposition is the rules'.

use std::collections::HashMap;

use polars::prelude::*;

use super::Decided;
use crate::config::Lang;
use crate::domain::{Disposition, Status};
use crate::history::{HoldingKey, LedgerIndex, Recorded};
use crate::ledger::EntryKind;

/// The rule named when the ledger, not a policy rule, decided.
pub const LEDGER_RULE: &str = "LEDGER";

/// What the ledger entry says happened, for a reason.
fn what_happened(r: &Recorded, lang: Lang) -> String {
    let what = match (r.kind, lang) {
        (EntryKind::Destruction, Lang::Zh) => "销毁",
        (EntryKind::Destruction, Lang::En) => "destroyed",
        (EntryKind::Return, Lang::Zh) => "清退",
        (EntryKind::Return, Lang::En) => "returned",
        (EntryKind::Transfer, Lang::Zh) => "移交档案室",
        (EntryKind::Transfer, Lang::En) => "transferred to the archive",
        (EntryKind::Rejection, Lang::Zh) => "委员会不同意销毁",
        (EntryKind::Rejection, Lang::En) => "destruction rejected by the committee",
        (EntryKind::Deferral, Lang::Zh) => "委员会暂缓审核",
        (EntryKind::Deferral, Lang::En) => "deferred by the committee",
    };
    match lang {
        Lang::Zh => format!("台账第 {} 条：{} {what}（{}）", r.seq, r.date, r.batch),
        Lang::En => format!("ledger entry {}: {what} on {} ({})", r.seq, r.date, r.batch),
    }
}

/// Whether the register's status agrees that the holding left as the
/// ledger says.
fn register_agrees(kind: EntryKind, status: Option<Status>) -> bool {
    match status {
        Some(Status::Destroyed | Status::Returned) => true,
        Some(Status::Archived) => kind == EntryKind::Transfer,
        _ => false,
    }
}

/// Applies the ledger to every decided row; returns, per row, whether it
/// REAPPEARED.
pub(super) fn apply_ledger(
    df: &DataFrame,
    decided: &mut Decided<'_>,
    ledger: &LedgerIndex,
    lang: Lang,
) -> PolarsResult<Vec<bool>> {
    let mut reappeared = vec![false; df.height()];
    if ledger.is_empty() {
        return Ok(reappeared);
    }
    let department = df.column("department")?.str()?;
    let status = crate::codes::Codes::of(df, "status_code")?;
    let agrees = |i: usize, kind: EntryKind| {
        register_agrees(kind, status.get(i).and_then(Status::from_code))
    };
    let dept = |i: usize| department.get(i).unwrap_or("");
    let (keys, by_other) = holding_keys(df, ledger)?;
    // Per holding and department, the rows whose register agrees with the
    // ledger that they left. Several holdings may share a doc_id (copies
    // held by one department): the ledger's items are set against the rows
    // that say they left, and only what is left over reappeared — in every
    // row still held, since which of them is the one cannot be told. A row
    // found by its other number is not counted: a copy marked gone in
    // another register, under another number, must not explain away the
    // row the ledger's item was listed from.
    let dept_key = |i: usize| crate::text::document_key(dept(i));
    let mut agreeing: HashMap<(&HoldingKey, String), usize> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        if let Some(key) = key
            && !by_other[i]
            && let Some(r) = ledger.left(key, dept(i))
            && agrees(i, r.kind)
        {
            *agreeing.entry((key, dept_key(i))).or_default() += 1;
        }
    }
    for (i, flag) in reappeared.iter_mut().enumerate() {
        let Some(key) = &keys[i] else {
            continue;
        };
        if let Some(r) = ledger.left(key, dept(i)) {
            if agrees(i, r.kind) {
                if decided.disposition[i] == Disposition::Done {
                    decided.rule[i] = Some(LEDGER_RULE);
                    let happened = what_happened(r, lang) + other_number_note(by_other[i], lang);
                    decided.reason.set(
                        i,
                        match lang {
                            Lang::Zh => format!("已办结：{happened}"),
                            Lang::En => format!("done: {happened}"),
                        },
                    );
                }
                continue;
            }
            let marked_gone = agreeing.get(&(key, dept_key(i))).copied().unwrap_or(0);
            if ledger.left_count(key, dept(i)) > marked_gone {
                *flag = true;
                review_reappeared(decided, i, r, key, by_other[i], lang);
            }
        } else if let Some(r) = ledger.decided(key, dept(i)) {
            let mut reason = decided.reason.get(i).to_string();
            note_decision(&mut reason, r, lang);
            reason.push_str(other_number_note(by_other[i], lang));
            decided.reason.set(i, reason);
        }
    }
    Ok(reappeared)
}

/// Each row's key into the ledger ([`LedgerIndex::key_for_numbers`]: its
/// own number, else the first of its other numbers the ledger knows, else
/// by its title), and whether that key is one of the row's other numbers
/// (a second number column) rather than its own number or its title.
fn holding_keys(
    df: &DataFrame,
    ledger: &LedgerIndex,
) -> PolarsResult<(Vec<Option<HoldingKey>>, Vec<bool>)> {
    let doc_id = df.column("doc_id")?.str()?;
    let title = df.column("title")?.str()?;
    let department = df.column("department")?.str()?;
    let others = df.column(crate::fields::OTHER_NUMBERS_COLUMN)?.str()?;
    let key = crate::text::document_key;
    Ok(doc_id
        .iter()
        .zip(title.iter())
        .zip(department.iter())
        .zip(others.iter())
        .map(|(((id, title), dept), others)| {
            let id = id.unwrap_or("");
            let numbers = || crate::fields::other_numbers(others);
            let found =
                ledger.key_for_numbers(id, numbers(), title.unwrap_or(""), dept.unwrap_or(""));
            let by_other = match &found {
                Some(HoldingKey::Number(n)) => *n != key(id) && numbers().any(|o| key(o) == *n),
                _ => false,
            };
            (found, by_other)
        })
        .unzip())
}

/// Sends row `i`, which the ledger says left as `r` but its register
/// still holds, to REVIEW (a holding on hold or rejected stays so).
fn review_reappeared(
    decided: &mut Decided<'_>,
    i: usize,
    r: &Recorded,
    key: &HoldingKey,
    by_other: bool,
    lang: Lang,
) {
    if matches!(
        decided.disposition[i],
        Disposition::Hold | Disposition::Rejected
    ) {
        return;
    }
    let mut happened = what_happened(r, lang);
    if matches!(key, HoldingKey::Title(_)) {
        happened.push_str(lang.pick(
            "（无文件编号，按标题对应）",
            " (no doc_id: matched by its title)",
        ));
    }
    happened.push_str(other_number_note(by_other, lang));
    decided.disposition[i] = Disposition::Review;
    decided.rule[i] = Some(LEDGER_RULE);
    decided.reason.set(
        i,
        match lang {
            Lang::Zh => {
                format!("需人工审核：{happened}，但登记簿仍显示在册——核实实物，不得再次处置")
            }
            Lang::En => format!(
                "needs review: {happened}, yet the register still shows it held — check the holding; it is not disposed of twice"
            ),
        },
    );
}

/// What a reason adds when the ledger found the row by one of its other
/// numbers (a second number column), not its own: nothing otherwise.
fn other_number_note(by_other: bool, lang: Lang) -> &'static str {
    match by_other {
        true => lang.pick(
            "（按本行另一编号对应）",
            " (matched by the row's other number)",
        ),
        false => "",
    }
}

/// Adds to a reason what the committee decided of the holding (`r`), and
/// its comment.
fn note_decision(reason: &mut String, r: &Recorded, lang: Lang) {
    let mut note = what_happened(r, lang);
    if !r.comment.trim().is_empty() {
        note.push_str(lang.pick("，意见：", ", comment: "));
        note.push_str(r.comment.trim());
    }
    reason.push_str(lang.pick("；", "; "));
    reason.push_str(&note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_status_that_says_it_left_agrees_with_the_ledger() {
        use EntryKind::*;
        let cases = [
            (Destruction, Some(Status::Destroyed), true),
            (Destruction, Some(Status::Returned), true),
            (Destruction, Some(Status::Archived), false),
            (Destruction, Some(Status::OnHand), false),
            (Destruction, None, false),
            (Return, Some(Status::Kept), false),
            (Transfer, Some(Status::Archived), true),
            (Transfer, Some(Status::OnLoan), false),
        ];
        for (kind, status, agrees) in cases {
            assert_eq!(register_agrees(kind, status), agrees, "{kind:?} {status:?}");
        }
    }
}
