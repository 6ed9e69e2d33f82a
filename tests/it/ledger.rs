//! The ledger: entries appended with the library, then checked and listed
//! through the real binary — intact, edited, deleted, reordered, inserted,
//! torn — and appended to by two threads and by two processes at once.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clearance::ledger::{self, Entry, EntryKind, LedgerError, LedgerItem};

use super::util::{Workdir, stderr, stdout};

fn item(doc_id: &str, row: u32) -> LedgerItem {
    LedgerItem {
        doc_id: doc_id.to_string(),
        title_hash: format!("{:064x}", row),
        copies: 1,
        department: String::new(),
        source_file: "register.xlsx".to_string(),
        source_sheet: "台账".to_string(),
        source_row: row,
        comment: String::new(),
        holding: String::new(),
    }
}

/// An entry as `confirm` would hand it to `append` (seq, prev and hash
/// left for the ledger to set).
fn entry(kind: EntryKind, batch: &str, date: &str, site: &str, items: usize) -> Entry {
    Entry {
        seq: 0,
        kind,
        batch: batch.to_string(),
        document_digest: "ab".repeat(32),
        as_of: "2024-12-31".to_string(),
        date: date.to_string(),
        site: site.to_string(),
        method: if kind == EntryKind::Destruction {
            "P-6".to_string()
        } else {
            String::new()
        },
        witnesses: vec!["张三".to_string(), "李四".to_string()],
        items: (0..items)
            .map(|i| item(&format!("{batch}-{i}"), i as u32 + 2))
            .collect(),
        prev: String::new(),
        hash: String::new(),
    }
}

/// Five entries in `reports/ledger.jsonl` of the folder, as stored.
fn build(w: &Workdir) -> (PathBuf, Vec<Entry>) {
    let path = w.path(ledger::DEFAULT_LEDGER);
    let entries = [
        entry(
            EntryKind::Destruction,
            "2024-D-001",
            "2025-01-10",
            "本单位销毁点",
            3,
        ),
        entry(
            EntryKind::Destruction,
            "2024-D-002",
            "2025-01-11",
            "Shred-It Ltd",
            2,
        ),
        entry(EntryKind::Return, "R-市委办", "2025-01-12", "市委办公室", 1),
        entry(EntryKind::Transfer, "A-2024", "2025-01-13", "市档案馆", 4),
        entry(EntryKind::Rejection, "2024-D-001", "2025-01-08", "", 1),
    ]
    .into_iter()
    .map(|e| ledger::append(&path, e).expect("append"))
    .collect();
    (path, entries)
}

/// The ledger's lines, without their "\n".
fn lines(path: &Path) -> Vec<Vec<u8>> {
    let data = std::fs::read(path).unwrap();
    assert!(data.ends_with(b"\n"));
    data[..data.len() - 1]
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn join(lines: &[&[u8]]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| l.iter().chain(b"\n"))
        .copied()
        .collect()
}

/// Runs `ledger verify FILE` in the folder: exit code and stdout.
fn verify(w: &Workdir, file: &str) -> (Option<i32>, String) {
    let out = w.run(&["ledger", "verify", file, "--lang", "en"]);
    (
        out.status.code(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
fn an_intact_ledger_verifies_and_is_listed() {
    let w = Workdir::new();
    let (path, entries) = build(&w);
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(ledger::read(&path).unwrap(), entries);

    // The default file, relative to the current folder.
    let out = w.run(&["ledger", "verify", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("reports/ledger.jsonl: 5 entries, chain intact\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("last entry: seq 5, hash {}", entries[4].hash)),
        "{text}"
    );
    let (code, text) = verify(&w, "reports/ledger.jsonl");
    assert_eq!(code, Some(0), "{text}");

    let out = w.run(&["ledger", "show", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // The entries, then a blank line and the summary.
    let shown: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(shown.len(), 5, "{text}");
    for (line, e) in shown.iter().zip(&entries) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], e.seq.to_string(), "{line}");
        assert_eq!(words[1], e.kind.code(), "{line}");
        assert_eq!(words[2], e.batch, "{line}");
        assert_eq!(words[3], e.date, "{line}");
        assert!(line.contains(&e.site), "{line}");
        let items = if e.items.len() == 1 { "item" } else { "items" };
        assert!(
            line.contains(&format!("  {} {items}  ", e.items.len())),
            "{line}"
        );
        assert!(line.ends_with(&format!("  {}", &e.hash[..12])), "{line}");
    }
    assert!(shown[0].starts_with("1  DESTRUCTION  2024-D-001  2025-01-10  本单位销毁点  3 items"));
    assert!(
        shown[2].starts_with("3  RETURN       R-市委办"),
        "{}",
        shown[2]
    );
}

#[test]
fn a_missing_ledger_is_an_error_not_an_intact_one() {
    let w = Workdir::new();
    for command in ["verify", "show"] {
        let out = w.run(&["ledger", command, "nowhere.jsonl"]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert!(
            stderr(&out).contains("nowhere.jsonl: no ledger here"),
            "{}",
            stderr(&out)
        );
    }
    // The library reads an absent ledger as an empty one.
    assert!(ledger::read(&w.path("nowhere.jsonl")).unwrap().is_empty());
}

#[test]
fn every_edit_deletion_reordering_insertion_and_torn_line_is_named() {
    let w = Workdir::new();
    let (path, _) = build(&w);
    let l = lines(&path);
    let l: Vec<&[u8]> = l.iter().map(Vec::as_slice).collect();
    let edited = String::from_utf8(l[1].to_vec())
        .unwrap()
        .replace("2025-01-11", "2025-01-21")
        .into_bytes();
    let torn = {
        let mut d = join(&l[..4]);
        d.extend_from_slice(&l[4][..l[4].len() / 2]);
        d
    };
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "date of entry 2 edited",
            join(&[l[0], &edited, l[2], l[3], l[4]]),
            vec![
                "entry 2 (line 2) was changed: its hash",
                "entry 3 (line 3) does not chain to line 2 (entry 2): that line was altered \
                 after entry 3 was written",
            ],
        ),
        (
            "line 3 deleted",
            join(&[l[0], l[1], l[3], l[4]]),
            vec!["an entry is missing before line 3: seq 3 expected, 4 found"],
        ),
        (
            "lines 2 and 3 swapped",
            join(&[l[0], l[2], l[1], l[3], l[4]]),
            vec![
                "entry 3 (line 2) is out of order",
                "entry 2 (line 3) is out of order",
            ],
        ),
        (
            "line 3 copied after line 4",
            join(&[l[0], l[1], l[2], l[3], l[2], l[4]]),
            vec![
                "line 5 repeats line 3 (entry 3): a copied entry was inserted",
                "entry 5 (line 6) does not follow line 5 (entry 3): it was written right after \
                 line 4 (entry 4) — line 5 came in between",
            ],
        ),
        (
            "last line cut mid-way",
            torn,
            vec![
                "line 5 is torn: the file ends without a newline and the line is not a complete \
                 entry",
                "a write was interrupted",
            ],
        ),
    ];
    for (name, bytes, expected) in cases {
        let file = format!("{}.jsonl", name.replace(' ', "-"));
        w.write(&file, &bytes);
        let (code, text) = verify(&w, &file);
        assert_eq!(code, Some(1), "{name}: {text}");
        assert!(
            text.contains(&format!("{file}: ")) && text.contains("CHAIN BROKEN"),
            "{name}: {text}"
        );
        for want in expected {
            assert!(text.contains(want), "{name}: no «{want}» in\n{text}");
        }
    }
}

#[test]
fn appending_to_a_torn_ledger_fails_and_leaves_it_untouched() {
    let w = Workdir::new();
    let (path, _) = build(&w);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(bytes.len() - 40);
    std::fs::write(&path, &bytes).unwrap();

    let err = ledger::append(
        &path,
        entry(EntryKind::Destruction, "2024-D-003", "2025-02-01", "x", 1),
    )
    .unwrap_err();
    assert!(matches!(err, LedgerError::Torn { line: 5, .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("ledger.jsonl: line 5 is torn"),
        "{message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // Reading it is an error naming the line; so is `show`.
    let err = ledger::read(&path).unwrap_err();
    assert!(err.to_string().contains("line 5 is torn"), "{err}");
    let out = w.run(&["ledger", "show"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 5 is torn"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

/// Checks a ledger written concurrently: `per_writer` entries of each
/// writer, a valid chain.
fn assert_concurrent_result(w: &Workdir, file: &str, writers: &[&str], per_writer: usize) {
    let (code, text) = verify(w, file);
    let total = writers.len() * per_writer;
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(&format!("{file}: {total} entries, chain intact")),
        "{text}"
    );
    let entries = ledger::read(&w.path(file)).unwrap();
    assert_eq!(entries.len(), total);
    for writer in writers {
        let batches: Vec<&str> = entries
            .iter()
            .filter(|e| e.site == *writer)
            .map(|e| e.batch.as_str())
            .collect();
        let expected: Vec<String> = (0..per_writer).map(|i| format!("{writer}-{i}")).collect();
        assert_eq!(batches, expected, "{writer}'s entries, in its order");
    }
}

#[test]
fn two_threads_appending_at_once_leave_a_valid_chain() {
    let w = Workdir::new();
    let path = w.path("ledger.jsonl");
    std::thread::scope(|s| {
        for writer in ["A", "B"] {
            let path = &path;
            s.spawn(move || {
                for i in 0..50 {
                    let e = entry(
                        EntryKind::Destruction,
                        &format!("{writer}-{i}"),
                        "2025-01-10",
                        writer,
                        i % 3 + 1,
                    );
                    ledger::append(path, e).expect("append");
                }
            });
        }
    });
    assert_concurrent_result(&w, "ledger.jsonl", &["A", "B"], 50);
}

#[test]
fn a_check_under_the_lock_lets_only_one_of_two_threads_record_a_batch() {
    let w = Workdir::new();
    let path = w.path("ledger.jsonl");
    std::thread::scope(|s| {
        for writer in ["A", "B"] {
            let path = &path;
            s.spawn(move || {
                for i in 0..20 {
                    let batch = format!("2024-D-{i:03}");
                    let e = entry(EntryKind::Destruction, &batch, "2025-01-10", writer, 1);
                    let result =
                        ledger::append_checked(path, e, |recorded: &[Entry]| {
                            match recorded.iter().find(|r| r.batch == batch) {
                                Some(r) => {
                                    Err(format!("{batch} is confirmed already (entry {})", r.seq))
                                }
                                None => Ok(()),
                            }
                        });
                    match result {
                        Ok(_) | Err(LedgerError::Refused { .. }) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
            });
        }
    });
    let entries = ledger::read(&path).unwrap();
    let batches: Vec<String> = entries.iter().map(|e| e.batch.clone()).collect();
    let expected: Vec<String> = (0..20).map(|i| format!("2024-D-{i:03}")).collect();
    assert_eq!(batches, expected, "each batch once, in order");
    let (code, text) = verify(&w, "ledger.jsonl");
    assert_eq!(code, Some(0), "{text}");
}

/// Set to a ledger path and a writer name ("path|name"), this test appends
/// 50 entries to it: the second process of the test below. Without it, it
/// does nothing.
const CHILD: &str = "CLEARANCE_TEST_LEDGER_WRITER";

#[test]
fn ledger_writer_process() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let (path, writer) = spec.split_once('|').expect("path|writer");
    for i in 0..50 {
        let e = entry(
            EntryKind::Return,
            &format!("{writer}-{i}"),
            "2025-01-10",
            writer,
            1,
        );
        ledger::append(Path::new(path), e).expect("append");
    }
}

#[test]
fn two_processes_appending_at_once_leave_a_valid_chain() {
    let w = Workdir::new();
    let path = w.path("ledger.jsonl");
    let children: Vec<_> = ["P", "Q"]
        .iter()
        .map(|writer| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "it::ledger::ledger_writer_process",
                    "--test-threads=1",
                ])
                .env(CHILD, format!("{}|{writer}", path.display()))
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn the test binary")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    assert_concurrent_result(&w, "ledger.jsonl", &["P", "Q"], 50);
}

#[test]
fn confirm_of_a_workbook_clearance_did_not_issue_says_what_it_takes() {
    let w = Workdir::new();
    w.plan_sample("run", &[]);
    for (file, lang, said) in [
        (
            "run/plan.xlsx",
            "en",
            "confirm takes a final manifest written by clearance review",
        ),
        (
            "sample.xlsx",
            "zh",
            "只能确认 clearance review 写出的正式销毁清单",
        ),
    ] {
        let out = w.run(&[
            "confirm",
            file,
            "--date",
            "2025-01-10",
            "--site",
            "本单位",
            "--witness",
            "甲",
            "--witness",
            "乙",
            "--ledger",
            "ledger.jsonl",
            "--lang",
            lang,
        ]);
        assert_eq!(out.status.code(), Some(1), "{file}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains(file) && err.contains(said), "{file}: {err}");
        assert!(!w.path("ledger.jsonl").exists(), "{file}: nothing recorded");
    }
}
