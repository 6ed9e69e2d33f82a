//! The year-end cycle end to end, through the real binary on the shipped
//! sample register: plan (split by department) → the committee's review,
//! filled in with openpyxl (one copy re-saved by LibreOffice) → final
//! manifests → destructions, a return and a transfer confirmed (and every
//! kind of refusal) → the ledger checked and listed, written by processes
//! at once → next year's plan with the ledger and last year's run.
//!
//! Every expected number is counted here, from decisions.csv, the drafts
//! as issued and the decisions this file writes into them — never from
//! what the tool prints about itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use clearance::ledger::{self, Entry, EntryKind, LedgerItem};

use super::util::{
    Workdir, libreoffice_convert, ok, read_csv, read_workbook, repo, stderr, stdout,
};

const REGISTER: &str = "sample-register.xlsx";
const MAIN_SHEET: &str = "2024年收文登记";
const RUN: &str = "reports/2024-12-31";
const REVIEW: &str = "reports/2024-12-31-review";
const FINALS: &str = "reports/2024-12-31-review/final";
const LEDGER: &str = "reports/ledger.jsonl";
const RECORDS: &str = "reports/records";
const NEXT_RUN: &str = "reports/2025-12-31";
const SITE: &str = "市保密局销毁中心";
/// The return list confirmed, and the one tampered with.
const RETURNED_TO: &str = "市政府办公室";
const TAMPERED_LIST: &str = "市委办公室";

// ---------------------------------------------------------------- helpers

/// Starts `clearance ARGS` in the folder without waiting for it.
fn spawn(w: &Workdir, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_clearance"))
        .current_dir(w.dir.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn clearance")
}

/// Re-saves a workbook with LibreOffice (a private profile) into `outdir`.
fn resave_with_libreoffice(w: &Workdir, file: &Path, outdir: &str) -> PathBuf {
    let outdir = w.path(outdir);
    std::fs::create_dir_all(&outdir).unwrap();
    libreoffice_convert(&[file.to_path_buf()], "xlsx", &outdir);
    let saved = outdir.join(file.file_name().unwrap());
    // It really is LibreOffice's file now.
    let app = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::fs::File::open(&saved).unwrap()).unwrap();
        let mut part = z.by_name("docProps/app.xml").expect("docProps/app.xml");
        let mut s = String::new();
        part.read_to_string(&mut s).unwrap();
        s
    };
    assert!(app.contains("<Application>LibreOffice"), "{app}");
    saved
}

/// A CSV written without a BOM (the index.csv files), as rows of column →
/// value.
fn read_index(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The rows of a printed sheet between its header row (first cell 序号)
/// and its totals row (合计): (index of the header row, the rows).
fn printed_lines(sheet: &[Vec<String>]) -> (usize, Vec<Vec<String>>) {
    let header = sheet
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "序号"))
        .expect("a 序号 header row");
    let lines = sheet[header + 1..]
        .iter()
        .take_while(|r| r.first().is_none_or(|c| c != "合计"))
        .filter(|r| !r.iter().all(String::is_empty))
        .cloned()
        .collect();
    (header, lines)
}

/// Names of the files in a folder, sorted; empty when there is no folder.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(d) => d
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A line of a draft manifest as issued.
#[derive(Debug, Clone)]
struct Line {
    doc_id: String,
    department: String,
}

/// A draft destruction manifest (the whole batch) as issued.
#[derive(Debug, Clone)]
struct Draft {
    site: String,
    level: String,
    digest: String,
    lines: Vec<Line>,
}

/// Plans the shipped sample as of 2024-12-31 with per-department copies,
/// and reads the drafts back, checked against decisions.csv: every DESTROY
/// row is a line of exactly one batch, whose site and level are the row's.
fn plan_2024(w: &Workdir) -> BTreeMap<String, Draft> {
    w.copy(&repo().join("data/sample-register.xlsx"), REGISTER);
    let out = w.run(&[
        "plan",
        REGISTER,
        "--as-of",
        "2024-12-31",
        "--out",
        RUN,
        "--split-by",
        "department",
    ]);
    ok(&out, "plan 2024");
    let decisions = read_csv(&w.path(&format!("{RUN}/decisions.csv")));
    let index = read_index(&w.path(&format!("{RUN}/manifests/index.csv")));
    let mut drafts = BTreeMap::new();
    for row in index
        .iter()
        .filter(|r| r["file"] == format!("{}.xlsx", r["batch"]))
    {
        let book = read_workbook(&w.path(&format!("{RUN}/manifests/{}", row["file"])));
        let sheet = &book["销毁清单"];
        let (header, printed) = printed_lines(sheet);
        assert_eq!(header, 4, "the header is Excel row 5, lines start at row 6");
        assert_eq!(
            sheet[3].get(13).map(String::as_str),
            Some("整批意见（空行适用）")
        );
        assert_eq!(
            sheet[header][14..],
            ["审核意见".to_string(), "意见说明".to_string()]
        );
        let lines: Vec<Line> = printed
            .iter()
            .enumerate()
            .map(|(k, r)| {
                assert_eq!(r[0], (k + 1).to_string());
                Line {
                    doc_id: r[1].clone(),
                    department: r[8].clone(),
                }
            })
            .collect();
        assert_eq!(lines.len().to_string(), row["lines"], "{}", row["file"]);
        drafts.insert(
            row["batch"].clone(),
            Draft {
                site: row["site"].clone(),
                level: row["level"].clone(),
                digest: row["digest"].clone(),
                lines,
            },
        );
    }
    let destroy: Vec<&BTreeMap<String, String>> = decisions
        .iter()
        .filter(|r| r["disposition"] == "DESTROY")
        .collect();
    let mut in_batches = 0;
    for d in drafts.values() {
        for l in &d.lines {
            let row = destroy
                .iter()
                .find(|r| r["doc_id"] == l.doc_id && r["department"] == l.department)
                .unwrap_or_else(|| panic!("{} is not a DESTROY row", l.doc_id));
            assert_eq!(
                (
                    row["destruction_site"].as_str(),
                    row["destruction_level"].as_str()
                ),
                (d.site.as_str(), d.level.as_str()),
                "{}",
                l.doc_id
            );
            in_batches += 1;
        }
    }
    assert_eq!(in_batches, destroy.len(), "every DESTROY row in one batch");
    drafts
}

/// Copies a draft issued by the 2024 run into `reviewed/` and fills in its
/// review cells (`ROW=DECISION|COMMENT`, Excel rows; row 4 is the whole
/// batch).
fn reviewed_copy(w: &Workdir, file: &str, edits: &[String]) -> PathBuf {
    std::fs::create_dir_all(w.path("reviewed")).unwrap();
    let copy = w.path(&format!("reviewed/{file}"));
    std::fs::copy(w.path(&format!("{RUN}/manifests/{file}")), &copy).unwrap();
    let mut args = vec![copy.to_str().unwrap()];
    args.extend(edits.iter().map(String::as_str));
    w.python("review_manifests.py", &args);
    copy
}

fn confirm_destruction<'a>(
    final_file: &'a str,
    date: &'a str,
    witnesses: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["confirm", final_file, "--date", date, "--site", SITE];
    for w in witnesses {
        args.extend(["--witness", *w]);
    }
    args
}

/// Runs a confirmation that must be refused: exit 1, the reason on stderr,
/// the ledger's bytes and the records folder as they were.
fn assert_refused(w: &Workdir, args: &[&str], why: &str) {
    let ledger_before = std::fs::read(w.path(LEDGER)).expect("the ledger exists");
    let records_before = names_in(&w.path(RECORDS));
    let out = w.run(args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} must be refused\n{}{err}",
        stdout(&out)
    );
    assert!(err.contains(why), "{args:?}: no «{why}» in\n{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(
        std::fs::read(w.path(LEDGER)).unwrap(),
        ledger_before,
        "{args:?}: the ledger changed"
    );
    assert_eq!(
        names_in(&w.path(RECORDS)),
        records_before,
        "{args:?}: a record was written"
    );
}

/// The committee's decision on one line of a draft, and the comment that
/// applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Approve(&'static str),
    Reject(&'static str),
    Defer(&'static str),
    Blank,
}

impl Want {
    fn outcome(self) -> &'static str {
        match self {
            Want::Approve(_) => "同意",
            Want::Reject(_) => "不同意",
            Want::Defer(_) => "暂缓",
            Want::Blank => "未审核",
        }
    }

    fn comment(self) -> &'static str {
        match self {
            Want::Approve(c) | Want::Reject(c) | Want::Defer(c) => c,
            Want::Blank => "",
        }
    }

    /// The review cells as a reviewer fills them in on the line's own row.
    fn cell(self) -> Option<String> {
        match self {
            Want::Blank => None,
            w if w.comment().is_empty() => Some(w.outcome().to_string()),
            w => Some(format!("{}|{}", w.outcome(), w.comment())),
        }
    }
}

/// Counts approved, rejected, deferred, not reviewed.
fn counts(wants: &[Want]) -> [usize; 4] {
    let mut n = [0; 4];
    for w in wants {
        n[match w {
            Want::Approve(_) => 0,
            Want::Reject(_) => 1,
            Want::Defer(_) => 2,
            Want::Blank => 3,
        }] += 1;
    }
    n
}

// ------------------------------------------------------------ the cycle

/// What the cycle carries from one step to the next.
struct Cycle {
    w: Workdir,
    /// The 2024 run's drafts, by batch.
    drafts: BTreeMap<String, Draft>,
    /// The 2024 run's decisions.csv.
    decisions: Vec<BTreeMap<String, String>>,
    /// The committee's decision on every line, by batch, in draft order.
    wants: BTreeMap<&'static str, Vec<Want>>,
}

/// (kind, batch, [(doc_id, comment)]) of a ledger entry.
type Recorded = (String, String, Vec<(String, String)>);

impl Cycle {
    /// The document numbers of a batch's lines whose decision is `pick`
    /// (同意 / 不同意 / 暂缓 / 未审核), with the comment, in draft order.
    fn lines(&self, batch: &str, pick: &str) -> Vec<(String, &'static str)> {
        self.drafts[batch]
            .lines
            .iter()
            .zip(&self.wants[batch])
            .filter(|(_, w)| w.outcome() == pick)
            .map(|(l, w)| (l.doc_id.clone(), w.comment()))
            .collect()
    }

    /// The approved lines of a batch, in draft order.
    fn approved(&self, batch: &str) -> Vec<String> {
        self.lines(batch, "同意")
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    /// The ledger entries the review writes: one per batch for its
    /// rejections, one for its deferrals.
    fn review_entries(&self) -> BTreeSet<Recorded> {
        let mut out = BTreeSet::new();
        for batch in self.wants.keys() {
            for (kind, pick) in [("REJECTION", "不同意"), ("DEFERRAL", "暂缓")] {
                let items: Vec<(String, String)> = self
                    .lines(batch, pick)
                    .into_iter()
                    .map(|(id, c)| (id, c.to_string()))
                    .collect();
                if !items.is_empty() {
                    out.insert((kind.to_string(), batch.to_string(), items));
                }
            }
        }
        out
    }

    /// The number of witnesses decisions.csv gives a batch's lines.
    fn witnesses(&self, batch: &str) -> usize {
        let l = &self.drafts[batch].lines[0];
        let row = self
            .decisions
            .iter()
            .find(|r| r["doc_id"] == l.doc_id && r["disposition"] == "DESTROY")
            .unwrap();
        row["witnesses"].parse().unwrap()
    }

    /// The id of a list of the 2024 run (lists/index.csv) and its lines.
    fn list(&self, file: &str) -> (String, usize, Vec<String>) {
        let index = read_index(&self.w.path(&format!("{RUN}/lists/index.csv")));
        let row = index.iter().find(|r| r["file"] == file).unwrap();
        let book = read_workbook(&self.w.path(&format!("{RUN}/lists/{file}")));
        let ids: Vec<String> = printed_lines(&book["清单"])
            .1
            .iter()
            .map(|r| r[1].clone())
            .collect();
        (row["list"].clone(), row["lines"].parse().unwrap(), ids)
    }

    /// The document numbers decisions.csv gives a disposition (and
    /// destination).
    fn planned(&self, disposition: &str, destination: Option<&str>) -> Vec<String> {
        self.decisions
            .iter()
            .filter(|r| r["disposition"] == disposition)
            .filter(|r| destination.is_none_or(|d| r["destination"] == d))
            .map(|r| r["doc_id"].clone())
            .collect()
    }

    fn ledger(&self) -> Vec<Entry> {
        ledger::read(&self.w.path(LEDGER)).unwrap()
    }
}

fn doc_ids(e: &Entry) -> Vec<String> {
    e.items.iter().map(|i| i.doc_id.clone()).collect()
}

fn recorded(entries: &[Entry]) -> BTreeSet<Recorded> {
    entries
        .iter()
        .map(|e| {
            (
                e.kind.code().to_string(),
                e.batch.clone(),
                e.items
                    .iter()
                    .map(|i| (i.doc_id.clone(), i.comment.clone()))
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_year_of_clearance_from_plan_through_review_and_confirmation_to_next_years_plan() {
    let cycle = plan_the_year();
    let copies = fill_in_the_review(&cycle);
    review_keeps_only_the_approved_lines(&cycle, &copies);
    confirm_what_left_and_refuse_the_rest(&cycle);
    confirm_at_once_and_list_the_ledger(&cycle);
    plan_next_year_from_the_ledger_and_last_years_run(&cycle);
}

/// Step 1: the plan — six batches, as decisions.csv groups its DESTROY
/// rows — and the committee's decisions for them.
fn plan_the_year() -> Cycle {
    let w = Workdir::new();
    let drafts = plan_2024(&w);
    let shape: Vec<(&str, usize)> = drafts
        .iter()
        .map(|(b, d)| (b.as_str(), d.lines.len()))
        .collect();
    assert_eq!(
        shape,
        [
            ("2024-D-001", 1),
            ("2024-D-002", 2),
            ("2024-D-003", 1),
            ("2024-D-004", 2),
            ("2024-D-005", 4),
            ("2024-D-006", 1)
        ],
        "the sample's batches (this test's review is written for them)"
    );
    let decisions = read_csv(&w.path(&format!("{RUN}/decisions.csv")));
    let wants = BTreeMap::from([
        ("2024-D-001", vec![Want::Reject("涉及未结案件")]),
        ("2024-D-002", vec![Want::Approve(""), Want::Blank]),
        ("2024-D-003", vec![Want::Approve("")]),
        // Approved as a whole through the row-4 cell; line 2 says otherwise.
        (
            "2024-D-004",
            vec![Want::Approve("整批同意"), Want::Reject("财务审计尚未结束")],
        ),
        // Reviewed in the two departments' copies.
        (
            "2024-D-005",
            vec![
                Want::Approve(""),
                Want::Approve(""),
                Want::Defer("待核实保管期限"),
                Want::Reject("仍在办理，需留存"),
            ],
        ),
        ("2024-D-006", vec![Want::Approve("")]),
    ]);
    Cycle {
        w,
        drafts,
        decisions,
        wants,
    }
}

/// Step 2: the reviewed copies, filled in with openpyxl; 2024-D-005 in its
/// two departments' copies, one of them re-saved by LibreOffice.
fn fill_in_the_review(c: &Cycle) -> Vec<PathBuf> {
    let w = &c.w;
    let line_edits = |batch: &str| -> Vec<String> {
        c.wants[batch]
            .iter()
            .enumerate()
            .filter_map(|(k, want)| want.cell().map(|cell| format!("{}={cell}", 6 + k)))
            .collect()
    };
    let mut copies = vec![
        reviewed_copy(w, "2024-D-001.xlsx", &line_edits("2024-D-001")),
        reviewed_copy(w, "2024-D-002.xlsx", &line_edits("2024-D-002")),
        reviewed_copy(w, "2024-D-003.xlsx", &line_edits("2024-D-003")),
        reviewed_copy(
            w,
            "2024-D-004.xlsx",
            &[
                "4=同意|整批同意".to_string(),
                "7=不同意|财务审计尚未结束".to_string(),
            ],
        ),
        reviewed_copy(w, "2024-D-006.xlsx", &line_edits("2024-D-006")),
    ];
    // Each department's reviewer fills in the lines of their copy
    // (numbered anew), found there by document number.
    let d5 = &c.drafts["2024-D-005"];
    let departments: BTreeSet<&str> = d5.lines.iter().map(|l| l.department.as_str()).collect();
    assert_eq!(departments.len(), 2, "2024-D-005 spans two departments");
    let mut lines_in_copies = 0;
    for dept in &departments {
        let file = format!("2024-D-005-{dept}.xlsx");
        let book = read_workbook(&w.path(&format!("{RUN}/manifests/{file}")));
        let (header, printed) = printed_lines(&book["销毁清单"]);
        assert_eq!(header, 4);
        let edits: Vec<String> = printed
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let at = d5.lines.iter().position(|l| l.doc_id == r[1]).unwrap();
                assert_eq!(d5.lines[at].department, *dept);
                format!("{}={}", 6 + k, c.wants["2024-D-005"][at].cell().unwrap())
            })
            .collect();
        lines_in_copies += edits.len();
        copies.push(reviewed_copy(w, &file, &edits));
    }
    assert_eq!(
        lines_in_copies, 4,
        "the copies hold the batch's lines once each"
    );
    // The copy with the deferral goes through LibreOffice: the review reads
    // a file LibreOffice wrote.
    let deferred_dept = &d5.lines[2].department;
    let at = copies
        .iter()
        .position(|p| p.ends_with(format!("2024-D-005-{deferred_dept}.xlsx")))
        .unwrap();
    copies[at] = resave_with_libreoffice(w, &copies[at], "reviewed-lo");
    copies
}

/// Step 3: the review — every count, the summary workbook, the final
/// manifests (exactly the approved lines, renumbered, final; the rest in
/// the appendix; none for a batch rejected whole), `verify`, and the
/// rejections and deferrals in the ledger.
fn review_keeps_only_the_approved_lines(c: &Cycle, copies: &[PathBuf]) {
    let w = &c.w;
    let mut args: Vec<&str> = vec!["review"];
    args.extend(copies.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--run", RUN]);
    let out = w.run(&args);
    ok(&out, "review");
    let text = stdout(&out);
    for (batch, want) in &c.wants {
        let [a, r, d, u] = counts(want);
        let line = format!(
            "  {batch}：{} 行 — 同意 {a}，不同意 {r}，暂缓 {d}，未审核 {u}，已剔除 0 → ",
            want.len()
        );
        let end = if a > 0 {
            format!("final/{batch}-final.xlsx")
        } else {
            "没有同意销毁的行：不出正式清单".to_string()
        };
        assert!(
            text.contains(&format!("{line}{end}\n")),
            "no «{line}{end}» in\n{text}"
        );
    }
    let review_entries = c.review_entries();
    assert!(
        text.contains(&format!(
            "台账 {LEDGER}：新增 {} 条记录",
            review_entries.len()
        )),
        "{text}"
    );

    // The summary workbook: per batch, per reviewed copy, per line.
    let summary = read_workbook(&w.path(&format!("{REVIEW}/review-summary.xlsx")));
    let expected: Vec<Vec<String>> = c
        .wants
        .iter()
        .map(|(b, v)| {
            let [a, r, d, u] = counts(v);
            [b.to_string(), v.len().to_string()]
                .into_iter()
                .chain([a, r, d, u, 0].map(|n| n.to_string()))
                .collect()
        })
        .collect();
    assert_eq!(
        summary["按批次"][1..],
        expected,
        "review-summary.xlsx [按批次]"
    );
    let per_line: Vec<[String; 4]> = summary["逐行"][1..]
        .iter()
        .map(|r| [r[0].clone(), r[2].clone(), r[4].clone(), r[5].clone()])
        .collect();
    let expected: Vec<[String; 4]> = c
        .wants
        .iter()
        .flat_map(|(b, v)| {
            c.drafts[*b].lines.iter().zip(v).map(|(l, want)| {
                [
                    b.to_string(),
                    l.doc_id.clone(),
                    want.outcome().to_string(),
                    want.comment().to_string(),
                ]
            })
        })
        .collect();
    assert_eq!(per_line, expected, "review-summary.xlsx [逐行]");
    let per_copy: Vec<&Vec<String>> = summary["按审核副本"][1..]
        .iter()
        .filter(|r| r[0] == "2024-D-005")
        .collect();
    assert_eq!(per_copy.len(), 2, "two reviewers' copies: {per_copy:?}");
    let d5 = &c.drafts["2024-D-005"];
    for row in per_copy {
        let dept = row[1]
            .strip_prefix("2024-D-005-")
            .and_then(|s| s.strip_suffix(".xlsx"))
            .unwrap();
        let theirs: Vec<Want> = d5
            .lines
            .iter()
            .zip(&c.wants["2024-D-005"])
            .filter(|(l, _)| l.department == dept)
            .map(|(_, w)| *w)
            .collect();
        let [a, r, d, u] = counts(&theirs);
        assert_eq!(
            row[2..],
            [a, r, d, u, 0].map(|n| n.to_string()),
            "{}",
            row[1]
        );
    }

    // The final manifests.
    let mut expected_files: Vec<String> = c
        .wants
        .keys()
        .filter(|b| !c.approved(b).is_empty())
        .map(|b| format!("{b}-final.xlsx"))
        .chain(["index.csv".to_string()])
        .collect();
    expected_files.sort();
    assert_eq!(
        names_in(&w.path(FINALS)),
        expected_files,
        "a batch whose every line was rejected has no final manifest"
    );
    let final_index = read_index(&w.path(&format!("{FINALS}/index.csv")));
    for (batch, v) in &c.wants {
        let draft = &c.drafts[*batch];
        let approved = c.approved(batch);
        if approved.is_empty() {
            assert!(!final_index.iter().any(|r| r["batch"] == *batch));
            continue;
        }
        let file = format!("{batch}-final.xlsx");
        let book = read_workbook(&w.path(&format!("{FINALS}/{file}")));
        let sheet = &book["销毁清单"];
        assert!(
            sheet[0][0].contains("（正式）") && !sheet[0][0].contains("送审稿"),
            "{file}: {}",
            sheet[0][0]
        );
        assert!(
            sheet[1][0].contains(&format!("送审稿摘要：{}", draft.digest)),
            "{file}: {}",
            sheet[1][0]
        );
        let numbered: Vec<(String, String)> = printed_lines(sheet)
            .1
            .iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        let want_numbered: Vec<(String, String)> = approved
            .iter()
            .enumerate()
            .map(|(k, id)| ((k + 1).to_string(), id.clone()))
            .collect();
        assert_eq!(
            numbered, want_numbered,
            "{file}: the approved lines, renumbered"
        );
        // The issued items inside say FINAL and name the draft.
        let items = &book["_items"];
        assert_eq!(items[2][6], "FINAL", "{file}");
        assert_eq!(items[2][7], draft.digest, "{file}");
        // Every other line is in the appendix, with its outcome and comment.
        let mut left_out: Vec<[String; 3]> = printed_lines(&book["附录"])
            .1
            .iter()
            .map(|r| [r[1].clone(), r[8].clone(), r[9].clone()])
            .collect();
        left_out.sort();
        let mut want_left_out: Vec<[String; 3]> = draft
            .lines
            .iter()
            .zip(v)
            .filter(|(_, w)| !matches!(w, Want::Approve(_)))
            .map(|(l, w)| [l.doc_id.clone(), w.outcome().into(), w.comment().into()])
            .collect();
        want_left_out.sort();
        assert_eq!(left_out, want_left_out, "{file}: appendix");
        assert!(!left_out.iter().any(|[id, ..]| approved.contains(id)));
        let row = final_index
            .iter()
            .find(|r| r["file"] == file)
            .expect("indexed");
        assert_eq!(row["lines"], approved.len().to_string(), "{file}");
    }
    let out = w.run(&["verify", FINALS, "--lang", "en"]);
    ok(&out, "verify the finals");
    for file in expected_files.iter().filter(|f| f.ends_with(".xlsx")) {
        assert!(
            stdout(&out).contains(&format!("{file}: intact")),
            "{}",
            stdout(&out)
        );
    }

    // Rejections and deferrals are in the ledger, with their comments.
    assert_eq!(
        recorded(&c.ledger()),
        review_entries,
        "the review's ledger entries"
    );
}

/// Step 4: a destruction, a return and the transfer confirmed, with their
/// records; a draft, too few witnesses, a date before the as-of date or in
/// the future, a batch confirmed already and a return list with a line
/// deleted are refused, the ledger's bytes untouched.
fn confirm_what_left_and_refuse_the_rest(c: &Cycle) {
    let w = &c.w;
    let d2_final = format!("{FINALS}/2024-D-002-final.xlsx");
    let d2_draft = format!("{RUN}/manifests/2024-D-002.xlsx");
    assert_eq!(
        c.witnesses("2024-D-002"),
        2,
        "2024-D-002 is destroyed at a facility with two witnesses"
    );
    assert_refused(
        w,
        &confirm_destruction(&d2_draft, "2025-01-15", &["张三", "李四"]),
        "a draft for review, not a final manifest",
    );
    assert_refused(
        w,
        &confirm_destruction(&d2_final, "2025-01-15", &["张三"]),
        "batch 2024-D-002 requires at least 2 witnesses (监销人), 1 given",
    );
    assert_refused(
        w,
        &confirm_destruction(&d2_final, "2024-12-30", &["张三", "李四"]),
        "--date 2024-12-30 is before the plan's as-of date 2024-12-31",
    );
    let tomorrow = today().succ_opt().unwrap().to_string();
    assert_refused(
        w,
        &confirm_destruction(&d2_final, &tomorrow, &["张三", "李四"]),
        &format!("--date {tomorrow} is in the future"),
    );
    let out = w.run(&confirm_destruction(
        &d2_final,
        "2025-01-15",
        &["张三", "李四"],
    ));
    ok(&out, "confirm 2024-D-002");
    let entry = c.ledger().last().unwrap().clone();
    assert_eq!(
        (
            entry.kind,
            entry.batch.as_str(),
            entry.date.as_str(),
            entry.site.as_str()
        ),
        (EntryKind::Destruction, "2024-D-002", "2025-01-15", SITE)
    );
    assert_eq!(entry.witnesses, ["张三", "李四"]);
    assert_eq!(doc_ids(&entry), c.approved("2024-D-002"));
    // The record to sign: the final manifest's lines, each witness named.
    let book = read_workbook(&w.path(&format!("{RECORDS}/销毁记录-2024-D-002.xlsx")));
    let sheet = &book["记录"];
    let final_book = read_workbook(&w.path(&d2_final));
    let ids_of = |s: &[Vec<String>]| -> Vec<String> {
        printed_lines(s).1.iter().map(|r| r[1].clone()).collect()
    };
    assert_eq!(
        ids_of(sheet),
        ids_of(&final_book["销毁清单"]),
        "the record lists the final manifest's lines"
    );
    assert_eq!(ids_of(sheet), c.approved("2024-D-002"));
    let cells: Vec<&String> = sheet.iter().flatten().collect();
    for name in ["张三", "李四"] {
        assert!(
            cells
                .iter()
                .any(|s| s.starts_with(&format!("监销人：{name}")) && s.contains("签字")),
            "no line for {name} to sign: {cells:?}"
        );
    }
    assert!(
        cells
            .iter()
            .any(|s| s.contains(&format!("台账第 {} 条", entry.seq))),
        "the record names its ledger entry"
    );
    assert_refused(
        w,
        &confirm_destruction(&d2_final, "2025-01-16", &["张三", "李四"]),
        &format!(
            "2024-D-002 was confirmed already: ledger entry {}",
            entry.seq
        ),
    );

    // A return and the transfer, each checked against its list and the plan.
    let return_file = format!("清退清单-{RETURNED_TO}.xlsx");
    let (return_id, _, returned) = c.list(&return_file);
    assert_eq!(returned, c.planned("RETURN", Some(RETURNED_TO)));
    let out = w.run(&[
        "confirm",
        &format!("{RUN}/lists/{return_file}"),
        "--date",
        "2025-01-10",
        "--receiver",
        "王五",
    ]);
    ok(&out, "confirm the return");
    let (transfer_id, _, transferred) = c.list("归档移交清单.xlsx");
    assert_eq!(transfer_id, "2024-T-001");
    assert_eq!(transferred, c.planned("ARCHIVE", None));
    let out = w.run(&[
        "confirm",
        &format!("{RUN}/lists/归档移交清单.xlsx"),
        "--date",
        "2025-01-12",
        "--receiver",
        "赵六",
    ]);
    ok(&out, "confirm the transfer");
    let entries = c.ledger();
    let [.., ret, tra] = entries.as_slice() else {
        panic!("{entries:?}")
    };
    assert_eq!(
        (
            ret.kind,
            ret.batch.as_str(),
            ret.site.as_str(),
            ret.date.as_str()
        ),
        (
            EntryKind::Return,
            return_id.as_str(),
            RETURNED_TO,
            "2025-01-10"
        )
    );
    assert_eq!(
        (ret.witnesses.clone(), doc_ids(ret)),
        (vec!["王五".to_string()], returned.clone())
    );
    assert_eq!(
        (tra.kind, tra.batch.as_str(), tra.date.as_str()),
        (EntryKind::Transfer, "2024-T-001", "2025-01-12")
    );
    assert_eq!(
        (tra.witnesses.clone(), doc_ids(tra)),
        (vec!["赵六".to_string()], transferred.clone())
    );
    for (file, ids, receiver) in [
        (format!("清退交接记录-{return_id}.xlsx"), &returned, "王五"),
        ("移交记录-2024-T-001.xlsx".to_string(), &transferred, "赵六"),
    ] {
        let book = read_workbook(&w.path(&format!("{RECORDS}/{file}")));
        let sheet = &book["记录"];
        assert_eq!(&ids_of(sheet), ids, "{file}");
        assert!(
            sheet
                .iter()
                .flatten()
                .any(|s| s.starts_with(&format!("接收人：{receiver}"))),
            "{file} names {receiver}"
        );
    }

    // A return list with its third line deleted by openpyxl is not the
    // list as issued.
    let tampered_file = format!("清退清单-{TAMPERED_LIST}.xlsx");
    let (_, issued_lines, _) = c.list(&tampered_file);
    std::fs::create_dir_all(w.path("tampered")).unwrap();
    let tampered = w.path(&format!("tampered/{tampered_file}"));
    std::fs::copy(w.path(&format!("{RUN}/lists/{tampered_file}")), &tampered).unwrap();
    let header = printed_lines(&read_workbook(&tampered)["清单"]).0;
    // Excel rows count from 1: the header is row header + 1.
    let third = (header + 1 + 3).to_string();
    w.python(
        "edit_manifest.py",
        &[tampered.to_str().unwrap(), "delete", &third],
    );
    assert_refused(
        w,
        &[
            "confirm",
            tampered.to_str().unwrap(),
            "--date",
            "2025-01-10",
            "--receiver",
            "王五",
        ],
        &format!(
            "changed since issue, so it cannot be confirmed: it prints {} lines, {issued_lines} were issued",
            issued_lines - 1
        ),
    );
}

/// Step 5: `ledger verify`; two batches confirmed by two processes at once
/// (both recorded), one batch by two processes at once (recorded once);
/// the chain still intact; `ledger show` lists every entry.
fn confirm_at_once_and_list_the_ledger(c: &Cycle) {
    let w = &c.w;
    let verify = |what: &str| {
        let out = w.run(&["ledger", "verify", "--lang", "en"]);
        ok(&out, what);
        let n = c.ledger().len();
        assert!(
            stdout(&out).starts_with(&format!("{LEDGER}: {n} entries, chain intact\n")),
            "{}",
            stdout(&out)
        );
    };
    verify("ledger verify");
    let d3 = format!("{FINALS}/2024-D-003-final.xlsx");
    let d6 = format!("{FINALS}/2024-D-006-final.xlsx");
    let a = spawn(w, &confirm_destruction(&d3, "2025-01-15", &["张三"]));
    let b = spawn(w, &confirm_destruction(&d6, "2025-01-15", &["李四"]));
    for (child, batch) in [(a, "2024-D-003"), (b, "2024-D-006")] {
        let out = child.wait_with_output().unwrap();
        ok(&out, &format!("concurrent confirm of {batch}"));
    }
    let d5 = format!("{FINALS}/2024-D-005-final.xlsx");
    let a = spawn(w, &confirm_destruction(&d5, "2025-01-16", &["张三"]));
    let b = spawn(w, &confirm_destruction(&d5, "2025-01-16", &["李四"]));
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
    assert!(
        codes == [Some(0), Some(1)] || codes == [Some(1), Some(0)],
        "exactly one of two confirms of 2024-D-005 succeeds: {outs:?}"
    );
    let err = stderr(outs.iter().find(|o| !o.status.success()).unwrap());
    assert!(
        err.contains("2024-D-005 was confirmed already")
            || err.contains("a record of 2024-D-005 exists already"),
        "{err}"
    );
    verify("ledger verify after confirms at once");

    let entries = c.ledger();
    for batch in ["2024-D-002", "2024-D-003", "2024-D-005", "2024-D-006"] {
        let found: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.kind == EntryKind::Destruction && e.batch == batch)
            .collect();
        assert_eq!(found.len(), 1, "{batch} recorded once");
        assert_eq!(
            doc_ids(found[0]),
            c.approved(batch),
            "{batch}: the approved lines"
        );
    }
    assert_eq!(
        entries.len(),
        c.review_entries().len() + 4 + 2,
        "the review's entries, four destructions, a return and a transfer"
    );
    let (return_id, ..) = c.list(&format!("清退清单-{RETURNED_TO}.xlsx"));
    let mut records = vec![
        "移交记录-2024-T-001.xlsx".to_string(),
        format!("清退交接记录-{return_id}.xlsx"),
        "销毁记录-2024-D-002.xlsx".into(),
        "销毁记录-2024-D-003.xlsx".into(),
        "销毁记录-2024-D-005.xlsx".into(),
        "销毁记录-2024-D-006.xlsx".into(),
    ];
    records.sort();
    assert_eq!(names_in(&w.path(RECORDS)), records);

    let out = w.run(&["ledger", "show", "--lang", "en"]);
    ok(&out, "ledger show");
    let text = stdout(&out);
    // The entries, then a blank line and the summary.
    let shown: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(shown.len(), entries.len(), "{text}");
    for (line, e) in shown.iter().zip(&entries) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            (words[0], words[1], words[2], words[3]),
            (
                e.seq.to_string().as_str(),
                e.kind.code(),
                e.batch.as_str(),
                e.date.as_str()
            ),
            "{line}"
        );
    }
    let kinds: BTreeSet<&str> = shown
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["DEFERRAL", "DESTRUCTION", "REJECTION", "RETURN", "TRANSFER"])
    );
}

/// Step 6: next year's register says what left, except one destroyed
/// holding (it reappears); one KEPT holding is deleted (it goes missing).
/// The plan with the ledger and last year's run: the reappearing holding
/// is REVIEW / LEDGER / REAPPEARED naming the entry, what was destroyed or
/// returned is DONE / LEDGER naming its entry, nothing destroyed is
/// planned for destruction again, the committee's comments are in the
/// reasons, and the deleted holding (only it) is missing — in missing.csv,
/// the 缺失 sheet, first of the 异常 sheet, first on the terminal.
fn plan_next_year_from_the_ledger_and_last_years_run(c: &Cycle) {
    let w = &c.w;
    let entries = c.ledger();
    let reappearing = entries
        .iter()
        .find(|e| e.kind == EntryKind::Destruction && e.batch == "2024-D-003")
        .unwrap();
    let reappearing_item = &reappearing.items[0];
    let mut edits = Vec::new();
    // (item, status, entry) of every holding whose 状态 is set.
    let mut gone: Vec<(&LedgerItem, &str, &Entry)> = Vec::new();
    for e in entries.iter().filter(|e| e.kind.left_the_office()) {
        let status = match e.kind {
            EntryKind::Destruction => "已销毁",
            EntryKind::Return => "已清退",
            _ => "已归档",
        };
        for item in &e.items {
            assert_eq!(item.source_sheet, MAIN_SHEET);
            if item == reappearing_item {
                continue;
            }
            edits.push(format!("{}={status}", item.source_row));
            gone.push((item, status, e));
        }
    }
    let kept = c
        .decisions
        .iter()
        .find(|r| r["disposition"] == "KEEP" && r["source_sheet"] == MAIN_SHEET)
        .unwrap();
    let kept_id = kept["doc_id"].clone();
    let kept_row: u32 = kept["source_row"].parse().unwrap();
    assert!(!kept_id.is_empty());
    assert_eq!(
        c.decisions
            .iter()
            .filter(|r| r["doc_id"] == kept_id)
            .count(),
        1,
        "the deleted holding's number is its own"
    );
    edits.push(format!("-{kept_row}"));
    let mut args = vec![REGISTER, "register-2025.xlsx", MAIN_SHEET];
    args.extend(edits.iter().map(String::as_str));
    w.python("next_year_register.py", &args);

    let out = w.run(&[
        "plan",
        "register-2025.xlsx",
        "--as-of",
        "2025-12-31",
        "--out",
        NEXT_RUN,
        "--ledger",
        LEDGER,
        "--previous",
        RUN,
    ]);
    ok(&out, "plan 2025");
    let printed = stdout(&out);
    let decisions = read_csv(&w.path(&format!("{NEXT_RUN}/decisions.csv")));
    assert_eq!(decisions.len(), c.decisions.len() - 1);
    // A 2024 row of the main sheet, as planned in 2025 (one row up below
    // the deleted one).
    let row_2025 = |row: u32| -> &BTreeMap<String, String> {
        let now = if row > kept_row { row - 1 } else { row };
        decisions
            .iter()
            .find(|r| r["source_sheet"] == MAIN_SHEET && r["source_row"] == now.to_string())
            .unwrap_or_else(|| panic!("2024 row {row} not in 2025"))
    };
    let what = |e: &Entry| match e.kind {
        EntryKind::Destruction => "销毁",
        EntryKind::Return => "清退",
        EntryKind::Transfer => "移交档案室",
        EntryKind::Rejection => "委员会不同意销毁",
        EntryKind::Deferral => "委员会暂缓审核",
    };
    let happened =
        |e: &Entry| format!("台账第 {} 条：{} {}（{}）", e.seq, e.date, what(e), e.batch);

    // The holding destroyed yet still held: REVIEW, LEDGER, REAPPEARED.
    let r = row_2025(reappearing_item.source_row);
    assert_eq!(r["doc_id"], reappearing_item.doc_id);
    assert_eq!(
        (r["disposition"].as_str(), r["rule"].as_str()),
        ("REVIEW", "LEDGER"),
        "{r:?}"
    );
    assert!(
        r["anomalies"].split(';').any(|a| a == "REAPPEARED"),
        "{r:?}"
    );
    assert!(
        r["reason"].contains(&happened(reappearing)),
        "{}",
        r["reason"]
    );

    // What was destroyed or returned, and the register agrees: DONE by the
    // ledger, naming the entry.
    let mut transferred_done = 0;
    for (item, status, e) in &gone {
        let row = item.source_row;
        let r = row_2025(row);
        assert_eq!(
            (r["doc_id"].as_str(), r["status"].as_str()),
            (item.doc_id.as_str(), *status),
            "row {row}"
        );
        assert!(!r["anomalies"].contains("REAPPEARED"), "{r:?}");
        let done = (r["disposition"].as_str(), r["rule"].as_str()) == ("DONE", "LEDGER");
        if e.kind == EntryKind::Transfer {
            // An archived holding follows R5 too: one whose retention has
            // run out since is appraised, one without a date is reviewed.
            assert!(
                done || (r["rule"] == "R5"
                    && ["APPRAISE", "REVIEW"].contains(&r["disposition"].as_str())),
                "transferred row {row}: {r:?}"
            );
            transferred_done += usize::from(done);
        } else {
            assert!(done, "{} row {row}: {r:?}", what(e));
        }
        if done {
            assert_eq!(r["reason"], format!("已办结：{}", happened(e)), "row {row}");
        }
    }
    assert!(
        transferred_done > 0,
        "transferred holdings are DONE by the ledger"
    );

    // Nothing the ledger records as destroyed is planned for destruction
    // again, in the plan or in a manifest.
    let destroyed: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Destruction)
        .flat_map(|e| e.items.iter().map(|i| i.doc_id.as_str()))
        .collect();
    let approved: usize = ["2024-D-002", "2024-D-003", "2024-D-005", "2024-D-006"]
        .iter()
        .map(|b| c.approved(b).len())
        .sum();
    assert_eq!(destroyed.len(), approved);
    for r in decisions
        .iter()
        .filter(|r| destroyed.contains(r["doc_id"].as_str()))
    {
        assert_ne!(r["disposition"], "DESTROY", "{r:?}");
    }
    for m in read_index(&w.path(&format!("{NEXT_RUN}/manifests/index.csv"))) {
        let book = read_workbook(&w.path(&format!("{NEXT_RUN}/manifests/{}", m["file"])));
        for l in printed_lines(&book["销毁清单"]).1 {
            assert!(
                !destroyed.contains(l[1].as_str()),
                "{} in {}",
                l[1],
                m["file"]
            );
        }
    }
    // REAPPEARED is the holding left unchanged — or one sharing its number
    // and department with a holding that left (DUPLICATE_ID), which a
    // match by number and department cannot tell apart.
    let left: BTreeSet<(&str, &str)> = entries
        .iter()
        .filter(|e| e.kind.left_the_office())
        .flat_map(|e| {
            e.items
                .iter()
                .map(|i| (i.doc_id.as_str(), i.department.as_str()))
        })
        .collect();
    for r in decisions
        .iter()
        .filter(|r| r["anomalies"].contains("REAPPEARED"))
    {
        let ours = r["doc_id"] == reappearing_item.doc_id;
        let shared = r["anomalies"].contains("DUPLICATE_ID")
            && left.contains(&(r["doc_id"].as_str(), r["department"].as_str()));
        assert!(ours || shared, "unexpected REAPPEARED: {r:?}");
    }

    // The committee's rejections and deferral are in the reasons, with the
    // comment.
    for e in entries.iter().filter(|e| !e.kind.left_the_office()) {
        for item in &e.items {
            let r = row_2025(item.source_row);
            assert_eq!(r["doc_id"], item.doc_id);
            assert_ne!(r["rule"], "LEDGER");
            let note = format!("{}，意见：{}", happened(e), item.comment);
            assert!(
                r["reason"].contains(&note),
                "no «{note}» in {}",
                r["reason"]
            );
        }
    }
    let (rejected, comment) = c.lines("2024-D-001", "不同意")[0].clone();
    let r = decisions.iter().find(|r| r["doc_id"] == rejected).unwrap();
    assert!(r["reason"].contains(&format!("意见：{comment}")), "{r:?}");

    // The deleted KEPT holding is missing — and nothing else is.
    let missing = read_csv(&w.path(&format!("{NEXT_RUN}/missing.csv")));
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(
        (
            missing[0]["doc_id"].as_str(),
            missing[0]["previous_disposition"].as_str(),
            missing[0]["previous_source_row"].as_str()
        ),
        (kept_id.as_str(), "KEEP", kept_row.to_string().as_str())
    );
    let plan = read_workbook(&w.path(&format!("{NEXT_RUN}/plan.xlsx")));
    let sheet = &plan["缺失"];
    assert_eq!(sheet.len(), 2, "one holding on the 缺失 sheet: {sheet:?}");
    assert_eq!(sheet[1][0], kept_id);
    let anomalies = &plan["异常"];
    assert_eq!(
        (anomalies[1][0].as_str(), anomalies[1][5].as_str()),
        ("MISSING", kept_id.as_str()),
        "first of the anomalies"
    );
    assert_eq!(anomalies.iter().filter(|r| r[0] == "MISSING").count(), 1);
    // Missing holdings are printed first, each named, then the summary,
    // which names them again first of what needs attention.
    let lines: Vec<&str> = printed.lines().collect();
    assert!(lines[0].starts_with("!! 缺失：1 件在"), "{printed}");
    assert!(
        lines[1].trim_start().starts_with(kept_id.as_str()),
        "{printed}"
    );
    assert_eq!(lines[3], "── 小结 ──", "{printed}");
    let attention = lines
        .iter()
        .position(|l| *l == "需要注意：")
        .expect("needs attention");
    assert!(
        lines[attention + 1].starts_with("  ! 1 件缺失："),
        "{printed}"
    );
}

// ------------------------------------------------- smaller, on their own

/// Plans 2024 and reviews three batches (2024-D-001 rejected, 2024-D-003
/// and 2024-D-006 approved); the review writes one rejection to the ledger.
fn planned_and_reviewed(w: &Workdir) {
    plan_2024(w);
    let copies = [
        reviewed_copy(w, "2024-D-001.xlsx", &["6=不同意|涉及未结案件".into()]),
        reviewed_copy(w, "2024-D-003.xlsx", &["6=同意".into()]),
        reviewed_copy(w, "2024-D-006.xlsx", &["4=同意".into()]),
    ];
    let mut args = vec!["review"];
    args.extend(copies.iter().map(|c| c.to_str().unwrap()));
    args.extend(["--run", RUN]);
    ok(&w.run(&args), "review");
}

#[test]
fn two_confirms_of_one_batch_at_once_record_it_exactly_once() {
    let w = Workdir::new();
    planned_and_reviewed(&w);
    let d3 = format!("{FINALS}/2024-D-003-final.xlsx");
    // Each round races two processes on a fresh ledger.
    for round in 0..8 {
        let ledger_file = format!("race-{round}/ledger.jsonl");
        let records = format!("race-{round}/records");
        let args = |witness: &'static str| -> Vec<String> {
            [
                "confirm",
                d3.as_str(),
                "--date",
                "2025-01-15",
                "--site",
                SITE,
                "--witness",
                witness,
                "--ledger",
                ledger_file.as_str(),
                "--out",
                records.as_str(),
            ]
            .map(String::from)
            .to_vec()
        };
        let (a, b) = (args("张三"), args("李四"));
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        std::fs::create_dir_all(w.path(&format!("race-{round}"))).unwrap();
        let children = [spawn(&w, &a), spawn(&w, &b)];
        let outs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
        assert!(
            codes == [Some(0), Some(1)] || codes == [Some(1), Some(0)],
            "round {round}: {codes:?}\n{}\n{}",
            stderr(&outs[0]),
            stderr(&outs[1])
        );
        let entries = ledger::read(&w.path(&ledger_file)).unwrap();
        assert_eq!(entries.len(), 1, "round {round}: {entries:?}");
        assert_eq!(entries[0].batch, "2024-D-003");
        assert_eq!(names_in(&w.path(&records)), ["销毁记录-2024-D-003.xlsx"]);
        ok(&w.run(&["ledger", "verify", &ledger_file]), "ledger verify");
    }
}

#[test]
fn next_years_plan_refuses_a_ledger_with_one_line_edited_and_writes_nothing() {
    let w = Workdir::new();
    planned_and_reviewed(&w);
    ok(
        &w.run(&confirm_destruction(
            &format!("{FINALS}/2024-D-003-final.xlsx"),
            "2025-01-15",
            &["张三"],
        )),
        "confirm 2024-D-003",
    );
    let intact = std::fs::read_to_string(w.path(LEDGER)).unwrap();
    let lines: Vec<&str> = intact.lines().collect();
    assert_eq!(lines.len(), 2, "a rejection and a destruction");
    let cases = [
        ("the rejection's comment", 0, "涉及未结案件", "无"),
        (
            "the destruction's date",
            1,
            "\"date\":\"2025-01-15\"",
            "\"date\":\"2025-01-14\"",
        ),
    ];
    for (what, at, from, to) in cases {
        assert!(lines[at].contains(from), "{what}: {}", lines[at]);
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        edited[at] = edited[at].replace(from, to);
        w.write("edited.jsonl", (edited.join("\n") + "\n").as_bytes());
        let out = w.run(&[
            "plan",
            REGISTER,
            "--as-of",
            "2025-12-31",
            "--out",
            NEXT_RUN,
            "--ledger",
            "edited.jsonl",
            "--previous",
            RUN,
            "--lang",
            "en",
        ]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{what}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        let err = stderr(&out);
        assert!(
            err.contains("edited.jsonl: the ledger's chain is broken")
                && err.contains(&format!("entry {} (line {})", at + 1, at + 1))
                && err.contains("nothing was written"),
            "{what}: {err}"
        );
        assert!(
            !w.path(NEXT_RUN).exists(),
            "{what}: a run folder was written"
        );
        assert_eq!(
            names_in(&w.path("reports")),
            ["2024-12-31", "2024-12-31-review", "ledger.jsonl", "records"]
        );
    }
    // The same plan with the ledger as written goes through.
    ok(
        &w.run(&[
            "plan",
            REGISTER,
            "--as-of",
            "2025-12-31",
            "--out",
            NEXT_RUN,
            "--ledger",
            LEDGER,
            "--previous",
            RUN,
        ]),
        "plan 2025 with the intact ledger",
    );
}

/// docs/workflow.md: review-summary.xlsx counts, "per batch and per
/// reviewer's copy: approved, rejected, deferred, not reviewed". A line a
/// reviewer left blank in their copy is not reviewed — in the batch's row
/// and in that copy's row of 按审核副本.
#[test]
fn the_review_summary_counts_a_line_left_blank_against_the_copy_that_left_it() {
    let w = Workdir::new();
    let drafts = plan_2024(&w);
    let d5 = &drafts["2024-D-005"];
    // 2024-D-002: line 1 approved, line 2 left blank. 2024-D-005: the
    // first department's copy approves its first line and leaves the rest
    // blank; the other department approves all of its lines.
    let mut copies = vec![reviewed_copy(&w, "2024-D-002.xlsx", &["6=同意".into()])];
    let departments: BTreeSet<&str> = d5.lines.iter().map(|l| l.department.as_str()).collect();
    let mut want = BTreeMap::new();
    want.insert("2024-D-002.xlsx".to_string(), [1, 0, 0, 1, 0]);
    for (k, dept) in departments.iter().enumerate() {
        let file = format!("2024-D-005-{dept}.xlsx");
        let n = d5.lines.iter().filter(|l| l.department == *dept).count();
        let edits: Vec<String> = if k == 0 {
            vec!["6=同意".into()]
        } else {
            (0..n).map(|i| format!("{}=同意", 6 + i)).collect()
        };
        let approved = edits.len();
        want.insert(file.clone(), [approved, 0, 0, n - approved, 0]);
        copies.push(reviewed_copy(&w, &file, &edits));
    }
    let mut args = vec!["review"];
    args.extend(copies.iter().map(|c| c.to_str().unwrap()));
    args.extend(["--run", RUN]);
    ok(&w.run(&args), "review");
    let summary = read_workbook(&w.path(&format!("{REVIEW}/review-summary.xlsx")));
    // The batches' rows count the blank lines as not reviewed …
    let by_batch: BTreeMap<String, Vec<String>> = summary["按批次"][1..]
        .iter()
        .map(|r| (r[0].clone(), r[2..].to_vec()))
        .collect();
    let blank_in_d5: usize = want
        .iter()
        .filter(|(f, _)| f.starts_with("2024-D-005"))
        .map(|(_, c)| c[3])
        .sum();
    assert_eq!(by_batch["2024-D-002"], ["1", "0", "0", "1", "0"]);
    assert_eq!(
        by_batch["2024-D-005"],
        [d5.lines.len() - blank_in_d5, 0, 0, blank_in_d5, 0].map(|n| n.to_string())
    );
    // … and so must the row of the copy in which they were left blank.
    let by_copy: BTreeMap<String, Vec<String>> = summary["按审核副本"][1..]
        .iter()
        .map(|r| (r[1].clone(), r[2..].to_vec()))
        .collect();
    let want: BTreeMap<String, Vec<String>> = want
        .into_iter()
        .map(|(f, c)| (f, c.map(|n| n.to_string()).to_vec()))
        .collect();
    assert_eq!(
        by_copy, want,
        "review-summary.xlsx [按审核副本]: approved, rejected, deferred, not reviewed, dropped per copy"
    );
}

/// Two holdings of one department registered under one number (the plan
/// flags DUPLICATE_ID): one is transferred to the archive, the other stays
/// on a return list. Next year the register shows the first 已归档 — the
/// ledger's one item is accounted for — and the second still 在库, as it
/// is. The second has not reappeared: the ledger never recorded it gone.
/// (Last year's holdings are matched the same way for MISSING: by count.)
#[test]
fn a_holding_sharing_its_number_with_one_transferred_has_not_reappeared() {
    let w = Workdir::new();
    plan_2024(&w);
    let decisions_2024 = read_csv(&w.path(&format!("{RUN}/decisions.csv")));
    ok(
        &w.run(&[
            "confirm",
            &format!("{RUN}/lists/归档移交清单.xlsx"),
            "--date",
            "2025-01-12",
            "--receiver",
            "赵六",
        ]),
        "confirm the transfer",
    );
    let entries = ledger::read(&w.path(LEDGER)).unwrap();
    assert_eq!(entries.len(), 1);
    let items = &entries[0].items;
    let rows: BTreeSet<String> = items.iter().map(|i| i.source_row.to_string()).collect();
    // The holdings not transferred that share a transferred one's number
    // and department.
    let twins: Vec<&BTreeMap<String, String>> = decisions_2024
        .iter()
        .filter(|r| r["source_sheet"] == MAIN_SHEET && !rows.contains(&r["source_row"]))
        .filter(|r| {
            items
                .iter()
                .any(|i| i.doc_id == r["doc_id"] && i.department == r["department"])
        })
        .collect();
    assert!(!twins.is_empty(), "the sample has such a pair");
    let mut args = vec![
        REGISTER.to_string(),
        "register-2025.xlsx".into(),
        MAIN_SHEET.into(),
    ];
    args.extend(items.iter().map(|i| format!("{}=已归档", i.source_row)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    w.python("next_year_register.py", &args);
    ok(
        &w.run(&[
            "plan",
            "register-2025.xlsx",
            "--as-of",
            "2025-12-31",
            "--out",
            NEXT_RUN,
            "--ledger",
            LEDGER,
        ]),
        "plan 2025",
    );
    let decisions = read_csv(&w.path(&format!("{NEXT_RUN}/decisions.csv")));
    for twin in twins {
        let r = decisions
            .iter()
            .find(|r| r["source_sheet"] == MAIN_SHEET && r["source_row"] == twin["source_row"])
            .unwrap();
        assert_eq!(r["doc_id"], twin["doc_id"]);
        assert!(
            !r["anomalies"].contains("REAPPEARED") && r["rule"] != "LEDGER",
            "{} (row {}, {} in 2024, 状态 {:?}) was never recorded gone, yet: {} {} [{}] {}",
            r["doc_id"],
            r["source_row"],
            twin["disposition"],
            r["status"],
            r["disposition"],
            r["rule"],
            r["anomalies"],
            r["reason"]
        );
    }
}
