//! Every example in every `--help` text runs, against the shipped sample,
//! in a fresh folder (issue 9): the help is the manual a clerk reads once a
//! year, and an example that fails there is a bug.
//!
//! The examples of the commands are run in the order `clearance --help`
//! lists the commands, which is the order of the year's work, in one
//! folder holding `data/sample-register.xlsx`, with the program on the
//! PATH. The committee's part (filling in the draft manifests) is done by
//! this test between `plan` and `verify`, as a reviewer would: the drafts
//! are copied to `reviewed/` and each whole-batch cell set to 同意. An
//! example that needs a later step's output (next year's plan needs the
//! ledger that `confirm` writes) is run again once every other example has
//! run; an example that fails twice fails the test.

use std::path::Path;
use std::process::Command;

use clap::CommandFactory;
use clearance::cli::Cli;

use super::util::{Workdir, repo};

/// The example command lines of a help text: the lines after "Examples:"
/// that start with "clearance ".
fn examples_of(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Examples:")
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| l.starts_with("clearance "))
        .map(str::to_string)
        .collect()
}

/// Every command's examples, in the order of the help: (command path,
/// example).
fn all_examples() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut top = Cli::command();
    top.build();
    let mut stack: Vec<(String, clap::Command)> = top
        .get_subcommands()
        .map(|c| (c.get_name().to_string(), c.clone()))
        .collect();
    stack.reverse();
    while let Some((name, mut command)) = stack.pop() {
        let help = command.render_long_help().to_string();
        out.extend(examples_of(&help).into_iter().map(|e| (name.clone(), e)));
        let mut subs: Vec<(String, clap::Command)> = command
            .get_subcommands()
            .map(|sub| (format!("{name} {}", sub.get_name()), sub.clone()))
            .collect();
        subs.reverse();
        stack.extend(subs);
    }
    out
}

/// Runs one example line through `sh` with the program on the PATH.
fn run_example(w: &Workdir, line: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_clearance"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(w.path(""))
        .env("PATH", path)
        .output()
        .expect("sh runs")
}

/// The committee's part: every draft manifest copied to reviewed/ with its
/// whole-batch decision set to 同意.
fn committee_approves_every_batch(w: &Workdir) {
    let script = r#"
import glob, os, shutil, sys
import openpyxl
os.makedirs("reviewed", exist_ok=True)
for f in sorted(glob.glob("reports/2024-12-31/manifests/2024-D-*.xlsx")):
    wb = openpyxl.load_workbook(f)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[5]]
    ws.cell(row=4, column=header.index("审核意见") + 1).value = "同意"
    wb.save(os.path.join("reviewed", os.path.basename(f)))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .current_dir(w.path(""))
        .output()
        .expect("python3 with openpyxl (installed by scripts/test)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_command_has_examples() {
    let mut top = Cli::command();
    top.build();
    for command in top.get_subcommands() {
        if command.get_name() == "help" {
            continue;
        }
        let help = command.clone().render_long_help().to_string();
        assert!(
            !examples_of(&help).is_empty(),
            "`clearance {} --help` has no Examples section",
            command.get_name()
        );
    }
}

#[test]
fn every_help_example_runs_on_the_sample() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("data")).unwrap();
    std::fs::copy(
        repo().join("data/sample-register.xlsx"),
        w.path("data/sample-register.xlsx"),
    )
    .unwrap();
    let examples = all_examples();
    assert!(examples.len() >= 20, "{examples:?}");
    let mut failed = Vec::new();
    let mut committee_done = false;
    for (command, line) in &examples {
        if !committee_done && !["policy", "validate", "plan"].contains(&command.as_str()) {
            committee_approves_every_batch(&w);
            committee_done = true;
        }
        let out = run_example(&w, line);
        if !out.status.success() {
            failed.push((command.clone(), line.clone()));
        }
    }
    let mut still_failing = Vec::new();
    for (command, line) in failed {
        let out = run_example(&w, &line);
        if !out.status.success() {
            still_failing.push(format!(
                "clearance {command}: `{line}` exited {:?}\n{}{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(still_failing.is_empty(), "{}", still_failing.join("\n\n"));
    // What the examples wrote is there and is what it says.
    let bash = std::fs::read_to_string(w.path("clearance.bash")).unwrap();
    assert!(
        bash.contains("clearance") && bash.contains("confirm"),
        "{bash}"
    );
    let man = std::fs::read_to_string(w.path("clearance.1")).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH clearance"),
        "{man}"
    );
    assert!(w.path("man/clearance-plan.1").is_file());
    assert!(w.path("reports/records/销毁记录-2024-D-001.xlsx").is_file());
}
