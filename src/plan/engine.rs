//! The policy's rules compiled into polars expressions.
//!
//! Every case of every rule becomes one boolean expression (its conditions
//! joined with AND, a missing value never matching). The first matching
//! case, in policy order, is found with one expression; its disposition,
//! rule id and reason follow from it. An office changes what is decided by
//! editing the rules in its policy file, never this code.

use std::collections::BTreeSet;

use polars::prelude::*;

use crate::config::Lang;
use crate::domain::Disposition;
use crate::policy::rules::{CheckedRule, Template, Test};
use crate::text::normalize;

/// One case, flattened out of its rule, in policy order.
#[derive(Debug, Clone)]
pub struct FlatCase {
    /// The rule's id.
    pub rule: String,
    /// The disposition.
    pub disposition: Disposition,
    /// The reason template in the chosen language.
    pub reason: String,
}

/// Flattens the rules' cases in order.
pub fn flatten(rules: &[CheckedRule], lang: Lang) -> Vec<FlatCase> {
    rules
        .iter()
        .flat_map(|r| {
            r.cases.iter().map(move |c| FlatCase {
                rule: r.id.clone(),
                disposition: c.disposition,
                reason: match lang {
                    Lang::Zh => c.reason.zh.clone(),
                    Lang::En => c.reason.en.clone(),
                },
            })
        })
        .collect()
}

/// The suffix of a helper column holding a free-text field normalised.
const NORMALIZED: &str = "__normalized";

/// The free-text fields the rules compare with words (category in the
/// return categories …): they are compared as header words are, after
/// trimming spaces, full-width characters and line breaks, ignoring case.
/// Coded fields (status_code …) hold exact codes and are compared as they
/// are.
pub fn normalized_fields(rules: &[CheckedRule]) -> BTreeSet<String> {
    let (_, codes) = crate::policy::rules::rule_fields();
    rules
        .iter()
        .flat_map(|r| r.cases.iter())
        .flat_map(|c| c.tests.iter())
        .filter(|(f, t)| matches!(t, Test::OneOf(_)) && !codes.contains_key(f.as_str()))
        .map(|(f, _)| f.clone())
        .collect()
}

/// Adds the normalised helper column of each field in `fields`.
pub fn add_normalized_columns(df: &mut DataFrame, fields: &BTreeSet<String>) -> PolarsResult<()> {
    for field in fields {
        let text = df.column(field)?.cast(&DataType::String)?;
        let text = text.str()?;
        let norm = StringChunked::from_iter_options(
            format!("{field}{NORMALIZED}").into(),
            text.iter().map(|v| v.map(normalize)),
        );
        df.with_column(norm.into_column())?;
    }
    Ok(())
}

/// The boolean expression of one test on one field.
fn test_expr(field: &str, test: &Test, normalized: &BTreeSet<String>) -> Expr {
    match test {
        Test::OneOf(values) if normalized.contains(field) => {
            let column = format!("{field}{NORMALIZED}");
            values
                .iter()
                .map(|v| col(column.as_str()).eq(lit(normalize(v))))
                .reduce(|a, b| a.or(b))
                .unwrap_or(lit(false))
                .fill_null(lit(false))
        }
        Test::OneOf(values) => values
            .iter()
            .map(|v| col(field).eq(lit(v.as_str())))
            .reduce(|a, b| a.or(b))
            .unwrap_or(lit(false))
            .fill_null(lit(false)),
        Test::Is(b) => col(field).eq(lit(*b)).fill_null(lit(false)),
        Test::Present(true) => col(field).is_not_null(),
        Test::Present(false) => col(field).is_null(),
    }
}

/// The index (in [`flatten`] order) of the first case that matches each
/// row, or null when none does.
pub fn first_match(rules: &[CheckedRule], normalized: &BTreeSet<String>) -> Expr {
    let cases: Vec<Expr> = rules
        .iter()
        .flat_map(|r| r.cases.iter())
        .map(|c| {
            c.tests
                .iter()
                .map(|(f, t)| test_expr(f, t, normalized))
                .reduce(|a, b| a.and(b))
                .unwrap_or(lit(true))
        })
        .collect();
    let mut expr = lit(NULL).cast(DataType::Int32);
    for (i, cond) in cases.into_iter().enumerate().rev() {
        expr = when(cond).then(lit(i as i32)).otherwise(expr);
    }
    expr
}

/// Renders the reasons of matched cases row by row; each column a template
/// refers to is cast to text once.
pub struct ReasonWriter {
    templates: Vec<Template>,
    columns: std::collections::HashMap<String, StringChunked>,
    lang: Lang,
}

impl ReasonWriter {
    /// Prepares the templates of `cases` against `df`; values are shown in
    /// `lang` where a code has a label (an unknown return destination).
    pub fn new(df: &DataFrame, cases: &[FlatCase], lang: Lang) -> PolarsResult<ReasonWriter> {
        let templates: Vec<Template> = cases.iter().map(|c| Template::parse(&c.reason)).collect();
        let mut columns = std::collections::HashMap::new();
        for t in &templates {
            for f in t.fields() {
                if !columns.contains_key(f) {
                    let text = df.column(f)?.cast(&DataType::String)?;
                    columns.insert(f.to_string(), text.str()?.clone());
                }
            }
        }
        Ok(ReasonWriter {
            templates,
            columns,
            lang,
        })
    }

    /// The reason of case `case` for row `row`.
    pub fn render(&self, case: usize, row: usize) -> String {
        let mut out = String::new();
        if let Some(t) = self.templates.get(case) {
            for (text, field) in t.parts() {
                out.push_str(text);
                if let Some((f, value)) = field
                    .as_ref()
                    .and_then(|f| Some((f, self.columns.get(f)?.get(row)?)))
                {
                    if f == "destination" {
                        out.push_str(crate::labels::destination(value, self.lang));
                    } else {
                        out.push_str(value);
                    }
                }
            }
        }
        out
    }
}
