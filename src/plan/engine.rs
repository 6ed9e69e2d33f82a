//! The policy's rules evaluated on the whole table at once.
//!
//! Every test of every case becomes a boolean mask over the rows (polars'
//! eager comparisons; a missing value never matching), a case the AND of
//! its tests. The first matching case, in policy order, is found by one
//! pass per case over the rows still undecided; its disposition,
//! rule id and reason follow from it. An office changes what is decided by
//! editing the rules in its policy file, never this code.

use std::collections::BTreeSet;

use polars::prelude::*;

use crate::codes::TextColumn;
use crate::config::Lang;
use crate::domain::Disposition;
use crate::policy::rules::{CheckedCase, CheckedRule, Template, Test};
use crate::text::{normalize, normalize_cow};

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
            text.iter().map(|v| v.map(normalize_cow)),
        );
        df.with_column(norm.into_column())?;
    }
    Ok(())
}

/// A test's result on every row: true where it holds; a missing value
/// never holds a `one of` or `is` test.
pub fn test_mask(
    df: &DataFrame,
    field: &str,
    test: &Test,
    normalized: &BTreeSet<String>,
) -> PolarsResult<BooleanChunked> {
    let mask = match test {
        Test::OneOf(values) => {
            let (column, norm) = if normalized.contains(field) {
                (format!("{field}{NORMALIZED}"), true)
            } else {
                (field.to_string(), false)
            };
            let column = df.column(&column)?;
            if column.dtype().is_enum() {
                return Ok(code_mask(column, values)?.with_name(field.into()));
            }
            let text = column.cast(&DataType::String)?;
            let text = text.str()?;
            let mut mask = BooleanChunked::full(field.into(), false, df.height());
            for v in values {
                let word = if norm { normalize(v) } else { v.clone() };
                let eq = text.equal(word.as_str()).fill_null_with_values(false)?;
                mask = &mask | &eq;
            }
            mask
        }
        Test::Is(b) => {
            let flags = df.column(field)?.cast(&DataType::Boolean)?;
            let flags = flags.bool()?;
            let eq = if *b { flags.clone() } else { !flags };
            eq.fill_null_with_values(false)?
        }
        Test::Present(true) => df.column(field)?.is_not_null(),
        Test::Present(false) => df.column(field)?.is_null(),
    };
    Ok(mask.with_name(field.into()))
}

/// Where a coded column (a polars Enum) holds one of `values`: the codes
/// are compared by their place in the set, not as text.
fn code_mask(column: &Column, values: &[String]) -> PolarsResult<BooleanChunked> {
    let ca = column.cat8()?;
    let mapping = ca.get_mapping();
    let mut wanted = [false; 256];
    for v in values {
        if let Some(id) = mapping.get_cat(v) {
            wanted[id as usize] = true;
        }
    }
    Ok(ca
        .physical()
        .iter()
        .map(|id| id.is_some_and(|id| wanted[usize::from(id)]))
        .collect())
}

/// One case's result on every row: its tests joined with AND (a case
/// without tests matches every row).
fn case_mask(
    df: &DataFrame,
    case: &CheckedCase,
    normalized: &BTreeSet<String>,
) -> PolarsResult<BooleanChunked> {
    let mut mask = BooleanChunked::full("case".into(), true, df.height());
    for (field, test) in &case.tests {
        mask = &mask & &test_mask(df, field, test, normalized)?;
    }
    Ok(mask)
}

/// The index (in [`flatten`] order) of the first case that matches each
/// row, or null when none does, as the column `case_index`.
pub fn first_match(
    df: &DataFrame,
    rules: &[CheckedRule],
    normalized: &BTreeSet<String>,
) -> PolarsResult<Int32Chunked> {
    let mut first: Vec<Option<i32>> = vec![None; df.height()];
    let mut undecided = first.len();
    for (k, case) in rules.iter().flat_map(|r| r.cases.iter()).enumerate() {
        if undecided == 0 {
            break;
        }
        let mask = case_mask(df, case, normalized)?;
        for (slot, hit) in first.iter_mut().zip(mask.iter()) {
            if hit == Some(true) && slot.is_none() {
                *slot = Some(k as i32);
                undecided -= 1;
            }
        }
    }
    Ok(Int32Chunked::from_iter_options(
        "case_index".into(),
        first.into_iter(),
    ))
}

/// One test of a case as it went for one row.
#[derive(Debug, Clone, PartialEq)]
pub struct TestTrace {
    /// The field tested.
    pub field: String,
    /// The test.
    pub test: Test,
    /// The row's value as the test saw it (normalised where words are
    /// compared so), or `None` when blank.
    pub value: Option<String>,
    /// Whether the test held.
    pub held: bool,
}

/// One rule case as it went for one row.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseTrace {
    /// Its index in [`flatten`] order.
    pub index: usize,
    /// The rule's id.
    pub rule: String,
    /// The case's number within its rule, from 1.
    pub case: usize,
    /// The disposition it gives.
    pub disposition: Disposition,
    /// Its tests, in order.
    pub tests: Vec<TestTrace>,
}

impl CaseTrace {
    /// Whether every test held (the case matched).
    pub fn matched(&self) -> bool {
        self.tests.iter().all(|t| t.held)
    }
}

/// Every case of every rule, in order, as it went for row `row` of `df` (a
/// table with the derived and normalised columns): the same tests
/// [`first_match`] runs, kept one by one.
pub fn trace_row(
    df: &DataFrame,
    row: usize,
    rules: &[CheckedRule],
    normalized: &BTreeSet<String>,
) -> PolarsResult<Vec<CaseTrace>> {
    let one = df.slice(row as i64, 1);
    let mut out = Vec::new();
    let mut index = 0;
    for rule in rules {
        for (k, case) in rule.cases.iter().enumerate() {
            let mut tests = Vec::new();
            for (field, test) in &case.tests {
                let held = test_mask(&one, field, test, normalized)?.get(0) == Some(true);
                let column = if normalized.contains(field) && matches!(test, Test::OneOf(_)) {
                    format!("{field}{NORMALIZED}")
                } else {
                    field.clone()
                };
                let value = one.column(&column)?.cast(&DataType::String)?;
                let value = value.str()?.get(0).map(str::to_string);
                tests.push(TestTrace {
                    field: field.clone(),
                    test: test.clone(),
                    value,
                    held,
                });
            }
            out.push(CaseTrace {
                index,
                rule: rule.id.clone(),
                case: k + 1,
                disposition: case.disposition,
                tests,
            });
            index += 1;
        }
    }
    Ok(out)
}

/// Renders the reasons of matched cases row by row; each column a template
/// refers to is read as text ([`TextColumn`]: a date or number is written
/// out for the rows whose reason shows it, not for every row).
pub struct ReasonWriter {
    templates: Vec<Template>,
    columns: std::collections::HashMap<String, TextColumn>,
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
                    columns.insert(f.to_string(), TextColumn::new(df.column(f)?)?);
                }
            }
        }
        Ok(ReasonWriter {
            templates,
            columns,
            lang,
        })
    }

    /// The reason of case `case` for row `row`, appended to `out`.
    pub fn render_into(&self, case: usize, row: usize, out: &mut String) {
        if let Some(t) = self.templates.get(case) {
            for (text, field) in t.parts() {
                out.push_str(text);
                if let Some((f, value)) = field
                    .as_ref()
                    .and_then(|f| Some((f, self.columns.get(f)?.get(row)?)))
                {
                    if f == "destination" {
                        out.push_str(crate::labels::destination(&value, self.lang));
                    } else {
                        out.push_str(&value);
                    }
                }
            }
        }
    }
}
