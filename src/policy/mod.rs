//! The policy file: how registers are read, and (with the plan) how holdings
//! are decided.
//!
//! SPEC says that everything an office may want to change lives in the policy
//! file, not in code. This module loads that TOML file, refuses unknown keys
//! and bad values at load time (naming the key), and compiles the word lists
//! into the [`Vocabulary`] the reader uses. The shipped default is
//! `data/policy.toml`, embedded in the binary so the tool works from any
//! folder.

pub mod rules;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::domain::{ActionTaken, Level, MediumClass, Retention};
use crate::fields::Field;

pub use crate::vocabulary::Vocabulary;
use crate::vocabulary::{AssumeSection, ReadingSection, UnitSection, ValuesSection};
pub use rules::{CheckedRule, Disposition};

/// The shipped default policy, `data/policy.toml`.
pub const DEFAULT_POLICY: &str = include_str!("../../data/policy.toml");

/// A policy file that could not be loaded.
#[derive(Debug, Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy file {path}: {source}")]
    Io {
        /// The policy file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The TOML is malformed, or a key or value is not one the policy knows.
    #[error("policy {path}: {message}")]
    Invalid {
        /// The policy file (or `default` for the shipped one).
        path: String,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// The policy file as written. Unknown keys are refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// How registers are laid out.
    pub reading: ReadingSection,
    /// Header aliases per canonical field.
    pub aliases: BTreeMap<Field, Vec<String>>,
    /// What cell values mean.
    pub values: ValuesSection,
    /// The office.
    pub unit: UnitSection,
    /// Named lists that rules test with `in_list`.
    pub lists: BTreeMap<String, Vec<String>>,
    /// Retention by category, for rows whose retention is blank.
    pub schedule: BTreeMap<String, String>,
    /// Day limits.
    pub limits: LimitsSection,
    /// Confidentiality period, in years, when none is marked.
    pub secrecy_max_years: BTreeMap<Level, u32>,
    /// The destruction matrix.
    pub destruction: DestructionSection,
    /// Retention by category and action, for rows whose retention is
    /// blank (上级来文: archived when acted on, not when only read).
    #[serde(default)]
    pub schedule_by_action: BTreeMap<String, BTreeMap<ActionTaken, String>>,
    /// What a sheet without a column is read as.
    pub assume: AssumeSection,
    /// The ordered rules.
    pub rules: Vec<rules::Rule>,
}

/// `[limits]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSection {
    /// Days a circulating document may be out.
    pub circulation_days: u32,
    /// Days a loan may last.
    pub loan_days: u32,
}

/// `[destruction]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestructionSection {
    /// DIN 66399 security level by effective classification.
    pub security_level: BTreeMap<Level, u8>,
    /// Witnesses by effective classification.
    pub witnesses: BTreeMap<Level, u8>,
    /// What goes to a designated facility.
    pub facility: Vec<FacilityRule>,
}

/// `[[destruction.facility]]`: a level (and, optionally, media) destroyed at
/// a designated facility.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FacilityRule {
    /// Effective classification.
    pub level: Level,
    /// Media classes; all when absent.
    pub media: Option<Vec<MediumClass>>,
}

/// The planning part of a policy, checked.
#[derive(Debug, Clone)]
pub struct PlanPolicy {
    /// The office's name.
    pub unit_name: String,
    /// The office's language (`[unit] lang`: `zh` or `en`), if set.
    pub unit_lang: Option<String>,
    /// Normalised issuer words that mean the office itself (its name
    /// included).
    pub own_names: Vec<String>,
    /// Normalised categories that mean a document came from outside.
    pub outside_categories: Vec<String>,
    /// Retention by (normalised) category.
    pub schedule: BTreeMap<String, Retention>,
    /// Retention by (normalised) category and action.
    pub schedule_by_action: BTreeMap<(String, ActionTaken), Retention>,
    /// Whether the schedule is the shipped example rather than the office's
    /// own approved one.
    pub example_schedule: bool,
    /// Days a circulating document may be out.
    pub circulation_days: u32,
    /// Days a loan may last.
    pub loan_days: u32,
    /// Years of confidentiality when none is marked.
    pub secrecy_max_years: BTreeMap<Level, u32>,
    /// Security level by effective classification.
    pub security_level: BTreeMap<Level, u8>,
    /// Witnesses by effective classification.
    pub witnesses: BTreeMap<Level, u8>,
    /// Facility rules.
    pub facility: Vec<FacilityRule>,
    /// The rules, checked.
    pub rules: Vec<CheckedRule>,
    /// Cases that can never match.
    pub warnings: Vec<String>,
    /// Choices the policy makes that depart from the national rule (in-house
    /// destruction of classified carriers): allowed, but said out loud.
    pub notices: Vec<String>,
}

impl PlanPolicy {
    /// Checks and compiles the planning part of a policy file. Errors name
    /// the key.
    fn compile(file: &PolicyFile, vocab: &Vocabulary) -> Result<PlanPolicy, String> {
        let schedule = compile_schedule(&file.schedule, vocab)?;
        if let Some(lang) = &file.unit.lang
            && lang != "zh"
            && lang != "en"
        {
            return Err(format!("[unit] lang = {lang:?}: expected \"zh\" or \"en\""));
        }
        check_destruction(&file.destruction)?;
        check_secrecy_max_years(&file.secrecy_max_years)?;
        let schedule_by_action = compile_schedule_by_action(&file.schedule_by_action, vocab)?;
        let (fields, codes) = rules::rule_fields();
        let (rules, warnings) = rules::check_rules(&file.rules, &file.lists, &fields, &codes)?;
        Ok(PlanPolicy {
            // Spaces around the name would be printed, but read back trimmed.
            unit_name: file.unit.name.trim().to_string(),
            unit_lang: file.unit.lang.clone(),
            own_names: vocab.own_names.clone(),
            outside_categories: vocab.outside_categories.clone(),
            schedule,
            schedule_by_action,
            example_schedule: is_example_schedule(file),
            circulation_days: file.limits.circulation_days,
            loan_days: file.limits.loan_days,
            secrecy_max_years: file.secrecy_max_years.clone(),
            security_level: file.destruction.security_level.clone(),
            witnesses: file.destruction.witnesses.clone(),
            facility: file.destruction.facility.clone(),
            rules,
            warnings,
            notices: in_house_exceptions(&file.destruction.facility),
        })
    }
}

/// `[schedule]`: retention by normalised category.
fn compile_schedule(
    schedule: &BTreeMap<String, String>,
    vocab: &Vocabulary,
) -> Result<BTreeMap<String, Retention>, String> {
    let mut out = BTreeMap::new();
    for (category, text) in schedule {
        let r = crate::vocabulary::words::parse_retention(text, vocab)
            .map_err(|e| format!("schedule.\"{category}\": \"{text}\" {e}"))?;
        out.insert(crate::text::normalize(category), r);
    }
    Ok(out)
}

/// `[schedule_by_action]`: retention by normalised category and action.
fn compile_schedule_by_action(
    schedule: &BTreeMap<String, BTreeMap<ActionTaken, String>>,
    vocab: &Vocabulary,
) -> Result<BTreeMap<(String, ActionTaken), Retention>, String> {
    let mut out = BTreeMap::new();
    for (category, by_action) in schedule {
        for (action, text) in by_action {
            let r = crate::vocabulary::words::parse_retention(text, vocab).map_err(|e| {
                format!(
                    "schedule_by_action.\"{category}\".{}: \"{text}\" {e}",
                    action.code()
                )
            })?;
            out.insert((crate::text::normalize(category), *action), r);
        }
    }
    Ok(out)
}

/// `[destruction]`: a security level (DIN 66399, 1–7) and at least one
/// witness for every level.
fn check_destruction(destruction: &DestructionSection) -> Result<(), String> {
    for level in Level::ALL {
        if !destruction.security_level.contains_key(&level) {
            return Err(format!(
                "destruction.security_level.{}: missing",
                level.code()
            ));
        }
        if !destruction.witnesses.contains_key(&level) {
            return Err(format!("destruction.witnesses.{}: missing", level.code()));
        }
    }
    for (level, n) in &destruction.security_level {
        if !(1..=7).contains(n) {
            return Err(format!(
                "destruction.security_level.{}: {n} is not a DIN 66399 level (1–7)",
                level.code()
            ));
        }
    }
    for (level, n) in &destruction.witnesses {
        if *n == 0 {
            return Err(format!(
                "destruction.witnesses.{}: at least one witness",
                level.code()
            ));
        }
    }
    Ok(())
}

/// `[secrecy_max_years]`: a number of years for every classified level.
fn check_secrecy_max_years(years: &BTreeMap<Level, u32>) -> Result<(), String> {
    for level in [Level::TopSecret, Level::Secret, Level::Confidential] {
        match years.get(&level) {
            Some(y) if *y > 0 => {}
            _ => {
                return Err(format!(
                    "secrecy_max_years.{}: a number of years is needed",
                    level.code()
                ));
            }
        }
    }
    Ok(())
}

/// Whether the schedules are the shipped default's, not the office's own.
fn is_example_schedule(file: &PolicyFile) -> bool {
    let default = toml::from_str::<PolicyFile>(DEFAULT_POLICY).ok();
    default.is_some_and(|d| {
        d.schedule == file.schedule && d.schedule_by_action == file.schedule_by_action
    })
}

/// Classified levels and media the facility rules leave to in-house
/// destruction: an exception to the national rule an office may choose.
fn in_house_exceptions(facility: &[FacilityRule]) -> Vec<String> {
    let mut out = Vec::new();
    for level in [Level::TopSecret, Level::Secret, Level::Confidential] {
        let in_house: Vec<&str> = MediumClass::ALL
            .into_iter()
            .filter(|m| {
                !facility
                    .iter()
                    .any(|f| f.level == level && f.media.as_ref().is_none_or(|x| x.contains(m)))
            })
            .map(MediumClass::code)
            .collect();
        if !in_house.is_empty() {
            out.push(format!(
                "destruction.facility: {} on {} is destroyed in-house; the national rule sends every classified carrier to the destruction facility, so keep this only as an approved exception",
                level.code(),
                in_house.join(", ")
            ));
        }
    }
    out
}

/// A loaded and validated policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Where it came from: a path, or `default`.
    pub origin: String,
    /// The policy's text, as loaded (recorded in run information).
    pub text: String,
    /// The compiled word lists.
    pub vocabulary: Vocabulary,
    /// The planning rules and tables.
    pub plan: PlanPolicy,
}

impl Policy {
    /// The shipped default policy.
    ///
    /// ```
    /// let policy = clearance::policy::Policy::default_policy().unwrap();
    /// assert_eq!(policy.origin, "default");
    /// ```
    pub fn default_policy() -> Result<Policy, PolicyError> {
        Policy::from_text("default", DEFAULT_POLICY)
    }

    /// Loads a policy file from disk.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Policy::from_text(&path.display().to_string(), &text)
    }

    /// Parses and validates a policy from its text; `origin` names it in
    /// messages.
    pub fn from_text(origin: &str, text: &str) -> Result<Policy, PolicyError> {
        let invalid = |message: String| PolicyError::Invalid {
            path: origin.to_string(),
            message,
        };
        let file: PolicyFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let known_categories = file
            .schedule
            .keys()
            .chain(file.schedule_by_action.keys())
            .chain(file.lists.values().flatten())
            .map(String::as_str)
            .collect::<Vec<_>>();
        let vocabulary = Vocabulary::compile(&crate::vocabulary::Sources {
            reading: &file.reading,
            aliases: &file.aliases,
            values: &file.values,
            assume: &file.assume,
            unit: &file.unit,
            known_categories: &known_categories,
        })
        .map_err(&invalid)?;
        let plan = PlanPolicy::compile(&file, &vocabulary).map_err(&invalid)?;
        Ok(Policy {
            origin: origin.to_string(),
            text: text.to_string(),
            vocabulary,
            plan,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_loads() {
        let policy = Policy::default_policy().expect("default policy");
        assert_eq!(
            policy.vocabulary.field_for_header("文件编号"),
            Some(Field::DocId)
        );
    }

    #[test]
    fn a_header_with_its_unit_of_years_names_its_field() {
        // 保管期限（年） was kept as is: a register's 永久 went unread and
        // the schedule planned the document for destruction.
        let v = Policy::default_policy().expect("default policy").vocabulary;
        let cases = [
            ("保管期限（年）", Some(Field::Retention)),
            ("保管期限(年)", Some(Field::Retention)),
            ("保管期限 (单位：年)", Some(Field::Retention)),
            ("保管年限", Some(Field::Retention)),
            ("保存期限", Some(Field::Retention)),
            ("归档保管期限", Some(Field::Retention)),
            ("保密期限（年）", Some(Field::SecrecyPeriod)),
            ("保密年限", Some(Field::SecrecyPeriod)),
            ("Retention (years)", Some(Field::Retention)),
            ("冻结（是/否）", Some(Field::Hold)),
            // Months are not years: left for the user to say.
            ("保密期限（月）", None),
            ("保管期限（备用）", None),
            ("（年）", None),
        ];
        for (header, want) in cases {
            assert_eq!(v.field_for_header(header), want, "{header}");
        }
    }

    #[test]
    fn bad_policies_name_the_key() {
        let cases = [
            (
                "aliases.nonsense",
                "[aliases]\nnonsense = [\"x\"]",
                "nonsense",
            ),
            ("reading.extra", "[reading]\nextra = 1", "extra"),
            (
                "values.classification.VERY_SECRET",
                "[values.classification]\nVERY_SECRET = [\"x\"]",
                "VERY_SECRET",
            ),
        ];
        for (name, replacement, needle) in cases {
            let (section, _) = replacement.split_once('\n').unwrap();
            // Insert the bad key directly under its section header.
            let text = DEFAULT_POLICY.replacen(section, replacement, 1);
            let err = Policy::from_text("test.toml", &text)
                .expect_err(name)
                .to_string();
            assert!(err.contains(needle), "{name}: {err}");
            assert!(err.contains("test.toml"), "{name}: {err}");
        }
    }

    #[test]
    fn an_alias_claimed_by_two_fields_is_refused() {
        let text =
            DEFAULT_POLICY.replacen("[aliases]\n", "[aliases]\nholder = [\"文件编号\"]\n", 1);
        // `holder` now appears twice as a key: TOML refuses that, naming it.
        assert!(Policy::from_text("p", &text).is_err());
        let text = DEFAULT_POLICY.replace(
            "holder = [\"持有人\",",
            "holder = [\"文件编号\", \"持有人\",",
        );
        let err = Policy::from_text("p", &text).unwrap_err().to_string();
        assert!(err.contains("文件编号") && err.contains("holder"), "{err}");
    }

    /// Issue 7, point 19: the default sent classified paper to in-house
    /// shredding; an office may still choose that, but is told.
    #[test]
    fn classified_carriers_go_to_the_facility_unless_the_policy_says_otherwise() {
        let policy = Policy::default_policy().unwrap();
        assert!(policy.plan.notices.is_empty(), "{:?}", policy.plan.notices);
        let text = DEFAULT_POLICY.replacen(
            "[[destruction.facility]]\nlevel = \"CONFIDENTIAL\"",
            "[[destruction.facility]]\nlevel = \"CONFIDENTIAL\"\nmedia = [\"O\"]",
            1,
        );
        let policy = Policy::from_text("p", &text).unwrap();
        assert_eq!(policy.plan.notices.len(), 1);
        assert!(policy.plan.notices[0].contains("CONFIDENTIAL on P, F, T, H, E"));
    }

    #[test]
    fn the_shipped_schedule_is_recognised_as_the_example() {
        assert!(Policy::default_policy().unwrap().plan.example_schedule);
        let text = DEFAULT_POLICY.replace("\"会议纪要\" = \"永久\"", "\"会议纪要\" = \"30年\"");
        assert!(!Policy::from_text("p", &text).unwrap().plan.example_schedule);
    }

    #[test]
    fn assumptions_are_checked_at_load() {
        let text =
            DEFAULT_POLICY.replace("classification = \"UNKNOWN\"", "classification = \"VERY\"");
        let err = Policy::from_text("p", &text).unwrap_err().to_string();
        assert!(err.contains("assume.classification"), "{err}");
    }
}
