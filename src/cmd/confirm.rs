//! `clearance confirm`: records that a batch was destroyed, or that a
//! return or transfer list was handed over (SPEC §1 step 6).
//!
//! The document is verified first — a final manifest (never a draft) or a
//! handover list, exactly as issued. Then the checks a committee would
//! make: the date is not before the plan's as-of date nor in the future, a
//! destruction names its site and at least as many witnesses as the batch
//! requires, a handover names who received it. The ledger entry is
//! appended under the ledger's lock together with the check that the batch
//! or list was not confirmed already, so two runs at once cannot both
//! record it. Last, the record to print and sign is written, naming the
//! ledger entry.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::config::{ConfirmConfig, Lang};
use crate::labels::{self, Counted};
use crate::ledger::{self, Entry, EntryKind, LedgerError, LedgerItem};
use crate::lists::HandoverKind;
use crate::lists::handover::{HandoverList, IssuedKind, issued_kind, read_handover};
use crate::manifest::review::{ReviewedCopy, read_manifest};
use crate::manifest::verify::IndexCheck;
use crate::record::{Record, RecordLine, write_record};

use super::Outcome;
use super::summary::Summary;

/// Runs `confirm`.
pub fn run(config: &ConfirmConfig) -> Result<Outcome> {
    let (entry, mut record) = match prepare(config, issued_kind(&config.file)?) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e:#}");
            eprintln!(
                "{}",
                config.lang.pick("未作任何记录。", "nothing was recorded.")
            );
            return Ok(Outcome::DataError);
        }
    };
    // Said before anything else is looked at; checked again under the lock.
    if let Some(reason) = recorded_already(&ledger::read(&config.ledger)?, &entry) {
        return Ok(not_recorded(config, &reason));
    }
    // The record is written after the ledger entry, whose number and hash
    // it carries: make sure first that its sheets can be written at all.
    if let Err(e) = crate::output::check_temp_folder() {
        return Ok(not_recorded(config, &format!("{e:#}")));
    }
    std::fs::create_dir_all(&config.out)
        .with_context(|| format!("creating {}", config.out.display()))?;
    let path = config.out.join(record.file_name());
    if path.exists() {
        eprintln!(
            "error: {}: a record of {} exists already; nothing was recorded.",
            path.display(),
            record.batch
        );
        return Ok(Outcome::DataError);
    }
    let appended = match append_once(&config.ledger, entry) {
        Ok(e) => e,
        Err(LedgerError::Refused { reason, .. }) => return Ok(not_recorded(config, &reason)),
        Err(e) => return Err(e.into()),
    };
    record.ledger_seq = appended.seq;
    record.ledger_hash = appended.hash.clone();
    // A temporary folder that fills up now is reported with the entry.
    let written = crate::output::guard_temp_folder(|| write_record(&path, &record));
    written.and_then(|done| done).with_context(|| {
        format!(
            "the ledger records it (entry {}), but its record could not be written",
            appended.seq
        )
    })?;
    summary(config, &record, &appended, &path).print();
    Ok(Outcome::Success)
}

/// The ledger entry and record of the document, read as the `kind` of
/// document it is, or why it cannot be confirmed.
fn prepare(config: &ConfirmConfig, kind: IssuedKind) -> Result<(Entry, Record)> {
    match kind {
        IssuedKind::HandoverList => {
            read_handover(&config.file).and_then(|list| handover(config, list))
        }
        IssuedKind::Manifest => {
            read_manifest(&config.file).and_then(|copy| destruction(config, copy))
        }
        IssuedKind::None => Err(anyhow::anyhow!(
            "{}: {}",
            config.file.display(),
            config.lang.pick(
                "这不是 clearance 签发的文件（其中没有签发条目）；只能确认 clearance review 写出的正式销毁清单，或运行文件夹 lists/ 中的清退清单和移交清单",
                "not a document clearance issued (no issued items inside); confirm takes a final manifest written by clearance review, or a return or transfer list from the run folder's lists/"
            )
        )),
    }
}

/// Says that the document is not recorded, and why (it was confirmed
/// already); the outcome of the run.
fn not_recorded(config: &ConfirmConfig, reason: &str) -> Outcome {
    eprintln!(
        "error: {}: {reason}; nothing was recorded.",
        config.file.display()
    );
    Outcome::DataError
}

/// Appends `entry` unless the ledger records the same batch or list (same
/// kind, id and as-of date) or the same document already; the check runs
/// under the ledger's lock.
fn append_once(path: &std::path::Path, entry: Entry) -> Result<Entry, LedgerError> {
    let probe = entry.clone();
    ledger::append_checked(path, entry, |entries| {
        match recorded_already(entries, &probe) {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    })
}

/// Why `entry` must not be recorded, if the ledger has it: the same
/// document or batch (same kind, id and as-of date) confirmed already, or
/// holdings of it recorded as having left already ([`left_already`]).
fn recorded_already(entries: &[Entry], entry: &Entry) -> Option<String> {
    entries
        .iter()
        .find(|e| {
            e.document_digest == entry.document_digest
                || (e.kind == entry.kind && e.batch == entry.batch && e.as_of == entry.as_of)
        })
        .map(|e| {
            format!(
                "{} was confirmed already: ledger entry {} ({}, {})",
                entry.batch, e.seq, e.kind, e.date
            )
        })
        .or_else(|| left_already(entries, entry))
}

/// Holdings of `entry` that the ledger already records as having left
/// (destroyed, returned, transferred) since the plan of `entry` was made:
/// the same holding (its number, else its title key), held by the same
/// department, read from the same register row, in an entry dated on or
/// after `entry`'s as-of date — a plan that could not have known of it.
/// Two plans made before either was confirmed (with different as-of
/// dates, say) list the same holding in two batches; recording both would
/// count one holding twice, and next year the second record would explain
/// away a copy that went missing. A copy of the same number in another row
/// or register, or planned after the entry (next year's), is another
/// holding.
fn left_already(entries: &[Entry], entry: &Entry) -> Option<String> {
    use crate::history::{HoldingKey, same_department};
    if !entry.kind.left_the_office() {
        return None;
    }
    // A register as the runs named it: `./reg.xlsx` is `reg.xlsx`.
    let path = |item: &LedgerItem| {
        let p = item.source_file.trim().replace('\\', "/");
        p.trim_start_matches("./").to_string()
    };
    let place = |item: &LedgerItem| {
        HoldingKey::of_item(item)
            .map(|key| (key, path(item), item.source_sheet.clone(), item.source_row))
    };
    let mut gone: std::collections::HashMap<_, Vec<(&Entry, &LedgerItem)>> =
        std::collections::HashMap::new();
    for e in entries
        .iter()
        .filter(|e| e.kind.left_the_office() && e.date.as_str() >= entry.as_of.as_str())
    {
        for item in &e.items {
            if let Some(p) = place(item) {
                gone.entry(p).or_default().push((e, item));
            }
        }
    }
    let found: Vec<String> = entry
        .items
        .iter()
        .enumerate()
        .filter_map(|(n, item)| {
            let (e, _) = gone
                .get(&place(item)?)?
                .iter()
                .find(|(_, x)| same_department(&x.department, &item.department))?;
            let id = if item.doc_id.trim().is_empty() {
                "no doc_id"
            } else {
                item.doc_id.trim()
            };
            let sheet = match item.source_sheet.trim() {
                "" => String::new(),
                s => format!(" [{s}]"),
            };
            Some(format!(
                "line {} ({id}, {}{sheet} row {}): ledger entry {} ({} {}, {})",
                n + 1,
                item.source_file,
                item.source_row,
                e.seq,
                e.kind,
                e.batch,
                e.date
            ))
        })
        .collect();
    let first = found.first()?;
    let more = match found.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(format!(
        "{} lists holdings the ledger records as having left already — {first}{more}; a holding leaves once. \
         The plan it comes from was made before that entry: plan again with --ledger, which marks what the ledger records as gone, and confirm what the new plan issues",
        entry.batch
    ))
}

/// The checks every confirmation makes of its date: not before the plan's
/// as-of date, not in the future.
fn check_date(date: NaiveDate, as_of: &str) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    if date > today {
        bail!("--date {date} is in the future: confirm after it happened");
    }
    if let Ok(as_of) = NaiveDate::parse_from_str(as_of, "%Y-%m-%d")
        && date < as_of
    {
        bail!("--date {date} is before the plan's as-of date {as_of}");
    }
    Ok(())
}

/// Refuses a document without its index.csv beside it, unless
/// `--without-index`: a copy rewritten together with its digests agrees
/// with itself, and only the index written at issue tells it from the
/// document issued. With the flag, warns that it was checked for internal
/// consistency only.
fn check_index(config: &ConfirmConfig, index: &IndexCheck) -> Result<()> {
    if *index != IndexCheck::Absent {
        return Ok(());
    }
    let file = config.file.display();
    let lang = config.lang;
    if !config.without_index {
        bail!(match lang {
            Lang::Zh => format!(
                "{file}：旁边没有 index.csv，无法核对它是否就是签发的那一份（连同摘要一起改写的文件与自身一致）。请确认 review 写出的 final/ 文件夹或运行文件夹 lists/ 中的原文件；若只有这一份，加 --without-index 以仅核对内部一致性后记录"
            ),
            Lang::En => format!(
                "{file}: no index.csv beside it, so whether it is the document issued cannot be checked (a copy rewritten with its digests agrees with itself). Confirm the file in the folder it was written to (the review's final/, or the run's lists/), or, if this copy is all there is, add --without-index to record it on its internal consistency only"
            ),
        });
    }
    eprintln!(
        "{}{}",
        lang.pick(labels::WARNING.0, labels::WARNING.1),
        match lang {
            Lang::Zh => format!("{file}：旁边没有 index.csv，只核对了内部一致性"),
            Lang::En => format!(
                "{file}: no index.csv beside it, so it was checked for internal consistency only"
            ),
        }
    );
    Ok(())
}

/// The ledger entry and record of a destroyed batch.
fn destruction(config: &ConfirmConfig, copy: ReviewedCopy) -> Result<(Entry, Record)> {
    let site = check_destruction(config, &copy)?;
    let h = &copy.heading;
    let lang = config.document_lang.unwrap_or(copy.lang);
    let items = copy
        .lines
        .iter()
        .map(|l| super::review::ledger_item(l, ""))
        .collect();
    let entry = new_entry(
        EntryKind::Destruction,
        (&h.batch, &copy.digest, &h.as_of),
        config.date,
        site,
        &h.level,
        &config.witnesses,
        items,
    );
    let record = Record {
        kind: EntryKind::Destruction,
        unit: h.unit.clone(),
        batch: h.batch.clone(),
        document_digest: copy.digest.clone(),
        date: config.date.to_string(),
        site: format!("{site}（{}）", labels::site(&h.site, lang)),
        method: labels::destruction_level(&h.level, lang),
        people: config.witnesses.clone(),
        lines: destroyed_lines(&copy),
        ledger_seq: 0,
        ledger_hash: String::new(),
        lang,
    };
    Ok((entry, record))
}

/// The checks a destruction must pass: a final manifest, a date it can
/// have happened on, a site, and as many witnesses as the batch requires
/// (and no receiver). Returns the site.
fn check_destruction<'c>(config: &'c ConfirmConfig, copy: &ReviewedCopy) -> Result<&'c String> {
    let file = config.file.display();
    let h = &copy.heading;
    if !h.is_final() {
        bail!(
            "{file}: a draft for review, not a final manifest — run `clearance review` on the reviewed drafts and confirm the final manifest it writes"
        );
    }
    check_index(config, &copy.index)?;
    check_date(config.date, &h.as_of)?;
    if !config.receivers.is_empty() {
        bail!("--receiver is for a return or transfer list; a destruction names --witness");
    }
    let Some(site) = &config.site else {
        bail!("--site is required: where {} was destroyed", h.batch);
    };
    if config.witnesses.len() < h.witnesses as usize {
        bail!(
            "batch {} requires at least {} witnesses (监销人), {} given (--witness NAME, once per witness)",
            h.batch,
            h.witnesses,
            config.witnesses.len()
        );
    }
    Ok(site)
}

/// The lines of a destruction record, from the final manifest's lines.
fn destroyed_lines(copy: &ReviewedCopy) -> Vec<RecordLine> {
    copy.lines
        .iter()
        .map(|l| RecordLine {
            doc_id: l.field("doc_id").to_string(),
            title: l.title.clone(),
            classification: l.field("classification").to_string(),
            medium: l.field("medium").to_string(),
            copies: l.field("copies").parse().unwrap_or(1),
            department: l.field("department").to_string(),
            source_file: l.field("source_file").to_string(),
            source_row: l.field("source_row").to_string(),
        })
        .collect()
}

/// The ledger entry and record of a handed-over return or transfer list.
fn handover(config: &ConfirmConfig, list: HandoverList) -> Result<(Entry, Record)> {
    let site = check_handover(config, &list)?;
    let kind = match list.kind {
        HandoverKind::Return => EntryKind::Return,
        HandoverKind::Transfer => EntryKind::Transfer,
    };
    let lang = config.document_lang.unwrap_or(list.lang);
    let entry = new_entry(
        kind,
        (&list.id, &list.digest, &list.as_of),
        config.date,
        &site,
        "",
        &config.receivers,
        handed_over_items(&list),
    );
    let record = Record {
        kind,
        unit: list.unit.clone(),
        batch: list.id.clone(),
        document_digest: list.digest.clone(),
        date: config.date.to_string(),
        site,
        method: String::new(),
        people: config.receivers.clone(),
        lines: handed_over_lines(&list),
        ledger_seq: 0,
        ledger_hash: String::new(),
        lang,
    };
    Ok((entry, record))
}

/// The checks a handover must pass: a date it can have happened on, a
/// receiver (and no witness), and a receiving unit, named by the list or
/// by `--site`. Returns the receiving unit.
fn check_handover(config: &ConfirmConfig, list: &HandoverList) -> Result<String> {
    let file = config.file.display();
    check_index(config, &list.index)?;
    check_date(config.date, &list.as_of)?;
    if !config.witnesses.is_empty() {
        bail!("--witness is for a destruction; a return or transfer names --receiver");
    }
    if config.receivers.is_empty() {
        bail!("--receiver is required: who received {} (接收人)", list.id);
    }
    Ok(match &config.site {
        Some(s) => s.clone(),
        None if list.destination == crate::plan::derive::UNKNOWN_DESTINATION => bail!(
            "{file}: the list has no known destination; name the unit that received it with --site"
        ),
        None => list.destination.clone(),
    })
}

/// The ledger items of a handover, from the list's lines.
fn handed_over_items(list: &HandoverList) -> Vec<LedgerItem> {
    (0..list.lines.len())
        .map(|i| LedgerItem {
            doc_id: list.field(i, "doc_id").to_string(),
            title_hash: list.field(i, "title").to_string(),
            copies: list.field(i, "copies").parse().unwrap_or(1),
            department: list.field(i, "department").to_string(),
            source_file: list.field(i, "source_file").to_string(),
            source_sheet: list.field(i, "source_sheet").to_string(),
            source_row: list.field(i, "source_row").parse().unwrap_or(0),
            comment: String::new(),
            holding: crate::history::HoldingKey::ledger_field(
                list.titles.get(i).map_or("", String::as_str),
            ),
        })
        .collect()
}

/// The lines of a handover record, from the list's lines.
fn handed_over_lines(list: &HandoverList) -> Vec<RecordLine> {
    (0..list.lines.len())
        .map(|i| RecordLine {
            doc_id: list.field(i, "doc_id").to_string(),
            title: list.titles.get(i).cloned().unwrap_or_default(),
            classification: list.field(i, "classification").to_string(),
            medium: String::new(),
            copies: list.field(i, "copies").parse().unwrap_or(1),
            department: list.field(i, "department").to_string(),
            source_file: list.field(i, "source_file").to_string(),
            source_row: list.field(i, "source_row").to_string(),
        })
        .collect()
}

/// A ledger entry for `append` (it sets seq, prev and hash).
fn new_entry(
    kind: EntryKind,
    (batch, digest, as_of): (&str, &str, &str),
    date: NaiveDate,
    site: &str,
    method: &str,
    people: &[String],
    items: Vec<LedgerItem>,
) -> Entry {
    Entry {
        seq: 0,
        kind,
        batch: batch.to_string(),
        document_digest: digest.to_string(),
        as_of: as_of.to_string(),
        date: date.to_string(),
        site: site.to_string(),
        method: method.to_string(),
        witnesses: people.to_vec(),
        items,
        prev: String::new(),
        hash: String::new(),
    }
}

/// What is printed once recorded: the document read, what was recorded,
/// the ledger entry and the record, that the record is to be signed, and
/// `clearance status` of the run.
fn summary(config: &ConfirmConfig, record: &Record, entry: &Entry, path: &Path) -> Summary {
    let lang = config.lang;
    let copies: i64 = record.lines.iter().map(|l| l.copies).sum();
    let lines = labels::count(record.lines.len() as u64, Counted::Line, lang);
    let copies = labels::count(copies.max(0) as u64, Counted::Copy, lang);
    let file = config.file.display();
    let mut s = Summary::new(lang);
    s.read(match lang {
        Lang::Zh => format!("{file}（{}，{lines}，{copies}）", record.batch),
        Lang::En => format!("{file} ({}, {lines}, {copies})", record.batch),
    });
    let kind = labels::entry_kind(record.kind, lang);
    s.decided(
        match lang {
            Lang::Zh => format!("{kind}（{}，{}）", entry.date, entry.site),
            Lang::En => format!("{kind} ({}, {})", entry.date, entry.site),
        },
        record.lines.len() as u64,
        Counted::Holding,
    );
    s.written(match lang {
        Lang::Zh => format!(
            "台账 {} 第 {} 条（SHA-256 {}）",
            config.ledger.display(),
            entry.seq,
            entry.hash
        ),
        Lang::En => format!(
            "the ledger {}, entry {} (SHA-256 {})",
            config.ledger.display(),
            entry.seq,
            entry.hash
        ),
    });
    s.written(match lang {
        Lang::Zh => format!("记录 {}", path.display()),
        Lang::En => format!("the record {}", path.display()),
    });
    s.attention(sign_the_record(record, path, lang));
    let run = config
        .ledger
        .parent()
        .map(|dir| dir.join(&entry.as_of))
        .filter(|run| crate::run_folder::RunInfo::read(run).is_ok());
    match run {
        Some(run) => s.next(super::summary::commands::status(&run), Vec::new()),
        None => s.next("clearance status", Vec::new()),
    }
    s
}

/// What to do with the record at `path`: print it, have the witnesses or
/// receivers sign it, and file it.
fn sign_the_record(record: &Record, path: &Path, lang: Lang) -> String {
    let people = super::summary::join(&record.people, lang);
    match (record.kind, lang) {
        (EntryKind::Destruction, Lang::Zh) => format!(
            "打印 {}，由监销人（{people}）签字，与正式清单一并存档",
            path.display()
        ),
        (EntryKind::Destruction, Lang::En) => format!(
            "print {}, have the witnesses ({people}) sign it and file it with the final manifest",
            path.display()
        ),
        (_, Lang::Zh) => format!("打印 {}，由接收人（{people}）签字后存档", path.display()),
        (_, Lang::En) => format!(
            "print {}, have the receiver ({people}) sign it and file it",
            path.display()
        ),
    }
}
