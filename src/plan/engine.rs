//! The policy's rules compiled into polars expressions.
//!
//! Every case of every rule becomes one boolean expression (its conditions
//! joined with AND, a missing value never matching). The first matching
//! case, in policy order, is found with one expression; its disposition,
//! rule id and reason follow from it. An office changes what is decided by
//! editing the rules in its policy file, never this code.

use polars::prelude::*;

use crate::config::Lang;
use crate::policy::rules::{CheckedRule, Test};

/// One case, flattened out of its rule, in policy order.
#[derive(Debug, Clone)]
pub struct FlatCase {
    /// The rule's id.
    pub rule: String,
    /// The disposition code.
    pub disposition: &'static str,
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
                disposition: c.disposition.code(),
                reason: match lang {
                    Lang::Zh => c.reason.zh.clone(),
                    Lang::En => c.reason.en.clone(),
                },
            })
        })
        .collect()
}

/// The boolean expression of one test on one field.
fn test_expr(field: &str, test: &Test) -> Expr {
    match test {
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
pub fn first_match(rules: &[CheckedRule]) -> Expr {
    let cases: Vec<Expr> = rules
        .iter()
        .flat_map(|r| r.cases.iter())
        .map(|c| {
            c.tests
                .iter()
                .map(|(f, t)| test_expr(f, t))
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

/// A reason template as an expression: literal text with `{column}`
/// replaced by the row's value (blank when missing).
pub fn template_expr(template: &str) -> Expr {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        match rest[open..].find('}') {
            Some(close) => {
                if open > 0 {
                    parts.push(lit(rest[..open].to_string()));
                }
                let name = &rest[open + 1..open + close];
                parts.push(col(name).cast(DataType::String).fill_null(lit("")));
                rest = &rest[open + close + 1..];
            }
            None => break,
        }
    }
    if !rest.is_empty() {
        parts.push(lit(rest.to_string()));
    }
    if parts.is_empty() {
        return lit("");
    }
    concat_str(parts, "", false)
}

/// The reason of the case each row matched.
pub fn reason_expr(cases: &[FlatCase], index: Expr) -> Expr {
    let mut expr = lit(NULL).cast(DataType::String);
    for (i, case) in cases.iter().enumerate().rev() {
        expr = when(index.clone().eq(lit(i as i32)))
            .then(template_expr(&case.reason))
            .otherwise(expr);
    }
    expr
}
