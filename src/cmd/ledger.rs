//! `clearance ledger verify|show`: checks the ledger's hash chain (exit 0
//! when intact, 1 with every finding when not) or lists its entries; each
//! ends with the summary.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::config::{Lang, LedgerAction, LedgerConfig};
use crate::labels::{self, Counted};
use crate::ledger::{self, DEFAULT_LEDGER, Entry, EntryKind};

use super::Outcome;
use super::summary::{Summary, ledger_read, path_arg};

/// Runs `ledger verify` or `ledger show`.
pub fn run(config: &LedgerConfig) -> Result<Outcome> {
    match config.action {
        LedgerAction::Verify => verify(&config.file, config.lang),
        LedgerAction::Show => show(&config.file, config.lang),
    }
}

/// The ledger as typed after a command: nothing for the default one.
fn ledger_arg(path: &Path) -> String {
    if path == Path::new(DEFAULT_LEDGER) {
        String::new()
    } else {
        format!(" {}", path_arg(path))
    }
}

/// Prints "FILE: N entries, chain intact" (and the last entry, to note
/// elsewhere), or every finding; then the summary.
fn verify(path: &Path, lang: Lang) -> Result<Outcome> {
    let v = ledger::verify(path)?;
    let file = path.display();
    let entries = labels::count(v.entries as u64, Counted::Entry, lang);
    let mut s = Summary::new(lang);
    s.read(ledger_read(path, v.entries, lang));
    let out = s.report();
    if v.intact() {
        let _ = match lang {
            Lang::Zh => writeln!(out, "{file}：{entries}，哈希链完好"),
            Lang::En => writeln!(out, "{file}: {entries}, chain intact"),
        };
        if let Some((seq, hash)) = &v.last {
            let _ = match lang {
                Lang::Zh => writeln!(
                    out,
                    "  最后一条：第 {seq} 条，哈希 {hash}（请另行记下：日后据此可以发现台账末尾被删去的记录）"
                ),
                Lang::En => writeln!(
                    out,
                    "  last entry: seq {seq}, hash {hash} (note it elsewhere: it shows later whether entries were cut from the end)"
                ),
            };
        }
        s.next("clearance status", Vec::new());
        s.print();
        return Ok(Outcome::Success);
    }
    let problems = labels::count(v.findings.len() as u64, Counted::Problem, lang);
    let _ = match lang {
        Lang::Zh => writeln!(out, "{file}：{entries}，哈希链已断开 — {problems}："),
        Lang::En => writeln!(out, "{file}: {entries}, CHAIN BROKEN — {problems}:"),
    };
    for finding in &v.findings {
        let _ = writeln!(out, "  {finding}");
    }
    s.attention(lang.pick(
        "台账在写入后被改动或已损坏：查明之前不要再确认任何销毁或交接，也不要据此制定计划；请用台账的备份副本核对上面列出的行",
        "the ledger was edited or damaged after it was written: confirm nothing and plan nothing with it until this is cleared up; compare the lines named above with a backup copy",
    ));
    s.next(
        format!("clearance ledger show{}", ledger_arg(path)),
        Vec::new(),
    );
    s.print();
    Ok(Outcome::DataError)
}

/// Prints one line per entry: seq, kind, batch, date, site, items, the
/// first 12 hex digits of its hash; then the summary with the entries by
/// kind.
fn show(path: &Path, lang: Lang) -> Result<Outcome> {
    if !path.exists() {
        // `read` takes an absent file for an empty ledger; a person asking
        // to see one more likely mistyped its name.
        return Err(ledger::LedgerError::Missing {
            path: path.to_path_buf(),
        }
        .into());
    }
    let verify = format!("clearance ledger verify{}", ledger_arg(path));
    let entries = match ledger::read(path) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "{}",
                match lang {
                    Lang::Zh => format!("`{verify}` 会列出每一处问题"),
                    Lang::En => format!("`{verify}` names every problem"),
                }
            );
            return Ok(Outcome::DataError);
        }
    };
    let mut s = Summary::new(lang);
    for line in table(&entries, lang) {
        let _ = writeln!(s.report(), "{line}");
    }
    s.read(ledger_read(path, entries.len(), lang));
    s.decides();
    let mut by_kind: BTreeMap<usize, (EntryKind, u64)> = BTreeMap::new();
    for e in &entries {
        let order = EntryKind::ALL
            .iter()
            .position(|k| *k == e.kind)
            .unwrap_or(0);
        by_kind.entry(order).or_insert((e.kind, 0)).1 += 1;
    }
    for (kind, n) in by_kind.values() {
        s.decided(labels::entry_kind(*kind, lang), *n, Counted::Entry);
    }
    s.next(verify, Vec::new());
    s.print();
    Ok(Outcome::Success)
}

/// The lines `show` prints, columns aligned.
fn table(entries: &[Entry], lang: Lang) -> Vec<String> {
    let width = |f: &dyn Fn(&Entry) -> usize| entries.iter().map(f).max().unwrap_or(0);
    let seq_w = width(&|e| e.seq.to_string().len());
    let kind_w = width(&|e| display_width(labels::entry_kind(e.kind, lang)));
    let batch_w = width(&|e| display_width(&e.batch));
    let date_w = width(&|e| display_width(&e.date));
    let site_w = width(&|e| display_width(&e.site));
    let items_w = width(&|e| display_width(&items(e, lang)));
    entries
        .iter()
        .map(|e| {
            format!(
                "{:>seq_w$}  {}  {}  {}  {}  {}  {}",
                e.seq,
                pad(labels::entry_kind(e.kind, lang), kind_w),
                pad(&e.batch, batch_w),
                pad(&e.date, date_w),
                pad(&e.site, site_w),
                pad(&items(e, lang), items_w),
                e.hash.get(..12).unwrap_or(&e.hash),
            )
        })
        .collect()
}

/// "3 items", "1 item"; "3 件".
fn items(e: &Entry, lang: Lang) -> String {
    labels::count(e.items.len() as u64, Counted::Item, lang)
}

/// Text padded with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(fill))
}

/// Terminal columns of text: CJK and full-width characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_text_takes_two_columns() {
        assert_eq!(display_width("本单位销毁点"), 12);
        assert_eq!(display_width("Site A"), 6);
        assert_eq!(pad("机要室", 8), "机要室  ");
    }
}
