//! `clearance verify PATH...`: reports, line by line, any item of a
//! manifest changed, added or removed since it was issued. Exit 0 when every
//! manifest is intact, 1 when any is not (or cannot be read).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::{Lang, VerifyConfig};
use crate::labels::{self, Counted};
use crate::manifest::verify::{self, IndexCheck, Verified};
use crate::run_folder::RunInfo;

use super::Outcome;
use super::summary::{Summary, commands, path_arg, xlsx_in};

/// The manifests verified, by verdict.
#[derive(Default)]
struct Verdicts {
    /// Those found as issued.
    intact: Vec<Verified>,
    /// Those changed since issue.
    changed: Vec<Verified>,
    /// How many could not be read.
    unreadable: u64,
}

/// Runs `verify` on files and folders.
pub fn run(config: &VerifyConfig) -> Result<Outcome> {
    let lang = config.lang;
    let files = verify::collect(&config.paths)?;
    let mut s = Summary::new(lang);
    let mut verdicts = Verdicts::default();
    for file in files {
        match verify::verify_file(&file) {
            Ok(v) if v.intact() => {
                verdict_intact(s.report(), &v, lang);
                verdicts.intact.push(v);
            }
            Ok(v) => {
                verdict_changed(&mut s, &v);
                verdicts.changed.push(v);
            }
            Err(e) => {
                verdicts.unreadable += 1;
                eprintln!("error: {e:#}");
            }
        }
    }
    s.read(read_line(&verdicts, lang));
    decided(&mut s, &verdicts);
    let ok = verdicts.changed.is_empty() && verdicts.unreadable == 0;
    next(&mut s, &config.paths, &verdicts.intact, ok);
    s.print();
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::DataError
    })
}

/// What was read: how many manifests, drafts and final ones.
fn read_line(verdicts: &Verdicts, lang: Lang) -> String {
    let Verdicts {
        intact,
        changed,
        unreadable,
    } = verdicts;
    let read = (intact.len() + changed.len()) as u64 + unreadable;
    let finals = intact
        .iter()
        .chain(changed)
        .filter(|v| v.heading.is_final())
        .count() as u64;
    match lang {
        Lang::Zh => format!(
            "{}（送审稿 {}，正式清单 {finals}）",
            labels::count(read, Counted::Manifest, lang),
            read - finals - unreadable,
        ),
        Lang::En => format!(
            "{} ({} draft, {finals} final)",
            labels::count(read, Counted::Manifest, lang),
            read - finals - unreadable,
        ),
    }
}

/// What was decided: how many manifests are intact, changed and
/// unreadable; the unreadable ones need attention.
fn decided(s: &mut Summary, verdicts: &Verdicts) {
    let lang = s.lang();
    let unreadable = verdicts.unreadable;
    s.decides();
    for (label, n) in [
        (lang.pick("完好", "intact"), verdicts.intact.len() as u64),
        (
            lang.pick("被改动", "CHANGED"),
            verdicts.changed.len() as u64,
        ),
        (lang.pick("无法读取", "unreadable"), unreadable),
    ] {
        if n > 0 {
            s.decided(label, n, Counted::Manifest);
        }
    }
    if unreadable > 0 {
        s.attention(match lang {
            Lang::Zh => format!("{unreadable} 份无法读取（原因见上面的错误信息）"),
            Lang::En => format!("{unreadable} could not be read (the errors above say why)"),
        });
    }
}

/// The verdict of a manifest changed since issue: each finding, and the
/// copy to replace.
fn verdict_changed(s: &mut Summary, v: &Verified) {
    let lang = s.lang();
    let out = s.report();
    let _ = match lang {
        Lang::Zh => writeln!(out, "{}：签发后被改动 — 批次 {}", v.path.display(), v.batch),
        Lang::En => writeln!(
            out,
            "{}: CHANGED since issue — batch {}",
            v.path.display(),
            v.batch
        ),
    };
    for f in &v.findings {
        let _ = writeln!(out, "  {f}");
    }
    s.attention(match lang {
        Lang::Zh => format!(
            "{}：签发后被改动（{} 处）；review 和 confirm 都会拒收这份副本：请取得一份与签发时一致的副本",
            v.path.display(),
            v.findings.len()
        ),
        Lang::En => format!(
            "{}: changed since issue ({}); review and confirm will refuse this copy: get a copy as issued",
            v.path.display(),
            labels::count(v.findings.len() as u64, Counted::Problem, lang)
        ),
    });
}

/// The verdict of an intact manifest.
fn verdict_intact(out: &mut String, v: &Verified, lang: Lang) {
    let lines = labels::count(v.lines as u64, Counted::Line, lang);
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "{}：完好 — 批次 {}，{lines}{}",
            v.path.display(),
            v.batch,
            if v.index == IndexCheck::Absent {
                "（只核对了内部一致性：旁边没有 index.csv 可以比对摘要）"
            } else {
                ""
            }
        ),
        Lang::En => writeln!(
            out,
            "{}: intact — batch {}, {lines}{}",
            v.path.display(),
            v.batch,
            if v.index == IndexCheck::Absent {
                " (internal consistency only: no index.csv beside it to compare the digest with)"
            } else {
                ""
            }
        ),
    };
}

/// What to run next: verify again when a copy was refused; else review
/// the drafts (the issued ones once the committee has reviewed them), or
/// confirm the first final manifest.
fn next(s: &mut Summary, paths: &[PathBuf], intact: &[Verified], ok: bool) {
    let lang = s.lang();
    if !ok || intact.is_empty() {
        let args: Vec<String> = paths.iter().map(|p| path_arg(p)).collect();
        s.next(
            format!("clearance verify {}", args.join(" ")),
            vec![
                lang.pick(
                    "换上与签发时一致的副本之后再核对一次",
                    "once each refused copy is replaced by one as issued",
                )
                .to_string(),
            ],
        );
        return;
    }
    if let Some(draft) = intact.iter().find(|v| !v.heading.is_final()) {
        let issued_run = issued_by_run(&draft.path);
        let run = issued_run
            .clone()
            .unwrap_or_else(|| PathBuf::from("reports").join(&draft.heading.as_of));
        if issued_run.is_some() {
            // The run's own drafts: the committee has not reviewed them yet.
            s.next(
                commands::review(commands::REVIEWED, &run),
                vec![match lang {
                    Lang::Zh => format!(
                        "先由委员会审核 {} 中的送审清单，审核后的副本放入 reviewed/",
                        run.join("manifests").display()
                    ),
                    Lang::En => format!(
                        "first the committee reviews the drafts in {}; put the reviewed copies in reviewed/",
                        run.join("manifests").display()
                    ),
                }],
            );
        } else {
            let reviewed: Vec<String> = paths
                .iter()
                .map(|p| if p.is_dir() { xlsx_in(p) } else { path_arg(p) })
                .collect();
            s.next(commands::review(&reviewed.join(" "), &run), Vec::new());
        }
        return;
    }
    let first = &intact[0];
    s.next(
        commands::confirm_destruction(&first.path, first.heading.witnesses, lang),
        vec![commands::confirm_destruction_note(intact.len(), lang)],
    );
}

/// The run folder whose `manifests/` holds this file, if it is one.
fn issued_by_run(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    if dir.file_name()? != "manifests" {
        return None;
    }
    let run = dir.parent()?;
    RunInfo::read(run).ok().map(|_| run.to_path_buf())
}
