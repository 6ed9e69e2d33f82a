//! `verify`: is the chain whole? Every line is checked for its form, its
//! own hash and its link to the line before it, and every problem is named
//! by line and seq: an edited entry, a deleted one, entries reordered, a
//! line inserted (copied or made up), a torn last line.
//!
//! Each problem is reported where it shows, once: an entry's content where
//! its hash or bytes disagree; its place where its `prev` names another
//! line than the one before it (the line it does name, if still in the
//! file, tells moved from inserted), or where its seq does not follow.

use std::collections::HashMap;
use std::path::Path;

use super::{
    Entry, GENESIS, LedgerError, Parsed, entry_hash, line_hash, read_bytes, split_lines, to_line,
    torn_reason,
};

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The complete entries read (lines that parse as entries, whatever
    /// else is wrong with them).
    pub entries: usize,
    /// Every problem, in line order, each naming its line (and entry); empty
    /// when the chain is intact.
    pub findings: Vec<String>,
    /// The seq and hash of the last complete entry, if any: noted outside
    /// the ledger, they show whether entries were later cut from its end
    /// (which the chain alone cannot show).
    pub last: Option<(u64, String)>,
}

impl Verification {
    /// True when nothing was found.
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks the ledger at `path`: each line parses as an entry, each entry's
/// own hash, seq following the entry before it (1 for the first), and
/// `prev` equal to the SHA-256 of the line before it ([`super::GENESIS`] for
/// the first). Problems are findings, not errors: the result says what is
/// wrong, line by line. Errors are for a file that does not exist
/// ([`LedgerError::Missing`]) or cannot be read.
pub fn verify(path: &Path) -> Result<Verification, LedgerError> {
    let data = read_bytes(path)?.ok_or_else(|| LedgerError::Missing {
        path: path.to_path_buf(),
    })?;
    Ok(check(&data))
}

/// The first 12 hex digits of a hash, for messages.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// "line 4" or "lines 4–6".
fn line_range(from: usize, to: usize) -> String {
    if from == to {
        format!("line {from}")
    } else {
        format!("lines {from}–{to}")
    }
}

/// Checks a ledger's bytes.
pub(crate) fn check(data: &[u8]) -> Verification {
    let lines = split_lines(data);
    let hashes: Vec<String> = lines.iter().map(|l| line_hash(l.bytes)).collect();
    // Line index by its hash (the first line with it): where a `prev` points.
    let mut by_hash: HashMap<&str, usize> = HashMap::new();
    for (i, h) in hashes.iter().enumerate() {
        by_hash.entry(h.as_str()).or_insert(i);
    }
    let entry_at = |i: usize| -> Option<&Entry> {
        match (&lines[i].parsed, lines[i].terminated) {
            (Parsed::Entry(e), true) => Some(e),
            _ => None,
        }
    };
    let describe = |i: usize| -> String {
        match entry_at(i) {
            Some(e) => format!("line {} (entry {})", i + 1, e.seq),
            None => format!("line {}", i + 1),
        }
    };

    let mut findings = Vec::new();
    let mut entries = 0;
    let mut last = None;
    // Whether the entry on a line is as it was written (own hash and bytes).
    let mut sound = vec![false; lines.len()];
    let mut by_seq: HashMap<u64, usize> = HashMap::new();

    for (i, line) in lines.iter().enumerate() {
        let number = i + 1;
        let entry = match (&line.parsed, line.terminated) {
            (_, false) => {
                let reason = torn_reason(line).unwrap_or_default();
                findings.push(format!(
                    "line {number} is torn: {reason} — a write was interrupted"
                ));
                continue;
            }
            (Parsed::Broken(why), true) if number == lines.len() => {
                findings.push(format!(
                    "line {number} is torn: the line {why} — a write was interrupted, or the \
                     line was edited"
                ));
                continue;
            }
            (Parsed::Broken(why), true) => {
                findings.push(format!(
                    "line {number} is not an entry: the line {why} — it was edited or damaged"
                ));
                continue;
            }
            (Parsed::Entry(entry), true) => entry,
        };
        entries += 1;
        last = Some((entry.seq, entry.hash.clone()));
        let name = format!("entry {} (line {number})", entry.seq);

        // The entry itself.
        let computed = entry_hash(entry);
        if computed != entry.hash {
            findings.push(format!(
                "{name} was changed: its hash {}… does not match its content ({}…)",
                short(&entry.hash),
                short(&computed)
            ));
        } else if to_line(entry).is_ok_and(|canonical| canonical != line.bytes) {
            let how = if line.bytes.ends_with(b"\r") {
                "the line ends with a carriage return: the file was re-saved with Windows line \
                 endings"
            } else {
                "spacing, escapes, field order or extra fields differ"
            };
            findings.push(format!(
                "{name} was rewritten: same content, but not the bytes the ledger wrote — {how}"
            ));
        } else {
            sound[i] = true;
        }

        // A copy of an earlier line.
        if let Some(&k) = by_hash.get(hashes[i].as_str())
            && k < i
        {
            findings.push(format!(
                "line {number} repeats line {} (entry {}): a copied entry was inserted",
                k + 1,
                entry.seq
            ));
            continue;
        }
        match by_seq.get(&entry.seq) {
            Some(&k) => findings.push(format!(
                "line {number} holds seq {}, as line {} does: one of them was inserted or \
                 renumbered",
                entry.seq,
                k + 1
            )),
            None => {
                by_seq.insert(entry.seq, i);
            }
        }

        // Its place in the chain.
        let before = i.checked_sub(1);
        let expected_prev = before.map_or(GENESIS, |b| hashes[b].as_str());
        let before_entry = before.and_then(entry_at);
        if entry.prev == expected_prev {
            match before_entry {
                None if before.is_none() && entry.seq != 1 => findings.push(format!(
                    "{name} is numbered {}: the first entry is seq 1",
                    entry.seq
                )),
                Some(p) if entry.seq != p.seq.saturating_add(1) => findings.push(format!(
                    "{name} follows entry {} (line {}): seq {} expected, {} found",
                    p.seq,
                    i,
                    p.seq.saturating_add(1),
                    entry.seq
                )),
                _ => {}
            }
            continue;
        }
        let Some(b) = before else {
            // The first line, not linked to nothing.
            findings.push(match by_hash.get(entry.prev.as_str()) {
                Some(&m) => format!(
                    "{name} is out of order: it was written right after {}, but comes first",
                    describe(m)
                ),
                None if entry.seq > 1 => missing(number, 1, entry.seq),
                None => format!(
                    "{name} does not start the chain: its prev is not all zeros — it was \
                     changed, or entries before it were removed"
                ),
            });
            continue;
        };
        if entry.prev == GENESIS {
            findings.push(format!(
                "{name} is marked as the first entry (its prev is all zeros) but is on line \
                 {number}: it was inserted, or moved from line 1"
            ));
            continue;
        }
        if let Some(&m) = by_hash.get(entry.prev.as_str()) {
            let backwards = before_entry.is_some_and(|p| p.seq > entry.seq);
            if m > i || backwards {
                findings.push(format!(
                    "{name} is out of order: it was written right after {}, but comes after {}",
                    describe(m),
                    describe(b)
                ));
            } else {
                findings.push(format!(
                    "{name} does not follow {}: it was written right after {} — {} came in \
                     between (inserted or moved there)",
                    describe(b),
                    describe(m),
                    line_range(m + 2, i)
                ));
            }
            continue;
        }
        // The line it was written after is no longer in the file.
        findings.push(match before_entry {
            None => format!("{name} does not chain to line {i}, which is not an entry"),
            Some(_) if !sound[b] => format!(
                "{name} does not chain to {}: that line was altered after entry {} was written",
                describe(b),
                entry.seq
            ),
            Some(p) if entry.seq > p.seq.saturating_add(1) => {
                missing(number, p.seq.saturating_add(1), entry.seq)
            }
            Some(p) => format!(
                "{name} does not chain to {}: its prev matches no line of the file — entry {} \
                 was replaced (its hash recomputed), or entries between them were removed",
                describe(b),
                p.seq
            ),
        });
    }
    Verification {
        entries,
        findings,
        last,
    }
}

/// "an entry is missing before line 4: seq 3 expected, 4 found".
fn missing(number: usize, expected: u64, found: u64) -> String {
    if found == expected + 1 {
        format!("an entry is missing before line {number}: seq {expected} expected, {found} found")
    } else {
        format!(
            "{} entries are missing before line {number}: seq {expected} expected, {found} found",
            found - expected
        )
    }
}
