//! `clearance explain` on the sample: a held, a returned, a destroyed, a
//! declassified and a reviewed holding, each compared with what `plan`
//! wrote for it in decisions.csv (read here, independently of the
//! command): the deciding rule is the one plan names, every case before it
//! is shown failing with at least one failing condition, and nothing after
//! it is shown.

use std::collections::BTreeMap;

use super::util::{Workdir, read_csv, stderr, stdout};

const AS_OF: &str = super::util::SAMPLE_AS_OF;

type Row = BTreeMap<String, String>;

/// The sample planned as of [`AS_OF`]: its decisions by doc_id (the ids
/// used below occur once).
fn planned(w: &Workdir) -> BTreeMap<String, Row> {
    w.plan_sample("run", &["--lang", "en"]);
    read_csv(&w.path("run/decisions.csv"))
        .into_iter()
        .map(|r| (r["doc_id"].clone(), r))
        .collect()
}

fn explain(w: &Workdir, doc_id: &str, extra: &[&str]) -> String {
    let mut args = vec!["explain", doc_id, "sample.xlsx", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let out = w.run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "explain {doc_id}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// The rule cases the explanation lists, in order: (matched, rule, the
/// lines of its conditions).
fn cases(text: &str) -> Vec<(bool, String, Vec<String>)> {
    let mut out: Vec<(bool, String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("✓ ").or_else(|| t.strip_prefix("✗ ")) {
            let rule = rest.split('#').next().unwrap_or("").to_string();
            out.push((t.starts_with('✓'), rule, Vec::new()));
        } else if line.starts_with("      ")
            && let Some(last) = out.last_mut()
        {
            last.2.push(t.to_string());
        }
    }
    out
}

/// Checks the explanation of `doc_id` against plan's decision of it, and
/// returns the explanation.
fn check(w: &Workdir, plan: &BTreeMap<String, Row>, doc_id: &str, disposition: &str) -> String {
    let row = &plan[doc_id];
    assert_eq!(row["disposition"], disposition, "{doc_id} in decisions.csv");
    let text = explain(w, doc_id, &["--lang", "en"]);
    assert!(
        text.contains(&format!("({disposition}), by {}", row["rule"])),
        "{doc_id}: the disposition and rule plan wrote:\n{text}"
    );
    assert!(
        text.contains(&row["reason"]),
        "{doc_id}: plan's reason\n{text}"
    );
    let listed = cases(&text);
    let (last, before) = listed.split_last().expect("rule cases listed");
    if row["rule"].starts_with('R') {
        assert!(
            last.0,
            "{doc_id}: the last case shown is the deciding one\n{text}"
        );
        assert_eq!(last.1, row["rule"], "{doc_id}: deciding rule\n{text}");
        assert!(
            last.2
                .iter()
                .all(|c| c.ends_with("holds") || c == "(no conditions: always holds)"),
            "{doc_id}: every condition of the deciding case holds\n{text}"
        );
    }
    for (matched, rule, conditions) in before {
        assert!(
            !matched,
            "{doc_id}: {rule} shown before the deciding case matched\n{text}"
        );
        assert!(
            conditions.iter().any(|c| c.ends_with("fails")),
            "{doc_id}: {rule} names the condition that failed\n{text}"
        );
    }
    for (field, shown) in [("source_row", "row "), ("title", "title: ")] {
        assert!(
            text.contains(&format!("{shown}{}", row[field])),
            "{doc_id}: {field}\n{text}"
        );
    }
    text
}

#[test]
fn explain_shows_the_deciding_rule_and_the_failing_conditions_before_it() {
    let w = Workdir::new();
    let plan = planned(&w);
    let held = check(&w, &plan, "机要〔2018〕143号", "HOLD");
    assert!(held.contains("cells as read:"), "{held}");

    let returned = check(&w, &plan, "机要〔2022〕38号", "RETURN");
    assert!(returned.contains("return destination"), "{returned}");
    assert!(
        returned.contains(&plan["机要〔2022〕38号"]["destination"]),
        "{returned}"
    );

    let destroyed = check(&w, &plan, "机要〔2016〕252号", "DESTROY");
    assert!(destroyed.contains("destruction method: "), "{destroyed}");
    assert!(
        destroyed.contains(&plan["机要〔2016〕252号"]["destruction_level"]),
        "{destroyed}"
    );
    assert!(destroyed.contains("retention: "), "{destroyed}");

    // Declassified on the date plan computed, from SECRET to unclassified,
    // then destroyed by the unclassified method.
    let id = "收〔2010〕232号";
    let declassified = check(&w, &plan, id, "DESTROY");
    let row = &plan[id];
    assert_eq!(row["classification_level"], "SECRET");
    assert_eq!(row["effective_classification"], "UNCLASSIFIED");
    assert!(
        declassified.contains(&format!("= {}", row["declassified_on"])),
        "the declassification arithmetic ends on plan's date\n{declassified}"
    );

    let reviewed = check(&w, &plan, "机要〔2024〕246号", "REVIEW");
    assert!(reviewed.contains("✓ R10#"), "{reviewed}");
}

#[test]
fn explain_says_when_a_safety_check_overruled_the_rules() {
    let w = Workdir::new();
    let plan = planned(&w);
    let text = check(&w, &plan, "发〔2020〕11号", "REVIEW");
    assert!(text.contains("overruled by a safety check"), "{text}");
    let listed = cases(&text);
    assert_eq!(
        listed.last().map(|c| c.1.as_str()),
        Some("R9"),
        "the rules chose DESTROY (R9) before the safety check\n{text}"
    );
}

#[test]
fn explain_speaks_chinese_by_default() {
    let w = Workdir::new();
    planned(&w);
    let text = explain(&w, "机要〔2018〕143号", &[]);
    for heading in [
        "读取的单元格：",
        "计算：",
        "规则（按策略中的顺序）：",
        "处置：",
    ] {
        assert!(text.contains(heading), "{heading}\n{text}");
    }
}

#[test]
fn explain_of_an_unknown_number_is_an_error_naming_close_ones() {
    let w = Workdir::new();
    w.copy_sample();
    let out = w.run(&["explain", "〔2018〕143", "sample.xlsx", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no row of these registers has doc_id"),
        "{err}"
    );
    assert!(
        err.contains("机要〔2018〕143号"),
        "names the close number: {err}"
    );
}
