//! `clearance diff` end to end: two plans of the sample under two policies,
//! compared by joining their decisions.csv here, independently of the
//! command; a run against itself; two years of a register; folders that
//! are not run folders; the workbook printed by LibreOffice.

use std::collections::BTreeMap;

use clearance::labels::{self, Lang};

use super::util::{
    Workdir, libreoffice_convert, pdf_pages, pdf_text, read_csv, read_workbook, stderr, stdout,
};

/// The row (0-based) of the header in every sheet of diff.xlsx (a
/// printable list: a title and three lines above it).
const HEADER: usize = clearance::output::printable::HEADER_ROW as usize;

type Row = BTreeMap<String, String>;

fn plan(w: &Workdir, register: &str, as_of: &str, out: &str, extra: &[&str]) {
    let mut args = vec!["plan", register, "--as-of", as_of, "--out", out];
    args.extend_from_slice(extra);
    w.run_ok(&args);
}

/// The sample planned with the shipped policy (`old`) and with one whose
/// schedule keeps 内部刊物 permanently instead of not archiving it (`new`).
fn two_policies(w: &Workdir) {
    w.copy_sample();
    plan(w, "sample.xlsx", "2024-12-31", "old", &[]);
    w.run_ok(&["policy", "init", "p.toml"]);
    let text = std::fs::read_to_string(w.path("p.toml")).unwrap();
    let line = "\"内部刊物\" = \"不归档\"";
    assert!(
        text.contains(line),
        "the shipped [schedule] changed: {line}"
    );
    w.write(
        "p.toml",
        text.replace(line, "\"内部刊物\" = \"永久\"").as_bytes(),
    );
    plan(
        w,
        "sample.xlsx",
        "2024-12-31",
        "new",
        &["--policy", "p.toml"],
    );
}

fn position(r: &Row) -> (String, String, String) {
    (
        r["source_file"].clone(),
        r["source_sheet"].clone(),
        r["source_row"].clone(),
    )
}

const METHOD: [&str; 3] = ["destruction_level", "destruction_site", "witnesses"];

fn label(code: &str) -> String {
    labels::disposition_code(code, Lang::Zh).to_string()
}

fn method(r: &Row) -> String {
    let mut parts = Vec::new();
    if !r["destruction_level"].is_empty() {
        parts.push(r["destruction_level"].clone());
    }
    if !r["destruction_site"].is_empty() {
        parts.push(labels::site(&r["destruction_site"], Lang::Zh).to_string());
    }
    if !r["witnesses"].is_empty() {
        parts.push(format!("监销 {} 人", r["witnesses"]));
    }
    parts.join("，")
}

fn destination(r: &Row) -> String {
    if r["destination"].is_empty() {
        String::new()
    } else {
        labels::destination(&r["destination"], Lang::Zh).to_string()
    }
}

fn source(r: &Row) -> String {
    if r["source_sheet"].is_empty() {
        format!("{} 第 {} 行", r["source_file"], r["source_row"])
    } else {
        format!(
            "{}［{}］第 {} 行",
            r["source_file"], r["source_sheet"], r["source_row"]
        )
    }
}

/// The line the changed sheet should hold for a pair decided differently,
/// or `None` when the two decided alike.
fn expected_change(no: usize, a: &Row, b: &Row, matched_by: &str) -> Option<Vec<String>> {
    let mut what = Vec::new();
    if a["disposition"] != b["disposition"] {
        what.push("处置");
    }
    if a["destination"] != b["destination"] {
        what.push("去向");
    }
    if METHOD.iter().any(|c| a[*c] != b[*c]) {
        what.push("销毁方式");
    }
    if what.is_empty() {
        return None;
    }
    let (sa, sb) = (source(a), source(b));
    Some(vec![
        no.to_string(),
        b["doc_id"].clone(),
        b["title"].clone(),
        if sa == sb {
            sb
        } else {
            format!("{sa} → {sb}")
        },
        matched_by.to_string(),
        what.join("、"),
        label(&a["disposition"]),
        label(&b["disposition"]),
        a["rule"].clone(),
        b["rule"].clone(),
        a["reason"].clone(),
        b["reason"].clone(),
        destination(a),
        destination(b),
        method(a),
        method(b),
    ])
}

/// The lines of a printable sheet: between the header and the totals row.
fn lines(sheet: &[Vec<String>]) -> Vec<Vec<String>> {
    let last = sheet.len() - 1;
    assert!(
        ["合计", "Total"].contains(&sheet[last][0].as_str()),
        "the totals row closes the sheet: {:?}",
        sheet[last]
    );
    sheet[HEADER + 1..last].to_vec()
}

/// Numbers of a summary row: (old run, new run).
fn summary_row(summary: &[Vec<String>], item: &str) -> (usize, usize) {
    let row = summary
        .iter()
        .find(|r| r[0] == item)
        .unwrap_or_else(|| panic!("no summary row {item}: {summary:?}"));
    (row[1].parse().unwrap(), row[2].parse().unwrap())
}

fn counts_by(rows: &[Row]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in rows {
        *out.entry(label(&r["disposition"])).or_default() += 1;
    }
    out
}

/// Checks the matrix sheet: each run's rows counted once, row totals the
/// old run's dispositions, column totals the new run's.
fn check_matrix(sheet: &[Vec<String>], old: &[Row], new: &[Row], paired: usize) {
    let header = &sheet[HEADER];
    let n = header.len();
    assert_eq!(header[n - 2], "仅在原运行");
    assert_eq!(header[n - 1], "合计");
    let body = lines(sheet);
    let num = |s: &str| -> usize { if s.is_empty() { 0 } else { s.parse().unwrap() } };
    let (old_counts, new_counts) = (counts_by(old), counts_by(new));
    let mut cells = 0;
    let mut only_old = 0;
    for row in &body {
        if row[0] == "仅在新运行" {
            for (c, v) in row[1..n - 2].iter().enumerate() {
                let d = &header[c + 1];
                let paired: usize = body
                    .iter()
                    .filter(|r| r[0] != "仅在新运行")
                    .map(|r| num(&r[c + 1]))
                    .sum();
                assert_eq!(
                    paired + num(v),
                    new_counts.get(d).copied().unwrap_or(0),
                    "{d}"
                );
            }
            continue;
        }
        let paired: usize = row[1..n - 2].iter().map(|v| num(v)).sum();
        cells += paired;
        only_old += num(&row[n - 2]);
        assert_eq!(paired + num(&row[n - 2]), num(&row[n - 1]), "{row:?}");
        assert_eq!(num(&row[n - 1]), old_counts[&row[0]], "old {}", row[0]);
    }
    assert_eq!(cells, paired, "pairs in the matrix");
    assert_eq!(cells + only_old, old.len(), "every old row counted once");
    let totals = &sheet[sheet.len() - 1];
    for (c, d) in header[1..n - 2].iter().enumerate() {
        assert_eq!(
            num(&totals[c + 1]),
            new_counts.get(d).copied().unwrap_or(0),
            "{d}"
        );
    }
}

#[test]
fn diff_of_two_policies_lists_exactly_the_changed_holdings() {
    let w = Workdir::new();
    two_policies(&w);
    let text = stdout(&w.run_ok(&["diff", "old", "new", "--out", "diff.xlsx"]));

    // The join, done here: one set of registers, so the position is the
    // holding.
    let old = read_csv(&w.path("old/decisions.csv"));
    let new = read_csv(&w.path("new/decisions.csv"));
    let by_position: BTreeMap<_, &Row> = new.iter().map(|r| (position(r), r)).collect();
    assert_eq!(by_position.len(), new.len(), "positions are unique");
    let mut expected = Vec::new();
    let mut reason_only = 0;
    for a in &old {
        let b = by_position[&position(a)];
        match expected_change(expected.len() + 1, a, b, "来源位置") {
            Some(line) => expected.push(line),
            None if a["reason"] != b["reason"] => reason_only += 1,
            None => {}
        }
    }
    assert_eq!(old.len(), new.len());
    assert!(
        expected.len() >= 3,
        "the policy change should change several holdings: {expected:?}"
    );
    assert!(reason_only >= 1, "another reason alone is not a change");

    let book = read_workbook(&w.path("diff.xlsx"));
    assert_eq!(
        book.keys().collect::<Vec<_>>(),
        ["仅在原运行", "仅在新运行", "处置对照", "有变化", "比较概要"]
    );
    let changed = &book["有变化"];
    assert_eq!(
        changed[HEADER][..8],
        [
            "序号",
            "文件编号",
            "文件标题",
            "来源",
            "对应依据",
            "变化",
            "原处置",
            "新处置"
        ]
    );
    assert_eq!(
        lines(changed),
        expected,
        "the changed holdings, cell by cell"
    );
    assert_eq!(
        changed[changed.len() - 1][1],
        format!("{} 件", expected.len())
    );
    for only in ["仅在原运行", "仅在新运行"] {
        assert!(lines(&book[only]).is_empty(), "{only}");
    }
    check_matrix(&book["处置对照"], &old, &new, old.len());

    // The counts add up, and agree with the join.
    let summary = &book["比较概要"];
    let rows = summary_row(summary, "文件（行）");
    let both = summary_row(summary, "两次都有");
    let changes = summary_row(summary, "其中处置、去向或销毁方式有变化");
    let alike = summary_row(summary, "其中无变化");
    let only = summary_row(summary, "仅在本运行");
    assert_eq!(rows, (old.len(), new.len()));
    assert_eq!(changes.0, expected.len());
    assert_eq!(changes.0 + alike.0, both.0);
    assert_eq!((both.0 + only.0, both.1 + only.1), rows);
    assert_eq!(only, (0, 0));
    assert_eq!(summary_row(summary, "按来源位置对应").0, both.0);
    assert!(summary.iter().any(|r| r[0] == "政策" && r[2] == "p.toml"));

    // The terminal: the counts, the matrix, every change (fewer than 20),
    // and where the workbook is.
    assert!(
        text.contains(&format!("有变化的文件（共 {} 件）", expected.len())),
        "{text}"
    );
    assert!(text.contains("处置对照"), "{text}");
    for line in &expected {
        assert!(text.contains(&line[1]), "{} not shown:\n{text}", line[1]);
    }
    assert!(text.contains("写出：diff.xlsx"), "{text}");

    // The same runs give the same bytes; the default name is beside NEW_RUN.
    w.run_ok(&["diff", "old", "new", "--out", "again.xlsx"]);
    assert_eq!(
        std::fs::read(w.path("diff.xlsx")).unwrap(),
        std::fs::read(w.path("again.xlsx")).unwrap()
    );
    w.run_ok(&["diff", "old", "new"]);
    assert!(w.path("diff-old-new.xlsx").exists());

    // In English.
    let text = stdout(&w.run_ok(&["--lang", "en", "diff", "old", "new", "--out", "en.xlsx"]));
    assert!(
        text.contains(&format!("({} changed,", expected.len())),
        "{text}"
    );
    let book = read_workbook(&w.path("en.xlsx"));
    assert_eq!(lines(&book["Changed"]).len(), expected.len());
    assert_eq!(book["Changed"][HEADER + 1][6], "DESTROY");
}

#[test]
fn diff_of_a_run_with_itself_reports_no_change() {
    let w = Workdir::new();
    w.copy_sample();
    plan(&w, "sample.xlsx", "2024-12-31", "run", &[]);
    let text = stdout(&w.run_ok(&["diff", "run", "run", "--out", "same.xlsx"]));
    assert!(text.contains("没有变化"), "{text}");
    assert!(text.contains("有变化 0"), "{text}");
    let rows = read_csv(&w.path("run/decisions.csv")).len();
    let book = read_workbook(&w.path("same.xlsx"));
    assert!(lines(&book["有变化"]).is_empty());
    assert_eq!(book["有变化"].last().unwrap()[1], "0 件");
    let summary = &book["比较概要"];
    assert_eq!(summary_row(summary, "两次都有"), (rows, rows));
    assert_eq!(
        summary_row(summary, "其中处置、去向或销毁方式有变化"),
        (0, 0)
    );
    assert_eq!(summary_row(summary, "仅在本运行"), (0, 0));
    // Only the diagonal of the matrix holds holdings.
    let matrix = &book["处置对照"];
    let header = &matrix[HEADER];
    for row in lines(matrix) {
        for (c, v) in row.iter().enumerate().take(header.len() - 2).skip(1) {
            if header[c] != row[0] && !v.is_empty() {
                assert_eq!(v, "0", "{} → {}", row[0], header[c]);
            }
        }
    }
}

#[test]
fn diff_across_years_pairs_by_doc_id_and_lists_the_rest() {
    let w = Workdir::new();
    let head = "Doc No,Title,Classification,Category,Medium,Copies,Pages,Department,Date\n";
    // 2023: a doc_id held by two departments, minutes without a doc_id, a
    // briefing destroyed since.
    w.write(
        "2023.csv",
        format!(
            "{head}A-1,Annual report,Public,简报,Paper,1,3,Registry,2020-01-05\n\
             D-1,Shared circular,Public,简报,Paper,1,3,Registry,2020-01-05\n\
             D-1,Shared circular,Public,简报,Paper,1,3,Legal,2020-01-05\n\
             ,Minutes of May,Public,会议纪要,Paper,1,3,Registry,2020-05-05\n\
             G-1,Gone briefing,Public,简报,Paper,1,3,Registry,2020-01-05\n"
        )
        .as_bytes(),
    );
    // 2024: rows moved, a new briefing, the minutes numbered, Registry's
    // copy of D-1 recorded as a meeting record (archived now).
    w.write(
        "2024.csv",
        format!(
            "{head}N-1,New briefing,Public,简报,Paper,1,3,Registry,2024-01-05\n\
             D-1,Shared circular,Public,简报,Paper,1,3,Legal,2020-01-05\n\
             A-1,Annual report,Public,简报,Paper,1,3,Registry,2020-01-05\n\
             D-1,Shared circular,Public,会议纪要,Paper,1,3,Registry,2020-01-05\n\
             M-5,Minutes of May,Public,会议纪要,Paper,1,3,Registry,2020-05-05\n"
        )
        .as_bytes(),
    );
    plan(&w, "2023.csv", "2023-12-31", "r2023", &[]);
    plan(&w, "2024.csv", "2024-12-31", "r2024", &[]);
    let text = stdout(&w.run_ok(&["diff", "r2023", "r2024", "--out", "years.xlsx"]));
    assert!(text.contains("按文件编号对应"), "{text}");
    let old = read_csv(&w.path("r2023/decisions.csv"));
    let new = read_csv(&w.path("r2024/decisions.csv"));
    let book = read_workbook(&w.path("years.xlsx"));

    // D-1 of Registry (old row 3, new row 5) is the one change.
    let expected = expected_change(1, &old[1], &new[3], "文件编号").expect("D-1 changed");
    assert_eq!(lines(&book["有变化"]), [expected]);
    let ids =
        |sheet: &str| -> Vec<String> { lines(&book[sheet]).iter().map(|r| r[1].clone()).collect() };
    assert_eq!(ids("仅在原运行"), ["G-1"]);
    assert_eq!(ids("仅在新运行"), ["N-1"]);
    let summary = &book["比较概要"];
    assert_eq!(summary_row(summary, "两次都有"), (4, 4));
    assert_eq!(summary_row(summary, "按文件编号对应"), (3, 3));
    assert_eq!(summary_row(summary, "按文件标题对应"), (1, 1));
    assert_eq!(summary_row(summary, "仅在本运行"), (1, 1));
    check_matrix(&book["处置对照"], &old, &new, 4);
}

#[test]
fn diff_refuses_a_folder_that_is_not_a_run_folder() {
    let w = Workdir::new();
    w.copy_sample();
    plan(&w, "sample.xlsx", "2024-12-31", "run", &[]);
    std::fs::create_dir(w.path("scans")).unwrap();
    w.write("scans/signed.pdf", b"scan");
    let out = w.run(&["diff", "scans", "run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("scans") && err.contains("run.json") && err.contains("clearance plan"),
        "{err}"
    );
    let out = w.run(&["--lang", "en", "diff", "run", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("nowhere: no such folder") && err.contains("written by `clearance plan`"),
        "{err}"
    );
    let out = w.run(&["--lang", "en", "diff", "sample.xlsx", "run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("sample.xlsx is a file, not a run folder"));
    // A run folder whose decision table is damaged.
    std::fs::create_dir(w.path("broken")).unwrap();
    std::fs::copy(w.path("run/run.json"), w.path("broken/run.json")).unwrap();
    w.write("broken/decisions.parquet", b"not parquet");
    let out = w.run(&["--lang", "en", "diff", "broken", "run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("decisions.parquet: cannot read it") && err.contains("clearance plan"),
        "{err}"
    );
    // The workbook never goes into a run folder.
    let out = w.run(&["diff", "run", "run", "--out", "run/diff.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--out"), "{}", stderr(&out));
    assert!(!w.path("run/diff.xlsx").exists());
    assert!(
        !w.listing()
            .iter()
            .any(|n| n.ends_with(".xlsx") && n != "sample.xlsx"),
        "{:?}",
        w.listing()
    );
}

/// Every sheet of diff.xlsx prints one page wide (A4 landscape, fitted to
/// the width, the header row repeated), here in LibreOffice: five sheets
/// of a few lines each are five pages, each with its header.
#[test]
fn the_diff_workbook_prints_one_page_wide() {
    let w = Workdir::new();
    two_policies(&w);
    w.run_ok(&["--lang", "en", "diff", "old", "new", "--out", "diff.xlsx"]);
    let xml = {
        use std::io::Read;
        let mut z =
            zip::ZipArchive::new(std::fs::File::open(w.path("diff.xlsx")).unwrap()).unwrap();
        let mut all = String::new();
        for i in 1..=5 {
            let mut f = z.by_name(&format!("xl/worksheets/sheet{i}.xml")).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            assert!(s.contains("fitToPage=\"1\""), "sheet {i}");
            assert!(s.contains("orientation=\"landscape\""), "sheet {i}");
            assert!(s.contains("fitToHeight=\"0\""), "sheet {i}");
            all.push_str(&s);
        }
        let mut f = z.by_name("xl/workbook.xml").unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    };
    assert_eq!(xml.matches("_xlnm.Print_Titles").count(), 5, "{xml}");

    let pdfs = w.path("pdf");
    libreoffice_convert(&[w.path("diff.xlsx")], "pdf", &pdfs);
    let pdf = pdfs.join("diff.pdf");
    assert_eq!(pdf_pages(&pdf), 5, "one page per sheet: none split across");
    let changed = pdf_text(&pdf, 3);
    assert!(
        changed.contains("Doc No") && changed.contains("Destruction method (new)"),
        "{changed}"
    );
}
