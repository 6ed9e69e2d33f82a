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
    Entry, GENESIS, LedgerError, Parsed, RawLine, entry_hash, line_hash, read_bytes, split_lines,
    to_line, torn_reason,
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
    let mut walk = Walk::new(&lines, &hashes);
    let mut entries = 0;
    let mut last = None;
    for i in 0..lines.len() {
        let Some(entry) = walk.entry_or_finding(i) else {
            continue;
        };
        entries += 1;
        last = Some((entry.seq, entry.hash.clone()));
        walk.check_entry(i, entry);
    }
    Verification {
        entries,
        findings: walk.findings,
        last,
    }
}

/// The walk through a ledger's lines, in file order: the lines and their
/// hashes, what has been seen so far, and what was found.
struct Walk<'l, 'a> {
    /// The file's lines.
    lines: &'l [RawLine<'a>],
    /// The SHA-256 of each line.
    hashes: &'l [String],
    /// Line index by its hash (the first line with it): where a `prev` points.
    by_hash: HashMap<&'l str, usize>,
    /// Line index by its entry's seq (the first line with it).
    by_seq: HashMap<u64, usize>,
    /// Whether the entry on a line is as it was written (own hash and bytes).
    sound: Vec<bool>,
    /// Every problem found so far, in line order.
    findings: Vec<String>,
}

impl<'l, 'a> Walk<'l, 'a> {
    /// A walk about to start, over `lines` and their `hashes`.
    fn new(lines: &'l [RawLine<'a>], hashes: &'l [String]) -> Self {
        let mut by_hash: HashMap<&str, usize> = HashMap::new();
        for (i, h) in hashes.iter().enumerate() {
            by_hash.entry(h.as_str()).or_insert(i);
        }
        Walk {
            lines,
            hashes,
            by_hash,
            by_seq: HashMap::new(),
            sound: vec![false; lines.len()],
            findings: Vec::new(),
        }
    }

    /// The entry on line index `i`, if the line is a complete entry.
    fn entry_at(&self, i: usize) -> Option<&'l Entry> {
        match (&self.lines[i].parsed, self.lines[i].terminated) {
            (Parsed::Entry(e), true) => Some(e),
            _ => None,
        }
    }

    /// "line 3 (entry 2)", or "line 3" when the line is not an entry.
    fn describe(&self, i: usize) -> String {
        match self.entry_at(i) {
            Some(e) => format!("line {} (entry {})", i + 1, e.seq),
            None => format!("line {}", i + 1),
        }
    }

    /// The entry on line index `i`; when the line is torn or not an entry,
    /// says so as a finding and returns `None`.
    fn entry_or_finding(&mut self, i: usize) -> Option<&'l Entry> {
        let lines = self.lines;
        let line = &lines[i];
        let number = i + 1;
        let finding = match (&line.parsed, line.terminated) {
            (_, false) => {
                let reason = torn_reason(line).unwrap_or_default();
                format!("line {number} is torn: {reason} — a write was interrupted")
            }
            (Parsed::Broken(why), true) if number == lines.len() => format!(
                "line {number} is torn: the line {why} — a write was interrupted, or the \
                 line was edited"
            ),
            (Parsed::Broken(why), true) => {
                format!("line {number} is not an entry: the line {why} — it was edited or damaged")
            }
            (Parsed::Entry(entry), true) => return Some(entry),
        };
        self.findings.push(finding);
        None
    }

    /// Checks the entry on line index `i`: its content, whether it repeats
    /// an earlier line or seq, and its place in the chain.
    fn check_entry(&mut self, i: usize, entry: &Entry) {
        let name = format!("entry {} (line {})", entry.seq, i + 1);
        match content_finding(&self.lines[i], entry, &name) {
            Some(finding) => self.findings.push(finding),
            None => self.sound[i] = true,
        }
        if let Some(finding) = self.copy_finding(i, entry) {
            self.findings.push(finding);
            return;
        }
        if let Some(finding) = self.seq_finding(i, entry) {
            self.findings.push(finding);
        }
        if let Some(finding) = self.place_finding(i, entry, &name) {
            self.findings.push(finding);
        }
    }

    /// Whether line index `i` is a copy of an earlier line.
    fn copy_finding(&self, i: usize, entry: &Entry) -> Option<String> {
        let &k = self.by_hash.get(self.hashes[i].as_str())?;
        (k < i).then(|| {
            format!(
                "line {} repeats line {} (entry {}): a copied entry was inserted",
                i + 1,
                k + 1,
                entry.seq
            )
        })
    }

    /// Whether an earlier line holds the same seq; notes the seq's line
    /// when none does.
    fn seq_finding(&mut self, i: usize, entry: &Entry) -> Option<String> {
        match self.by_seq.get(&entry.seq) {
            Some(&k) => Some(format!(
                "line {} holds seq {}, as line {} does: one of them was inserted or \
                 renumbered",
                i + 1,
                entry.seq,
                k + 1
            )),
            None => {
                self.by_seq.insert(entry.seq, i);
                None
            }
        }
    }

    /// Whether the entry on line index `i` is out of place in the chain:
    /// its `prev` or its seq does not follow the line before it.
    fn place_finding(&self, i: usize, entry: &Entry, name: &str) -> Option<String> {
        let before = i.checked_sub(1);
        let expected_prev = before.map_or(GENESIS, |b| self.hashes[b].as_str());
        let before_entry = before.and_then(|b| self.entry_at(b));
        if entry.prev == expected_prev {
            return seq_gap_finding(i, entry, before_entry, name);
        }
        if before.is_none() {
            return Some(self.first_line_finding(entry, name));
        }
        if entry.prev == GENESIS {
            return Some(format!(
                "{name} is marked as the first entry (its prev is all zeros) but is on line \
                 {}: it was inserted, or moved from line 1",
                i + 1
            ));
        }
        if let Some(&m) = self.by_hash.get(entry.prev.as_str()) {
            return Some(self.moved_finding(i, m, entry, name));
        }
        Some(self.unlinked_finding(i, entry, name))
    }

    /// What is wrong with the entry on the first line, whose `prev` is not
    /// all zeros.
    fn first_line_finding(&self, entry: &Entry, name: &str) -> String {
        match self.by_hash.get(entry.prev.as_str()) {
            Some(&m) => format!(
                "{name} is out of order: it was written right after {}, but comes first",
                self.describe(m)
            ),
            None if entry.seq > 1 => missing(1, 1, entry.seq),
            None => format!(
                "{name} does not start the chain: its prev is not all zeros — it was \
                 changed, or entries before it were removed"
            ),
        }
    }

    /// The entry on line index `i` was written right after line index `m`,
    /// which is elsewhere in the file: it was moved, or lines were put
    /// between them.
    fn moved_finding(&self, i: usize, m: usize, entry: &Entry, name: &str) -> String {
        let b = i - 1;
        let backwards = self.entry_at(b).is_some_and(|p| p.seq > entry.seq);
        if m > i || backwards {
            format!(
                "{name} is out of order: it was written right after {}, but comes after {}",
                self.describe(m),
                self.describe(b)
            )
        } else {
            format!(
                "{name} does not follow {}: it was written right after {} — {} came in \
                 between (inserted or moved there)",
                self.describe(b),
                self.describe(m),
                line_range(m + 2, i)
            )
        }
    }

    /// The line the entry on line index `i` was written after is no longer
    /// in the file: why, as far as the line before it tells.
    fn unlinked_finding(&self, i: usize, entry: &Entry, name: &str) -> String {
        let b = i - 1;
        match self.entry_at(b) {
            None => format!("{name} does not chain to line {i}, which is not an entry"),
            Some(_) if !self.sound[b] => format!(
                "{name} does not chain to {}: that line was altered after entry {} was written",
                self.describe(b),
                entry.seq
            ),
            Some(p) if entry.seq > p.seq.saturating_add(1) => {
                missing(i + 1, p.seq.saturating_add(1), entry.seq)
            }
            Some(p) => format!(
                "{name} does not chain to {}: its prev matches no line of the file — entry {} \
                 was replaced (its hash recomputed), or entries between them were removed",
                self.describe(b),
                p.seq
            ),
        }
    }
}

/// Whether an entry is not as the ledger wrote it: its hash does not match
/// its content, or its bytes are not those the ledger writes.
fn content_finding(line: &RawLine<'_>, entry: &Entry, name: &str) -> Option<String> {
    let computed = entry_hash(entry);
    if computed != entry.hash {
        return Some(format!(
            "{name} was changed: its hash {}… does not match its content ({}…)",
            short(&entry.hash),
            short(&computed)
        ));
    }
    if !to_line(entry).is_ok_and(|canonical| canonical != line.bytes) {
        return None;
    }
    let how = if line.bytes.ends_with(b"\r") {
        "the line ends with a carriage return: the file was re-saved with Windows line \
         endings"
    } else {
        "spacing, escapes, field order or extra fields differ"
    };
    Some(format!(
        "{name} was rewritten: same content, but not the bytes the ledger wrote — {how}"
    ))
}

/// Whether the seq of an entry rightly linked to the line before it (line
/// index `i - 1`, none for the first) does not follow that line's.
fn seq_gap_finding(
    i: usize,
    entry: &Entry,
    before_entry: Option<&Entry>,
    name: &str,
) -> Option<String> {
    match before_entry {
        None if i == 0 && entry.seq != 1 => Some(format!(
            "{name} is numbered {}: the first entry is seq 1",
            entry.seq
        )),
        Some(p) if entry.seq != p.seq.saturating_add(1) => Some(format!(
            "{name} follows entry {} (line {}): seq {} expected, {} found",
            p.seq,
            i,
            p.seq.saturating_add(1),
            entry.seq
        )),
        _ => None,
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
