//! Issue 7, "nothing lost, nothing destroyed wrongly": one test per
//! numbered point, each on a small register that openpyxl (or plain
//! Python, for CSV) wrote — tests/fixtures/make_trust_fixtures.py — run
//! through the real binary, checking the decision of every doc id.
//! Points 12 and 13 (manifest digest, redacted copies) are tested in
//! manifests.rs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Output;

use super::util::{Workdir, generated, read_csv, read_workbook, stderr, stdout};

type Row = BTreeMap<String, String>;

/// The one row of `doc_id`; panics unless it is there exactly once.
fn row<'a>(rows: &'a [BTreeMap<String, String>], doc_id: &str) -> &'a BTreeMap<String, String> {
    let found: Vec<&Row> = rows.iter().filter(|r| r["doc_id"] == doc_id).collect();
    assert_eq!(
        found.len(),
        1,
        "{doc_id} appears {} times in decisions.csv (doc ids: {:?})",
        found.len(),
        rows.iter()
            .map(|r| r["doc_id"].as_str())
            .collect::<Vec<_>>()
    );
    found[0]
}

/// Asserts columns of `doc_id`'s row; the message shows how it was decided.
fn check(rows: &[Row], doc_id: &str, want: &[(&str, &str)]) {
    let r = row(rows, doc_id);
    for (column, value) in want {
        let actual = r
            .get(*column)
            .unwrap_or_else(|| panic!("decisions.csv has no column {column}"));
        assert_eq!(
            actual, value,
            "{doc_id}: column {column} (disposition {}, rule {}, reason {:?}, anomalies {:?})",
            r["disposition"], r["rule"], r["reason"], r["anomalies"]
        );
    }
}

/// Asserts that `doc_id`'s anomalies include `code`.
fn has_anomaly(rows: &[Row], doc_id: &str, code: &str) {
    let r = row(rows, doc_id);
    assert!(
        r["anomalies"].split(';').any(|c| c == code),
        "{doc_id}: anomalies {:?} lack {code}",
        r["anomalies"]
    );
}

/// A working folder holding the fixture `trust/<name>` as `<name>`.
fn with(names: &[&str]) -> Workdir {
    let w = Workdir::new();
    for name in names {
        w.copy(&generated(&format!("trust/{name}")), name);
    }
    w
}

/// `clearance plan FILES --as-of AS_OF --out OUT EXTRA…`, exit 0; returns
/// the output and decisions.csv.
fn plan_as_of(
    w: &Workdir,
    files: &[&str],
    as_of: &str,
    out_dir: &str,
    extra: &[&str],
) -> (Output, Vec<Row>) {
    let mut args = vec!["plan"];
    args.extend_from_slice(files);
    args.extend_from_slice(&["--as-of", as_of, "--out", out_dir]);
    args.extend_from_slice(extra);
    let out = w.run_ok(&args);
    let rows = read_csv(&w.path(out_dir).join("decisions.csv"));
    (out, rows)
}

/// Next year's plan of `register` (as of 2025-12-31, into run2025) with
/// the ledger and last year's run: what it said and its missing.csv rows.
fn missing_next_year(w: &Workdir, register: &str) -> (Output, Vec<Row>) {
    let (out, _) = plan_as_of(
        w,
        &[register],
        "2025-12-31",
        "run2025",
        &["--ledger", "reports/ledger.jsonl", "--previous", "run"],
    );
    (out, read_csv(&w.path("run2025/missing.csv")))
}

/// `clearance plan FILES --as-of 2024-12-31 --out run`, refused: exit 1,
/// nothing written; returns what it said on stderr.
fn refused_plan(w: &Workdir, files: &[&str]) -> String {
    let mut args = vec!["plan"];
    args.extend_from_slice(files);
    args.extend_from_slice(&["--as-of", "2024-12-31", "--out", "run"]);
    let out = w.run(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!w.path("run").exists(), "a refused plan wrote run/");
    err
}

/// `plan` as of 2024-12-31 into `run`.
fn plan(w: &Workdir, files: &[&str]) -> (Output, Vec<Row>) {
    plan_as_of(w, files, "2024-12-31", "run", &[])
}

/// Whether `text` holds the number `n` on its own (not as part of 2024).
fn mentions_number(text: &str, n: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit()).any(|t| t == n)
}

/// Lines of `text` that contain `needle`.
fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

/// A CSV field a spreadsheet would not run: text does not start with
/// = + - @ tab or CR (a leading apostrophe neutralises it); numbers may be
/// negative.
fn neutralised(field: &str) -> bool {
    !field.starts_with(['=', '+', '-', '@', '\t', '\r']) || field.trim().parse::<f64>().is_ok()
}

fn assert_csv_neutralised(path: &Path) {
    let rows = read_csv(path);
    for (i, r) in rows.iter().enumerate() {
        for (column, value) in r {
            assert!(
                neutralised(value),
                "{} line {}: column {column} = {value:?} would run as a formula",
                path.display(),
                i + 2
            );
        }
    }
}

/// The header and the line rows of a printable list or manifest: the rows
/// after the header row (first cell 序号) until the totals row (合计).
fn printed_lines(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let book = read_workbook(path);
    for rows in book.values() {
        if let Some(h) = rows
            .iter()
            .position(|r| r.first().is_some_and(|c| c == "序号"))
        {
            let lines = rows[h + 1..]
                .iter()
                .take_while(|r| r.first().is_some_and(|c| c != "合计"))
                .cloned()
                .collect();
            return (rows[h].clone(), lines);
        }
    }
    panic!("{}: no sheet with a 序号 header row", path.display());
}

/// The doc ids of a list or manifest's lines (column 文件编号).
fn printed_doc_ids(path: &Path) -> Vec<String> {
    let (header, lines) = printed_lines(path);
    let col = header
        .iter()
        .position(|h| h == "文件编号")
        .unwrap_or_else(|| panic!("{}: no 文件编号 column in {header:?}", path.display()));
    lines.iter().map(|l| l[col].clone()).collect()
}

/// The files of a folder whose names end with `ext`, sorted.
fn files_in(dir: &Path, ext: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    names.sort();
    names
}

/// Every cell of every sheet of a workbook, as text.
fn all_cells(path: &Path) -> Vec<String> {
    read_workbook(path)
        .into_values()
        .flatten()
        .flatten()
        .collect()
}

// 1. Two columns mean one decision field (冻结 / 暂缓销毁; 状态 / 现状).
#[test]
fn p01_a_second_hold_or_status_column_is_read() {
    let w = with(&["p01.xlsx"]);
    let (_, rows) = plan(&w, &["p01.xlsx"]);
    check(&rows, "P1-1", &[("disposition", "HOLD"), ("rule", "R1")]);
    // Any truthy hold cell holds, even beside a written 否.
    check(&rows, "P1-5", &[("disposition", "HOLD"), ("rule", "R1")]);
    // 状态 在库 (H4) against 现状 借出 (I4): REVIEW naming both cells.
    check(
        &rows,
        "P1-2",
        &[
            ("disposition", "REVIEW"),
            ("rule", "R2"),
            ("source_row", "4"),
        ],
    );
    let reason = &row(&rows, "P1-2")["reason"];
    assert!(
        reason.contains("H4") && reason.contains("I4"),
        "P1-2's reason names both status cells: {reason:?}"
    );
    // Two equal values agree.
    check(
        &rows,
        "P1-3",
        &[
            ("disposition", "DESTROY"),
            ("effective_classification", "INTERNAL"),
        ],
    );
    // A blank 状态 does not contradict 现状 冻结.
    check(&rows, "P1-4", &[("disposition", "HOLD"), ("rule", "R1")]);
}

// 2. No 密级 column: the level is unknown, not unclassified; the policy may
// say what to assume for the sheet.
#[test]
fn p02_a_missing_classification_column_is_not_unclassified() {
    let w = with(&["p02.xlsx"]);
    let (_, rows) = plan(&w, &["p02.xlsx"]);
    check(&rows, "P2-1", &[("disposition", "REVIEW")]);
    let reason = &row(&rows, "P2-1")["reason"];
    assert!(reason.contains("密级"), "P2-1's reason: {reason:?}");
    check(&rows, "P2-2", &[("disposition", "ARCHIVE")]);

    w.run_ok(&["policy", "init", "p.toml"]);
    let mut policy = std::fs::read_to_string(w.path("p.toml")).unwrap();
    policy.push_str("\n[assume.sheets.\"无密级栏\"]\nclassification = \"INTERNAL\"\n");
    w.write("p.toml", policy.as_bytes());
    let (_, rows) = plan_as_of(
        &w,
        &["p02.xlsx"],
        "2024-12-31",
        "run2",
        &["--policy", "p.toml"],
    );
    check(
        &rows,
        "P2-1",
        &[
            ("disposition", "DESTROY"),
            ("effective_classification", "INTERNAL"),
            ("destruction_level", "H-4"),
            ("destruction_site", "IN_HOUSE"),
        ],
    );
    check(&rows, "P2-2", &[("disposition", "ARCHIVE")]);
}

// 3. A data value equal to an alias (处理意见 = 清退, Comment = Hold) in the
// first data row is data, not a sub-header.
#[test]
fn p03_a_data_value_equal_to_an_alias_is_data() {
    let w = with(&["p03.xlsx"]);
    let (_, rows) = plan(&w, &["p03.xlsx"]);
    assert_eq!(rows.len(), 5, "every data row decided once");
    for id in ["P3-3", "P3-4", "P3-5"] {
        check(&rows, id, &[("disposition", "DESTROY")]);
    }
    // A 处理意见 (kept as is) of 清退 or 冻结 says the holding is to be
    // returned or held: not destroyed without a person's look (r48).
    for id in ["P3-1", "P3-2"] {
        check(&rows, id, &[("disposition", "REVIEW"), ("rule", "SAFETY")]);
    }
    check(
        &rows,
        "P3-1",
        &[
            ("处理意见", "清退"),
            ("effective_classification", "CONFIDENTIAL"),
        ],
    );
    check(&rows, "P3-2", &[("处理意见", "冻结")]);
    check(&rows, "P3-4", &[("Comment", "Hold")]);
    check(&rows, "P3-5", &[("Comment", "Yes")]);
}

// 4. A sheet with content but no header is reported (plan, validate, the
// plan's overview), never silently dropped.
#[test]
fn p04_a_sheet_without_a_header_is_reported() {
    let w = with(&["p04.xlsx"]);
    let (out, rows) = plan(&w, &["p04.xlsx"]);
    check(&rows, "P4-1", &[("disposition", "DESTROY")]);
    check(&rows, "P4-2", &[("disposition", "DESTROY")]);
    let reported = |text: &str| {
        lines_with(text, "填表说明")
            .iter()
            .any(|l| l.contains("未找到登记簿表头") && mentions_number(l, "3"))
    };
    let text = stdout(&out);
    assert!(
        reported(&text),
        "plan names the sheet 填表说明, \"未找到登记簿表头\" and its 3 rows:\n{text}"
    );
    let out = w.run_ok(&["validate", "p04.xlsx"]);
    let text = stdout(&out);
    assert!(
        reported(&text),
        "validate names the sheet 填表说明, \"未找到登记簿表头\" and its 3 rows:\n{text}"
    );
    let book = read_workbook(&w.path("run/plan.xlsx"));
    let overview = book.get("总览").expect("plan.xlsx has 总览");
    assert!(
        overview.iter().flatten().any(|c| c.contains("填表说明")),
        "总览 lists the sheet 填表说明: {overview:?}"
    );
}

// 5. A summary block of known words (部门 / 密级 / 份数) above the register
// is not its header.
#[test]
fn p05_a_summary_block_above_the_register_is_not_its_header() {
    let w = with(&["p05.xlsx"]);
    let (_, rows) = plan(&w, &["p05.xlsx"]);
    assert_eq!(rows.len(), 3, "the three holdings, nothing of the summary");
    for (id, level) in [
        ("P5-1", "SECRET"),
        ("P5-2", "CONFIDENTIAL"),
        ("P5-3", "INTERNAL"),
    ] {
        check(
            &rows,
            id,
            &[
                ("disposition", "DESTROY"),
                ("effective_classification", level),
            ],
        );
    }
}

// 6. Group header 清退 over sub-headers 是否 / 单位 reads as 是否清退 /
// 清退单位, with and without merged cells.
#[test]
fn p06_a_group_header_over_meaningless_sub_headers_is_understood() {
    for file in ["p06-merged.xlsx", "p06-unmerged.xlsx"] {
        let w = with(&[file]);
        let (_, rows) = plan(&w, &[file]);
        assert_eq!(
            rows.len(),
            2,
            "{file}: two data rows, the sub-header is not one"
        );
        assert!(
            rows.iter().all(|r| r["disposition"] != "REJECTED"),
            "{file}: no REJECTED row: {rows:?}"
        );
        check(
            &rows,
            "P6-1",
            &[("disposition", "RETURN"), ("destination", "省保密局")],
        );
        check(
            &rows,
            "P6-2",
            &[("disposition", "DESTROY"), ("destination", "")],
        );
    }
}

// 7. A date the calendar lacks is an invalid value in its row, never an
// error of the run.
#[test]
fn p07_an_impossible_date_is_an_invalid_value_not_a_failed_run() {
    let w = with(&["p07.xlsx"]);
    let (_, rows) = plan(&w, &["p07.xlsx"]);
    for id in ["P7-1", "P7-2", "P7-3"] {
        check(
            &rows,
            id,
            &[
                ("disposition", "DESTROY"),
                ("effective_classification", "CONFIDENTIAL"),
                ("destruction_level", "P-5"),
                ("destruction_site", "FACILITY"),
            ],
        );
        has_anomaly(&rows, id, "INVALID_VALUE");
    }
}

// 8. Placeholders for "none" (无, /, —, ——, N/A, -) in 清退单位 are blank,
// not a destination.
#[test]
fn p08_a_placeholder_is_not_a_return_destination() {
    let w = with(&["p08.xlsx"]);
    let (_, rows) = plan(&w, &["p08.xlsx"]);
    for id in ["P8-1", "P8-2", "P8-3", "P8-5", "P8-6", "P8-7"] {
        check(
            &rows,
            id,
            &[("disposition", "DESTROY"), ("destination", "")],
        );
    }
    check(
        &rows,
        "P8-4",
        &[("disposition", "RETURN"), ("destination", "省保密局")],
    );
}

// 9. A bare year (2014年) or month (2014年12月) counts a confidentiality
// period from the last day of the period: 秘密★10年 is declassified on
// 2024-12-31, not earlier.
#[test]
fn p09_a_bare_year_never_declassifies_early() {
    let w = with(&["p09.xlsx"]);
    let (_, rows) = plan_as_of(&w, &["p09.xlsx"], "2024-12-30", "run-1230", &[]);
    for id in ["P9-1", "P9-2"] {
        check(
            &rows,
            id,
            &[
                ("disposition", "DESTROY"),
                ("effective_classification", "CONFIDENTIAL"),
                ("destruction_level", "P-5"),
                ("destruction_site", "FACILITY"),
            ],
        );
        has_anomaly(&rows, id, "DATE_PARTIAL");
    }
    let (_, rows) = plan_as_of(&w, &["p09.xlsx"], "2024-12-31", "run-1231", &[]);
    for id in ["P9-1", "P9-2"] {
        check(
            &rows,
            id,
            &[
                ("disposition", "DESTROY"),
                ("effective_classification", "UNCLASSIFIED"),
                ("destruction_level", "P-3"),
                ("destruction_site", "IN_HOUSE"),
            ],
        );
    }
}

// 10. decisions.csv, skipped.csv and canonical.csv neutralise formula-like
// text with a leading apostrophe; decisions.parquet keeps the raw text.
#[test]
fn p10_formula_like_text_is_neutralised_in_csv_and_raw_in_parquet() {
    const TITLES: [(&str, &str); 4] = [
        ("P10-1", "=HYPERLINK(\"http://example.com\",\"x\")"),
        ("P10-2", "+1+1"),
        ("P10-3", "@SUM(A1)"),
        ("P10-4", "-2+3"),
    ];
    let w = with(&["p10.xlsx"]);
    let (_, rows) = plan(&w, &["p10.xlsx"]);
    for (id, title) in TITLES {
        check(
            &rows,
            id,
            &[
                ("title", format!("'{title}").as_str()),
                ("disposition", "DESTROY"),
            ],
        );
    }
    // The sheet is called "=登记": source_sheet carries a leading "=" too.
    assert_csv_neutralised(&w.path("run/decisions.csv"));
    let skipped = read_csv(&w.path("run/skipped.csv"));
    assert!(
        !skipped.is_empty(),
        "the blank and 合计 rows are in skipped.csv"
    );
    assert_csv_neutralised(&w.path("run/skipped.csv"));

    w.run_ok(&["validate", "p10.xlsx", "--out", "v"]);
    let canonical = read_csv(&w.path("v/canonical.csv"));
    for (id, title) in TITLES {
        let r = row(&canonical, id);
        assert_eq!(r["title"], format!("'{title}"), "{id} in canonical.csv");
    }
    assert_csv_neutralised(&w.path("v/canonical.csv"));

    use polars::prelude::{ParquetReader, SerReader};
    let file = std::fs::File::open(w.path("run/decisions.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let ids = df.column("doc_id").unwrap().str().unwrap();
    let titles = df.column("title").unwrap().str().unwrap();
    let sheets = df.column("source_sheet").unwrap().str().unwrap();
    let raw: BTreeMap<&str, (&str, &str)> = ids
        .iter()
        .zip(titles.iter())
        .zip(sheets.iter())
        .filter_map(|((id, t), s)| Some((id?, (t.unwrap_or(""), s.unwrap_or("")))))
        .collect();
    for (id, title) in TITLES {
        assert_eq!(
            raw.get(id),
            Some(&(title, "=登记")),
            "{id} in decisions.parquet"
        );
    }
}

// 11. --force replaces only a folder this tool wrote.
#[test]
fn p11_force_never_replaces_a_folder_the_tool_did_not_write() {
    let w = with(&["p11.xlsx"]);
    std::fs::create_dir(w.path("mine")).unwrap();
    let scan: Vec<u8> = b"%PDF-1.4\n% signed destruction record 2023\n"
        .iter()
        .copied()
        .chain((0..=255u8).cycle().take(4096))
        .collect();
    std::fs::write(w.path("mine/scan.pdf"), &scan).unwrap();
    let out = w.run(&[
        "plan",
        "p11.xlsx",
        "--as-of",
        "2024-12-31",
        "--out",
        "mine",
        "--force",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "refused\nstdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(
        files_in(&w.path("mine"), ""),
        ["scan.pdf"],
        "folder untouched"
    );
    assert_eq!(std::fs::read(w.path("mine/scan.pdf")).unwrap(), scan);
    assert_eq!(w.listing(), ["mine", "p11.xlsx"], "nothing else written");

    // A run folder the tool wrote is replaced with --force.
    plan(&w, &["p11.xlsx"]);
    let (_, rows) = plan_as_of(&w, &["p11.xlsx"], "2024-12-31", "run", &["--force"]);
    check(&rows, "P11-1", &[("disposition", "DESTROY")]);
    check(&rows, "P11-2", &[("disposition", "ARCHIVE")]);
}

// 14. Output names that would collide (省/保密局, 省:保密局, 省_保密局; 科/一,
// 科:一) give distinct files: nothing overwritten.
#[test]
fn p14_colliding_output_names_overwrite_nothing() {
    let w = with(&["p14.xlsx", "p14-dept.xlsx"]);
    let (_, rows) = plan(&w, &["p14.xlsx"]);
    for (id, destination) in [
        ("P14-1", "省/保密局"),
        ("P14-2", "省:保密局"),
        ("P14-3", "省_保密局"),
    ] {
        check(
            &rows,
            id,
            &[("disposition", "RETURN"), ("destination", destination)],
        );
    }
    let lists = w.path("run/lists");
    let returns: Vec<String> = files_in(&lists, ".xlsx")
        .into_iter()
        .filter(|n| n.starts_with("清退清单"))
        .collect();
    assert_eq!(
        returns.len(),
        3,
        "one return list per destination: {returns:?}"
    );
    let mut listed = BTreeSet::new();
    for file in &returns {
        let ids = printed_doc_ids(&lists.join(file));
        assert_eq!(ids.len(), 1, "{file} holds one line: {ids:?}");
        listed.extend(ids);
    }
    assert_eq!(
        listed,
        BTreeSet::from(["P14-1", "P14-2", "P14-3"].map(String::from)),
        "each destination's line in its own list"
    );

    let (_, rows) = plan_as_of(
        &w,
        &["p14-dept.xlsx"],
        "2024-12-31",
        "run-dept",
        &["--split-by", "department"],
    );
    check(
        &rows,
        "P14-4",
        &[
            ("disposition", "DESTROY"),
            ("department", "科/一"),
            ("destruction_level", "P-4"),
            ("destruction_site", "IN_HOUSE"),
        ],
    );
    check(
        &rows,
        "P14-5",
        &[
            ("disposition", "DESTROY"),
            ("department", "科:一"),
            ("destruction_level", "P-4"),
            ("destruction_site", "IN_HOUSE"),
        ],
    );
    let manifests = w.path("run-dept/manifests");
    let files = files_in(&manifests, ".xlsx");
    assert_eq!(
        files.len(),
        3,
        "the batch and two department copies: {files:?}"
    );
    let mut contents: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            let mut ids = printed_doc_ids(&manifests.join(f));
            ids.sort();
            ids
        })
        .collect();
    contents.sort();
    assert_eq!(
        contents,
        [
            vec!["P14-4".to_string()],
            vec!["P14-4".to_string(), "P14-5".to_string()],
            vec!["P14-5".to_string()],
        ],
        "manifests {files:?}"
    );
}

// 15. A cell merged down a column gives its value to every row it spans;
// validate says so.
#[test]
fn p15_a_merged_cell_belongs_to_every_row_it_spans() {
    // The openpyxl workbook, and LibreOffice's .xls and .ods of it (calamine
    // reports no merged ranges for .ods: the tool reads them itself).
    for file in ["p15.xlsx", "p15-lo.xls", "p15-lo.ods"] {
        let w = with(&[file]);
        let (_, rows) = plan(&w, &[file]);
        for id in ["P15-1", "P15-2", "P15-3"] {
            check(
                &rows,
                id,
                &[
                    ("disposition", "DESTROY"),
                    ("effective_classification", "SECRET"),
                    ("destruction_level", "P-6"),
                    ("destruction_site", "FACILITY"),
                    ("department", "综合科"),
                ],
            );
        }
        let out = w.run_ok(&["validate", file, "--lang", "en"]);
        let text = stdout(&out);
        assert!(
            text.contains("merged"),
            "{file}: validate mentions the merged cells:\n{text}"
        );
    }
}

// 16. A lone ★ in 密级 is classified at an unwritten level: REVIEW.
#[test]
fn p16_a_lone_star_is_classified_at_an_unknown_level() {
    let w = with(&["p16.xlsx"]);
    let (_, rows) = plan(&w, &["p16.xlsx"]);
    check(&rows, "P16-1", &[("disposition", "REVIEW")]);
    check(&rows, "P16-2", &[("disposition", "DESTROY")]);
}

// 17. The forms registers really use are read tolerantly; what is still
// unknown goes to REVIEW.
#[test]
fn p17_tolerant_forms_are_understood_and_unknown_ones_reviewed() {
    let w = with(&["p17.xlsx"]);
    let (_, rows) = plan(&w, &["p17.xlsx"]);
    let destroy = |level: &'static str, code: &'static str, site: &'static str| {
        vec![
            ("disposition", "DESTROY"),
            ("effective_classification", level),
            ("destruction_level", code),
            ("destruction_site", site),
        ]
    };
    let archive = || vec![("disposition", "ARCHIVE")];
    let review = || vec![("disposition", "REVIEW")];
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        // 密级写法
        ("P17-01", destroy("CONFIDENTIAL", "P-5", "FACILITY")), // 秘密级
        ("P17-02", destroy("SECRET", "P-6", "FACILITY")),       // 机密（20年）
        ("P17-03", destroy("UNCLASSIFIED", "P-3", "IN_HOUSE")), // 秘密 10年, 2010
        ("P17-04", destroy("SECRET", "P-6", "FACILITY")),       // 机密★2030年1月1日解密
        ("P17-05", destroy("UNCLASSIFIED", "P-3", "IN_HOUSE")), // 非涉密
        ("P17-06", destroy("INTERNAL", "P-4", "IN_HOUSE")),     // 内部资料
        ("P17-07", destroy("SECRET", "P-6", "FACILITY")),       // 机密级
        // 保管期限写法
        ("P17-11", archive()), // 三十年
        ("P17-12", archive()), // 十年
        ("P17-13", archive()), // 永久保存
        ("P17-14", archive()), // 长期保存
        // 载体写法 (内部, 不归档)
        ("P17-21", destroy("INTERNAL", "O-4", "IN_HOUSE")), // 光盘（CD-R）
        ("P17-22", destroy("INTERNAL", "E-4", "IN_HOUSE")), // 移动存储介质
        ("P17-23", destroy("INTERNAL", "H-4", "IN_HOUSE")), // 笔记本电脑
        ("P17-24", destroy("INTERNAL", "E-4", "IN_HOUSE")), // 手机
        ("P17-25", destroy("INTERNAL", "T-4", "IN_HOUSE")), // 录音带
        ("P17-26", destroy("INTERNAL", "H-4", "IN_HOUSE")), // 磁盘
        // 仍不能识别
        ("P17-31", review()), // 涉密
        ("P17-32", review()), // 纸质+光盘
    ];
    for (id, want) in &cases {
        check(&rows, id, want);
    }
    assert_eq!(rows.len(), cases.len());
}

// 18. CSV files separated by tabs or semicolons are read.
#[test]
fn p18_tab_and_semicolon_csv_are_read() {
    let w = with(&["p18-tab.csv", "p18-semicolon.csv"]);
    let (out, rows) = plan(&w, &["p18-tab.csv", "p18-semicolon.csv"]);
    let text = stdout(&out) + &stderr(&out);
    assert!(!text.contains("no register header"), "{text}");
    assert_eq!(rows.len(), 4, "{rows:?}");
    for (id, title) in [
        ("P18-1", "关于清理,第一号"),
        ("P18-2", "会议纪要"),
        ("P18-3", "关于清理,第二号"),
        ("P18-4", "工作简报"),
    ] {
        check(&rows, id, &[("title", title), ("disposition", "DESTROY")]);
    }
    check(
        &rows,
        "P18-2",
        &[("effective_classification", "CONFIDENTIAL")],
    );
    check(
        &rows,
        "P18-4",
        &[("effective_classification", "CONFIDENTIAL")],
    );
}

// 19. Classified paper goes to the destruction facility; 内部 paper is
// shredded in-house.
#[test]
fn p19_classified_paper_goes_to_the_facility() {
    let w = with(&["p19.xlsx"]);
    let (_, rows) = plan(&w, &["p19.xlsx"]);
    check(
        &rows,
        "P19-1",
        &[
            ("disposition", "DESTROY"),
            ("destruction_level", "P-5"),
            ("destruction_site", "FACILITY"),
            ("witnesses", "2"),
        ],
    );
    check(
        &rows,
        "P19-2",
        &[
            ("disposition", "DESTROY"),
            ("destruction_level", "P-4"),
            ("destruction_site", "IN_HOUSE"),
            ("witnesses", "1"),
        ],
    );
}

// 20. Top secret from a higher authority goes back to its issuer; the
// office's own is destroyed, and its manifest line shows rule and reason.
#[test]
fn p20_top_secret_from_a_higher_authority_is_returned() {
    let w = with(&["p20.xlsx"]);
    let (_, rows) = plan(&w, &["p20.xlsx"]);
    check(
        &rows,
        "P20-1",
        &[
            ("disposition", "RETURN"),
            ("rule", "R6"),
            ("destination", "中央某部"),
        ],
    );
    // Issued by the office: 本单位, and the unit's own name (保密办公室).
    for id in ["P20-2", "P20-3"] {
        check(
            &rows,
            id,
            &[
                ("disposition", "DESTROY"),
                ("rule", "R9"),
                ("destruction_level", "P-7"),
                ("destruction_site", "FACILITY"),
            ],
        );
    }
    let dir = w.path("run/manifests");
    let mut seen = 0;
    for file in files_in(&dir, ".xlsx") {
        let (header, lines) = printed_lines(&dir.join(&file));
        let id_col = header.iter().position(|h| h == "文件编号").unwrap();
        assert!(
            lines.iter().all(|l| l[id_col] != "P20-1"),
            "{file}: the returned P20-1 is in no manifest"
        );
        let Some(line) = lines.iter().find(|l| l[id_col] == "P20-2") else {
            continue;
        };
        seen += 1;
        let rule_col = header
            .iter()
            .position(|h| h == "规则")
            .unwrap_or_else(|| panic!("{file}: no 规则 column in {header:?}"));
        let reason_col = header
            .iter()
            .position(|h| h.contains("理由") || h.contains("原因") || h.contains("依据"))
            .unwrap_or_else(|| panic!("{file}: no reason column (理由/原因/依据) in {header:?}"));
        assert_eq!(line[rule_col], "R9", "{file}: P20-2's rule");
        assert!(
            !line[reason_col].trim().is_empty(),
            "{file}: P20-2's reason is empty: {line:?}"
        );
    }
    assert_eq!(seen, 1, "P20-2 is in exactly one manifest");
}

// 21. A 上级来文 with a blank 保管期限 is decided by its action column, goes
// to REVIEW without one, and the shipped example schedule is announced.
#[test]
fn p21_a_circular_without_retention_is_decided_by_its_action() {
    let w = with(&["p21.xlsx"]);
    let (out, rows) = plan(&w, &["p21.xlsx"]);
    check(&rows, "P21-1", &[("disposition", "ARCHIVE")]); // 已办
    check(&rows, "P21-2", &[("disposition", "DESTROY")]); // 阅知
    check(&rows, "P21-3", &[("disposition", "REVIEW")]); // blank
    check(&rows, "P21-4", &[("disposition", "ARCHIVE")]); // 办结
    check(&rows, "P21-5", &[("disposition", "DESTROY")]); // 参阅
    let text = stdout(&out);
    assert!(
        text.to_lowercase().contains("example") || text.contains("示例"),
        "the terminal says the shipped example schedule is in use:\n{text}"
    );
    let cells = all_cells(&w.path("run/plan.xlsx"));
    assert!(
        cells
            .iter()
            .any(|c| c.to_lowercase().contains("example") || c.contains("示例")),
        "plan.xlsx says the shipped example schedule is in use"
    );
}

// Found by the generated-register test: a CSV header cell holding a quoted
// line break made the record span two lines, so the sub-header row below
// it was taken for data (REJECTED) and a return-bound holding (清退单位
// 省保密局) was destroyed.
#[test]
fn a_csv_header_cell_with_a_line_break_keeps_its_sub_headers() {
    let w = Workdir::new();
    w.write(
        "r.csv",
        "文件编号,标题,密级,保管期限,\"清\n退\",\n,,,,是否,单位\nG1,关于年度清查的通知,秘密,不归档,,省保密局\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["r.csv"]);
    assert_eq!(rows.len(), 1, "the sub-header row is not data");
    check(
        &rows,
        "G1",
        &[("disposition", "RETURN"), ("destination", "省保密局")],
    );
}

// ---------------------------------------------------------------------------
// Found by a review after the points above were fixed.

// A second column of a text field that decides was dropped: 来文单位 本局
// beside 发文机关 中共中央办公厅 destroyed a top-secret document locally.
#[test]
fn r01_a_second_issuer_or_category_column_decides_safely() {
    let w = with(&["r01.xlsx"]);
    let (_, rows) = plan(&w, &["r01.xlsx"]);
    check(
        &rows,
        "R1-1",
        &[("disposition", "RETURN"), ("destination", "中共中央办公厅")],
    );
    // 文种 通知 beside 类别 上级来文: the category the policy knows decides.
    check(&rows, "R1-2", &[("disposition", "RETURN")]);
    // Two categories that decide differently: a person looks.
    check(&rows, "R1-3", &[("disposition", "REVIEW")]);
}

// A header repeated with its columns reordered (or one added) was taken for
// a repeat, and the rows below were read with the old columns.
#[test]
fn r02_a_header_that_differs_is_a_new_header() {
    let w = with(&["r02.xlsx"]);
    let (out, rows) = plan(&w, &["r02.xlsx"]);
    check(&rows, "R2-2", &[("effective_classification", "SECRET")]);
    check(&rows, "R2-3", &[("disposition", "HOLD")]);
    assert!(stdout(&out).contains("a different header at row 3"));
}

// Formula cells saved without a value read as blank: unclassified, not held.
#[test]
fn r03_a_formula_without_a_saved_value_is_not_blank() {
    let w = with(&["r03.xlsx"]);
    let (_, rows) = plan(&w, &["r03.xlsx"]);
    check(&rows, "R3-2", &[("disposition", "REVIEW")]);
    check(&rows, "R3-4", &[("disposition", "REVIEW")]);
}

// A day number (3, "5") in a date column, or a date cell holding 0, became a
// date of 1899/1900 that declassified the document.
#[test]
fn r04_a_day_number_in_a_date_column_is_not_a_date() {
    let w = with(&["r04.xlsx"]);
    let (_, rows) = plan(&w, &["r04.xlsx"]);
    for id in ["R4-1", "R4-2", "R4-3"] {
        check(
            &rows,
            id,
            &[
                ("effective_classification", "SECRET"),
                ("destruction_level", "P-6"),
                ("destruction_site", "FACILITY"),
            ],
        );
        has_anomaly(&rows, id, "INVALID_VALUE");
    }
}

// Header variants (是否冻结, 是否需要清退) were kept as is: a hold or return
// column not read fails to "no". Unknown variants are pointed out.
#[test]
fn r06_hold_and_return_header_variants_are_read_or_pointed_out() {
    let w = with(&["r06.xlsx"]);
    let (out, rows) = plan(&w, &["r06.xlsx"]);
    check(&rows, "R6-1", &[("disposition", "HOLD")]);
    check(&rows, "R6-2", &[("disposition", "RETURN")]);
    assert!(
        stdout(&out).contains("需冻结标记") && stdout(&out).contains("looks like hold"),
        "{}",
        stdout(&out)
    );
}

// A period without a level read as unclassified; a period column that
// disagreed with the marking was ignored.
#[test]
fn r07_a_period_without_a_level_or_two_periods_are_reviewed() {
    let w = with(&["r07.xlsx"]);
    let (_, rows) = plan(&w, &["r07.xlsx"]);
    check(&rows, "R7-1", &[("disposition", "REVIEW")]);
    check(&rows, "R7-2", &[("disposition", "REVIEW")]);
    check(
        &rows,
        "R7-3",
        &[
            ("disposition", "DESTROY"),
            ("effective_classification", "CONFIDENTIAL"),
        ],
    );
}

// A partial declassification date (2025年) counted from 1 January.
#[test]
fn r10_a_partial_declassification_date_means_its_last_day() {
    let w = with(&["r10.xlsx"]);
    let (_, rows) = plan_as_of(&w, &["r10.xlsx"], "2025-06-30", "run", &[]);
    for id in ["R10-1", "R10-2"] {
        check(&rows, id, &[("effective_classification", "SECRET")]);
    }
}

// A value kept under a merge beat the merged value the sheet shows.
#[test]
fn r11_the_merged_value_beats_a_hidden_one() {
    let w = with(&["r11.xlsx"]);
    let (_, rows) = plan(&w, &["r11.xlsx"]);
    for id in ["R11-1", "R11-2", "R11-3"] {
        check(&rows, id, &[("effective_classification", "SECRET")]);
    }
}

// Titles starting like a footer (审核人员…, Total …) were skipped as footers.
#[test]
fn r12_a_title_that_starts_like_a_footer_is_data() {
    let w = with(&["r12.xlsx"]);
    let (_, rows) = plan(&w, &["r12.xlsx"]);
    assert_eq!(rows.len(), 2, "the subtotal and footer rows are skipped");
    check(&rows, "R12-1", &[("disposition", "ARCHIVE")]);
    check(&rows, "R12-2", &[("disposition", "DESTROY")]);
}

// Rows that look like holdings above the header vanished as "above the
// header": they are listed with the skipped rows and pointed out.
#[test]
fn r14_rows_above_the_header_are_listed_and_pointed_out() {
    let w = with(&["r14.xlsx"]);
    let (out, _) = plan(&w, &["r14.xlsx"]);
    assert!(
        stdout(&out).contains("row 1 above the header has 4 cells"),
        "{}",
        stdout(&out)
    );
    let skipped = read_csv(&w.path("run/skipped.csv"));
    assert!(
        skipped
            .iter()
            .any(|r| r["source_row"] == "1" && r["reason"].starts_with("above the header")),
        "{skipped:?}"
    );
}

// A two-row header whose rows name the register only together was not
// found, and the sheet was not read.
#[test]
fn r15_a_header_named_only_by_its_two_rows_is_found() {
    let w = with(&["r15.xlsx"]);
    let (_, rows) = plan(&w, &["r15.xlsx"]);
    check(&rows, "R15-1", &[("destruction_level", "P-6")]);
    check(&rows, "R15-2", &[("disposition", "HOLD")]);
}

// No copy on hand: nothing to destroy, a loss to report; a manifest lists
// the copies on hand; an unclosed CSV quote swallowed the rows after it; a
// CSV with CR line ends gave every row number 1.
#[test]
fn r16_copies_on_hand_unclosed_quotes_and_cr_line_ends() {
    let w = with(&["r16.xlsx", "r16-quote.csv", "r16-cr.csv"]);
    let (_, rows) = plan(&w, &["r16.xlsx"]);
    check(
        &rows,
        "R16-1",
        &[("disposition", "REVIEW"), ("rule", "SAFETY")],
    );
    check(&rows, "R16-2", &[("disposition", "DESTROY")]);
    let manifest = std::fs::read_dir(w.path("run/manifests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .unwrap();
    let book = read_workbook(&manifest);
    let lines = &book["销毁清单"];
    let header = lines.iter().position(|r| r[0] == "序号").unwrap();
    let copies = lines[header].iter().position(|h| h == "份数").unwrap();
    assert_eq!(lines[header + 1][copies], "1", "the copy on hand");

    let out = w.run(&["plan", "r16-quote.csv", "--out", "q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 3"), "{}", stderr(&out));
    assert!(!w.path("q").exists());

    let (_, rows) = plan_as_of(&w, &["r16-cr.csv"], "2024-12-31", "cr", &[]);
    check(&rows, "CR-1", &[("source_row", "3")]);
    check(&rows, "CR-2", &[("source_row", "4")]);
}

// Found by a hunt over the resolved trust work: 2019.3 typed into a date
// cell (Excel keeps it as the number 2019.3, or shows 1905-07-11 when the
// cell has a date format) was read as a day of 1905, and a 绝密 document
// from another office was destroyed in-house instead of returned; 无, -,
// 零 in 现存份数 read as blank, so a holding with no copy on hand was
// destroyed instead of reported as a suspected loss.
#[test]
fn r17_a_year_month_number_and_none_on_hand_never_destroy() {
    let w = Workdir::new();
    w.python_script(
        "make_dates.py",
        r#"
import openpyxl
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "收文"
ws.append(["文件编号", "标题", "来文单位", "类别", "密级", "载体", "成文日期", "办理情况"])
ws.append(["N1", "绝密通报", "省委办公厅", "上级来文", "绝密", "纸质", 2019.3, "阅知"])
ws.append(["N2", "绝密通报", "省委办公厅", "上级来文", "绝密", "纸质", 2019.3, "阅知"])
ws.cell(row=3, column=7).number_format = "yyyy-mm-dd"
ws.append(["N3", "绝密通报", "省委办公厅", "上级来文", "绝密", "纸质", 5, "阅知"])
ws.cell(row=4, column=7).number_format = "yyyy-mm-dd"
wb.save("numbers.xlsx")
"#,
    );
    let (_, rows) = plan(&w, &["numbers.xlsx"]);
    for id in ["N1", "N2"] {
        check(
            &rows,
            id,
            &[
                ("disposition", "RETURN"),
                ("doc_date", "2019-03-01"),
                ("effective_classification", "TOP_SECRET"),
            ],
        );
        has_anomaly(&rows, id, "DATE_PARTIAL");
    }
    check(&rows, "N3", &[("disposition", "RETURN"), ("doc_date", "")]);
    has_anomaly(&rows, "N3", "INVALID_VALUE");

    w.write(
        "on-hand.csv",
        "文件编号,标题,密级,载体,份数,现存份数,保管期限,状态\n\
         H1,文件一,秘密,纸质,2,无,不归档,\n\
         H2,文件二,秘密,纸质,2,-,不归档,\n\
         H3,文件三,秘密,纸质,2,零,不归档,\n\
         H4,文件四,秘密,纸质,2,2,不归档,\n\
         H5,文件五,秘密,纸质,2,无,不归档,已销毁\n"
            .as_bytes(),
    );
    let (_, rows) = plan_as_of(&w, &["on-hand.csv"], "2024-12-31", "hand", &[]);
    for id in ["H1", "H2", "H3"] {
        check(
            &rows,
            id,
            &[
                ("disposition", "REVIEW"),
                ("rule", "SAFETY"),
                ("copies_on_hand", "0"),
            ],
        );
        has_anomaly(&rows, id, "LOSS_SUSPECTED");
    }
    check(&rows, "H4", &[("disposition", "DESTROY")]);
    // Once destroyed, none on hand is no loss.
    let h5 = row(&rows, "H5");
    assert!(!h5["anomalies"].contains("LOSS_SUSPECTED"), "{h5:?}");
}

// Found by the same hunt: a workbook whose sheet part is named in another
// case (`xl/worksheets/Sheet1.xml`) or with `\` between folders, as some
// Windows writers save it, had its rows read (calamine finds the part in
// any case) but its merged ranges missed, so the rows under a merged 机密
// read as unclassified and were shredded in-house.
#[test]
fn r18_merged_cells_are_read_whatever_the_case_of_the_sheet_part() {
    let w = Workdir::new();
    w.python_script(
        "make_parts.py",
        r#"
import zipfile, openpyxl
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "登记"
ws.append(["文件编号", "标题", "密级", "载体", "保管期限"])
for i in range(1, 5):
    ws.append([f"M{i}", f"文{i}", None, "纸质", "不归档"])
ws["C2"] = "机密"; ws.merge_cells("C2:C5")
wb.save("plain.xlsx")
for out, rename in [("case.xlsx", "xl/worksheets/Sheet1.xml"), ("bslash.xlsx", "xl\\worksheets\\sheet1.xml")]:
    with zipfile.ZipFile("plain.xlsx") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            name = rename if item.filename == "xl/worksheets/sheet1.xml" else item.filename
            dst.writestr(name, src.read(item.filename))
"#,
    );
    for file in ["plain.xlsx", "case.xlsx", "bslash.xlsx"] {
        let out = format!("run-{file}");
        let (_, rows) = plan_as_of(&w, &[file], "2024-12-31", &out, &[]);
        for id in ["M1", "M2", "M3", "M4"] {
            check(
                &rows,
                id,
                &[
                    ("effective_classification", "SECRET"),
                    ("destruction_site", "FACILITY"),
                ],
            );
        }
    }
}

// Found by the same hunt: in a register of three columns, an unclosed quote
// swallowed the next records into one title without a word, because a
// swallowed record was recognised only by three separators or more.
#[test]
fn r19_an_unclosed_quote_in_a_narrow_register_is_refused() {
    let w = Workdir::new();
    w.write(
        "narrow.csv",
        "文件编号,标题,保管期限\n\
         E1,\"十四五规划纲要,不归档\n\
         E2,普通文件二,不归档\n\
         E3,普通文件三,永久\n\
         E4,\"新文件\"四,不归档\n\
         E5,文件五,永久\n"
            .as_bytes(),
    );
    let out = w.run(&["plan", "narrow.csv", "--out", "q"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    assert!(!w.path("q").exists());
    // A quoted title over two lines, with no record in it, is read.
    w.write(
        "wrapped.csv",
        "文件编号,标题,保管期限\nE1,\"关于年度工作\n的通知\",不归档\nE2,文件二,永久\n".as_bytes(),
    );
    let (_, rows) = plan_as_of(&w, &["wrapped.csv"], "2024-12-31", "w", &[]);
    check(&rows, "E1", &[("title", "关于年度工作\n的通知")]);
    check(&rows, "E2", &[("source_row", "4")]);
}

// Found by the same hunt: a different header further down than the first
// header's search window (30 rows) was not recognised: the rows below it
// were read with the old columns (冻结 read as 备注, so a frozen holding
// was destroyed), the header itself was planned as a holding, and a blank
// line after it failed the reconciliation.
#[test]
fn r20_a_different_header_far_down_is_a_new_header() {
    let w = Workdir::new();
    let mut text = String::from("文件编号,标题,密级,载体,保管期限,冻结,备注\n");
    for i in 1..=35 {
        text.push_str(&format!("A{i},甲文件{i},秘密,纸质,永久,,\n"));
    }
    text.push_str("\n文件编号,标题,密级,载体,保管期限,备注,冻结\n");
    text.push_str(",,,,,,\n");
    text.push_str("B1,乙文件冻结,秘密,纸质,不归档,,是\n");
    text.push_str("B2,乙文件普通,秘密,纸质,不归档,,\n");
    w.write("two-registers.csv", text.as_bytes());
    let (out, rows) = plan(&w, &["two-registers.csv"]);
    assert_eq!(rows.len(), 37, "35 + 2 holdings, not the header");
    check(&rows, "B1", &[("disposition", "HOLD")]);
    check(&rows, "B2", &[("disposition", "DESTROY")]);
    assert!(
        stdout(&out).contains("different header") || stderr(&out).contains("different header"),
        "the new header is noted: {}",
        stdout(&out)
    );
}

// Found by the same hunt: a document held (冻结) in one register was
// destroyed from another that wrote its number differently: full-width
// letters, another case, a space, 〔〕 for [].
#[test]
fn r21_a_hold_covers_the_same_number_written_differently() {
    let w = Workdir::new();
    w.write(
        "held.csv",
        "文件编号,标题,密级,载体,保管期限,冻结\n\
         京办发〔2019〕5号,文件,秘密,纸质,不归档,是\n\
         Ａ-7,文件,秘密,纸质,不归档,是\n\
         b-8,文件,秘密,纸质,不归档,是\n\
         C 9,文件,秘密,纸质,不归档,是\n"
            .as_bytes(),
    );
    w.write(
        "other.csv",
        "文件编号,标题,密级,载体,保管期限\n\
         京办发[2019]5号,文件,秘密,纸质,不归档\n\
         A-7,文件,秘密,纸质,不归档\n\
         B-8,文件,秘密,纸质,不归档\n\
         C9,文件,秘密,纸质,不归档\n\
         C10,文件,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["held.csv", "other.csv"]);
    for id in ["京办发[2019]5号", "A-7", "B-8", "C9"] {
        check(&rows, id, &[("disposition", "REVIEW"), ("rule", "SAFETY")]);
        has_anomaly(&rows, id, "DUPLICATE_ID");
    }
    check(&rows, "C10", &[("disposition", "DESTROY")]);
}

// Found by the same hunt: a subtotal row that wrote its count as 本页共3件
// in the title column was planned as a holding.
#[test]
fn r22_a_subtotal_counted_in_words_is_skipped() {
    let w = Workdir::new();
    w.write(
        "pages.csv",
        "序号,文件编号,标题,密级,载体,保管期限\n\
         1,F1,普通,秘密,纸质,不归档\n\
         小计,,本页共1件,,,\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["pages.csv"]);
    assert_eq!(rows.len(), 1, "only F1 is a holding");
    let skipped = read_csv(&w.path("run/skipped.csv"));
    assert!(
        skipped
            .iter()
            .any(|r| r["source_row"] == "3" && r["reason"].contains("小计")),
        "{skipped:?}"
    );
}

// Found by a second hunt: an unreadable 保密期限 (永久, 30, 至2030年) fell back
// to the level's default period, so a 机密 holding counted as declassified
// and was shredded in-house; an unreadable 现存份数 (丢失, 缺) was destroyed
// with nothing known to be on hand.
#[test]
fn r23_an_unreadable_period_or_count_on_hand_is_never_destroyed() {
    let w = Workdir::new();
    w.write(
        "periods.csv",
        "文件编号,标题,密级,保密期限,成文日期,保管期限,来文单位,现存份数\n\
         P1,甲,机密,永久,2000-06-01,不归档,本单位,\n\
         P2,乙,机密,30,2000-06-01,不归档,本单位,\n\
         P3,丙,机密,至2030年,2000-06-01,不归档,本单位,\n\
         P4,丁,内部,,2000-06-01,不归档,本单位,丢失\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["periods.csv"]);
    check(
        &rows,
        "P1",
        &[
            ("effective_classification", "SECRET"),
            ("destruction_site", "FACILITY"),
        ],
    );
    check(
        &rows,
        "P2",
        &[
            ("effective_classification", "SECRET"),
            ("declassified_on", "2030-06-01"),
        ],
    );
    check(&rows, "P3", &[("disposition", "REVIEW")]);
    check(&rows, "P4", &[("disposition", "REVIEW")]);
}

// Found by the review of the fixes above: approve re-checked holds in the
// current registers by the exact text of the number, so a hold written
// 京办发[2019]5号 in another register did not stop the approved line of
// 京办发〔2019〕5号, whose own register still lists it, not held.
#[test]
fn r24_approve_drops_a_line_held_under_its_number_written_differently() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限\n\
         京办发〔2019〕5号,文件,秘密,纸质,不归档\n\
         X-2,文件二,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    plan(&w, &["reg.csv"]);
    let copy = approved_copy(&w, "run");
    w.write(
        "other.csv",
        "文件编号,标题,密级,载体,保管期限,冻结\n\
         京办发[2019] 5号,文件,秘密,纸质,不归档,是\n"
            .as_bytes(),
    );
    review_drops_one_line_now_on_hold(&w, &copy, "京办发〔2019〕5号");
}

/// `review COPY --registers reg.csv --registers other.csv` approves one
/// line of the copy and drops the other, `doc_id`'s, as now on hold.
fn review_drops_one_line_now_on_hold(w: &Workdir, copy: &Path, doc_id: &str) {
    let out = w.run_ok(&[
        "--lang",
        "en",
        "review",
        copy.to_str().unwrap(),
        "--run",
        "run",
        "--registers",
        "reg.csv",
        "--registers",
        "other.csv",
        "--out",
        "recheck",
    ]);
    let text = stdout(&out);
    assert!(text.contains("Approved  1 line"), "{text}");
    assert!(text.contains("Dropped   1 line"), "{text}");
    let summary = read_workbook(&w.path("recheck/review-summary.xlsx"));
    let dropped: Vec<&Vec<String>> = summary["Lines"]
        .iter()
        .filter(|r| r.iter().any(|c| c == "Dropped: now on hold"))
        .collect();
    assert_eq!(dropped.len(), 1, "{:?}", summary["Lines"]);
    assert!(dropped[0].iter().any(|c| c == doc_id), "{dropped:?}");
}

// Found by a third hunt: return and transfer lists printed, and confirm
// recorded, the registered 份数: a lost copy was signed for and entered in
// the ledger as returned, and next year nothing reported it missing.
#[test]
fn r25_a_handover_counts_the_copies_on_hand_and_never_a_lost_one() {
    let w = Workdir::new();
    w.write(
        "returns.csv",
        "文件编号,标题,来文单位,类别,密级,载体,成文日期,办理情况,份数,现存份数\n\
         T1,一,省委办公厅,上级来文,绝密,纸质,2023-01-05,阅知,2,1\n\
         T2,二,省委办公厅,上级来文,绝密,纸质,2023-01-05,阅知,1,0\n\
         T3,三,省委办公厅,上级来文,绝密,纸质,2023-01-05,阅知,2,\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["returns.csv"]);
    check(&rows, "T1", &[("disposition", "RETURN")]);
    check(
        &rows,
        "T2",
        &[("disposition", "REVIEW"), ("rule", "SAFETY")],
    );
    has_anomaly(&rows, "T2", "LOSS_SUSPECTED");
    check(&rows, "T3", &[("disposition", "RETURN")]);
    let list = w.path("run/lists/清退清单-省委办公厅.xlsx");
    let (header, lines) = printed_lines(&list);
    let copies = header.iter().position(|h| h == "份数").unwrap();
    let id = header.iter().position(|h| h == "文件编号").unwrap();
    let printed: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l[id].as_str(), l[copies].as_str()))
        .collect();
    assert_eq!(printed, [("T1", "1"), ("T3", "2")], "copies on hand");
    let out = w.run_ok(&[
        "confirm",
        list.to_str().unwrap(),
        "--date",
        "2025-01-10",
        "--receiver",
        "王五",
    ]);
    let ledger = std::fs::read_to_string(w.path("reports/ledger.jsonl")).unwrap();
    assert!(
        ledger.contains("\"copies\":1"),
        "{ledger}\n{}",
        stdout(&out)
    );
    assert!(!ledger.contains("\"T2\""), "{ledger}");
}

/// A reviewed copy (in `reviewed/`) of the one destruction manifest `plan`
/// wrote into `run`, every line approved.
fn approved_copy(w: &Workdir, run: &str) -> std::path::PathBuf {
    reviewed_copy(w, run, &["4=同意"])
}

/// A reviewed copy (in `reviewed/`) of the one destruction manifest `plan`
/// wrote into `run`, its review cells filled in (`review_manifests.py`'s
/// edits).
fn reviewed_copy(w: &Workdir, run: &str, edits: &[&str]) -> std::path::PathBuf {
    let manifest = files_in(&w.path(&format!("{run}/manifests")), "xlsx");
    assert_eq!(manifest.len(), 1, "{manifest:?}");
    std::fs::create_dir_all(w.path("reviewed")).unwrap();
    let copy = w.path(&format!("reviewed/{run}-{}", manifest[0]));
    std::fs::copy(w.path(&format!("{run}/manifests/{}", manifest[0])), &copy).unwrap();
    let mut args = vec![copy.to_str().unwrap()];
    args.extend_from_slice(edits);
    w.python("review_manifests.py", &args);
    copy
}

/// The final manifest of the one destruction manifest `plan` wrote into
/// `run`, every line approved, reviewed into `out`.
fn final_manifest(w: &Workdir, run: &str, out: &str) -> String {
    final_manifest_of(w, run, out, &["4=同意"])
}

/// The final manifest of the one destruction manifest `plan` wrote into
/// `run`, reviewed with `edits` into `out`.
fn final_manifest_of(w: &Workdir, run: &str, out: &str, edits: &[&str]) -> String {
    let copy = reviewed_copy(w, run, edits);
    w.run_ok(&["review", copy.to_str().unwrap(), "--run", run, "--out", out]);
    let finals = files_in(&w.path(&format!("{out}/final")), "xlsx");
    assert_eq!(finals.len(), 1, "{finals:?}");
    w.path(&format!("{out}/final/{}", finals[0]))
        .to_str()
        .unwrap()
        .to_string()
}

/// `confirm FINAL`: destroyed on `date`, two witnesses.
fn confirm_destroyed(w: &Workdir, final_manifest: &str, date: &str) -> Output {
    w.run(&[
        "confirm",
        final_manifest,
        "--date",
        date,
        "--site",
        "本单位销毁点",
        "--witness",
        "张三",
        "--witness",
        "李四",
    ])
}

/// Approves every line of the one destruction manifest `plan` wrote into
/// `run`, reviews it into `review` and confirms the final manifest;
/// returns the ledger's text.
fn destroy_all_planned(w: &Workdir) -> String {
    let last = final_manifest(w, "run", "review");
    let out = confirm_destroyed(w, &last, "2025-01-15");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::read_to_string(w.path("reports/ledger.jsonl")).unwrap()
}

/// The one row of `rows` with this title.
fn titled<'a>(rows: &'a [Row], title: &str) -> &'a Row {
    let found: Vec<&Row> = rows.iter().filter(|r| r["title"] == title).collect();
    assert_eq!(found.len(), 1, "{title}: {found:?}");
    found[0]
}

// Found by a third hunt: the ledger matched a holding by its number only,
// so a holding registered without one, destroyed and confirmed, was
// planned for destruction again the next year while its register still
// showed it held.
#[test]
fn r26_a_destroyed_holding_without_a_number_is_not_destroyed_again() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限,部门\n\
         ,甲通知,秘密,纸质,不归档,办公室\n\
         ,乙通知,秘密,纸质,不归档,办公室\n\
         X-1,丙通知,秘密,纸质,不归档,办公室\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["reg.csv"]);
    for title in ["甲通知", "乙通知", "丙通知"] {
        assert_eq!(titled(&rows, title)["disposition"], "DESTROY", "{title}");
    }
    let ledger = destroy_all_planned(&w);
    assert_eq!(ledger.matches("\"holding\":").count(), 3, "{ledger}");
    // Next year: 甲 still shows held (its title typed with a space), 乙
    // marked destroyed, a new holding with no number and a title of its
    // own; and (a fourth hunt) 丙 written without its number, still held.
    w.write(
        "reg2025.csv",
        "文件编号,标题,密级,载体,保管期限,部门,状态\n\
         ,甲 通知,秘密,纸质,不归档,办公室,\n\
         ,乙通知,秘密,纸质,不归档,办公室,已销毁\n\
         ,丁通知,秘密,纸质,不归档,办公室,\n\
         ,丙通知,秘密,纸质,不归档,办公室,\n"
            .as_bytes(),
    );
    let (_, rows) = plan_as_of(
        &w,
        &["reg2025.csv"],
        "2025-12-31",
        "run2025",
        &["--ledger", "reports/ledger.jsonl"],
    );
    for title in ["甲 通知", "丙通知"] {
        let again = titled(&rows, title);
        assert_eq!(again["disposition"], "REVIEW", "{again:?}");
        assert!(
            again["anomalies"].split(';').any(|c| c == "REAPPEARED"),
            "{again:?}"
        );
        // Found by its title, not by a second number column.
        assert!(!again["reason"].contains("另一编号"), "{again:?}");
    }
    let done = titled(&rows, "乙通知");
    assert_eq!(
        (done["disposition"].as_str(), done["rule"].as_str()),
        ("DONE", "LEDGER"),
        "{done:?}"
    );
    assert_eq!(titled(&rows, "丁通知")["disposition"], "DESTROY");
    // The year after: 甲 given a number since — still the holding the
    // ledger records.
    w.write(
        "reg2026.csv",
        "文件编号,标题,密级,载体,保管期限,部门\n\
         B-7,甲通知,秘密,纸质,不归档,办公室\n"
            .as_bytes(),
    );
    let (_, rows) = plan_as_of(
        &w,
        &["reg2026.csv"],
        "2026-01-31",
        "run2026",
        &["--ledger", "reports/ledger.jsonl"],
    );
    check(
        &rows,
        "B-7",
        &[("disposition", "REVIEW"), ("rule", "LEDGER")],
    );
}

// Found by a third hunt: two plans of one register with different as-of
// dates, made before either was confirmed, list the same holdings in two
// batches; confirm recorded both, so the ledger counted each holding
// destroyed twice.
#[test]
fn r27_confirm_refuses_a_holding_the_ledger_records_as_gone_already() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限\n\
         X-1,甲通知,秘密,纸质,不归档\n\
         ,乙通知,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    plan(&w, &["reg.csv"]);
    // (As of a date in the next year: a review found that a check by the
    // as-of year missed the double.)
    plan_as_of(&w, &["reg.csv"], "2025-01-06", "run2", &[]);
    let first = final_manifest(&w, "run", "review");
    let second = final_manifest(&w, "run2", "review2");
    let out = confirm_destroyed(&w, &first, "2025-01-15");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = std::fs::read(w.path("reports/ledger.jsonl")).unwrap();
    let out = confirm_destroyed(&w, &second, "2025-01-15");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("records as having left already"), "{err}");
    assert!(
        err.contains(
            "line 1 (X-1, reg.csv row 2): ledger entry 1 (DESTRUCTION 2024-D-001, 2025-01-15)"
        ),
        "{err}"
    );
    assert!(err.contains("and 1 more"), "{err}");
    assert!(err.contains("nothing was recorded"), "{err}");
    assert_eq!(
        std::fs::read(w.path("reports/ledger.jsonl")).unwrap(),
        before
    );
    // Next year, a new copy of the number in the same register, in the
    // row the destroyed one had (a fourth hunt: it was refused as the
    // same holding), is another holding.
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限,状态\n\
         X-1,甲通知,秘密,纸质,不归档,\n\
         ,乙通知,秘密,纸质,不归档,已销毁\n\
         X-1,甲通知,秘密,纸质,不归档,已销毁\n"
            .as_bytes(),
    );
    let (_, rows) = plan_as_of(
        &w,
        &["reg.csv"],
        "2025-12-31",
        "run3",
        &["--ledger", "reports/ledger.jsonl"],
    );
    let planned: Vec<&str> = rows.iter().map(|r| r["disposition"].as_str()).collect();
    assert_eq!(planned, ["DESTROY", "DONE", "DONE"], "{rows:?}");
    let third = final_manifest(&w, "run3", "review3");
    let out = confirm_destroyed(&w, &third, "2026-01-10");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// Found by a third hunt: a final manifest moved out of its folder — or a
// copy rewritten together with its digests, which agrees with itself — was
// recorded with only a warning, since no index.csv was beside it to tell
// it from the one issued.
#[test]
fn r28_confirm_refuses_a_manifest_without_its_index_unless_told() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限\n\
         X-1,甲通知,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    plan(&w, &["reg.csv"]);
    let issued = final_manifest(&w, "run", "review");
    std::fs::create_dir_all(w.path("moved")).unwrap();
    let moved = w.path("moved/final.xlsx");
    std::fs::copy(&issued, &moved).unwrap();
    let out = confirm_destroyed(&w, moved.to_str().unwrap(), "2025-01-15");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("旁边没有 index.csv"), "{err}");
    assert!(err.contains("--without-index"), "{err}");
    assert!(err.contains("未作任何记录"), "{err}");
    assert!(!w.path("reports/ledger.jsonl").exists());
    let mut args = vec!["confirm", moved.to_str().unwrap(), "--without-index"];
    args.extend([
        "--date",
        "2025-01-15",
        "--site",
        "本单位销毁点",
        "--witness",
        "张三",
        "--witness",
        "李四",
    ]);
    let out = w.run_ok(&args);
    assert!(
        stderr(&out).contains("只核对了内部一致性"),
        "{}",
        stderr(&out)
    );
    assert!(w.path("reports/ledger.jsonl").exists());
}

// Found by a fourth hunt: confirm recorded a return list whose printed
// lines were hidden, whose totals were changed, or with a line written
// below its signatures — the paper signed was not what the ledger records.
#[test]
fn r29_confirm_refuses_a_list_printed_otherwise_than_issued() {
    let w = Workdir::new();
    w.write(
        "returns.csv",
        "文件编号,标题,来文单位,类别,密级,载体,成文日期,办理情况,份数\n\
         T1,一,省委办公厅,上级来文,绝密,纸质,2023-01-05,阅知,2\n\
         T2,二,省委办公厅,上级来文,绝密,纸质,2023-01-05,阅知,1\n"
            .as_bytes(),
    );
    plan(&w, &["returns.csv"]);
    w.python_script(
        "edit.py",
        r#"
import shutil
import openpyxl

LIST = "run/lists/清退清单-省委办公厅.xlsx"

def edited(name, edit):
    path = "run/lists/" + name
    shutil.copy(LIST, path)
    wb = openpyxl.load_workbook(path)
    edit(wb.worksheets[0])
    wb.save(path)

def totals_row(ws):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")

edited("hidden.xlsx", lambda ws: setattr(ws.row_dimensions[7], "hidden", True))
edited("totals.xlsx", lambda ws: setattr(ws.cell(totals_row(ws), 2), "value", "1 件，2 份"))
edited("below.xlsx", lambda ws: ws.cell(ws.max_row + 2, 2, "T9"))
last = lambda ws: max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value)
edited("signature.xlsx", lambda ws: setattr(ws.cell(last(ws), 1), "value", None))
"#,
    );
    for (file, finding) in [
        ("hidden.xlsx", "row 7 is hidden"),
        ("totals.xlsx", "the totals row reads"),
        ("below.xlsx", "text added below the lines"),
        ("signature.xlsx", "the signature block lacks"),
    ] {
        let path = w.path(&format!("run/lists/{file}"));
        let out = w.run(&[
            "confirm",
            path.to_str().unwrap(),
            "--date",
            "2025-01-10",
            "--receiver",
            "王五",
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(err.contains(finding), "{file}: {err}");
    }
    assert!(!w.path("reports/ledger.jsonl").exists());
}

// Found by a fourth hunt: the ledger compared departments exactly, so a
// holding destroyed and confirmed was planned for destruction again when
// next year's register wrote its department `综合 科` for `综合科`.
#[test]
fn r30_a_department_written_differently_is_the_same_department() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限,部门\n\
         X-1,甲通知,秘密,纸质,不归档,综合科\n\
         X-3,丙通知,秘密,纸质,不归档,Office A\n"
            .as_bytes(),
    );
    plan(&w, &["reg.csv"]);
    destroy_all_planned(&w);
    w.write(
        "reg2025.csv",
        "文件编号,标题,密级,载体,保管期限,部门\n\
         X-1,甲通知,秘密,纸质,不归档,综合 科\n\
         X-3,丙通知,秘密,纸质,不归档,office a\n"
            .as_bytes(),
    );
    let (_, rows) = plan_as_of(
        &w,
        &["reg2025.csv"],
        "2025-12-31",
        "run2025",
        &["--ledger", "reports/ledger.jsonl"],
    );
    for id in ["X-1", "X-3"] {
        check(&rows, id, &[("disposition", "REVIEW"), ("rule", "LEDGER")]);
        has_anomaly(&rows, id, "REAPPEARED");
    }
}

// Found by a fourth hunt: with the destroyed copy's row kept and marked
// 已销毁, --previous counted that copy both as held and as explained by
// the ledger, and the second copy of the number, gone from the register,
// was never reported missing.
#[test]
fn r31_a_copy_marked_destroyed_does_not_hide_a_second_copy_gone_missing() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限,部门\n\
         X-1,甲通知,秘密,纸质,不归档,办公室\n\
         X-1,甲通知,秘密,纸质,不归档,办公室\n\
         X-2,乙通知,秘密,纸质,不归档,办公室\n"
            .as_bytes(),
    );
    plan(&w, &["reg.csv"]);
    let last = final_manifest_of(
        &w,
        "run",
        "review",
        &["6=同意", "7=暂缓|再议", "8=暂缓|再议"],
    );
    let out = confirm_destroyed(&w, &last, "2025-01-15");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Next year: the destroyed copy marked so, the other copy's row gone,
    // and X-2 marked destroyed with no record of its destruction.
    w.write(
        "reg2025.csv",
        "文件编号,标题,密级,载体,保管期限,部门,状态\n\
         X-1,甲通知,秘密,纸质,不归档,办公室,已销毁\n\
         X-2,乙通知,秘密,纸质,不归档,办公室,已销毁\n"
            .as_bytes(),
    );
    let (out, missing) = missing_next_year(&w, "reg2025.csv");
    let ids: Vec<&str> = missing.iter().map(|r| r["doc_id"].as_str()).collect();
    assert_eq!(ids, ["X-1", "X-2"], "{}", stdout(&out));
}

// Found by a fourth hunt: one register copied into two departments'
// folders was planned twice — every holding on the manifest twice, and
// confirm recorded each destroyed twice.
#[test]
fn r32_one_register_given_twice_under_two_names_is_refused() {
    let w = Workdir::new();
    let csv = "文件编号,标题,密级,载体,保管期限\nX-1,甲通知,秘密,纸质,不归档\n";
    std::fs::create_dir_all(w.path("办公室")).unwrap();
    std::fs::create_dir_all(w.path("综合科")).unwrap();
    w.write("办公室/reg.csv", csv.as_bytes());
    w.write("综合科/reg.csv", csv.as_bytes());
    let err = refused_plan(&w, &["办公室/reg.csv", "综合科/reg.csv"]);
    assert!(
        err.contains("综合科/reg.csv: the same file as 办公室/reg.csv"),
        "{err}"
    );
    // Two empty templates alike are not a register given twice.
    let header = "文件编号,标题,密级,载体,保管期限\n";
    w.write("a.csv", header.as_bytes());
    w.write("b.csv", header.as_bytes());
    w.run_ok(&[
        "plan",
        "a.csv",
        "b.csv",
        "办公室/reg.csv",
        "--as-of",
        "2024-12-31",
        "--out",
        "run2",
    ]);
}

// Found by a fifth hunt: a holding whose title begins with a footer word
// (总计划…, Total Quality…) and has no number was skipped as a footer row:
// no decision, and its hold protected nothing.
#[test]
fn r33_a_title_beginning_with_a_footer_word_is_a_holding() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限,冻结\n\
         X-1,甲通知,秘密,纸质,不归档,\n\
         ,总计划（2024—2026年）,秘密,纸质,不归档,是\n\
         ,Total Quality Management Manual,秘密,纸质,不归档,\n\
         ,,秘密,纸质,不归档,\n\
         合计,2件,,,,\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["reg.csv"]);
    // (A row that cannot be identified says so in the plan's language.)
    let rejected: Vec<&Row> = rows
        .iter()
        .filter(|r| r["disposition"] == "REJECTED")
        .collect();
    assert_eq!(rejected.len(), 1, "{rows:?}");
    assert_eq!(rejected[0]["reason"], "无法识别：既无文件编号也无标题");
    assert_eq!(
        titled(&rows, "总计划（2024—2026年）")["disposition"],
        "HOLD"
    );
    assert_eq!(
        titled(&rows, "Total Quality Management Manual")["disposition"],
        "DESTROY"
    );
    let skipped = read_csv(&w.path("run/skipped.csv"));
    assert_eq!(skipped.len(), 1, "only the 合计 row: {skipped:?}");
}

// Found by a fifth hunt: a plain number in a date column — 9999 for a
// date unknown, 20000 — was read as a day of Excel's calendar (1927,
// 1954): a classified holding counted as declassified and was shredded
// in-house.
#[test]
fn r34_a_plain_number_in_a_date_column_is_no_day_of_the_1920s() {
    let w = Workdir::new();
    w.python_script(
        "make.py",
        r#"
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["文件编号", "标题", "密级", "载体", "成文日期", "保管期限"])
ws.append(["N1", "一", "秘密", "纸质", 9999, "不归档"])
ws.append(["N2", "二", "绝密", "纸质", 20000, "不归档"])
ws.append(["N3", "三", "秘密", "纸质", 43529, "不归档"])
wb.save("reg.xlsx")
"#,
    );
    let (_, rows) = plan(&w, &["reg.xlsx"]);
    for (id, level) in [("N1", "CONFIDENTIAL"), ("N2", "TOP_SECRET")] {
        let r = row(&rows, id);
        assert_eq!(r["effective_classification"], level, "{id}: {r:?}");
        assert_ne!(r["destruction_site"], "IN_HOUSE", "{id}: {r:?}");
        has_anomaly(&rows, id, "INVALID_VALUE");
    }
    check(&rows, "N3", &[("doc_date", "2019-03-05")]);
}

// Found by a fifth hunt: holds and carriers written where they were not
// read. A 冻结 column headed 冻结（是/否） or 诉讼保全, a hold written in
// 备注, a second carrier in brackets (纸质【U盘】), a held number written
// with a leading zero elsewhere (04号 for 4号): each holding was destroyed,
// or shredded as paper.
#[test]
fn r35_holds_and_carriers_written_elsewhere_are_not_destroyed() {
    let w = Workdir::new();
    w.write(
        "a.csv",
        "文件编号,标题,密级,载体（纸质/电子）,保管期限,冻结（是/否）,备注\n\
         H1,一,秘密,纸质,不归档,是,\n\
         H2,二,秘密,U盘,不归档,,\n\
         H3,三,秘密,纸质,不归档,,诉讼保全，暂缓销毁\n\
         H4,四,内部,纸质【U盘】,不归档,,\n\
         保〔2023〕4号,五,秘密,纸质,不归档,是,\n\
         H6,六,秘密,纸质,不归档,,已核对\n\
         H8,八,秘密,纸质,不归档,,请勿销毁\n"
            .as_bytes(),
    );
    w.write(
        "b.csv",
        "文件编号,标题,密级,载体,保管期限,诉讼保全\n\
         H7,七,秘密,纸质,不归档,是\n\
         保〔2023〕04号,五,秘密,纸质,不归档,\n\
         H8,八,秘密,纸质,不归档,\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["a.csv", "b.csv"]);
    // A hold written in 备注 holds the number's other copies too (a review).
    for r in rows.iter().filter(|r| r["doc_id"] == "H8") {
        assert_eq!(
            (r["disposition"].as_str(), r["rule"].as_str()),
            ("REVIEW", "SAFETY"),
            "{r:?}"
        );
    }
    check(&rows, "H1", &[("disposition", "HOLD")]);
    check(
        &rows,
        "H2",
        &[("disposition", "DESTROY"), ("medium_class", "E")],
    );
    check(
        &rows,
        "H3",
        &[("disposition", "REVIEW"), ("rule", "SAFETY")],
    );
    check(&rows, "H4", &[("disposition", "REVIEW")]);
    check(&rows, "H6", &[("disposition", "DESTROY")]);
    check(&rows, "H7", &[("disposition", "HOLD")]);
    check(
        &rows,
        "保〔2023〕04号",
        &[("disposition", "REVIEW"), ("rule", "SAFETY")],
    );
}

// Found by a fifth hunt: two registers printed side by side under one
// header row; the right-hand holdings were read as the left ones' extra
// columns — lost, while the row count balanced.
#[test]
fn r36_two_registers_side_by_side_are_refused_not_half_read() {
    let w = Workdir::new();
    w.write(
        "side.csv",
        "文件编号,标题,密级,载体,保管期限,,文件编号,标题,密级,载体,保管期限\n\
         L1,左,秘密,纸质,不归档,,R1,右,秘密,纸质,永久\n"
            .as_bytes(),
    );
    let err = refused_plan(&w, &["side.csv"]);
    assert!(
        err.contains("the header names the same columns twice"),
        "{err}"
    );
    assert!(err.contains("doc_id: A, G; title: B, H"), "{err}");
    // Two number columns (收文编号, 发文编号) are one register's.
    w.write(
        "two_numbers.csv",
        "收文编号,发文编号,标题,密级,载体,保管期限\nS-1,F-1,甲,秘密,纸质,不归档\n".as_bytes(),
    );
    w.run_ok(&[
        "plan",
        "two_numbers.csv",
        "--as-of",
        "2024-12-31",
        "--out",
        "run2",
    ]);
}

// Found by a review of the fixes above: --previous gave a holding without
// a number, looked for by title and department, the credit of another
// department's recorded destruction of that title, so its own loss was
// never reported.
#[test]
fn r37_a_title_destroyed_in_one_department_explains_no_loss_in_another() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,标题,密级,载体,保管期限,部门\n\
         ,年度工作要点,秘密,纸质,不归档,科一\n\
         ,年度工作要点,秘密,纸质,长期,科二\n"
            .as_bytes(),
    );
    plan(&w, &["reg.csv"]);
    destroy_all_planned(&w);
    w.write(
        "reg2025.csv",
        "文件编号,标题,密级,载体,保管期限,部门\n,其他,秘密,纸质,长期,科三\n".as_bytes(),
    );
    let (_, missing) = missing_next_year(&w, "reg2025.csv");
    let departments: Vec<&str> = missing.iter().map(|r| r["department"].as_str()).collect();
    assert_eq!(departments, ["科二"], "{missing:?}");
}

// Left open by earlier rounds: a register with two number columns (收文编号
// beside 发文编号) was matched by its first only, so a document held under
// its 发文编号 in another register was planned for destruction here — and a
// held row's second number held nothing.
#[test]
fn r38_a_hold_covers_a_document_under_its_other_number() {
    let w = Workdir::new();
    w.write(
        "issued.csv",
        "发文编号,标题,密级,载体,保管期限,冻结\n京办发〔2019〕5号,通知,秘密,纸质,不归档,是\n"
            .as_bytes(),
    );
    w.write(
        "received.csv",
        "收文编号,发文编号,标题,密级,载体,保管期限\n\
         收〔2019〕12号,京办发[2019]5号,通知,秘密,纸质,不归档\n\
         收〔2019〕13号,京办发〔2019〕6号,通知,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    w.write(
        "held_both.csv",
        "收文编号,发文编号,标题,密级,载体,保管期限,冻结\n\
         收〔2020〕1号,京办发〔2020〕9号,报告,秘密,纸质,不归档,是\n"
            .as_bytes(),
    );
    w.write(
        "copies.csv",
        "文件编号,标题,密级,载体,保管期限\n\
         京办发〔2020〕9号,报告,秘密,纸质,不归档\n\
         京办发〔2020〕10号,报告,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    let (_, rows) = plan(
        &w,
        &["issued.csv", "received.csv", "held_both.csv", "copies.csv"],
    );
    for (id, held_in) in [
        ("收〔2019〕12号", "issued.csv"),
        ("京办发〔2020〕9号", "held_both.csv"),
    ] {
        check(&rows, id, &[("disposition", "REVIEW"), ("rule", "SAFETY")]);
        let reason = &row(&rows, id)["reason"];
        assert!(reason.contains(held_in), "{id}: {reason}");
    }
    // Other numbers hold only what they name.
    check(&rows, "收〔2019〕13号", &[("disposition", "DESTROY")]);
    check(&rows, "京办发〔2020〕10号", &[("disposition", "DESTROY")]);
    // The second column is kept as written, and is no column of its own in
    // the decision table.
    let received = row(&rows, "收〔2019〕12号");
    assert_eq!(received["发文编号"], "京办发[2019]5号");
    assert!(!received.contains_key("other_doc_ids"), "{received:?}");
}

// Found by the review of r38: `review`'s last check before the final
// manifests matched holds in the current registers by doc_id only, so a
// hold added under an approved line's other number (its 发文编号, in
// another register) did not drop the line.
#[test]
fn r39_review_drops_a_line_held_under_its_other_number() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "收文编号,发文编号,标题,密级,载体,保管期限\n\
         收〔2019〕12号,京办发〔2019〕5号,文件,秘密,纸质,不归档\n\
         收〔2019〕13号,京办发〔2019〕6号,文件二,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    plan(&w, &["reg.csv"]);
    let copy = approved_copy(&w, "run");
    w.write(
        "other.csv",
        "发文编号,标题,密级,载体,保管期限,冻结\n\
         京办发[2019] 5号,文件,秘密,纸质,不归档,是\n"
            .as_bytes(),
    );
    review_drops_one_line_now_on_hold(&w, &copy, "收〔2019〕12号");
}

// Found by the review of r38: the ledger matched a holding by its first
// number only, so a document destroyed under its 发文编号 and still listed
// the next year under its 收文编号 (the 发文编号 beside it) was planned
// for destruction a second time, not flagged REAPPEARED; and the same
// with the register's two number columns the other way round.
#[test]
fn r40_a_destroyed_document_listed_under_its_other_number_reappeared() {
    let w = Workdir::new();
    w.write(
        "issued.csv",
        "发文编号,标题,密级,载体,保管期限\n京办发〔2019〕5号,通知,秘密,纸质,不归档\n".as_bytes(),
    );
    w.write(
        "received.csv",
        "收文编号,发文编号,标题,密级,载体,保管期限\n\
         收〔2019〕20号,京办发〔2019〕7号,报告,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    plan(&w, &["issued.csv", "received.csv"]);
    let ledger = destroy_all_planned(&w);
    assert!(ledger.contains("京办发〔2019〕5号") && ledger.contains("收〔2019〕20号"));
    w.write(
        "received2025.csv",
        "收文编号,发文编号,标题,密级,载体,保管期限\n\
         收〔2019〕12号,京办发[2019]5号,通知,秘密,纸质,不归档\n\
         收〔2019〕13号,京办发〔2019〕6号,通知,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    w.write(
        "issued2025.csv",
        "发文编号,收文编号,标题,密级,载体,保管期限\n\
         京办发〔2019〕7号,收〔2019〕20号,报告,秘密,纸质,不归档\n"
            .as_bytes(),
    );
    let (_, rows) = plan_as_of(
        &w,
        &["received2025.csv", "issued2025.csv"],
        "2025-12-31",
        "run2025",
        &["--ledger", "reports/ledger.jsonl"],
    );
    for id in ["收〔2019〕12号", "京办发〔2019〕7号"] {
        check(&rows, id, &[("disposition", "REVIEW"), ("rule", "LEDGER")]);
        has_anomaly(&rows, id, "REAPPEARED");
        let reason = &row(&rows, id)["reason"];
        assert!(reason.contains("另一编号"), "{id}: {reason}");
    }
    // Another number names another document.
    check(&rows, "收〔2019〕13号", &[("disposition", "DESTROY")]);
}

// Found by the review of r40: a row found in the ledger by its other
// number counted as the copy the ledger's item was listed from when its
// register said it was destroyed, so the row the item was listed from,
// still shown as held, was no longer REAPPEARED and was planned for
// destruction again.
#[test]
fn r41_a_copy_found_by_its_other_number_does_not_hide_a_reappeared_one() {
    let w = Workdir::new();
    w.write(
        "issued.csv",
        "发文编号,标题,密级,载体,保管期限\n京办发〔2019〕5号,通知,秘密,纸质,不归档\n".as_bytes(),
    );
    plan(&w, &["issued.csv"]);
    destroy_all_planned(&w);
    w.write(
        "received2025.csv",
        "收文编号,发文编号,标题,密级,载体,保管期限,状态\n\
         收〔2019〕12号,京办发〔2019〕5号,通知,秘密,纸质,不归档,已销毁\n"
            .as_bytes(),
    );
    let (_, rows) = plan_as_of(
        &w,
        &["issued.csv", "received2025.csv"],
        "2025-12-31",
        "run2025",
        &["--ledger", "reports/ledger.jsonl"],
    );
    check(
        &rows,
        "京办发〔2019〕5号",
        &[("disposition", "REVIEW"), ("rule", "LEDGER")],
    );
    has_anomaly(&rows, "京办发〔2019〕5号", "REAPPEARED");
    // The copy marked destroyed is done, and says how it was found.
    check(&rows, "收〔2019〕12号", &[("disposition", "DONE")]);
    let reason = &row(&rows, "收〔2019〕12号")["reason"];
    assert!(reason.contains("另一编号"), "{reason}");
}

// Found by a seventh hunt (dates and periods): a 保密期限 of 0 (`0`, `00`,
// `绝密★0`, a number cell 0) was read as 0 years: the 绝密 document of a
// higher office counted as declassified on its own date and was planned
// for destruction in-house instead of going back to its issuer (SPEC §3
// R6). 0年 was already not a period.
#[test]
fn r42_a_secrecy_period_of_zero_declassifies_nothing() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,文件标题,来文单位,密级,保密期限,成文日期,保管期限\n\
         Z1,一,上级机关,绝密,0,2020-03-05,不归档\n\
         Z2,二,上级机关,绝密★0,,2020-03-05,不归档\n\
         Z3,三,上级机关,绝密,00,2020-03-05,不归档\n\
         Z4,四,上级机关,绝密,,2020-03-05,不归档\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["reg.csv"]);
    for id in ["Z1", "Z2", "Z3", "Z4"] {
        let r = row(&rows, id);
        assert_ne!(r["disposition"], "DESTROY", "{id}: {r:?}");
        assert_ne!(r["effective_classification"], "UNCLASSIFIED", "{id}: {r:?}");
    }
    check(&rows, "Z4", &[("disposition", "RETURN")]);
    // A 0 is not understood: the period decides the level, so a person
    // decides (as for any 保密期限 or 密级 not understood).
    for id in ["Z1", "Z2", "Z3"] {
        let r = row(&rows, id);
        assert_eq!(r["disposition"], "REVIEW", "{id}: {r:?}");
    }
}

// Found by a seventh hunt: a workbook on the 1904 date system read its
// plain-number dates four years early when it was an .xlsb (the epoch was
// learnt from .xlsx files only) or an .xlsx whose workbook part quotes the
// attribute with single quotes (date1904='1', found by a text search). A
// 绝密 document of 1996 read as of 1992 counted as declassified in 2022
// and was planned for destruction in-house.
#[test]
fn r43_a_workbook_dated_from_1904_reads_its_dates_from_1904() {
    let w = Workdir::new();
    // 33755 days after 1904-01-01 is 1996-06-01 (1992-05-31 from 1900).
    let rows_json = r#"[["文件编号","文件标题","来文单位","密级","成文日期","保管期限"],
        ["X1","一","上级机关","绝密",33755,"不归档"]]"#;
    w.python("make_xlsb.py", &["b1904.xlsb", "1904", rows_json]);
    w.python_script(
        "make.py",
        r#"
import openpyxl, zipfile
from openpyxl.utils.datetime import CALENDAR_MAC_1904
wb = openpyxl.Workbook()
wb.epoch = CALENDAR_MAC_1904
ws = wb.active
ws.append(["文件编号", "文件标题", "来文单位", "密级", "成文日期", "保管期限"])
ws.append(["Y1", "二", "上级机关", "绝密", 33755, "不归档"])
wb.save("plain.xlsx")
# The same workbook with its attribute in single quotes, as XML allows.
with zipfile.ZipFile("plain.xlsx") as src, zipfile.ZipFile("quoted.xlsx", "w") as dst:
    for item in src.infolist():
        data = src.read(item.filename)
        if item.filename == "xl/workbook.xml":
            text = data.decode()
            assert 'date1904="1"' in text or 'date1904="true"' in text, text
            text = text.replace('date1904="1"', "date1904='1'").replace('date1904="true"', "date1904='1'")
            data = text.encode()
        dst.writestr(item, data)
"#,
    );
    for (file, out) in [("b1904.xlsb", "run1"), ("quoted.xlsx", "run2")] {
        let (_, rows) = plan_as_of(&w, &[file], "2024-12-31", out, &[]);
        let r = &rows[0];
        assert_eq!(r["doc_date"], "1996-06-01", "{file}: {r:?}");
        assert_eq!(r["disposition"], "RETURN", "{file}: {r:?}");
    }
}

// Found by a seventh hunt: a retention or secrecy column whose header gives
// its unit (保管期限（年）, 保密期限(年)) or is a common other name
// (保管年限, 保存期限, 保密年限) was kept as is: the register's 永久 was
// left to the schedule, which destroyed the document (SPEC §3 R8), and
// its 长期 to the level's maximum (a 绝密 document of 1990 destroyed
// in-house instead of returned).
#[test]
fn r44_a_period_column_headed_with_its_unit_is_read() {
    let w = Workdir::new();
    w.write(
        "a.csv",
        "文件编号,文件标题,文件类别,来文单位,密级,载体,保管期限（年）,成文日期\n\
         K1,工作简报第3期,简报,本单位,公开,纸质,永久,2020-03-05\n"
            .as_bytes(),
    );
    w.write(
        "b.csv",
        "文件编号,文件标题,文件类别,来文单位,密级,载体,保存期限,成文日期\n\
         K2,工作简报第4期,简报,本单位,公开,纸质,永久,2020-03-05\n"
            .as_bytes(),
    );
    w.write(
        "c.csv",
        "文件编号,文件标题,来文单位,密级,保密期限(年),成文日期,保管期限\n\
         H1,一,上级机关,绝密,长期,1990-03-05,不归档\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["a.csv", "b.csv", "c.csv"]);
    check(
        &rows,
        "K1",
        &[("disposition", "ARCHIVE"), ("retention", "永久")],
    );
    check(
        &rows,
        "K2",
        &[("disposition", "ARCHIVE"), ("retention", "永久")],
    );
    check(
        &rows,
        "H1",
        &[
            ("disposition", "RETURN"),
            ("effective_classification", "TOP_SECRET"),
        ],
    );
}

// The net under r44: a column kept as is whose header only seems to name
// 保管期限, 保密期限, 冻结 or 保存价值 (保管期限（月）, 冻结标记) keeps the
// rows it has such a value in from destruction (REVIEW, naming the column
// and the value); a row it has no such value in, or that is not to be
// destroyed, is planned as before.
#[test]
fn r45_a_value_in_a_column_that_only_looks_like_a_period_or_hold_stops_destruction() {
    let w = Workdir::new();
    w.write(
        "reg.csv",
        "文件编号,文件标题,文件类别,来文单位,密级,载体,保管期限,成文日期,保管期限（月）,冻结标记\n\
         U1,一,简报,本单位,公开,纸质,不归档,2020-03-05,永久,\n\
         U2,二,简报,本单位,公开,纸质,不归档,2020-03-05,,是\n\
         U3,三,简报,本单位,公开,纸质,不归档,2020-03-05,,\n\
         U4,四,简报,本单位,公开,纸质,不归档,2020-03-05,待定,否\n\
         U5,五,简报,本单位,公开,纸质,永久,2020-03-05,永久,\n"
            .as_bytes(),
    );
    let (_, rows) = plan(&w, &["reg.csv"]);
    for (id, value) in [("U1", "保管期限（月）：永久"), ("U2", "冻结标记：是")] {
        let r = row(&rows, id);
        assert_eq!(
            (r["disposition"].as_str(), r["rule"].as_str()),
            ("REVIEW", "SAFETY"),
            "{id}: {r:?}"
        );
        assert!(r["reason"].contains(value), "{id}: {r:?}");
    }
    check(&rows, "U3", &[("disposition", "DESTROY")]);
    check(&rows, "U4", &[("disposition", "DESTROY")]);
    check(&rows, "U5", &[("disposition", "ARCHIVE")]);
}

// Found by a seventh hunt (layouts), each a holding destroyed wrongly or
// lost:
// - the right-hand register of two side by side numbered its rows with
//   序号, not 文件编号: its holdings were read as the left ones' extra
//   columns and lost;
// - an unquoted comma in a CSV title shifted the row's cells right: 永久
//   went under no header and 无 into 保管期限 (destroyed);
// - ticks under a 密级 merged over 绝密 / 机密 / 秘密 went under no header:
//   a 机密 holding was shredded in-house as unclassified;
// - a 长期 beside 绝密 under a 密级及保密期限 merged over two columns: the
//   same;
// - a header marked as one to fill in (冻结*): its 是 was not read;
// - a 解密时间 column: its 长期 was not read.
#[test]
fn r46_a_value_under_no_header_or_a_marked_header_is_not_lost() {
    let w = Workdir::new();
    w.write(
        "side.csv",
        "文件编号,标题,密级,保管期限,,序号,文件名称,密级,保管期限\n\
         L-1,左甲,非密,不归档,,1,右甲,非密,不归档\n"
            .as_bytes(),
    );
    let err = refused_plan(&w, &["side.csv"]);
    assert!(
        err.contains("the header names the same columns twice"),
        "{err}"
    );
    w.write(
        "shift.csv",
        "文件编号,标题,来文单位,密级,保管期限\n\
         A1,关于甲乙的通知,,无,永久\n\
         A2,关于甲,乙的通知,,无,永久\n\
         A3,关于丙的通知,,无,不归档\n"
            .as_bytes(),
    );
    w.write(
        "marked.csv",
        "文件编号,标题,来文单位,密级,保管期限,冻结*,解密时间,成文日期\n\
         M1,一,本单位,非密,不归档,是,,2020-01-01\n\
         M2,二,国务院办公厅,绝密,不归档,,长期,1990-01-01\n"
            .as_bytes(),
    );
    w.python_script(
        "make.py",
        r#"
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["文件编号", "标题", "保管期限", "密级", None, None, "载体"])
ws.append([None, None, None, "绝密", "机密", "秘密", None])
ws.append(["K-1", "机密件", "不归档", None, "√", None, "纸质"])
ws.append(["K-3", "非密件", "不归档", None, None, None, "纸质"])
ws.merge_cells("D1:F1")
for col in "ABCG":
    ws.merge_cells(f"{col}1:{col}2")
ws2 = wb.create_sheet("split")
ws2.append(["文件编号", "标题", "来文单位", "密级及保密期限", None, "成文日期", "保管期限", "载体"])
ws2.append(["T-1", "绝密长期件", "国务院办公厅", "绝密", "长期", "1990-03-01", "不归档", "纸质"])
ws2.append(["T-2", "机密件", "国务院办公厅", "机密", "★长期", "2000-03-01", "不归档", "纸质"])
ws2.merge_cells("D1:E1")
wb.save("grid.xlsx")
"#,
    );
    let (_, rows) = plan(&w, &["shift.csv", "marked.csv", "grid.xlsx"]);
    let kept_from_destruction = |id: &str| {
        let r = row(&rows, id);
        assert_ne!(r["disposition"], "DESTROY", "{id}: {r:?}");
    };
    for id in ["A2", "M1", "M2", "K-1", "T-1", "T-2"] {
        kept_from_destruction(id);
    }
    for id in ["A2", "M2", "K-1", "T-1", "T-2"] {
        check(&rows, id, &[("disposition", "REVIEW"), ("rule", "SAFETY")]);
    }
    assert!(row(&rows, "A2")["reason"].contains("F：永久"), "{rows:?}");
    assert!(
        row(&rows, "M2")["reason"].contains("解密时间：长期"),
        "{rows:?}"
    );
    check(&rows, "M1", &[("disposition", "HOLD")]);
    // Rows with nothing under no header are planned as before.
    check(&rows, "A1", &[("disposition", "ARCHIVE")]);
    check(&rows, "A3", &[("disposition", "DESTROY")]);
    check(&rows, "K-3", &[("disposition", "DESTROY")]);

    // Not two registers: two title columns in one block, two hold columns
    // further right. Not values that could keep a holding: a serial number,
    // other text, 不归档, under no header.
    w.write(
        "one.csv",
        "文件编号,文件标题,文件名称,密级,载体,保管期限,冻结,暂缓销毁,,
         O-1,甲,甲件,非密,纸质,不归档,,,(1),已核
         O-2,乙,乙件,非密,纸质,不归档,,,2.,不归档
"
        .as_bytes(),
    );
    let (_, rows) = plan_as_of(&w, &["one.csv"], "2024-12-31", "run2", &[]);
    check(&rows, "O-1", &[("disposition", "DESTROY")]);
    check(&rows, "O-2", &[("disposition", "DESTROY")]);
}

// Found by a seventh hunt: an unclosed quote that swallowed a short row (no
// trailing commas, so fewer separators than a whole row of the register
// has) hid that row in the 备注 of the row above; the summary said all
// rows were accounted for.
#[test]
fn r47_a_short_row_swallowed_by_an_unclosed_quote_is_refused() {
    let w = Workdir::new();
    w.write(
        "swallow.csv",
        "文件编号,标题,密级,保管期限,载体,备注\n\
         Q-1,甲,非密,不归档,纸质,\"见附件\n\
         Q-2,乙,机密\"\n\
         Q-4,丁,非密,不归档,纸质,\n"
            .as_bytes(),
    );
    let err = refused_plan(&w, &["swallow.csv"]);
    assert!(err.contains("CSV line 2: a quote opened"), "{err}");
    // The same with 序号 and a number of digits first: a row, not a list.
    w.write(
        "swallow2.csv",
        "序号,文件编号,标题,密级,保管期限,载体,备注\n\
         1,2024001,甲,非密,不归档,纸质,\"见附件\n\
         2,2024002,乙\"\n\
         3,2024003,丙,非密,不归档,纸质,\n"
            .as_bytes(),
    );
    let err = refused_plan(&w, &["swallow2.csv"]);
    assert!(err.contains("CSV line 2: a quote opened"), "{err}");
    // A note on two lines is not a swallowed row, nor is a list of
    // numbers on its second line.
    w.write(
        "note.csv",
        "文件编号,标题,密级,保管期限,载体,备注\n\
         Q-1,甲,非密,不归档,纸质,\"见附件\n第2页\"\n\
         Q-2,乙,非密,不归档,纸质,\"另见：\nQ-7,Q-8,Q-9\"\n"
            .as_bytes(),
    );
    w.run_ok(&["plan", "note.csv", "--as-of", "2024-12-31", "--out", "run2"]);
}

// Found by a review of r45 and r46: the net missed a 冻结 shifted under no
// header, a 状态 column headed 文件状态 holding 冻结 and a 是否清退（上级）
// holding 是 (each destroyed), and caught what keeps nothing: numbers and
// years under no header (20190305, 2019年, full-width １２), a 解密日期 on an
// unclassified holding.
#[test]
fn r48_the_net_catches_status_return_and_shifted_holds_and_not_numbers() {
    let w = Workdir::new();
    w.write(
        "shift.csv",
        "文件编号,标题,来文单位,密级,保管期限,状态\n\
         S1,关于甲,乙,,无,,冻结\n\
         S2,关于丙,丁,,无,,在库\n"
            .as_bytes(),
    );
    w.write(
        "kept.csv",
        "文件编号,标题,来文单位,密级,载体,保管期限,文件状态,是否清退（上级）,解密日期,,\n\
         K1,一,本单位,秘密,纸质,不归档,冻结,,,,\n\
         K2,二,上级机关,秘密,纸质,不归档,,是,,,\n\
         K3,三,本单位,非密,纸质,不归档,,,2015-01-01,20190305,2019年\n\
         K4,四,本单位,秘密,纸质,不归档,,,2040-01-01,１２,\n\
         K5,五,本单位,秘密,纸质,不归档,在库,否,,１２,已核\n\
         K6,六,本单位,非密,纸质,不归档,,,2030年,A3,确保全年任务\n"
            .as_bytes(),
    );
    // Found by a second review: keeping words under any header (冻结中,
    // 待清退, 已借出, 诉讼冻结), a 清退单位 under a header that only looks
    // like one, and a hold so found holding the number in another register.
    w.write(
        "words.csv",
        "文件编号,标题,来文单位,密级,载体,保管期限,冻结状态,清退单位名称,备注说明,
         W1,一,本单位,秘密,纸质,不归档,冻结中,,,
         W2,二,本单位,秘密,纸质,不归档,,省委办公厅,,
         W3,三,本单位,秘密,纸质,不归档,,,诉讼冻结,
         W4,四,本单位,秘密,纸质,不归档,,,,待清退
         W5,五,本单位,秘密,纸质,不归档,,,,已借出
         W6,六,本单位,秘密,纸质,不归档,,,,
"
        .as_bytes(),
    );
    w.write(
        "other.csv",
        "文件编号,标题,来文单位,密级,载体,保管期限
         W1,一,本单位,秘密,纸质,不归档
"
        .as_bytes(),
    );
    let (_, rows) = plan(&w, &["shift.csv", "kept.csv", "words.csv", "other.csv"]);
    for id in ["S1", "K1", "K2", "K4", "W2", "W3", "W4", "W5"] {
        let r = row(&rows, id);
        assert_ne!(r["disposition"], "DESTROY", "{id}: {r:?}");
    }
    for r in rows.iter().filter(|r| r["doc_id"] == "W1") {
        assert_ne!(r["disposition"], "DESTROY", "{r:?}");
    }
    check(&rows, "S1", &[("rule", "SAFETY")]);
    for id in ["S2", "K3", "K5", "K6", "W6"] {
        check(&rows, id, &[("disposition", "DESTROY")]);
    }
}
