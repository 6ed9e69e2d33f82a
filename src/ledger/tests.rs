//! Hashing, the line format and the chain checks, on bytes in memory and
//! in a temporary folder.

use super::check::check;
use super::*;

fn item(doc_id: &str) -> LedgerItem {
    LedgerItem {
        doc_id: doc_id.to_string(),
        title_hash: "ab12".to_string(),
        copies: 2,
        department: String::new(),
        source_file: "登记簿.xlsx".to_string(),
        source_sheet: "Sheet1".to_string(),
        source_row: 7,
        comment: String::new(),
        holding: String::new(),
    }
}

fn entry(batch: &str) -> Entry {
    Entry {
        seq: 0,
        kind: EntryKind::Destruction,
        batch: batch.to_string(),
        document_digest: "d1g".to_string(),
        as_of: "2024-12-31".to_string(),
        date: "2025-01-15".to_string(),
        site: "本单位销毁点".to_string(),
        method: "P-6".to_string(),
        witnesses: vec!["张三".to_string(), "李四".to_string()],
        items: vec![item("A-1"), item("A-2")],
        prev: String::new(),
        hash: String::new(),
    }
}

#[test]
fn the_line_is_compact_json_with_fields_in_the_agreed_order() {
    let mut e = entry("2024-D-001");
    e.items = vec![item("A-1")];
    e.seq = 1;
    e.prev = GENESIS.to_string();
    e.hash = "h".to_string();
    let line = String::from_utf8(to_line(&e).unwrap()).unwrap();
    assert_eq!(
        line,
        r#"{"seq":1,"kind":"DESTRUCTION","batch":"2024-D-001","document_digest":"d1g","as_of":"2024-12-31","date":"2025-01-15","site":"本单位销毁点","method":"P-6","witnesses":["张三","李四"],"items":[{"doc_id":"A-1","title_hash":"ab12","copies":2,"department":"","source_file":"登记簿.xlsx","source_sheet":"Sheet1","source_row":7,"comment":""}],"prev":"0000000000000000000000000000000000000000000000000000000000000000","hash":"h"}"#
    );
}

/// An item carries its title key as its last field; an item without one
/// (every entry written before the field was kept) is written, and
/// hashed, without it, so older ledgers still verify.
#[test]
fn the_title_key_is_an_items_last_field_and_an_older_item_has_none() {
    let mut e = entry("2024-D-001");
    e.items = vec![item(""), item("A-1")];
    e.items[0].holding = "k".repeat(64);
    let line = String::from_utf8(to_line(&e).unwrap()).unwrap();
    assert!(
        line.contains(&format!(
            r#""comment":"","holding":"{}"}},{{"doc_id":"A-1""#,
            "k".repeat(64)
        )),
        "{line}"
    );
    assert_eq!(line.matches("holding").count(), 1, "{line}");
    let back: Entry = serde_json::from_str(&line).unwrap();
    assert_eq!(back, e);
}

#[test]
fn the_hash_is_sha256_of_the_entry_with_an_empty_hash() {
    let mut e = entry("2024-D-001");
    e.seq = 1;
    e.prev = GENESIS.to_string();
    e.hash = "anything".to_string();
    let mut blank = e.clone();
    blank.hash = String::new();
    let text = String::from_utf8(to_line(&blank).unwrap()).unwrap();
    assert!(text.ends_with(r#","hash":""}"#));
    assert_eq!(entry_hash(&e), hex(&Sha256::digest(text.as_bytes())));
    assert_eq!(entry_hash(&e).len(), 64);
    // The stored hash does not enter its own hash.
    e.hash = "else".to_string();
    assert_eq!(entry_hash(&e), hex(&Sha256::digest(text.as_bytes())));
    // A known value: SHA-256 of the empty input.
    assert_eq!(
        line_hash(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn every_field_enters_the_hash() {
    let base = {
        let mut e = entry("2024-D-001");
        e.seq = 3;
        e.prev = GENESIS.to_string();
        e
    };
    let h = entry_hash(&base);
    let edits: Vec<fn(&mut Entry)> = vec![
        |e| e.seq = 4,
        |e| e.kind = EntryKind::Return,
        |e| e.batch.push('x'),
        |e| e.document_digest.push('x'),
        |e| e.as_of = "2024-12-30".to_string(),
        |e| e.date = "2025-01-16".to_string(),
        |e| e.site.push('x'),
        |e| e.method = "P-5".to_string(),
        |e| {
            e.witnesses.pop();
        },
        |e| e.items[1].copies = 3,
        |e| e.items[0].doc_id.push('x'),
        |e| e.items[0].title_hash.push('x'),
        |e| e.items[0].source_file.push('x'),
        |e| e.items[0].source_sheet.push('x'),
        |e| e.items[0].source_row += 1,
        |e| e.items[0].comment.push('x'),
        |e| e.items[0].holding.push('x'),
        |e| e.items.swap(0, 1),
        |e| e.prev = "1".repeat(64),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let mut e = base.clone();
        edit(&mut e);
        assert_ne!(entry_hash(&e), h, "edit {i} left the hash unchanged");
    }
}

#[test]
fn kinds_are_written_as_their_codes() {
    for kind in EntryKind::ALL {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.code()));
        assert_eq!(serde_json::from_str::<EntryKind>(&json).unwrap(), kind);
        assert_eq!(kind.to_string(), kind.code());
    }
    assert!(serde_json::from_str::<EntryKind>("\"Destruction\"").is_err());
}

#[test]
fn append_numbers_links_and_hashes_and_read_returns_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/folder/ledger.jsonl");
    assert_eq!(read(&path).unwrap(), Vec::<Entry>::new());
    let mut junk = entry("2024-D-001");
    junk.seq = 99;
    junk.prev = "nonsense".to_string();
    junk.hash = "nonsense".to_string();
    let first = append(&path, junk).unwrap();
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev, GENESIS);
    assert_eq!(first.hash, entry_hash(&first));
    let second = append(&path, entry("2024-D-002")).unwrap();
    assert_eq!(second.seq, 2);
    let data = std::fs::read(&path).unwrap();
    let first_line = &data[..data.iter().position(|&b| b == b'\n').unwrap()];
    assert_eq!(second.prev, line_hash(first_line));
    assert_eq!(first_line, to_line(&first).unwrap().as_slice());
    assert_eq!(read(&path).unwrap(), vec![first, second]);
    assert!(data.ends_with(b"\n"));
    let v = verify(&path).unwrap();
    assert_eq!((v.entries, v.findings.clone()), (2, vec![]));
    assert_eq!(v.last.unwrap().0, 2);
}

#[test]
fn a_long_last_line_is_read_back_from_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    let mut big = entry("2024-D-001");
    big.items = (0..3000).map(|i| item(&format!("DOC-{i:05}"))).collect();
    append(&path, entry("small")).unwrap();
    append(&path, big).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > 200_000);
    let third = append(&path, entry("after")).unwrap();
    assert_eq!(third.seq, 3);
    assert!(verify(&path).unwrap().intact());
}

/// The start of a third entry whose write was interrupted: no newline, not
/// a complete entry.
const INTERRUPTED_WRITE: &[u8] = br#"{"seq":3,"kind":"DESTRU"#;

#[test]
fn append_refuses_a_torn_or_broken_last_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    append(&path, entry("a")).unwrap();
    append(&path, entry("b")).unwrap();
    let good = std::fs::read(&path).unwrap();
    let cases: [(&[u8], usize, &str); 4] = [
        (INTERRUPTED_WRITE, 3, "without a newline"),
        (b"{}\n", 3, "not a complete entry"),
        (b"\n", 3, "is empty"),
        (b"", 2, "without a newline"),
    ];
    for (tail, line, words) in cases {
        let mut bytes = good.clone();
        if tail.is_empty() {
            bytes.pop();
        }
        bytes.extend_from_slice(tail);
        std::fs::write(&path, &bytes).unwrap();
        let err = append(&path, entry("c")).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, LedgerError::Torn { line: l, .. } if l == line),
            "{text}"
        );
        assert!(text.contains(&format!("line {line} is torn")), "{text}");
        assert!(text.contains(words), "{text}");
        assert!(text.contains("ledger.jsonl"), "{text}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{text}");
    }
}

#[test]
fn append_checked_shows_every_entry_and_may_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    let not_twice = |batch: &'static str| {
        move |recorded: &[Entry]| {
            if recorded.iter().any(|e| e.batch == batch) {
                Err(format!("batch {batch} is recorded already"))
            } else {
                Ok(())
            }
        }
    };
    let first = append_checked(&path, entry("2024-D-001"), not_twice("2024-D-001")).unwrap();
    assert_eq!((first.seq, first.prev.as_str()), (1, GENESIS));
    let second = append_checked(&path, entry("2024-D-002"), not_twice("2024-D-002")).unwrap();
    assert_eq!(second.seq, 2);
    let before = std::fs::read(&path).unwrap();
    let err = append_checked(&path, entry("2024-D-001"), not_twice("2024-D-001")).unwrap_err();
    assert!(matches!(err, LedgerError::Refused { .. }), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("ledger.jsonl: not recorded: batch 2024-D-001 is recorded already"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A broken line anywhere stops it; `append` only looks at the last.
    let mut broken = b"{}\n".to_vec();
    broken.extend_from_slice(&before);
    std::fs::write(&path, &broken).unwrap();
    let err = append_checked(&path, entry("x"), |_: &[Entry]| Ok(())).unwrap_err();
    assert!(
        matches!(err, LedgerError::Invalid { line: 1, .. }),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), broken);
    assert!(verify(&path).unwrap().findings.len() >= 2);
}

/// Five entries as bytes, and their lines.
fn five() -> (Vec<u8>, Vec<Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    for i in 1..=5 {
        append(&path, entry(&format!("2024-D-00{i}"))).unwrap();
    }
    let data = std::fs::read(&path).unwrap();
    let lines = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    (data, lines)
}

fn join(lines: &[&Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

#[test]
fn an_intact_chain_has_no_findings() {
    let (data, _) = five();
    let v = check(&data);
    assert_eq!(v.entries, 5);
    assert!(v.intact(), "{:?}", v.findings);
    assert!(check(b"").intact());
}

/// Checks `data` (case `name`) and asserts that its findings hold each of
/// `expected`; with `exact`, that there are no others.
fn assert_findings(name: &str, data: &[u8], expected: &[&str], exact: bool) {
    let v = check(data);
    assert!(!v.intact(), "{name}: nothing found");
    let all = v.findings.join("\n");
    for want in expected {
        assert!(all.contains(want), "{name}: no «{want}» in\n{all}");
    }
    if exact {
        assert_eq!(v.findings.len(), expected.len(), "{name}:\n{all}");
    }
}

#[test]
fn an_edited_entry_is_named_and_so_is_the_link_it_breaks() {
    let (_, l) = five();
    let edited = {
        let text = String::from_utf8(l[1].clone()).unwrap();
        text.replace("2025-01-15", "2025-01-14").into_bytes()
    };
    assert_findings(
        "edit",
        &join(&[&l[0], &edited, &l[2], &l[3], &l[4]]),
        &[
            "entry 2 (line 2) was changed: its hash",
            "entry 3 (line 3) does not chain to line 2 (entry 2): that line was altered",
        ],
        true,
    );
    // Entry 2 edited and its own hash recomputed: only the link shows it.
    let rehashed = {
        let mut e: Entry = serde_json::from_slice(&l[1]).unwrap();
        e.site = "elsewhere".to_string();
        e.hash = entry_hash(&e);
        to_line(&e).unwrap()
    };
    assert_findings(
        "edit, rehashed",
        &join(&[&l[0], &rehashed, &l[2], &l[3], &l[4]]),
        &["entry 3 (line 3) does not chain to line 2 (entry 2): its prev matches no line"],
        true,
    );
}

#[test]
fn deleted_entries_are_counted_where_they_are_missing() {
    let (_, l) = five();
    assert_findings(
        "delete line 3",
        &join(&[&l[0], &l[1], &l[3], &l[4]]),
        &["an entry is missing before line 3: seq 3 expected, 4 found"],
        true,
    );
    assert_findings(
        "delete lines 2 and 3",
        &join(&[&l[0], &l[3], &l[4]]),
        &["2 entries are missing before line 2: seq 2 expected, 4 found"],
        true,
    );
    assert_findings(
        "delete line 1",
        &join(&[&l[1], &l[2], &l[3], &l[4]]),
        &["an entry is missing before line 1: seq 1 expected, 2 found"],
        true,
    );
}

#[test]
fn swapped_entries_are_named_out_of_order() {
    let (_, l) = five();
    assert_findings(
        "swap 2 and 3",
        &join(&[&l[0], &l[2], &l[1], &l[3], &l[4]]),
        &[
            "entry 3 (line 2) is out of order: it was written right after line 3 (entry 2), but comes after line 1 (entry 1)",
            "entry 2 (line 3) is out of order: it was written right after line 1 (entry 1), but comes after line 2 (entry 3)",
            "entry 4 (line 4) does not follow line 3 (entry 2): it was written right after line 2 (entry 3) — line 3 came in between",
        ],
        true,
    );
}

#[test]
fn a_copied_entry_is_named_as_a_repeat_wherever_it_was_put() {
    let (_, l) = five();
    assert_findings(
        "copy of line 2 after line 4",
        &join(&[&l[0], &l[1], &l[2], &l[3], &l[1], &l[4]]),
        &[
            "line 5 repeats line 2 (entry 2): a copied entry was inserted",
            "entry 5 (line 6) does not follow line 5 (entry 2): it was written right after line 4 (entry 4) — line 5 came in between",
        ],
        true,
    );
    assert_findings(
        "copy of line 2 right after it",
        &join(&[&l[0], &l[1], &l[1], &l[2], &l[3], &l[4]]),
        &["line 3 repeats line 2 (entry 2): a copied entry was inserted"],
        true,
    );
    assert_findings(
        "copy of line 1 at the end",
        &join(&[&l[0], &l[1], &l[2], &l[3], &l[4], &l[0]]),
        &["line 6 repeats line 1 (entry 1): a copied entry was inserted"],
        true,
    );
}

#[test]
fn a_torn_last_line_and_a_blank_line_are_named() {
    let (_, l) = five();
    let torn = {
        let mut d = join(&[&l[0], &l[1], &l[2], &l[3]]);
        d.extend_from_slice(&l[4][..l[4].len() / 2]);
        d
    };
    assert_findings(
        "torn last line",
        &torn,
        &["line 5 is torn: the file ends without a newline and the line is not a complete entry"],
        true,
    );
    assert_findings(
        "blank line",
        &join(&[&l[0], &l[1], &vec![], &l[2], &l[3], &l[4]]),
        &[
            "line 3 is not an entry: the line is empty",
            "entry 3 (line 4) does not follow line 3",
        ],
        false,
    );
}

#[test]
fn windows_line_endings_are_named_as_rewritten_entries() {
    let (_, l) = five();
    let data = {
        let mut d = join(&[&l[0], &l[1], &l[2], &l[3], &l[4]]);
        d = String::from_utf8(d)
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes();
        d
    };
    assert_findings(
        "windows line endings",
        &data,
        &["entry 1 (line 1) was rewritten", "carriage return"],
        false,
    );
}

#[test]
fn a_made_up_entry_inserted_with_a_valid_hash_is_found() {
    let (_, l) = five();
    // Made up as entry 4 after entry 3, with a correct prev and hash.
    let mut fake: Entry = serde_json::from_slice(&l[3]).unwrap();
    fake.batch = "2024-D-999".to_string();
    fake.prev = line_hash(&l[2]);
    fake.hash = entry_hash(&fake);
    let fake = to_line(&fake).unwrap();
    let v = check(&join(&[&l[0], &l[1], &l[2], &fake, &l[3], &l[4]]));
    let all = v.findings.join("\n");
    assert!(all.contains("line 5 holds seq 4, as line 4 does"), "{all}");
    assert!(
        all.contains(
            "entry 4 (line 5) does not follow line 4 (entry 4): it was written right after line 3 (entry 3) — line 4 came in between"
        ),
        "{all}"
    );
}
