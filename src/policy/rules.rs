//! Rules as data: the ordered rules R1 … R10 of the policy file, checked at
//! load time.
//!
//! A rule is an id, a disposition and cases; a case is a list of conditions
//! that must all hold, and the reason shown when it decides. The plan
//! compiles them into polars expressions (`crate::plan::engine`); this
//! module only checks that they make sense: known fields, one test per
//! condition, lists that exist, and no rule that can never match.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

pub use crate::domain::Disposition;

/// A reason in both languages; `{column}` is replaced by the row's value.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// One condition on a field, with exactly one test.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The field tested.
    pub field: String,
    /// Equal to this text.
    pub equals: Option<String>,
    /// One of these texts.
    #[serde(rename = "in")]
    pub one_of: Option<Vec<String>>,
    /// One of the texts of the named list in `[lists]`.
    pub in_list: Option<String>,
    /// The boolean field is true (or false).
    pub is: Option<bool>,
    /// The field has a value (or is blank).
    pub present: Option<bool>,
}

/// The test of a condition, once checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equal to one of these texts (`equals`, `in`, `in_list`).
    OneOf(Vec<String>),
    /// A boolean field is this value.
    Is(bool),
    /// The field has a value (true) or is blank (false).
    Present(bool),
}

impl Condition {
    /// The condition's single test, resolving `in_list` against `lists`.
    pub fn test(&self, lists: &BTreeMap<String, Vec<String>>) -> Result<Test, String> {
        let mut tests = Vec::new();
        if let Some(v) = &self.equals {
            tests.push(Test::OneOf(vec![v.clone()]));
        }
        if let Some(v) = &self.one_of {
            tests.push(Test::OneOf(v.clone()));
        }
        if let Some(name) = &self.in_list {
            let list = lists
                .get(name)
                .ok_or_else(|| format!("in_list = \"{name}\": no such list in [lists]"))?;
            tests.push(Test::OneOf(list.clone()));
        }
        if let Some(v) = self.is {
            tests.push(Test::Is(v));
        }
        if let Some(v) = self.present {
            tests.push(Test::Present(v));
        }
        match tests.len() {
            1 => Ok(tests.remove(0)),
            0 => Err("a condition needs one test (equals, in, in_list, is, present)".into()),
            _ => Err("a condition takes exactly one test".into()),
        }
    }
}

/// One case of a rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// All must hold; empty always holds.
    pub when: Vec<Condition>,
    /// Overrides the rule's disposition.
    pub disposition: Option<Disposition>,
    /// Shown to the user.
    pub reason: Reason,
}

/// One rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// R1 … R10.
    pub id: String,
    /// The disposition its cases give.
    pub disposition: Disposition,
    /// Its cases, in order.
    pub cases: Vec<Case>,
}

/// How a field may be tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text: equals / in / in_list / present.
    Text,
    /// Boolean: is / present.
    Boolean,
    /// Anything else (numbers, dates): present only.
    Other,
}

/// The fields a rule may test, with their types, and the codes of coded
/// fields: every column of the canonical table that holds a field (from the
/// field table, [`crate::fields::FIELDS`]) and every column the plan derives
/// for conditions ([`crate::fields::DERIVED_COLUMNS`]). The plan provides
/// every one of these columns (a test pins it).
pub fn rule_fields() -> (
    BTreeMap<String, FieldType>,
    BTreeMap<String, BTreeSet<String>>,
) {
    use crate::fields::{ColumnType, DERIVED_COLUMNS, FIELDS, FINDINGS_COLUMNS, RuleUse};
    let mut columns: Vec<(String, ColumnType)> =
        FIELDS.iter().flat_map(|s| s.kind.columns(s.key)).collect();
    columns.push((FINDINGS_COLUMNS[0].to_string(), ColumnType::Text));
    columns.extend(
        DERIVED_COLUMNS
            .iter()
            .filter(|(_, _, u, _)| *u == RuleUse::Condition)
            .map(|(n, t, ..)| (n.to_string(), *t)),
    );
    let mut fields = BTreeMap::new();
    let mut codes = BTreeMap::new();
    for (name, t) in columns {
        let kind = match t {
            ColumnType::Text => FieldType::Text,
            ColumnType::Code(set) => {
                codes.insert(
                    name.clone(),
                    set.codes().iter().map(|c| c.to_string()).collect(),
                );
                FieldType::Text
            }
            ColumnType::Bool => FieldType::Boolean,
            ColumnType::Date | ColumnType::Int64 | ColumnType::Int32 | ColumnType::UInt32 => {
                FieldType::Other
            }
        };
        fields.insert(name, kind);
    }
    (fields, codes)
}

/// A checked case: its tests resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedCase {
    /// (field, test) pairs, all of which must hold.
    pub tests: Vec<(String, Test)>,
    /// The disposition it gives.
    pub disposition: Disposition,
    /// The reason.
    pub reason: Reason,
}

/// A checked rule.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRule {
    /// Its id.
    pub id: String,
    /// Its cases.
    pub cases: Vec<CheckedCase>,
}

/// Checks the rules against the fields the plan provides. Errors name the
/// key (`rules[2].cases[0].when[1]`). Returns the checked rules and
/// warnings for cases that can never match.
pub fn check_rules(
    rules: &[Rule],
    lists: &BTreeMap<String, Vec<String>>,
    fields: &BTreeMap<String, FieldType>,
    codes: &BTreeMap<String, BTreeSet<String>>,
) -> Result<(Vec<CheckedRule>, Vec<String>), String> {
    let mut checker = RuleChecker {
        lists,
        fields,
        codes,
        warnings: Vec::new(),
        ids: BTreeSet::new(),
        earlier: Vec::new(),
    };
    if rules.is_empty() {
        return Err("rules: at least one rule is needed".into());
    }
    let mut checked = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        checked.push(checker.rule(r, rule)?);
    }
    Ok((checked, checker.warnings))
}

/// What checking the rules in order knows: the fields and lists they may
/// use, and what the rules before the current one said.
struct RuleChecker<'p> {
    lists: &'p BTreeMap<String, Vec<String>>,
    fields: &'p BTreeMap<String, FieldType>,
    codes: &'p BTreeMap<String, BTreeSet<String>>,
    warnings: Vec<String>,
    /// Rule ids met so far.
    ids: BTreeSet<String>,
    /// Every earlier case: its rule's id and its tests.
    earlier: Vec<(String, Vec<(String, Test)>)>,
}

impl RuleChecker<'_> {
    /// Checks rule number `r`: an outcome other than REJECTED, an id not
    /// used before, and at least one case, each checked.
    fn rule(&mut self, r: usize, rule: &Rule) -> Result<CheckedRule, String> {
        let at = format!("rules[{r}] ({})", rule.id);
        if rule.disposition == Disposition::Rejected {
            return Err(format!(
                "{at}.disposition: REJECTED is not a rule's outcome"
            ));
        }
        if !self.ids.insert(rule.id.clone()) {
            return Err(format!("{at}.id: \"{}\" is used twice", rule.id));
        }
        if rule.cases.is_empty() {
            return Err(format!("{at}.cases: a rule needs at least one case"));
        }
        let mut cases = Vec::new();
        for (c, case) in rule.cases.iter().enumerate() {
            cases.push(self.case(&format!("{at}.cases[{c}]"), rule, case)?);
        }
        Ok(CheckedRule {
            id: rule.id.clone(),
            cases,
        })
    }

    /// Checks one case of `rule`: its conditions and the fields its reasons
    /// name; warns when it can never match.
    fn case(&mut self, at: &str, rule: &Rule, case: &Case) -> Result<CheckedCase, String> {
        let mut tests = Vec::new();
        for (w, cond) in case.when.iter().enumerate() {
            let test = self.condition(&format!("{at}.when[{w}]"), cond)?;
            tests.push((cond.field.clone(), test));
        }
        self.warn_if_never_matches(at, &tests);
        for template in [&case.reason.zh, &case.reason.en] {
            for name in Template::parse(template).fields() {
                if !self.fields.contains_key(name) && !reason_only(name) {
                    return Err(format!("{at}.reason: unknown field {{{name}}}"));
                }
            }
        }
        self.earlier.push((rule.id.clone(), tests.clone()));
        Ok(CheckedCase {
            tests,
            disposition: case.disposition.unwrap_or(rule.disposition),
            reason: case.reason.clone(),
        })
    }

    /// Checks one condition: a known field, one test that suits the
    /// field's type, and only codes the field knows.
    fn condition(&self, at: &str, cond: &Condition) -> Result<Test, String> {
        let Some(kind) = self.fields.get(cond.field.as_str()) else {
            return Err(format!("{at}.field: unknown field \"{}\"", cond.field));
        };
        let test = cond.test(self.lists).map_err(|e| format!("{at}: {e}"))?;
        match (&test, kind) {
            (Test::Present(_), _) => {}
            (Test::Is(_), FieldType::Boolean) => {}
            (Test::OneOf(_), FieldType::Text) => {}
            _ => {
                return Err(format!(
                    "{at}: field \"{}\" cannot be tested that way",
                    cond.field
                ));
            }
        }
        if let (Test::OneOf(values), Some(known)) = (&test, self.codes.get(cond.field.as_str())) {
            for v in values {
                if !known.contains(v) {
                    return Err(format!(
                        "{at}: \"{v}\" is not a value of {} (one of: {})",
                        cond.field,
                        known.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        Ok(test)
    }

    /// Warns of a case that can never match: its conditions contradict
    /// each other, or an earlier case matches every row it would.
    fn warn_if_never_matches(&mut self, at: &str, tests: &[(String, Test)]) {
        if let Some(why) = never_matches(tests) {
            self.warnings.push(format!("{at} can never match: {why}"));
        } else if let Some((id, _)) = self
            .earlier
            .iter()
            .find(|(_, prior)| prior.iter().all(|t| tests.contains(t)))
        {
            self.warnings.push(format!(
                "{at} can never match: an earlier case of {id} matches every row it would"
            ));
        }
    }
}

/// A reason template: literal text with `{field}` replaced by the row's
/// value. Parsed once here for the load-time check of its field names, and
/// by the plan to render reasons.
///
/// ```
/// use clearance::policy::rules::Template;
/// let t = Template::parse("状态为“{status}”，持有人{holder}");
/// assert_eq!(t.fields().collect::<Vec<_>>(), ["status", "holder"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<(String, Option<String>)>,
}

impl Template {
    /// Splits a template into (literal, field) parts. A `{` without a
    /// closing `}` is literal text.
    pub fn parse(template: &str) -> Template {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            parts.push((
                rest[..open].to_string(),
                Some(rest[open + 1..open + close].to_string()),
            ));
            rest = &rest[open + close + 1..];
        }
        parts.push((rest.to_string(), None));
        Template { parts }
    }

    /// (literal text, field that follows it) pairs, in order.
    pub fn parts(&self) -> &[(String, Option<String>)] {
        &self.parts
    }

    /// The fields the template refers to, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|(_, f)| f.as_deref())
    }
}

/// Whether a reason may show a column that a rule may not test.
fn reason_only(name: &str) -> bool {
    crate::fields::DERIVED_COLUMNS
        .iter()
        .any(|(c, _, u, _)| *c == name && *u == crate::fields::RuleUse::ReasonOnly)
}

/// Why a conjunction of tests can hold for no row, if it cannot.
fn never_matches(tests: &[(String, Test)]) -> Option<String> {
    for (i, (field, a)) in tests.iter().enumerate() {
        for (other, b) in &tests[i + 1..] {
            if field != other {
                continue;
            }
            let clash = match (a, b) {
                (Test::OneOf(x), Test::OneOf(y)) => !x.iter().any(|v| y.contains(v)),
                (Test::Is(x), Test::Is(y)) => x != y,
                (Test::Present(false), Test::OneOf(_) | Test::Is(_))
                | (Test::OneOf(_) | Test::Is(_), Test::Present(false)) => true,
                (Test::Present(x), Test::Present(y)) => x != y,
                _ => false,
            };
            if clash {
                return Some(format!("two conditions on {field} contradict each other"));
            }
        }
        if let Test::OneOf(values) = a
            && values.is_empty()
        {
            return Some(format!("the list tested for {field} is empty"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> BTreeMap<String, FieldType> {
        BTreeMap::from([
            ("status_code".to_string(), FieldType::Text),
            ("hold".to_string(), FieldType::Boolean),
            ("copies".to_string(), FieldType::Other),
        ])
    }

    fn codes() -> BTreeMap<String, BTreeSet<String>> {
        BTreeMap::from([(
            "status_code".to_string(),
            ["ON_HAND", "HOLD"].iter().map(|s| s.to_string()).collect(),
        )])
    }

    fn rule(toml_text: &str) -> Vec<Rule> {
        #[derive(Deserialize)]
        struct R {
            rules: Vec<Rule>,
        }
        toml::from_str::<R>(toml_text).unwrap().rules
    }

    /// The text of one rule, R1 (HOLD), with one case: the condition
    /// `when` and the Chinese reason `zh`.
    fn one_case(when: &str, zh: &str) -> String {
        format!(
            "[[rules]]\nid = \"R1\"\ndisposition = \"HOLD\"\n[[rules.cases]]\nwhen = [{when}]\nreason = {{ zh = \"{zh}\", en = \"x\" }}"
        )
    }

    #[test]
    fn checks_name_the_key() {
        let cases = [
            (
                r#"{ field = "nonsense", is = true }"#,
                "x",
                "rules[0] (R1).cases[0].when[0].field: unknown field \"nonsense\"",
            ),
            (
                r#"{ field = "hold", is = true, present = true }"#,
                "x",
                "exactly one test",
            ),
            (
                r#"{ field = "status_code", equals = "FROZEN" }"#,
                "x",
                "\"FROZEN\" is not a value of status_code",
            ),
            (
                r#"{ field = "copies", equals = "3" }"#,
                "x",
                "cannot be tested that way",
            ),
            (
                r#"{ field = "status_code", in_list = "nope" }"#,
                "x",
                "no such list",
            ),
            (
                r#"{ field = "hold", is = true }"#,
                "冻结 {frozen_by}",
                "rules[0] (R1).cases[0].reason: unknown field {frozen_by}",
            ),
        ];
        for (when, zh, needle) in cases {
            let text = one_case(when, zh);
            let err = check_rules(&rule(&text), &BTreeMap::new(), &fields(), &codes()).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn rules_that_can_never_match_are_reported() {
        let text = r#"
[[rules]]
id = "R1"
disposition = "HOLD"
[[rules.cases]]
when = [{ field = "status_code", equals = "HOLD" }, { field = "status_code", equals = "ON_HAND" }]
reason = { zh = "x", en = "x" }
[[rules]]
id = "R2"
disposition = "REVIEW"
[[rules.cases]]
when = [{ field = "hold", is = true }]
reason = { zh = "x", en = "x" }
[[rules]]
id = "R3"
disposition = "DONE"
[[rules.cases]]
when = [{ field = "hold", is = true }, { field = "status_code", equals = "HOLD" }]
reason = { zh = "x", en = "x" }
[[rules]]
id = "R4"
disposition = "REVIEW"
[[rules.cases]]
when = []
reason = { zh = "x", en = "x" }
[[rules]]
id = "R5"
disposition = "DESTROY"
[[rules.cases]]
when = [{ field = "hold", is = false }]
reason = { zh = "x", en = "x" }
"#;
        let (_, warnings) =
            check_rules(&rule(text), &BTreeMap::new(), &fields(), &codes()).unwrap();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("R1") && warnings[0].contains("contradict"));
        assert!(warnings[1].contains("R3") && warnings[1].contains("R2"));
        assert!(warnings[2].contains("R5") && warnings[2].contains("R4"));
    }
}
