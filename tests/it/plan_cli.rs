//! `clearance plan` end to end: the run folder, read back and checked
//! against decisions.csv; the promises of SPEC §6.

use std::collections::BTreeMap;

use super::util::{Workdir, generated, read_csv, read_workbook, stderr, stdout};

const FILES: [&str; 4] = [
    "decisions.csv",
    "decisions.parquet",
    "plan.xlsx",
    "skipped.csv",
];

fn counts(rows: &[BTreeMap<String, String>], column: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in rows {
        *out.entry(r[column].clone()).or_default() += 1;
    }
    out
}

#[test]
fn sample_plan_reads_back_and_reconciles() {
    let w = Workdir::new();
    w.plan_sample("run", &[]);
    let mut listing: Vec<String> = std::fs::read_dir(w.path("run"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listing.sort();
    assert_eq!(
        listing,
        [
            ".clearance-run",
            "decisions.csv",
            "decisions.parquet",
            "lists",
            "manifests",
            "plan.xlsx",
            "run.json",
            "skipped.csv"
        ]
    );

    let decisions = read_csv(&w.path("run/decisions.csv"));
    assert_eq!(
        decisions.len(),
        222,
        "one row per data row, rejected included"
    );
    let header: Vec<&String> = decisions[0].keys().collect();
    for column in clearance::plan::LEADING_COLUMNS {
        assert!(
            header.iter().any(|h| *h == column),
            "decisions.csv lacks {column}"
        );
    }
    let first_line = std::fs::read_to_string(w.path("run/decisions.csv")).unwrap();
    let first_line = first_line
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        first_line.starts_with(&clearance::plan::LEADING_COLUMNS.join(",")),
        "{first_line}"
    );
    for r in &decisions {
        let d = r["disposition"].as_str();
        assert!(
            !r["reason"].is_empty(),
            "row {} has no reason",
            r["source_row"]
        );
        assert_eq!(
            r["rule"].is_empty(),
            d == "REJECTED",
            "rule of row {}",
            r["source_row"]
        );
        assert_eq!(
            !r["destination"].is_empty(),
            d == "RETURN",
            "destination of row {}",
            r["source_row"]
        );
        for c in ["destruction_level", "destruction_site", "witnesses"] {
            assert_eq!(
                !r[c].is_empty(),
                d == "DESTROY",
                "{c} of row {}",
                r["source_row"]
            );
        }
    }

    let book = read_workbook(&w.path("run/plan.xlsx"));
    // One sheet per disposition, holding exactly decisions.csv's rows.
    let by_disposition = counts(&decisions, "disposition");
    let labels = [
        ("DESTROY", "销毁"),
        ("RETURN", "清退"),
        ("ARCHIVE", "归档"),
        ("APPRAISE", "待鉴定"),
        ("KEEP", "留用"),
        ("RECALL", "待收回"),
        ("HOLD", "冻结"),
        ("REVIEW", "待审核"),
        ("DONE", "已处置"),
        ("REJECTED", "无法识别"),
    ];
    for (code, sheet) in labels {
        let rows = book
            .get(sheet)
            .unwrap_or_else(|| panic!("no sheet {sheet}"));
        let want = by_disposition.get(code).copied().unwrap_or(0);
        assert_eq!(rows.len().saturating_sub(1), want, "sheet {sheet}");
        // And the same rows: doc ids in order.
        let ids: Vec<&str> = rows.iter().skip(1).map(|r| r[3].as_str()).collect();
        let want_ids: Vec<&str> = decisions
            .iter()
            .filter(|r| r["disposition"] == code)
            .map(|r| r["doc_id"].as_str())
            .collect();
        assert_eq!(ids, want_ids, "sheet {sheet}");
    }
    // The reconciliation on the overview balances and matches decisions.csv.
    let overview = &book["总览"];
    let start = overview
        .iter()
        .position(|r| r[0].starts_with("文件 / 工作表"))
        .expect("reconciliation table");
    let recon: Vec<&Vec<String>> = overview[start + 1..]
        .iter()
        .take_while(|r| !r[0].is_empty())
        .collect();
    assert_eq!(recon.len(), 3, "{recon:?}");
    // The non-empty rows of each sheet, counted here from calamine's grid,
    // independently of the tool's reader.
    let source = read_workbook(&w.path("sample.xlsx"));
    for row in recon {
        let (file, sheet) = row[0].split_once(" / ").unwrap();
        let nonempty = source[sheet]
            .iter()
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .count();
        assert_eq!(row[1], nonempty.to_string(), "{row:?}");
        let decided = decisions
            .iter()
            .filter(|r| {
                r["source_file"] == file
                    && r["source_sheet"] == sheet
                    && r["disposition"] != "REJECTED"
            })
            .count();
        let rejected = decisions
            .iter()
            .filter(|r| {
                r["source_file"] == file
                    && r["source_sheet"] == sheet
                    && r["disposition"] == "REJECTED"
            })
            .count();
        assert_eq!(row[7], decided.to_string(), "{row:?}");
        assert_eq!(row[8], rejected.to_string(), "{row:?}");
        assert_eq!(row[4], (decided + rejected).to_string(), "{row:?}");
        assert_eq!(row[9], "平衡 ✓");
        if sheet == "填表说明" {
            assert_eq!(row[6], nonempty.to_string(), "{row:?}");
            assert!(row[10].contains("no register header"), "{row:?}");
        }
    }
    // The disposition × classification table adds up to every row.
    let total = overview.iter().find(|r| r[0] == "合计").expect("total row");
    assert_eq!(total[7], "222");
    // Skipped rows (and the rows above the header, listed with them): the
    // sheet, skipped.csv and the validate counts agree.
    let skipped = read_csv(&w.path("run/skipped.csv"));
    assert_eq!(skipped.len(), 20);
    assert_eq!(book["跳过的行"].len() - 1, 20);
    // Anomalies sheet: one line per row and code, losses first.
    let anomaly_lines: usize = decisions
        .iter()
        .map(|r| {
            if r["anomalies"].is_empty() {
                0
            } else {
                r["anomalies"].split(';').count()
            }
        })
        .sum();
    assert_eq!(book["异常"].len() - 1, anomaly_lines);
    assert_eq!(book["异常"][1][0], "LOSS_SUSPECTED");
    // Forecast: ten years after the as-of year.
    let years: Vec<&str> = book["预测"].iter().skip(1).map(|r| r[0].as_str()).collect();
    assert_eq!(
        years,
        (2025..2035).map(|y| y.to_string()).collect::<Vec<_>>()
    );
    // Run information names the input's SHA-256.
    let run = &book["运行信息"];
    assert!(
        run.iter()
            .any(|r| r[1] == "sample.xlsx" && r[2].len() == 64),
        "{run:?}"
    );
}

#[test]
fn all_fixtures_together_reconcile_and_find_duplicates_across_inputs() {
    let w = Workdir::new();
    w.copy_sample();
    let names = [
        ("register-1904.xlsx", "r1904.xlsx"),
        ("register-base.xlsx", "base.xlsx"),
        ("register-lo.xls", "base.xls"),
        ("register-lo.ods", "base.ods"),
        ("register-gb18030.csv", "gb.csv"),
        ("register-utf8-bom.csv", "utf8.csv"),
    ];
    let mut args = vec!["plan", "sample.xlsx"];
    for (fixture, name) in names {
        w.copy(&generated(fixture), name);
        args.push(name);
    }
    args.extend(["--as-of", "2024-12-31", "--out", "run"]);
    let out = w.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let decisions = read_csv(&w.path("run/decisions.csv"));
    assert_eq!(decisions.len(), 222 + 7 + 6 * 3 + 3 * 2);
    // D-001 is registered in base.xlsx, base.xls and base.ods.
    let d001: Vec<&BTreeMap<String, String>> = decisions
        .iter()
        .filter(|r| r["doc_id"] == "D-001")
        .collect();
    assert_eq!(d001.len(), 3);
    assert!(d001.iter().all(|r| r["anomalies"].contains("DUPLICATE_ID")));
    // The same row decided the same way whatever the format.
    let dispositions: Vec<&str> = d001.iter().map(|r| r["disposition"].as_str()).collect();
    assert_eq!(dispositions, ["RETURN", "RETURN", "RETURN"]);
    assert_eq!(d001[0]["destination"], "省保密局");
    let by_source = counts(&decisions, "source_file");
    assert_eq!(by_source["base.ods"], 6);
    assert_eq!(by_source["gb.csv"], 3);
}

#[test]
fn same_inputs_give_byte_identical_outputs_and_inputs_are_untouched() {
    let w = Workdir::new();
    w.copy_sample();
    let before = std::fs::read(w.path("sample.xlsx")).unwrap();
    for dir in ["a", "b"] {
        let out = w.run(&["plan", "sample.xlsx", "--as-of", "2024-12-31", "--out", dir]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let a = all_files(&w.path("a"));
    assert!(
        a.len() > FILES.len() + 5,
        "manifests and lists are compared too: {a:?}"
    );
    assert_eq!(a, all_files(&w.path("b")));
    for name in &a {
        assert_eq!(
            std::fs::read(w.path("a").join(name)).unwrap(),
            std::fs::read(w.path("b").join(name)).unwrap(),
            "{name} differs between two runs"
        );
    }
    assert_eq!(std::fs::read(w.path("sample.xlsx")).unwrap(), before);
    assert_eq!(
        w.listing(),
        ["a", "b", "sample.xlsx"],
        "no temporary folder left behind"
    );
}

/// Every file below `dir`, as paths relative to it, sorted.
fn all_files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_existing_run_folder_is_replaced_only_with_force() {
    let w = Workdir::new();
    w.copy_sample();
    let out = w.run(&["plan", "sample.xlsx", "--out", "run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = w.run(&["plan", "sample.xlsx", "--out", "run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("run already exists; use --force"),
        "{}",
        stderr(&out)
    );
    // A file a person put in the run folder (a signed scan) would be lost:
    // --force refuses until it is moved out.
    w.write("run/signed.pdf", b"signed");
    let out = w.run(&["plan", "sample.xlsx", "--out", "run", "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("signed.pdf"), "{}", stderr(&out));
    assert!(w.path("run/signed.pdf").exists());
    std::fs::remove_file(w.path("run/signed.pdf")).unwrap();
    let out = w.run(&["plan", "sample.xlsx", "--out", "run", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(w.path("run/plan.xlsx").exists());
    assert_eq!(w.listing(), ["run", "sample.xlsx"]);
}

/// A temporary folder that cannot be used (TMPDIR missing, full, read-only)
/// used to give rust_xlsxwriter's bare "Temporary file error": the error
/// now names the folder and says to set TMPDIR, and nothing is written.
#[test]
fn an_unusable_temporary_folder_is_named_and_nothing_is_written() {
    let w = Workdir::new();
    w.copy_sample();
    let missing = w.path("no-such-folder");
    let out = w.run_with_env(
        &["plan", "sample.xlsx", "--out", "run", "--lang", "en"],
        &[("TMPDIR", &missing)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot make a temporary file in")
            && err.contains(&missing.display().to_string())
            && err.contains("set TMPDIR"),
        "{err}"
    );
    assert!(!w.path("run").exists());
    assert_eq!(w.listing(), ["sample.xlsx"]);
}

/// `confirm` writes its record after the ledger entry (the record carries
/// the entry's number): with a temporary folder it cannot use, it must
/// stop before the entry, not leave the batch recorded without a record.
#[test]
fn confirm_with_an_unusable_temporary_folder_records_nothing() {
    let w = Workdir::new();
    w.plan_sample("run", &[]);
    let list = std::fs::read_dir(w.path("run/lists"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("清退清单") && !n.contains("去向不明"))
        .min()
        .expect("the sample has a return list");
    let missing = w.path("no-such-folder");
    let list = format!("run/lists/{list}");
    let args = [
        "confirm",
        list.as_str(),
        "--date",
        "2025-01-10",
        "--receiver",
        "王五",
        "--ledger",
        "ledger.jsonl",
        "--out",
        "records",
    ];
    let out = w.run_with_env(&args, &[("TMPDIR", &missing)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot make a temporary file in")
            && err.contains("set TMPDIR")
            && err.contains("nothing was recorded"),
        "{err}"
    );
    assert!(!w.path("ledger.jsonl").exists(), "no ledger entry");
    assert!(!w.path("records").exists(), "no record");
    // With a usable temporary folder the same confirmation goes through.
    w.run_ok(&args);
    assert!(w.path("ledger.jsonl").exists());
}

#[test]
fn an_unreadable_input_stops_the_plan_and_writes_nothing() {
    let w = Workdir::new();
    w.copy_sample();
    w.write("broken.xlsx", b"not a workbook");
    let out = w.run(&[
        "plan",
        "sample.xlsx",
        "broken.xlsx",
        "--out",
        "run",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("broken.xlsx") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!w.path("run").exists());
    assert_eq!(w.listing(), ["broken.xlsx", "sample.xlsx"]);
}

#[test]
fn default_run_folder_is_reports_as_of() {
    let w = Workdir::new();
    w.copy_sample();
    let out = w.run(&["plan", "sample.xlsx", "--as-of", "2025-06-30"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(w.path("reports/2025-06-30/plan.xlsx").exists());
    assert_eq!(
        w.run(&["plan", "sample.xlsx", "--as-of", "2025-13-01"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn cell_text_is_written_as_text() {
    let w = Workdir::new();
    w.copy_sample();
    let out = w.run(&["plan", "sample.xlsx", "--out", "run"]);
    assert!(out.status.success());
    let book = read_workbook(&w.path("run/plan.xlsx"));
    let found = book
        .values()
        .flatten()
        .any(|row| row.iter().any(|c| c == "=SUM(A1:A3) 不是公式，是标题"));
    assert!(
        found,
        "the title starting with = is in the workbook as text"
    );
    use std::io::Read;
    let mut z =
        zip::ZipArchive::new(std::fs::File::open(w.path("run/plan.xlsx")).unwrap()).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        if f.name().unwrap().starts_with("xl/worksheets/") {
            let mut xml = String::new();
            f.read_to_string(&mut xml).unwrap();
            assert!(!xml.contains("<f>"), "a formula was written");
        }
    }
}

#[test]
fn english_labels_and_reasons() {
    let w = Workdir::new();
    w.copy_sample();
    let out = w.run(&["plan", "sample.xlsx", "--lang", "en", "--out", "run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let book = read_workbook(&w.path("run/plan.xlsx"));
    for sheet in [
        "Overview",
        "DESTROY",
        "RETURN",
        "Anomalies",
        "Skipped rows",
        "Forecast",
        "Policy",
        "Run",
    ] {
        assert!(
            book.contains_key(sheet),
            "no sheet {sheet}: {:?}",
            book.keys()
        );
    }
    let decisions = read_csv(&w.path("run/decisions.csv"));
    for r in &decisions {
        let prefix = match r["disposition"].as_str() {
            "DESTROY" => "destroy:",
            "RETURN" => "return",
            "ARCHIVE" => "archive:",
            "HOLD" => "on hold:",
            "RECALL" => "get it back",
            _ => "",
        };
        assert!(
            r["reason"].starts_with(prefix),
            "{} reason: {}",
            r["disposition"],
            r["reason"]
        );
    }
}

#[test]
fn policy_init_and_check() {
    let w = Workdir::new();
    let out = w.run(&["policy", "init", "p.toml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(w.path("p.toml")).unwrap(),
        clearance::policy::DEFAULT_POLICY
    );
    assert_eq!(
        w.run(&["policy", "init", "p.toml"]).status.code(),
        Some(1),
        "no overwrite without --force"
    );
    let out = w.run(&["policy", "check", "p.toml", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("p.toml: ok"), "{}", stdout(&out));

    let bad = clearance::policy::DEFAULT_POLICY
        .replace("loan_days = 30", "loan_days = 30\nlunch_days = 1");
    w.write("bad.toml", bad.as_bytes());
    let out = w.run(&["policy", "check", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("lunch_days"), "{}", stderr(&out));

    let bad = clearance::policy::DEFAULT_POLICY.replace(
        "field = \"status_code\", equals = \"KEPT\"",
        "field = \"status_code\", equals = \"KEEP\"",
    );
    w.write("bad.toml", bad.as_bytes());
    let out = w.run(&["policy", "check", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("\"KEEP\" is not a value of status_code"),
        "{}",
        stderr(&out)
    );

    // A rule after the catch-all can never match.
    let dead = format!(
        "{}\n[[rules]]\nid = \"R11\"\ndisposition = \"DESTROY\"\n[[rules.cases]]\nwhen = [{{ field = \"hold\", is = false }}]\nreason = {{ zh = \"x\", en = \"x\" }}\n",
        clearance::policy::DEFAULT_POLICY
    );
    w.write("dead.toml", dead.as_bytes());
    let out = w.run(&["policy", "check", "dead.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("R11") && stdout(&out).contains("can never match"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_same_register_named_twice_is_refused() {
    let w = Workdir::new();
    w.copy_sample();
    for second in ["sample.xlsx", "./sample.xlsx"] {
        let out = w.run(&["plan", "sample.xlsx", second, "--out", "run"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("are the same file"),
            "{}",
            stderr(&out)
        );
        assert!(!w.path("run").exists());
    }
}

/// Progress is drawn only on a terminal: through a pipe (as here, and in a
/// log file) no progress line and no escape code reach stdout or stderr.
#[test]
fn no_progress_or_escape_codes_through_a_pipe() {
    let w = Workdir::new();
    let sample = w.copy_sample();
    for args in [
        vec![
            "plan",
            sample.to_str().unwrap(),
            "--as-of",
            "2024-12-31",
            "--out",
            "run",
        ],
        vec!["validate", sample.to_str().unwrap()],
    ] {
        let out = w.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        for text in [stdout(&out), stderr(&out)] {
            assert!(!text.contains('\u{1b}'), "escape code in: {text}");
            assert!(!text.contains('\r'), "carriage return in: {text}");
            assert!(
                !text.contains("读取 1 个登记簿"),
                "progress line in: {text}"
            );
        }
    }
}

/// Every sheet's column widths (its `<cols>` element) of a run's
/// plan.xlsx, and whether the sheet holds only a header row.
fn column_widths(plan: &std::path::Path) -> Vec<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(plan).unwrap()).unwrap();
    let mut sheets: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .collect();
    sheets.sort();
    sheets
        .iter()
        .map(|name| {
            let mut xml = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
            let cols = xml.find("<cols>").map_or(String::new(), |start| {
                let end = xml[start..].find("</cols>").unwrap() + start;
                col_widths(&xml[start..end])
            });
            // A sheet of one row is a table's header alone: its widths
            // come from the columns' types, not from values.
            let header_only = !xml.contains("<row r=\"2\"");
            format!("{name} (header only: {header_only}): {cols}")
        })
        .collect()
}

/// The width of each column a `<cols>` element declares, one per column
/// (a `<col>` may span several; a date column also carries its format as
/// its style, which is not a width).
fn col_widths(cols: &str) -> String {
    let attr = |col: &str, name: &str| -> String {
        let at = col.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        col[at..at + col[at..].find('"').unwrap()].to_string()
    };
    let mut widths = Vec::new();
    for col in cols.split("<col ").skip(1) {
        let col = &format!(" {col}");
        let (min, max): (u32, u32) = (
            attr(col, "min").parse().unwrap(),
            attr(col, "max").parse().unwrap(),
        );
        for _ in min..=max {
            widths.push(attr(col, "width"));
        }
    }
    widths.join(" ")
}

/// A date or number column the register lacks (held as one null
/// repeated, not read) is as wide in plan.xlsx as it is with values: its
/// type's width, not its header's (it was narrower for a while).
#[test]
fn a_column_without_values_keeps_its_types_width_in_the_plan() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("a")).unwrap();
    std::fs::create_dir_all(w.path("b")).unwrap();
    w.write(
        "a/reg.csv",
        "文件编号,文件标题,密级\nA-1,标题,秘密\n".as_bytes(),
    );
    w.write(
        "b/reg.csv",
        "文件编号,文件标题,密级,收文日期,页数\nA-1,标题,秘密,2020-01-02,3\n".as_bytes(),
    );
    for (file, out) in [("a/reg.csv", "a/run"), ("b/reg.csv", "b/run")] {
        w.run_ok(&[
            "plan",
            file,
            "--as-of",
            "2024-12-31",
            "--out",
            out,
            "--quiet",
        ]);
    }
    let (without, with) = (
        column_widths(&w.path("a/run/plan.xlsx")),
        column_widths(&w.path("b/run/plan.xlsx")),
    );
    assert_eq!(without.len(), with.len());
    let empty_tables: Vec<(&String, &String)> = without
        .iter()
        .zip(&with)
        .filter(|(a, b)| a.contains("header only: true") && b.contains("header only: true"))
        .collect();
    assert!(empty_tables.len() >= 5, "{without:#?}");
    for (a, b) in empty_tables {
        assert_eq!(a, b);
    }
}
