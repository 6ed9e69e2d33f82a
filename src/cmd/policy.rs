//! `clearance policy check` and `clearance policy init`: the policy file an
//! office edits instead of the program.
//!
//! `check` reports on a policy its configuration loaded (a policy that
//! does not load is refused there, naming the key); `init` writes the
//! shipped one.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::config::{Lang, PolicyAction, PolicyConfig};
use crate::labels::{self, Counted, Placeholder};
use crate::policy::{DEFAULT_POLICY, PlanPolicy, Policy};

use super::Outcome;
use super::summary::{Summary, path_arg};

/// Runs `policy check` or `policy init`.
pub fn run(config: &PolicyConfig) -> Result<Outcome> {
    match &config.action {
        PolicyAction::Check { file, policy } => Ok(check(file, policy, config.lang)),
        PolicyAction::Init { path, force } => init(path, *force, config.lang),
    }
}

/// Says what the policy holds, its warnings and notices; exit 1 when it
/// has warnings.
fn check(file: &Path, policy: &Policy, lang: Lang) -> Outcome {
    let plan = &policy.plan;
    let mut s = Summary::new(lang);
    s.read(contents(file, plan, lang));
    for warning in &plan.warnings {
        s.attention(format!(
            "{}{warning}",
            lang.pick(labels::WARNING.0, labels::WARNING.1)
        ));
    }
    for notice in &plan.notices {
        s.attention(format!(
            "{}{notice}",
            lang.pick(labels::NOTE.0, labels::NOTE.1)
        ));
    }
    if plan.example_schedule {
        s.attention(example_schedule_warning(lang));
    }
    let ok = plan.warnings.is_empty();
    next(&mut s, file, ok);
    s.print();
    if ok {
        Outcome::Success
    } else {
        Outcome::DataError
    }
}

/// What the policy `file` holds: the verdict, the fields with aliases,
/// the rules and their cases, the schedule's entries.
fn contents(file: &Path, plan: &PlanPolicy, lang: Lang) -> String {
    let cases: usize = plan.rules.iter().map(|r| r.cases.len()).sum();
    let verdict = if plan.warnings.is_empty() {
        lang.pick("可以使用", "ok")
    } else {
        lang.pick("有警告", "has warnings")
    };
    let rules = labels::count(plan.rules.len() as u64, Counted::Rule, lang);
    match lang {
        Lang::Zh => format!(
            "{}：{verdict} — {} 个字段的别名，{rules}（{cases} 种情形），保管期限表 {} 项",
            file.display(),
            crate::fields::Field::ALL.len(),
            plan.schedule.len()
        ),
        Lang::En => format!(
            "{}: {verdict} — {} aliases' fields, {rules} ({cases} cases), {} schedule entries",
            file.display(),
            crate::fields::Field::ALL.len(),
            plan.schedule.len()
        ),
    }
}

/// The command to run next: `clearance validate` with this policy when it
/// is `ok`, else `clearance policy check` again once it is corrected.
fn next(s: &mut Summary, file: &Path, ok: bool) {
    let lang = s.lang();
    let file_arg = path_arg(file);
    if ok {
        s.next(
            format!(
                "clearance validate {} --policy {file_arg}",
                labels::placeholder(Placeholder::Registers, lang)
            ),
            Vec::new(),
        );
    } else {
        s.next(
            format!("clearance policy check {file_arg}"),
            vec![
                lang.pick(
                    "改正上面的警告之后再检查一次",
                    "once the warnings above are corrected",
                )
                .to_string(),
            ],
        );
    }
}

/// The warning that the retention schedule is the shipped example.
pub(super) fn example_schedule_warning(lang: Lang) -> String {
    lang.pick(
        "保管期限表是随附的示例，不是本单位批准的归档范围和保管期限表：请替换政策文件中的 [schedule]",
        "the retention schedule is the shipped example, not the one your office approved: replace [schedule] in your policy",
    )
    .to_string()
}

/// Writes the shipped policy to `path`.
fn init(path: &Path, force: bool, lang: Lang) -> Result<Outcome> {
    if path.exists() && !force {
        bail!("{} exists; use --force to overwrite it", path.display());
    }
    crate::output::write_atomically(path, |f| {
        Ok(std::io::Write::write_all(f, DEFAULT_POLICY.as_bytes())?)
    })
    .with_context(|| format!("writing {}", path.display()))?;
    let mut s = Summary::new(lang);
    s.read(lang.pick("随附的默认政策", "the shipped default policy"));
    s.written(match lang {
        Lang::Zh => format!("{}（默认政策，供编辑）", path.display()),
        Lang::En => format!("{} (the default policy, to edit)", path.display()),
    });
    s.attention(lang.pick(
        "编辑其中的 [unit] name（本单位名称）、[schedule]（本单位的保管期限表）和 [aliases]（本单位登记簿的列名）",
        "edit its [unit] name (your office), [schedule] (your retention schedule) and [aliases] (your registers' column names)",
    ));
    s.next(
        format!("clearance policy check {}", path_arg(path)),
        Vec::new(),
    );
    s.print();
    Ok(Outcome::Success)
}
