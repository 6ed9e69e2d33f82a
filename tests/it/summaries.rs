//! Issue 9: every command ends with the same summary — what was read, what
//! was decided (where it applies), where the outputs are, what needs
//! attention, and the next command of the year's work — in Chinese by
//! default, in English with `--lang en` or a policy's `[unit] lang`.
//!
//! A year on the sample, each command run in both languages: the summary
//! has every part in order and ends with a `clearance …` line; the Chinese
//! one has the Chinese headings; the English one has no Chinese outside
//! data (file, sheet and unit names, the register's own words, names
//! typed on the command line). The next command a summary names is run
//! where it can be.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use super::util::{Workdir, read_workbook, repo, stderr, stdout};

/// A summary's headings, in order: title, read, decided, written, needs
/// attention, next.
const ZH: [&str; 6] = [
    "── 小结 ──",
    "读取：",
    "决定",
    "写出：",
    "需要注意：",
    "下一步：clearance ",
];
const EN: [&str; 6] = [
    "── summary ──",
    "read:",
    "decided",
    "written:",
    "needs attention:",
    "next: clearance ",
];

/// The subcommands a summary may name next.
const COMMANDS: [&str; 9] = [
    "policy", "validate", "plan", "verify", "review", "confirm", "status", "ledger", "diff",
];

/// Whether a character is Chinese (ideographs, CJK and full-width
/// punctuation).
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

/// The runs of Chinese characters in a text.
fn cjk_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// The year on the sample: the folder, and the Chinese words that are
/// data there.
struct Year {
    w: Workdir,
    data: BTreeSet<String>,
}

impl Year {
    fn new() -> Year {
        let w = Workdir::new();
        w.copy_sample();
        // Every text of the register (its sheet names, headers and cells)
        // is data, and so is every name typed below.
        let mut data = BTreeSet::new();
        for (sheet, rows) in read_workbook(&w.path("sample.xlsx")) {
            data.extend(cjk_runs(&sheet));
            for cell in rows.iter().flatten() {
                data.extend(cjk_runs(cell));
            }
        }
        for name in ["市保密局销毁中心", "张三", "李四", "王五", "赵六"] {
            data.insert(name.to_string());
        }
        Year { w, data }
    }

    /// Runs `clearance ARGS`; exit code 0 expected unless `code` says.
    fn run(&self, args: &[&str], code: i32) -> String {
        let out = self.w.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "clearance {}\n{}{}",
            args.join(" "),
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    }

    /// The file names under the folder: data too (lists and records are
    /// named after units and batches).
    fn file_names(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut pending = vec![self.w.dir.path().to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                out.extend(cjk_runs(&entry.file_name().to_string_lossy()));
                if entry.path().is_dir() {
                    pending.push(entry.path());
                }
            }
        }
        out
    }

    /// Runs `clearance ARGS` (Chinese, the default) and checks its
    /// summary.
    fn zh(&self, args: &[&str], decides: bool, code: i32) -> String {
        let zh = self.run(args, code);
        assert_summary(&zh, &ZH, decides, args);
        zh
    }

    /// Runs `clearance ARGS --lang en` and checks its summary, and that
    /// it has no Chinese but data.
    fn en(&self, args: &[&str], decides: bool, code: i32) -> String {
        let mut en_args = args.to_vec();
        en_args.extend(["--lang", "en"]);
        let en = self.run(&en_args, code);
        assert_summary(&en, &EN, decides, &en_args);
        let data: BTreeSet<String> = self.data.union(&self.file_names()).cloned().collect();
        for line in summary_lines(&en) {
            for run in cjk_runs(line) {
                assert!(
                    data.contains(&run),
                    "clearance {}: «{run}» is not data, in the English line\n{line}\n{en}",
                    en_args.join(" ")
                );
            }
        }
        en
    }

    /// Runs `clearance ARGS` in both languages and checks both summaries;
    /// returns the Chinese output. `then` undoes what the first run did,
    /// when a command cannot run twice (or `None`).
    fn both(&self, args: &[&str], decides: bool, code: i32, then: Option<&dyn Fn()>) -> String {
        let zh = self.zh(args, decides, code);
        if let Some(undo) = then {
            undo();
        }
        self.en(args, decides, code);
        zh
    }
}

/// The lines of the summary (from its title to the end).
fn summary_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == ZH[0] || *l == EN[0])
        .unwrap_or_else(|| panic!("no summary in\n{text}"));
    lines[start..].to_vec()
}

/// The summary is the end of the output, once, with its parts in order
/// ("decided" only where the command decides), the next command last.
fn assert_summary(text: &str, headings: &[&str; 6], decides: bool, args: &[&str]) {
    let what = format!("clearance {}", args.join(" "));
    assert_eq!(
        text.lines().filter(|l| *l == headings[0]).count(),
        1,
        "{what}: one summary titled {}\n{text}",
        headings[0]
    );
    let lines = summary_lines(text);
    assert_eq!(lines[0], headings[0], "{what}\n{text}");
    let mut at = 0;
    for (k, heading) in headings.iter().enumerate().skip(1) {
        let found = lines.iter().position(|l| l.starts_with(heading));
        if k == 2 && !decides {
            assert!(found.is_none(), "{what}: decides nothing\n{text}");
            continue;
        }
        let found = found.unwrap_or_else(|| panic!("{what}: no «{heading}» in\n{text}"));
        assert!(found > at, "{what}: «{heading}» out of order\n{text}");
        at = found;
    }
    let next = lines[at].strip_prefix(headings[5]).unwrap();
    let command = next.split_whitespace().next().unwrap_or("");
    assert!(
        COMMANDS.contains(&command),
        "{what}: the next command is not one of clearance's: {next}"
    );
    // After the next command come only notes on it, indented.
    assert!(
        lines[at + 1..].iter().all(|l| l.starts_with("  ")),
        "{what}: the next command is the summary's last part\n{text}"
    );
}

/// The next command a summary names (its line, after `下一步：`).
fn next_command(text: &str) -> String {
    summary_lines(text)
        .iter()
        .find_map(|l| {
            l.strip_prefix("下一步：")
                .or_else(|| l.strip_prefix("next: "))
        })
        .expect("a next command")
        .to_string()
}

/// Fills in the whole-batch decision of a reviewed copy with openpyxl.
fn approve_whole_batch(w: &Workdir, copy: &Path) {
    let out: Output = Command::new("python3")
        .current_dir(w.dir.path())
        .arg(repo().join("tests/fixtures/review_manifests.py"))
        .arg(copy)
        .arg("4=同意")
        .output()
        .expect("python3 (with openpyxl) is installed by scripts/test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_command_ends_with_the_summary_in_both_languages() {
    let y = Year::new();
    let w = &y.w;

    // The policy.
    let text = y.both(
        &["policy", "init", "p.toml"],
        false,
        0,
        Some(&|| std::fs::remove_file(w.path("p.toml")).unwrap()),
    );
    assert!(
        text.contains("下一步：clearance policy check p.toml\n"),
        "{text}"
    );
    let text = y.both(&["policy", "check", "p.toml"], false, 0, None);
    assert!(
        text.contains("下一步：clearance validate 登记簿… --policy p.toml\n"),
        "{text}"
    );

    // Validate, then plan: the plan's next command is the review of its
    // drafts, with the run folder.
    let text = y.both(&["validate", "sample.xlsx"], false, 0, None);
    assert!(
        text.contains("下一步：clearance plan sample.xlsx\n"),
        "{text}"
    );
    assert!(text.contains("需要注意：\n  ! "), "{text}");
    // (The English plan writes English documents: into a folder of its
    // own.)
    let text = y.zh(&["plan", "sample.xlsx", "--as-of", "2024-12-31"], true, 0);
    for part in [
        "读取：1 个文件，3 个工作表，数据 222 行",
        "决定（基准日期 2024-12-31）：\n  销毁      11 件\n",
        "  待审核    19 件\n",
        "写出：\n  reports/2024-12-31（plan.xlsx、",
        "  ! 9 件疑似丢失",
        "  ! 19 件待审核：",
        "  ! sample.xlsx [填表说明]：未找到登记簿表头",
        "下一步：clearance review reviewed/*.xlsx --run reports/2024-12-31\n",
    ] {
        assert!(text.contains(part), "no «{part}» in\n{text}");
    }
    let en = y.en(
        &[
            "plan",
            "sample.xlsx",
            "--as-of",
            "2024-12-31",
            "--out",
            "en-run",
        ],
        true,
        0,
    );
    for part in [
        "decided (as of 2024-12-31):\n  DESTROY   11 holdings\n",
        "  ! 9 holdings LOSS_SUSPECTED",
        "other anomalies: OVERDUE 37",
        "next: clearance review reviewed/*.xlsx --run en-run\n",
    ] {
        assert!(en.contains(part), "no «{part}» in\n{en}");
    }

    // The committee approves two batches as a whole; verify, then review:
    // its next command confirms the first final manifest.
    std::fs::create_dir_all(w.path("reviewed")).unwrap();
    for batch in ["2024-D-001", "2024-D-002"] {
        let copy = w.path(&format!("reviewed/{batch}.xlsx"));
        std::fs::copy(
            w.path(&format!("reports/2024-12-31/manifests/{batch}.xlsx")),
            &copy,
        )
        .unwrap();
        approve_whole_batch(w, &copy);
    }
    let text = y.both(&["verify", "reviewed"], true, 0, None);
    assert!(
        text.contains("下一步：clearance review reviewed/*.xlsx --run reports/2024-12-31\n"),
        "{text}"
    );
    y.both(&["verify", "reports/2024-12-31"], true, 0, None);
    let review = [
        "review",
        "reviewed/2024-D-001.xlsx",
        "reviewed/2024-D-002.xlsx",
        "--run",
        "reports/2024-12-31",
        "--force",
    ];
    let text = y.both(&review, true, 0, None);
    assert!(text.contains("决定：同意  3 行\n"), "{text}");
    let next = next_command(&text);
    assert!(
        next.starts_with(
            "clearance confirm reports/2024-12-31-review/final/2024-D-001-final.xlsx --date YYYY-MM-DD --site 销毁地点 --witness 姓名"
        ),
        "{text}"
    );

    // Confirm as the review said (placeholders filled in), then a return
    // in English; each names the status of the run next.
    let mut names = ["张三", "李四", "王五"].into_iter();
    let confirm: Vec<&str> = next
        .split_whitespace()
        .skip(1)
        .map(|word| match word {
            "YYYY-MM-DD" => "2025-01-15",
            "销毁地点" => "市保密局销毁中心",
            "姓名" => names.next().expect("at most three witnesses"),
            other => other,
        })
        .collect();
    let text = y.run(&confirm, 0);
    assert_summary(&text, &ZH, true, &confirm);
    assert!(
        text.contains("下一步：clearance status reports/2024-12-31\n"),
        "{text}"
    );
    let list = "reports/2024-12-31/lists/清退清单-市委办公室.xlsx";
    let en = y.en(
        &[
            "confirm",
            list,
            "--date",
            "2025-01-10",
            "--receiver",
            "王五",
        ],
        true,
        0,
    );
    assert!(
        en.contains("decided: RETURN (2025-01-10, 市委办公室)"),
        "{en}"
    );

    // Where the clearance stands; the ledger; the comparison of two runs.
    let text = y.both(&["status", "reports/2024-12-31"], true, 0, None);
    assert!(
        text.contains("  ! 2024-D-002：正式清单待销毁后确认"),
        "{text}"
    );
    assert!(
        next_command(&text)
            .starts_with("clearance confirm reports/2024-12-31-review/final/2024-D-002-final.xlsx"),
        "{text}"
    );
    let text = y.both(&["ledger", "verify"], false, 0, None);
    assert!(text.contains("哈希链完好"), "{text}");
    let text = y.both(&["ledger", "show"], true, 0, None);
    assert!(text.contains("  销毁  "), "{text}");
    assert!(text.contains("下一步：clearance ledger verify\n"), "{text}");
    let text = y.both(
        &["diff", "reports/2024-12-31", "en-run", "--out", "d.xlsx"],
        false,
        0,
        None,
    );
    assert!(text.contains("写出：d.xlsx\n"), "{text}");
}

#[test]
fn a_changed_manifest_and_a_broken_ledger_need_attention() {
    let y = Year::new();
    let w = &y.w;
    y.run(&["plan", "sample.xlsx", "--as-of", "2024-12-31"], 0);
    // Another file named like a manifest is refused: verify says so and
    // names itself again as the next command.
    std::fs::create_dir_all(w.path("reviewed")).unwrap();
    std::fs::copy(w.path("sample.xlsx"), w.path("reviewed/2024-D-001.xlsx")).unwrap();
    let text = y.both(&["verify", "reviewed"], true, 1, None);
    assert!(text.contains("决定：无法读取  1 份清单\n"), "{text}");
    assert!(
        text.contains("下一步：clearance verify reviewed\n"),
        "{text}"
    );

    let ledger = "{\"seq\":1}\n";
    w.write("broken.jsonl", ledger.as_bytes());
    let text = y.both(&["ledger", "verify", "broken.jsonl"], false, 1, None);
    assert!(text.contains("哈希链已断开"), "{text}");
    assert!(
        text.contains("需要注意：\n  ! 台账在写入后被改动"),
        "{text}"
    );
}

#[test]
fn the_policy_sets_the_default_language_and_the_flag_overrides_it() {
    let y = Year::new();
    let w = &y.w;
    let english = clearance::policy::DEFAULT_POLICY.replace("lang = \"zh\"", "lang = \"en\"");
    assert_ne!(
        english,
        clearance::policy::DEFAULT_POLICY,
        "[unit] lang is zh"
    );
    w.write("en.toml", english.as_bytes());

    let text = y.run(&["validate", "sample.xlsx", "--policy", "en.toml"], 0);
    assert_summary(&text, &EN, false, &["validate"]);
    assert!(
        text.contains("next: clearance plan sample.xlsx --policy en.toml\n"),
        "{text}"
    );
    let text = y.run(&["policy", "check", "en.toml"], 0);
    assert_summary(&text, &EN, false, &["policy", "check"]);
    let text = y.run(
        &[
            "plan",
            "sample.xlsx",
            "--policy",
            "en.toml",
            "--as-of",
            "2024-12-31",
        ],
        0,
    );
    assert_summary(&text, &EN, true, &["plan"]);

    let text = y.run(
        &[
            "validate",
            "sample.xlsx",
            "--policy",
            "en.toml",
            "--lang",
            "zh",
        ],
        0,
    );
    assert_summary(&text, &ZH, false, &["validate", "--lang", "zh"]);
    // Without a policy (and without the flag), Chinese.
    let text = y.run(&["status", "reports/2024-12-31"], 0);
    assert_summary(&text, &ZH, true, &["status"]);
}
