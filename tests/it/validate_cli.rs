//! `clearance validate` end to end: the shipped sample, exit codes, and the
//! promises that hold for every run (inputs untouched, same output twice,
//! nothing written when a file cannot be read).

use super::util::{Workdir, generated, read_csv, read_workbook, repo, stderr, stdout};

#[test]
fn sample_register_is_understood() {
    let w = Workdir::new();
    w.copy_sample();
    let out = w.run(&["validate", "sample.xlsx", "--out", "out", "--lang", "en"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    for needle in [
        "sheet \"2024年收文登记\": header at rows 4–5",
        "M   日期/成文日期",
        "→ doc_date",
        "Q   清退情况/是否清退",
        "→ return_required",
        "W   经办人",
        "kept as is",
        "210 data rows (2 rejected), 18 skipped, 2 above the header",
        "sheet \"Loans\": header at row 1",
        "12 data rows (0 rejected), 0 skipped, 0 above the header",
        "sheet \"填表说明\": no register header found",
        "read: 1 file, 3 sheets, 222 data rows (12 more skipped, 2 above the header, 2 not read); every sheet's rows are accounted for",
        "! 29 problems: 6 send their row to REVIEW",
        "! sample.xlsx [2024年收文登记]: 2 rows rejected",
        "next: clearance plan sample.xlsx",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

/// Every canonical field of every row of the sample, against a reviewed
/// copy in tests/expected. Regenerate it with `UPDATE_EXPECTED=1` after a
/// deliberate change, and review the diff.
#[test]
fn sample_register_canonical_table_matches_the_reviewed_copy() {
    let w = Workdir::new();
    w.copy_sample();
    let out = w.run(&["validate", "sample.xlsx", "--out", "out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let actual = std::fs::read_to_string(w.path("out/canonical.csv")).unwrap();
    let expected_path = repo().join("tests/expected/sample-canonical.csv");
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
    }
    let expected =
        std::fs::read_to_string(&expected_path).expect("tests/expected/sample-canonical.csv");
    for (i, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, e, "canonical.csv line {}", i + 1);
    }
    assert_eq!(actual.lines().count(), expected.lines().count());
    let rows = read_csv(&w.path("out/canonical.csv"));
    assert_eq!(rows.len(), 222);
    // Skipped and rejected rows, from the validation workbook.
    let book = read_workbook(&w.path("out/validation.xlsx"));
    let skipped: Vec<(String, String)> = book["跳过的行"]
        .iter()
        .skip(1)
        .map(|r| (r[2].clone(), r[4].clone()))
        .collect();
    let want: Vec<(String, String)> = [
        ("1", "above the header (1 cells)"),
        ("2", "above the header (1 cells)"),
        ("42", "blank row"),
        ("57", "subtotal or footer row (小计…)"),
        ("58", "repeated header row"),
        ("59", "repeated header row"),
        ("83", "blank row"),
        ("111", "subtotal or footer row (小计…)"),
        ("112", "repeated header row"),
        ("113", "repeated header row"),
        ("124", "blank row"),
        ("162", "blank row"),
        ("166", "subtotal or footer row (小计…)"),
        ("167", "repeated header row"),
        ("168", "repeated header row"),
        ("203", "blank row"),
        ("230", "blank row"),
        ("231", "subtotal or footer row (合计…)"),
        ("232", "subtotal or footer row (制表人…)"),
        ("233", "subtotal or footer row (填表说明…)"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(skipped, want);
    let rejected: Vec<&str> = book["拒收的行"]
        .iter()
        .skip(1)
        .map(|r| r[2].as_str())
        .collect();
    assert_eq!(rejected, ["228", "229"]);
}

#[test]
fn a_title_starting_with_equals_stays_text_in_the_validation_workbook() {
    let w = Workdir::new();
    w.copy(&generated("register-1904.xlsx"), "r.xlsx");
    // Make the bad value's raw text start with "=": the problems sheet
    // must show it as text, not evaluate it.
    let out = w.run(&["validate", "r.xlsx", "--out", "out"]);
    assert!(out.status.success());
    // canonical.csv is opened by spreadsheets: the title is neutralised
    // with a leading apostrophe (SPEC §6).
    let rows = read_csv(&w.path("out/canonical.csv"));
    assert!(rows.iter().any(|r| r["title"] == "'=不是公式"));
    let xml = unzip_sheet_xml(&w.path("out/validation.xlsx"));
    assert!(!xml.contains("<f>"), "no formula may be written");
}

fn unzip_sheet_xml(path: &std::path::Path) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        if f.name().unwrap().starts_with("xl/worksheets/") {
            f.read_to_string(&mut all).unwrap();
        }
    }
    all
}

#[test]
fn one_unreadable_file_fails_the_run_and_writes_nothing() {
    let w = Workdir::new();
    w.copy_sample();
    w.write("broken.xlsx", b"PK\x03\x04 not really");
    let out = w.run(&[
        "validate",
        "sample.xlsx",
        "broken.xlsx",
        "--out",
        "out",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: broken.xlsx:"), "{err}");
    assert!(
        err.contains("1 of 2 files could not be read; nothing was written."),
        "{err}"
    );
    // The readable file is still reported.
    assert!(stdout(&out).contains("sample.xlsx (xlsx"));
    assert!(!w.path("out").exists());
}

#[test]
fn a_file_without_any_register_header_is_unreadable() {
    let w = Workdir::new();
    w.write("list.csv", "姓名,电话\n张三,123\n".as_bytes());
    let out = w.run(&["validate", "list.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("list.csv: no register header found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_file_is_named() {
    let w = Workdir::new();
    let out = w.run(&["validate", "nowhere.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nowhere.xlsx: cannot read the file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let w = Workdir::new();
    assert_eq!(w.run(&["validate"]).status.code(), Some(2));
    assert_eq!(
        w.run(&["validate", "x.xlsx", "--bogus"]).status.code(),
        Some(2)
    );
    assert_eq!(w.run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_bad_policy_fails_at_load_naming_the_key() {
    let w = Workdir::new();
    w.copy_sample();
    let policy = clearance::policy::DEFAULT_POLICY
        .replace("[aliases]\n", "[aliases]\nnot_a_field = [\"x\"]\n");
    w.write("policy.toml", policy.as_bytes());
    let out = w.run(&["validate", "sample.xlsx", "--policy", "policy.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("policy.toml") && err.contains("not_a_field"),
        "{err}"
    );
}

#[test]
fn a_policy_can_add_aliases() {
    let w = Workdir::new();
    w.write("r.csv", "编 号,名 目,秘级\nA-1,甲,秘密\n".as_bytes());
    let out = w.run(&["validate", "r.csv"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "unknown headers: no register header"
    );
    let policy = clearance::policy::DEFAULT_POLICY
        .replace("title = [\"文件标题\",", "title = [\"名目\", \"文件标题\",")
        .replace(
            "classification = [\"密级\",",
            "classification = [\"秘级\", \"密级\",",
        );
    w.write("policy.toml", policy.as_bytes());
    let out = w.run(&[
        "validate",
        "r.csv",
        "--policy",
        "policy.toml",
        "--out",
        "out",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = read_csv(&w.path("out/canonical.csv"));
    assert_eq!(rows[0]["title"], "甲");
    assert_eq!(rows[0]["classification_level"], "CONFIDENTIAL");
}

#[test]
fn inputs_are_never_modified_and_outputs_are_byte_identical() {
    let w = Workdir::new();
    w.copy_sample();
    let before = std::fs::read(w.path("sample.xlsx")).unwrap();
    let a = w.run(&["validate", "sample.xlsx", "--out", "a"]);
    let b = w.run(&["validate", "sample.xlsx", "--out", "b"]);
    assert!(a.status.success() && b.status.success());
    assert_eq!(std::fs::read(w.path("sample.xlsx")).unwrap(), before);
    for name in ["validation.xlsx", "canonical.csv"] {
        assert_eq!(
            std::fs::read(w.path("a").join(name)).unwrap(),
            std::fs::read(w.path("b").join(name)).unwrap(),
            "{name} differs between two runs"
        );
    }
    assert_eq!(w.listing(), ["a", "b", "sample.xlsx"]);
}
