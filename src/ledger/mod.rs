//! The ledger: an append-only, hash-chained record of every holding that
//! left (destroyed, returned, transferred) and of the committee's
//! rejections and deferrals (SPEC §1 steps 6–7).
//!
//! The file (default [`DEFAULT_LEDGER`]) is UTF-8 text with one JSON object
//! per line, every line ended by `"\n"`. Each [`Entry`] carries its own
//! SHA-256 ([`entry_hash`]: the entry serialised with `"hash": ""`) and the
//! SHA-256 of the line before it, byte for byte ([`line_hash`]), so that an
//! entry edited, deleted, reordered or inserted breaks the chain where it
//! happened, and [`verify`] names the line.
//!
//! Writing: [`append`] holds an exclusive lock on the file for the whole
//! read-the-last-line-then-write, writes the new line with one `write_all`
//! and syncs it to disk, so two processes appending at once leave a valid
//! chain. A crash mid-write leaves a last line without its newline: that
//! torn line is reported by [`read`], [`verify`] and [`append`] (which then
//! refuses to write), never dropped or rewritten by the tool.
//! [`append_checked`] also lets the caller look at every recorded entry
//! under that lock and refuse (a batch confirmed already), so that two
//! processes cannot both pass the check.
//!
//! What a chain cannot show: entries removed from the end of the file leave
//! a shorter, valid chain. The last entry's hash (printed by
//! `clearance ledger verify`) noted elsewhere — a signed destruction record,
//! the office's register — closes that gap.
//!
//! A leaf module: it uses nothing else of the crate.

mod check;

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::text::hex;

pub use check::{Verification, verify};

/// Where the ledger is kept unless a command is told otherwise.
pub const DEFAULT_LEDGER: &str = "reports/ledger.jsonl";

/// The `prev` of the first entry: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryKind {
    /// A destruction batch was destroyed (`DESTRUCTION`).
    Destruction,
    /// Holdings were returned to the unit that issued them (`RETURN`).
    Return,
    /// Holdings were transferred to the archive (`TRANSFER`).
    Transfer,
    /// The committee rejected destruction of holdings (`REJECTION`).
    Rejection,
    /// The committee deferred its decision on holdings (`DEFERRAL`).
    Deferral,
}

impl EntryKind {
    /// Every kind, in the order of the enum.
    pub const ALL: [EntryKind; 5] = [
        EntryKind::Destruction,
        EntryKind::Return,
        EntryKind::Transfer,
        EntryKind::Rejection,
        EntryKind::Deferral,
    ];

    /// The code written in the ledger: `DESTRUCTION`, `RETURN`, `TRANSFER`,
    /// `REJECTION` or `DEFERRAL`.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Destruction => "DESTRUCTION",
            EntryKind::Return => "RETURN",
            EntryKind::Transfer => "TRANSFER",
            EntryKind::Rejection => "REJECTION",
            EntryKind::Deferral => "DEFERRAL",
        }
    }

    /// Whether the holdings of such an entry left the office (destroyed,
    /// returned or transferred), as opposed to a committee decision.
    pub fn left_the_office(self) -> bool {
        matches!(
            self,
            EntryKind::Destruction | EntryKind::Return | EntryKind::Transfer
        )
    }
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One holding named by an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerItem {
    /// The document's number (文号 / 编号).
    pub doc_id: String,
    /// The title as the manifest digests it (a keyed hash, never the title).
    pub title_hash: String,
    /// Copies that left (or that the decision covers).
    pub copies: i64,
    /// The department that held it, as registered.
    #[serde(default)]
    pub department: String,
    /// The register file the holding was read from.
    pub source_file: String,
    /// The sheet of that file.
    pub source_sheet: String,
    /// The row of that sheet.
    pub source_row: u32,
    /// The reviewer's comment (意见说明), or "".
    pub comment: String,
    /// A SHA-256 of its title, by which a later plan knows the holding
    /// when it has no number, or a number typed in or dropped since (see
    /// `history::title_key`); absent (and "") in entries written before it
    /// was kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub holding: String,
}

/// One line of the ledger. Fields are serialised in this order, `kind` as
/// its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3 … in file order.
    pub seq: u64,
    /// What the entry records.
    pub kind: EntryKind,
    /// The destruction batch id (`2024-D-001`) or the list's id.
    pub batch: String,
    /// The digest (hex) of the final manifest or list confirmed; "" for
    /// none.
    pub document_digest: String,
    /// The plan's as-of date, YYYY-MM-DD.
    pub as_of: String,
    /// When it happened, YYYY-MM-DD.
    pub date: String,
    /// The destruction site, or the receiving unit of a return or transfer.
    pub site: String,
    /// The destruction level code(s), e.g. `P-6`; "" for returns.
    pub method: String,
    /// The witnesses (监销人), or the receiver of a return or transfer.
    pub witnesses: Vec<String>,
    /// The holdings.
    pub items: Vec<LedgerItem>,
    /// SHA-256 (hex) of the previous line's bytes without its "\n";
    /// [`GENESIS`] for the first entry.
    pub prev: String,
    /// SHA-256 (hex) of this entry serialised with `"hash": ""`
    /// ([`entry_hash`]).
    pub hash: String,
}

/// A ledger that cannot be read or written. Every message names the file,
/// and the line where there is one.
#[derive(Debug, Error)]
pub enum LedgerError {
    /// The file (or its folder) could not be opened, locked, read, written
    /// or synced.
    #[error("{}: cannot {action}: {source}", .path.display())]
    Io {
        /// The ledger.
        path: PathBuf,
        /// What was being done ("read the ledger", "lock the ledger" …).
        action: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// There is no ledger at the path (only [`verify`] requires one).
    #[error("{}: no ledger here (the file does not exist)", .path.display())]
    Missing {
        /// The path given.
        path: PathBuf,
    },
    /// The last line is torn: the file does not end with a newline, or its
    /// last line is not a complete entry. Nothing is appended to such a
    /// ledger.
    #[error(
        "{}: line {line} is torn: {reason} — a write was interrupted, or the line was damaged. \
         Nothing is appended to a torn ledger: look at that line (the entry of an interrupted \
         write does not count), remove or repair it by hand, then record again what it was \
         recording",
        .path.display()
    )]
    Torn {
        /// The ledger.
        path: PathBuf,
        /// The torn line (1-based).
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A line before the last is not an entry.
    #[error("{}: line {line} is not a ledger entry: {reason}", .path.display())]
    Invalid {
        /// The ledger.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// [`append_checked`]'s check refused the entry; nothing was written.
    #[error("{}: not recorded: {reason}", .path.display())]
    Refused {
        /// The ledger.
        path: PathBuf,
        /// The check's reason.
        reason: String,
    },
    /// The entry could not be serialised (it cannot happen with the types
    /// above; kept so that no error is swallowed).
    #[error("{}: cannot serialise an entry: {source}", .path.display())]
    Encode {
        /// The ledger.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

/// SHA-256 (hex) of a line's bytes, without its "\n": what the next
/// entry's `prev` holds.
pub fn line_hash(line: &[u8]) -> String {
    hex(&Sha256::digest(line))
}

/// An entry as one line of the ledger, without the "\n": compact JSON,
/// fields in the struct's order.
pub fn to_line(entry: &Entry) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(entry)
}

/// The hash an entry must carry: SHA-256 (hex) of the entry serialised as a
/// line ([`to_line`]) with `"hash": ""`. Every other field counts,
/// `seq` and `prev` included.
pub fn entry_hash(entry: &Entry) -> String {
    let blank = Entry {
        hash: String::new(),
        ..entry.clone()
    };
    // Serialising plain strings, numbers and vectors cannot fail.
    let bytes = to_line(&blank).expect("an entry serialises");
    hex(&Sha256::digest(&bytes))
}

/// How a line of the file reads: an entry, or why it is none.
pub(crate) enum Parsed {
    /// A complete entry.
    Entry(Box<Entry>),
    /// Not an entry: why, as it follows "the line " ("is empty", "is not
    /// a complete entry (…)").
    Broken(String),
}

/// One line of the file as read: its bytes (without "\n"), whether the
/// "\n" was there, and what it parses to.
pub(crate) struct RawLine<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The bytes, without the "\n".
    pub bytes: &'a [u8],
    /// Whether the line ends with "\n" (only the last line may not).
    pub terminated: bool,
    /// The line as an entry.
    pub parsed: Parsed,
}

/// Parses one line's bytes.
fn parse_line(bytes: &[u8]) -> Parsed {
    if bytes.is_empty() {
        return Parsed::Broken("is empty".to_string());
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Parsed::Broken(
            "starts with a byte-order mark (the file was re-saved by an editor)".to_string(),
        );
    }
    match serde_json::from_slice::<Entry>(bytes) {
        Ok(entry) => Parsed::Entry(Box::new(entry)),
        Err(e) => {
            // serde_json's own "at line 1 column N" would be read as the
            // ledger's line.
            let text = e.to_string();
            let cause = text.rfind(" at line ").map_or(&text[..], |i| &text[..i]);
            Parsed::Broken(format!(
                "is not a complete entry ({cause}, at column {} of the line)",
                e.column()
            ))
        }
    }
}

/// Splits the file's bytes into lines and parses each.
pub(crate) fn split_lines(data: &[u8]) -> Vec<RawLine<'_>> {
    let mut lines = Vec::new();
    let mut rest = data;
    let mut number = 0;
    while !rest.is_empty() {
        number += 1;
        let (bytes, terminated, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], true, &rest[i + 1..]),
            None => (rest, false, &rest[rest.len()..]),
        };
        lines.push(RawLine {
            number,
            bytes,
            terminated,
            parsed: parse_line(bytes),
        });
        rest = next;
    }
    lines
}

/// Why the last line of a file is torn, if it is: not ended by "\n", or not
/// an entry.
fn torn_reason(line: &RawLine<'_>) -> Option<String> {
    if !line.terminated {
        return Some(match &line.parsed {
            Parsed::Entry(_) => "the file ends without a newline".to_string(),
            Parsed::Broken(why) => {
                format!("the file ends without a newline and the line {why}")
            }
        });
    }
    match &line.parsed {
        Parsed::Entry(_) => None,
        Parsed::Broken(why) => Some(format!("the line {why}")),
    }
}

/// Opens an existing ledger for reading under a shared lock (so that no
/// append is half-seen), or `None` when there is no file.
fn open_shared(path: &Path) -> Result<Option<File>, LedgerError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(LedgerError::Io {
                path: path.to_path_buf(),
                action: "open the ledger",
                source,
            });
        }
    };
    file.lock_shared().map_err(|source| LedgerError::Io {
        path: path.to_path_buf(),
        action: "lock the ledger for reading",
        source,
    })?;
    Ok(Some(file))
}

/// The whole file's bytes under a shared lock, or `None` when there is no
/// file.
pub(crate) fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>, LedgerError> {
    let Some(mut file) = open_shared(path)? else {
        return Ok(None);
    };
    let mut data = Vec::new();
    file.read_to_end(&mut data)
        .map_err(|source| LedgerError::Io {
            path: path.to_path_buf(),
            action: "read the ledger",
            source,
        })?;
    Ok(Some(data))
}

/// Every entry of the ledger, in file order. An absent file is an empty
/// ledger. A line that is not an entry is an error naming it
/// ([`LedgerError::Torn`] for the last line, [`LedgerError::Invalid`] for
/// any other).
///
/// Only the form of each line is checked here, not the chain: [`verify`]
/// checks the hashes, the sequence and the links.
pub fn read(path: &Path) -> Result<Vec<Entry>, LedgerError> {
    let Some(data) = read_bytes(path)? else {
        return Ok(Vec::new());
    };
    Ok(parse_all(path, &data)?.0)
}

/// Every entry of a ledger's bytes and the bytes of its last line (without
/// the "\n"), or the error [`read`] reports.
fn parse_all<'a>(path: &Path, data: &'a [u8]) -> Result<(Vec<Entry>, &'a [u8]), LedgerError> {
    let lines = split_lines(data);
    let count = lines.len();
    let last = lines.last().map_or(&data[..0], |l| l.bytes);
    let mut entries = Vec::with_capacity(count);
    for line in lines {
        if line.number == count
            && let Some(reason) = torn_reason(&line)
        {
            return Err(LedgerError::Torn {
                path: path.to_path_buf(),
                line: line.number,
                reason,
            });
        }
        match line.parsed {
            Parsed::Entry(entry) => entries.push(*entry),
            Parsed::Broken(why) => {
                return Err(LedgerError::Invalid {
                    path: path.to_path_buf(),
                    line: line.number,
                    reason: format!("the line {why}"),
                });
            }
        }
    }
    Ok((entries, last))
}

/// The last line (without its "\n") of an open file of `len` > 0 bytes that
/// ends with "\n". Reads backwards from the end, so a long ledger is not
/// read whole.
fn last_line(file: &mut File, len: u64) -> io::Result<Vec<u8>> {
    const CHUNK: u64 = 64 * 1024;
    // The final "\n" is at len - 1; the line starts after the "\n" before
    // it, or at 0.
    let end = len - 1;
    let mut start = end;
    let mut tail: Vec<u8> = Vec::new();
    while start > 0 {
        let from = start.saturating_sub(CHUNK);
        let mut chunk = vec![0u8; (start - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut chunk)?;
        if let Some(i) = memchr::memrchr(b'\n', &chunk) {
            chunk.drain(..=i);
            chunk.extend_from_slice(&tail);
            return Ok(chunk);
        }
        chunk.extend_from_slice(&tail);
        tail = chunk;
        start = from;
    }
    Ok(tail)
}

/// The number of "\n" in the file: the line number of the last complete
/// line. Only needed for an error message.
fn count_lines(file: &mut File) -> io::Result<usize> {
    file.seek(SeekFrom::Start(0))?;
    let mut data = Vec::new();
    file.read_to_end(&mut data)?;
    Ok(memchr::memchr_iter(b'\n', &data).count())
}

/// Appends an entry to the ledger and returns it as stored.
///
/// The entry's `seq`, `prev` and `hash` are ignored: `seq` becomes the last
/// entry's + 1 (1 for the first), `prev` the SHA-256 of the last line
/// ([`GENESIS`] for the first) and `hash` the entry's own ([`entry_hash`]).
/// The file and its folder are created if missing. An exclusive lock is
/// held on the file from reading its last line until the new line is
/// written (one `write_all`) and synced, so concurrent appends — from
/// threads or processes — each see the other's line and the chain stays
/// valid.
///
/// Refused, writing nothing: a file that does not end with "\n", or whose
/// last line is not an entry ([`LedgerError::Torn`]). A torn line is left
/// for a person to look at, never dropped or rewritten. If the write itself
/// fails, the file is cut back to its length before the append and the
/// error returned.
pub fn append(path: &Path, entry: Entry) -> Result<Entry, LedgerError> {
    write_entry(path, entry, None::<fn(&[Entry]) -> Result<(), String>>)
}

/// [`append`], after `check` has accepted the entries already in the
/// ledger — read whole, under the same exclusive lock as the write, so that
/// nothing is appended between the check and the write. For a decision
/// that depends on what is recorded ("this batch is confirmed already"),
/// which two processes must not both pass.
///
/// `check` returning `Err(reason)` refuses the append
/// ([`LedgerError::Refused`] with that reason), writing nothing. Besides
/// [`append`]'s refusals, a line before the last that is not an entry is an
/// error here ([`LedgerError::Invalid`]), as in [`read`].
pub fn append_checked<F>(path: &Path, entry: Entry, check: F) -> Result<Entry, LedgerError>
where
    F: FnOnce(&[Entry]) -> Result<(), String>,
{
    write_entry(path, entry, Some(check))
}

/// [`append`] and [`append_checked`]: `check`, when given, sees every entry.
fn write_entry<F>(path: &Path, entry: Entry, check: Option<F>) -> Result<Entry, LedgerError>
where
    F: FnOnce(&[Entry]) -> Result<(), String>,
{
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let mut file = open_locked(path, dir)?;
    let len = file
        .seek(SeekFrom::End(0))
        .map_err(io_err(path, "read the ledger"))?;
    let (seq, prev) = match check {
        Some(check) => next_link_checked(path, &mut file, check)?,
        None => next_link(path, &mut file, len)?,
    };
    let mut stored = Entry {
        seq,
        prev,
        hash: String::new(),
        ..entry
    };
    stored.hash = entry_hash(&stored);
    let mut line = to_line(&stored).map_err(|source| LedgerError::Encode {
        path: path.to_path_buf(),
        source,
    })?;
    line.push(b'\n');
    write_line(path, &mut file, len, &line)?;
    if len == 0 {
        sync_folder(dir.unwrap_or(Path::new(".")));
    }
    // Closing the file releases the lock.
    drop(file);
    Ok(stored)
}

/// What turns an I/O error met while doing `action` to the ledger at
/// `path` into a [`LedgerError::Io`].
fn io_err(path: &Path, action: &'static str) -> impl FnOnce(io::Error) -> LedgerError {
    move |source| LedgerError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// Opens the ledger for appending, creating it and its folder `dir` if
/// missing, and holds an exclusive lock on it.
fn open_locked(path: &Path, dir: Option<&Path>) -> Result<File, LedgerError> {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(io_err(path, "create the ledger's folder"))?;
    }
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(io_err(path, "open the ledger for appending"))?;
    file.lock().map_err(io_err(path, "lock the ledger"))?;
    Ok(file)
}

/// The seq and prev of the entry to append, after `check` has accepted
/// every entry of the ledger (read whole; any line that is not an entry
/// is an error).
fn next_link_checked<F>(
    path: &Path,
    file: &mut File,
    check: F,
) -> Result<(u64, String), LedgerError>
where
    F: FnOnce(&[Entry]) -> Result<(), String>,
{
    let mut data = Vec::new();
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.read_to_end(&mut data))
        .map_err(io_err(path, "read the ledger"))?;
    let (entries, last_bytes) = parse_all(path, &data)?;
    check(&entries).map_err(|reason| LedgerError::Refused {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(match entries.last() {
        Some(last) => (last.seq.saturating_add(1), line_hash(last_bytes)),
        None => (1, GENESIS.to_string()),
    })
}

/// The seq and prev of the entry to append to a ledger of `len` bytes,
/// from its last line only; a torn last line is an error.
fn next_link(path: &Path, file: &mut File, len: u64) -> Result<(u64, String), LedgerError> {
    if len == 0 {
        return Ok((1, GENESIS.to_string()));
    }
    let mut last = [0u8];
    file.seek(SeekFrom::Start(len - 1))
        .and_then(|_| file.read_exact(&mut last))
        .map_err(io_err(path, "read the ledger"))?;
    if last[0] != b'\n' {
        let line = count_lines(file).map_err(io_err(path, "read the ledger"))? + 1;
        return Err(LedgerError::Torn {
            path: path.to_path_buf(),
            line,
            reason: "the file ends without a newline".to_string(),
        });
    }
    let bytes = last_line(file, len).map_err(io_err(path, "read the ledger"))?;
    let parsed = RawLine {
        number: 0,
        bytes: &bytes,
        terminated: true,
        parsed: parse_line(&bytes),
    };
    match &parsed.parsed {
        Parsed::Entry(last) => Ok((last.seq.saturating_add(1), line_hash(&bytes))),
        Parsed::Broken(_) => {
            let line = count_lines(file).map_err(io_err(path, "read the ledger"))?;
            Err(LedgerError::Torn {
                path: path.to_path_buf(),
                line,
                reason: torn_reason(&parsed).unwrap_or_default(),
            })
        }
    }
}

/// Writes `line` at the end of the ledger (of `len` bytes before it) and
/// syncs it; if that fails, cuts the file back to `len` and says why.
fn write_line(path: &Path, file: &mut File, len: u64, line: &[u8]) -> Result<(), LedgerError> {
    if let Err(source) = file.write_all(line).and_then(|()| file.sync_all()) {
        // Take back what this append may have written (the lock is still
        // held, so nothing else was), and report the failure.
        let _ = file.set_len(len).and_then(|()| file.sync_all());
        return Err(LedgerError::Io {
            path: path.to_path_buf(),
            action: "write the entry",
            source,
        });
    }
    Ok(())
}

/// Syncs a folder so that a file just created in it survives a crash (Unix;
/// elsewhere nothing to do). Best effort: the entry itself is already
/// synced.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests;
