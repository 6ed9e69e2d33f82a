//! `clearance explain DOC_ID FILE…`: why one holding is decided as it is.
//!
//! A committee member holding the destruction list asks "why is this on
//! it?". `explain` answers for every row with that document number: the
//! cells as read (sheet, cell address, the text as written and what it was
//! understood as), the dates the plan computed with their arithmetic, each
//! rule case in policy order with the tests that held or failed, the
//! disposition and what (a safety check, the ledger) overruled the rules,
//! the destruction method and why, and the anomalies. It runs the same
//! reading and planning code as `plan` (on every row, since a duplicate
//! number or a hold elsewhere changes a row's decision), so what it says is
//! what `plan` decides; it writes nothing.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use polars::prelude::{AnyValue, DataFrame};

use crate::config::{ExplainConfig, Lang};
use crate::domain::{Disposition, Level, MediumClass, Site};
use crate::fields::{FIELDS, FieldKind};
use crate::ingest::{self, ColumnTarget, FileReport};
use crate::labels;
use crate::plan::{self, engine};
use crate::policy::PlanPolicy;
use crate::policy::rules::Test;
use crate::text::{column_letters, normalize};

use super::Outcome;

/// Runs `explain`.
pub fn run(config: &ExplainConfig) -> Result<Outcome> {
    let input = &config.input;
    let lang = input.lang;
    let ingested = ingest::ingest(&input.files, &input.policy.vocabulary, &input.limits);
    if !ingested.errors.is_empty() {
        for error in &ingested.errors {
            eprintln!("error: {error}");
        }
        return Ok(Outcome::DataError);
    }
    let table = &ingested.table;
    let rows = rows_of(table, &config.doc_id)?;
    if rows.is_empty() {
        eprintln!("{}", not_found(table, &config.doc_id, lang)?);
        return Ok(Outcome::DataError);
    }
    let ledger = match &config.ledger {
        Some(path) => crate::history::load_ledger(path)?.0,
        None => Default::default(),
    };
    let policy = &input.policy.plan;
    let traced =
        plan::trace(table, policy, config.as_of, lang, &ledger, &rows).context("planning")?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!(
                "{}：{} 行，按 {} 的情况",
                config.doc_id,
                rows.len(),
                config.as_of
            ),
            Lang::En => format!(
                "{}: {} row(s), as of {}",
                config.doc_id,
                rows.len(),
                config.as_of
            ),
        }
    );
    for (row, cases) in &traced.cases {
        let view = RowView {
            derived: &traced.derived,
            decisions: &traced.decisions,
            row: *row,
            as_of: config.as_of,
            lang,
        };
        view.write(&mut out, &ingested.files, cases, policy)?;
    }
    print!("{out}");
    Ok(Outcome::Success)
}

/// The rows whose doc_id is `doc_id`: as written, else compared as header
/// words are (spaces, full-width characters and case ignored).
fn rows_of(table: &DataFrame, doc_id: &str) -> Result<Vec<usize>> {
    let ids = table.column("doc_id")?.str()?;
    let exact: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter(|(_, v)| *v == Some(doc_id))
        .map(|(i, _)| i)
        .collect();
    if !exact.is_empty() {
        return Ok(exact);
    }
    let want = normalize(doc_id);
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_some_and(|v| normalize(v) == want))
        .map(|(i, _)| i)
        .collect())
}

/// What to say when no row has the number: up to five numbers that contain
/// it, or that it contains.
fn not_found(table: &DataFrame, doc_id: &str, lang: Lang) -> Result<String> {
    let want = normalize(doc_id);
    let ids = table.column("doc_id")?.str()?;
    let mut near: Vec<&str> = ids
        .iter()
        .flatten()
        .filter(|v| {
            let v = normalize(v);
            !want.is_empty() && (v.contains(&want) || want.contains(&v))
        })
        .collect();
    near.sort_unstable();
    near.dedup();
    near.truncate(5);
    let mut text = match lang {
        Lang::Zh => format!("错误：这些登记簿中没有编号为 {doc_id} 的行"),
        Lang::En => format!("error: no row of these registers has doc_id {doc_id}"),
    };
    if !near.is_empty() {
        let _ = write!(
            text,
            "{}{}",
            lang.pick("；相近的编号：", "; similar numbers: "),
            near.join(lang.pick("、", ", "))
        );
    }
    Ok(text)
}

/// One row's explanation.
struct RowView<'a> {
    derived: &'a DataFrame,
    decisions: &'a DataFrame,
    row: usize,
    as_of: chrono::NaiveDate,
    lang: Lang,
}

impl RowView<'_> {
    /// A column of the derived table as text, `None` when blank.
    fn derived(&self, column: &str) -> Option<String> {
        text_at(self.derived, column, self.row)
    }

    /// A column of the decision table as text, `None` when blank.
    fn decided(&self, column: &str) -> Option<String> {
        text_at(self.decisions, column, self.row)
    }

    fn write(
        &self,
        out: &mut String,
        files: &[FileReport],
        cases: &[engine::CaseTrace],
        policy: &PlanPolicy,
    ) -> Result<()> {
        let lang = self.lang;
        let file = self.derived("source_file").unwrap_or_default();
        let sheet = self.derived("source_sheet").unwrap_or_default();
        let source_row = self.derived("source_row").unwrap_or_default();
        let _ = writeln!(
            out,
            "\n── {file} [{sheet}] {} ──",
            match lang {
                Lang::Zh => format!("第 {source_row} 行"),
                Lang::En => format!("row {source_row}"),
            }
        );
        if let Some(title) = self.derived("title") {
            let _ = writeln!(out, "{}{title}", lang.pick("题名：", "title: "));
        }
        self.write_cells(out, files, &file, &sheet, &source_row);
        self.write_dates(out, policy);
        let matched = self.write_cases(out, cases);
        self.write_decision(out, cases, matched);
        self.write_method(out, policy);
        self.write_anomalies(out);
        Ok(())
    }

    /// Each field's cell: its address and header, the text as written and
    /// what it was read as; a field with no column says so.
    fn write_cells(
        &self,
        out: &mut String,
        files: &[FileReport],
        file: &str,
        sheet: &str,
        source_row: &str,
    ) {
        let lang = self.lang;
        let _ = writeln!(out, "{}", lang.pick("读取的单元格：", "cells as read:"));
        let columns = files
            .iter()
            .find(|f| f.path == file || file_name(&f.path) == file)
            .and_then(|f| f.sheets.iter().find(|s| s.sheet == sheet))
            .map(|s| s.columns.as_slice())
            .unwrap_or_default();
        let mut absent = Vec::new();
        for spec in FIELDS {
            let column = columns
                .iter()
                .find(|c| c.target == ColumnTarget::Field(spec.field));
            match self.field_line(&spec, column, source_row) {
                Some(line) => {
                    let _ = writeln!(out, "{line}");
                }
                None => absent.push(spec.key),
            }
        }
        if !absent.is_empty() {
            let _ = writeln!(
                out,
                "  {}{}",
                lang.pick(
                    "本表没有这些栏（视为空）：",
                    "no column in this sheet (read as blank): "
                ),
                absent.join(", ")
            );
        }
    }

    /// One field's line: its cell (address, header, the text as written)
    /// and what it was read as; for a field without a column, what the
    /// policy assumed. `None` when the sheet has no column for it and
    /// nothing was assumed.
    fn field_line(
        &self,
        spec: &crate::fields::FieldSpec,
        column: Option<&crate::ingest::ColumnReport>,
        source_row: &str,
    ) -> Option<String> {
        let lang = self.lang;
        let names = spec.kind.columns(spec.key);
        let written = names.first().and_then(|(n, _)| self.derived(n));
        let read: Vec<String> = names
            .iter()
            .skip(usize::from(has_text_column(spec.kind)))
            .filter_map(|(n, _)| self.derived(n).map(|v| format!("{n}={v}")))
            .collect();
        let Some(column) = column else {
            return (written.is_some() || !read.is_empty()).then(|| {
                format!(
                    "  {:<16} {}  → {}",
                    spec.key,
                    lang.pick(
                        "（无此栏，按策略假定）",
                        "(no column: assumed by the policy)"
                    ),
                    read_or_written(&read, written.as_deref())
                )
            });
        };
        let address = format!("{}{source_row}", column_letters(column.index));
        let shown = match &written {
            Some(w) => format!("{w:?}"),
            None => lang.pick("（空）", "(blank)").to_string(),
        };
        let understood = if read.is_empty() {
            String::new()
        } else {
            format!("  → {}", read.join(", "))
        };
        Some(format!(
            "  {:<16} {address:<6} {}  {shown}{understood}",
            spec.key, column.header
        ))
    }

    /// The retention and declassification dates with their arithmetic,
    /// and the days out.
    fn write_dates(&self, out: &mut String, policy: &PlanPolicy) {
        let lang = self.lang;
        let _ = writeln!(out, "{}", lang.pick("计算：", "computed:"));
        let base = match (self.derived("doc_date"), self.derived("received_date")) {
            (Some(d), _) => Some(("doc_date", d)),
            (None, Some(d)) => Some(("received_date", d)),
            (None, None) => None,
        };
        let _ = writeln!(out, "{}", self.retention_line(base.as_ref()));
        let _ = writeln!(out, "{}", self.declassification_line(policy, base.as_ref()));
        if let Some(days) = self.derived("days_out") {
            let since = self.derived("out_date").unwrap_or_default();
            let _ = writeln!(
                out,
                "{}",
                match lang {
                    Lang::Zh => format!("  借出/传阅天数：{days}（自 {since}）"),
                    Lang::En => format!("  days out: {days} (since {since})"),
                }
            );
        }
        if let Some(destination) = self.derived("destination") {
            let _ = writeln!(
                out,
                "{}{}",
                lang.pick(
                    "  清退去向（清退单位，否则发文单位，不含本单位）：",
                    "  return destination (return_to, else the issuer, never the office): "
                ),
                labels::destination(&destination, lang)
            );
        }
    }

    /// The retention, where it came from, the year it counts from, when it
    /// expires and whether it has. `base` is the date it counts from
    /// (column, value).
    fn retention_line(&self, base: Option<&(&str, String)>) -> String {
        let lang = self.lang;
        let Some(r) = self.derived("retention_resolved_text") else {
            return lang
                .pick(
                    "  保管期限：未知（登记簿和保管期限表都没有给出）",
                    "  retention: unknown (neither the register nor the schedule gives one)",
                )
                .to_string();
        };
        let from = self.derived("retention_source").unwrap_or_default();
        let arithmetic = match (self.derived("retention_expires_on"), base) {
            (Some(e), Some((name, b))) => match lang {
                Lang::Zh => format!("，从 {name} {b} 的次年起算，满期于 {e}"),
                Lang::En => format!(", counted from the year after {name} {b}: expires {e}"),
            },
            (None, None) if r.chars().any(|c| c.is_ascii_digit()) => lang
                .pick("，没有日期可起算", ", no date to count from")
                .to_string(),
            _ => String::new(),
        };
        let verdict = match self.derived("retention_expired").as_deref() {
            Some("true") => lang.pick("已满期", "expired"),
            Some("false") => lang.pick("未满期", "not expired"),
            _ => lang.pick("是否满期无法确定", "whether it expired cannot be known"),
        };
        match lang {
            Lang::Zh => format!("  保管期限：{r}（来源：{from}）{arithmetic} → {verdict}"),
            Lang::En => format!("  retention: {r} (from the {from}){arithmetic} → {verdict}"),
        }
    }

    /// How the effective classification came about.
    fn declassification_line(&self, policy: &PlanPolicy, base: Option<&(&str, String)>) -> String {
        let lang = self.lang;
        let effective = self
            .derived("effective_classification")
            .map(|c| labels::level_code(&c, lang))
            .unwrap_or_else(|| lang.pick("未知", "unknown").to_string());
        let classified = self
            .derived("classification_level")
            .as_deref()
            .and_then(Level::from_code)
            .filter(|l| l.is_classified());
        let Some(level) = classified else {
            return match lang {
                Lang::Zh => format!("  密级：{effective}（不涉及解密）"),
                Lang::En => format!("  classification: {effective} (nothing to declassify)"),
            };
        };
        let how = if self.derived("secrecy_long").as_deref() == Some("true") {
            lang.pick(
                "保密期限为长期，不按时间解密",
                "kept secret long-term (长期): never declassified by time",
            )
            .to_string()
        } else if let Some(until) = self.derived("declassify_on") {
            match lang {
                Lang::Zh => format!("标明的解密日期 {until}"),
                Lang::En => format!("the marked declassification date {until}"),
            }
        } else {
            self.secrecy_arithmetic(self.secrecy_period(policy, level), base)
        };
        let written = labels::level(level, lang);
        match lang {
            Lang::Zh => format!(
                "  密级：{written}；解密：{how} → 截至 {}：{effective}",
                self.as_of
            ),
            Lang::En => format!(
                "  classification: {written}; declassification: {how} → on {}: {effective}",
                self.as_of
            ),
        }
    }

    /// The confidentiality period counted: the one marked, else the
    /// level's longest in the policy.
    fn secrecy_period(&self, policy: &PlanPolicy, level: Level) -> String {
        match (self.derived("secrecy_months"), self.lang) {
            (Some(m), Lang::Zh) => format!("标明的保密期限 {m} 个月"),
            (Some(m), Lang::En) => format!("the marked period of {m} months"),
            (None, lang) => {
                let years = policy.secrecy_max_years.get(&level).copied().unwrap_or(0);
                match lang {
                    Lang::Zh => {
                        format!("该密级的最长保密期限 {years} 年（策略 secrecy_max_years）")
                    }
                    Lang::En => format!(
                        "the level's longest period, {years} years (policy secrecy_max_years)"
                    ),
                }
            }
        }
    }

    /// The date a period counts from, plus the period, equals the
    /// declassification date; or that there is no date to count from.
    fn secrecy_arithmetic(&self, period: String, base: Option<&(&str, String)>) -> String {
        let on = self.derived("declassified_on");
        match (base, on, self.lang) {
            (Some((name, b)), Some(d), lang) => {
                let partial = self.derived(&format!("{name}_precision")).is_some();
                let note = match (partial, lang) {
                    (false, _) => "",
                    (true, Lang::Zh) => "（日期不完整，取其最后一天）",
                    (true, Lang::En) => " (a partial date: counted from its last day)",
                };
                match lang {
                    Lang::Zh => format!("从 {name} {b}{note}起加{period} = {d}"),
                    Lang::En => format!("{name} {b}{note} + {period} = {d}"),
                }
            }
            (_, _, Lang::Zh) => format!("没有日期可起算{period}，仍按涉密处理"),
            (_, _, Lang::En) => {
                format!("no date to count {period} from: still treated as classified")
            }
        }
    }

    /// Each rule case in order up to the first that matched, with its
    /// tests; returns the matched case's index.
    fn write_cases(&self, out: &mut String, cases: &[engine::CaseTrace]) -> Option<usize> {
        let lang = self.lang;
        let _ = writeln!(
            out,
            "{}",
            lang.pick("规则（按策略中的顺序）：", "rules, in policy order:")
        );
        for case in cases {
            let mark = if case.matched() { "✓" } else { "✗" };
            let _ = writeln!(
                out,
                "  {mark} {}#{} → {}",
                case.rule,
                case.case,
                labels::disposition(case.disposition, lang)
            );
            for t in &case.tests {
                let value = t
                    .value
                    .clone()
                    .unwrap_or_else(|| lang.pick("（空）", "(blank)").to_string());
                let verdict = if t.held {
                    lang.pick("成立", "holds")
                } else {
                    lang.pick("不成立", "fails")
                };
                let _ = writeln!(
                    out,
                    "      {} — {}{value} — {verdict}",
                    describe(&t.field, &t.test, lang),
                    lang.pick("本行：", "this row: ")
                );
            }
            if case.tests.is_empty() {
                let _ = writeln!(
                    out,
                    "      {}",
                    lang.pick("（无条件，总是成立）", "(no conditions: always holds)")
                );
            }
            if case.matched() {
                let _ = writeln!(
                    out,
                    "  {}",
                    lang.pick(
                        "（第一个成立的规则决定；其后的规则不再查看）",
                        "(the first case that holds decides; later ones are not consulted)"
                    )
                );
                return Some(case.index);
            }
        }
        let _ = writeln!(out, "  {}", lang.pick("没有规则成立", "no case holds"));
        None
    }

    /// The disposition, and what overruled the rules where something did.
    fn write_decision(
        &self,
        out: &mut String,
        cases: &[engine::CaseTrace],
        matched: Option<usize>,
    ) {
        let lang = self.lang;
        let disposition = self.decided("disposition").unwrap_or_default();
        let rule = self.decided("rule").unwrap_or_default();
        let reason = self.decided("reason").unwrap_or_default();
        let label = match Disposition::from_code(&disposition) {
            Some(d) if lang == Lang::Zh => {
                format!("{}（{disposition}）", labels::disposition(d, lang))
            }
            _ => format!("({disposition})"),
        };
        let _ = writeln!(
            out,
            "{}{label}, {} {rule} — {reason}",
            lang.pick("处置：", "disposition: "),
            lang.pick("依据", "by")
        );
        let by_rules = matched.and_then(|k| cases.iter().find(|c| c.index == k));
        let overruled = match by_rules {
            Some(c) => c.rule != rule || c.disposition.code() != disposition,
            None => !rule.is_empty(),
        };
        if overruled {
            let why = match rule.as_str() {
                plan::SAFETY_RULE => lang.pick(
                    "规则的决定被安全检查改为人工审核（见理由）",
                    "the rules' decision was overruled by a safety check (see the reason)",
                ),
                "LEDGER" => lang.pick(
                    "规则的决定被台账记录取代（见理由）",
                    "the rules' decision was replaced by what the ledger records (see the reason)",
                ),
                _ => lang.pick(
                    "规则的决定被取代（见理由）",
                    "the rules' decision was replaced (see the reason)",
                ),
            };
            let _ = writeln!(out, "  {why}");
        }
        if disposition == Disposition::Rejected.code() {
            let _ = writeln!(
                out,
                "  {}",
                lang.pick(
                    "这一行读取时被拒绝（见理由），规则不适用",
                    "this row was rejected when read (see the reason); the rules do not apply"
                )
            );
        }
    }

    /// The destruction method of a destruction, and why.
    fn write_method(&self, out: &mut String, policy: &PlanPolicy) {
        let lang = self.lang;
        if self.decided("disposition").as_deref() != Some(Disposition::Destroy.code()) {
            return;
        }
        let level = self
            .decided("effective_classification")
            .as_deref()
            .and_then(Level::from_code);
        let medium = self
            .derived("medium_class")
            .as_deref()
            .and_then(MediumClass::from_code);
        let (Some(level), Some(medium)) = (level, medium) else {
            return;
        };
        let (code, site, witnesses) = plan::destruction_method(level, medium, policy);
        let security = policy.security_level.get(&level).copied().unwrap_or(7);
        let facility = site == Site::Facility;
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Zh => format!(
                    "销毁方式：{}（载体 {}，密级 {} 的安全等级 {security}，策略 security_level）；地点：{}（{}）；监销人 {witnesses} 名（策略 witnesses）",
                    labels::destruction_level(&code, lang),
                    labels::medium(medium, lang),
                    labels::level(level, lang),
                    labels::site(site.code(), lang),
                    if facility {
                        "策略 [[facility]] 规定该密级和载体送定点销毁机构"
                    } else {
                        "策略 [[facility]] 没有要求送定点销毁机构"
                    }
                ),
                Lang::En => format!(
                    "destruction method: {code} (medium {}, level {}'s security level {security}, policy security_level); site: {} ({}); {witnesses} witness(es) (policy witnesses)",
                    labels::medium(medium, lang),
                    labels::level(level, lang),
                    labels::site(site.code(), lang),
                    if facility {
                        "the policy's [[facility]] sends this level and medium to the destruction facility"
                    } else {
                        "no [[facility]] rule of the policy sends it to the facility"
                    }
                ),
            }
        );
    }

    /// The row's anomalies, each named.
    fn write_anomalies(&self, out: &mut String) {
        let lang = self.lang;
        let codes = self.decided("anomalies").unwrap_or_default();
        if codes.is_empty() {
            let _ = writeln!(out, "{}", lang.pick("异常：无", "anomalies: none"));
            return;
        }
        let named: Vec<String> = codes
            .split(';')
            .map(|c| match lang {
                Lang::Zh => format!("{}（{c}）", labels::anomaly(c, lang)),
                Lang::En => c.to_string(),
            })
            .collect();
        let _ = writeln!(
            out,
            "{}{}",
            lang.pick("异常：", "anomalies: "),
            named.join(lang.pick("；", "; "))
        );
    }
}

/// Whether a field kind keeps the text as written as its first column.
fn has_text_column(kind: FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Date | FieldKind::Count | FieldKind::Boolean
    )
}

/// What a field without a column was read as.
fn read_or_written(read: &[String], written: Option<&str>) -> String {
    if read.is_empty() {
        written.unwrap_or("").to_string()
    } else {
        read.join(", ")
    }
}

/// The last part of a path.
fn file_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

/// A rule test as the policy states it.
fn describe(field: &str, test: &Test, lang: Lang) -> String {
    match (test, lang) {
        (Test::OneOf(values), _) if values.len() == 1 => format!("{field} = {}", values[0]),
        (Test::OneOf(values), Lang::Zh) => format!("{field} 属于 {{{}}}", values.join(", ")),
        (Test::OneOf(values), Lang::En) => format!("{field} one of {{{}}}", values.join(", ")),
        (Test::Is(b), _) => format!("{field} = {b}"),
        (Test::Present(true), Lang::Zh) => format!("{field} 有值"),
        (Test::Present(true), Lang::En) => format!("{field} is present"),
        (Test::Present(false), Lang::Zh) => format!("{field} 为空"),
        (Test::Present(false), Lang::En) => format!("{field} is blank"),
    }
}

/// A cell of `df` as text, `None` when null or empty.
fn text_at(df: &DataFrame, column: &str, row: usize) -> Option<String> {
    let value = df.column(column).ok()?.get(row).ok()?;
    let text = match value {
        AnyValue::Null => return None,
        AnyValue::Date(days) => crate::domain::from_epoch_days(days).to_string(),
        // Text, and codes (polars Enums) as their text.
        other => other
            .get_str()
            .map_or_else(|| other.to_string(), str::to_string),
    };
    (!text.is_empty()).then_some(text)
}
