//! The policy file: how registers are read, and (with the plan) how holdings
//! are decided.
//!
//! SPEC says that everything an office may want to change lives in the policy
//! file, not in code. This module loads that TOML file, refuses unknown keys
//! and bad values at load time (naming the key), and compiles the word lists
//! into the [`Vocabulary`] the reader uses. The shipped default is
//! `data/policy.toml`, embedded in the binary so the tool works from any
//! folder.

mod vocabulary;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use thiserror::Error;

use crate::domain::{Level, MediumClass, RetentionWord, Status};
use crate::fields::Field;

pub use vocabulary::Vocabulary;

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
}

/// `[reading]`: where headers are and which rows are not data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingSection {
    /// How many rows from the top are searched for the header.
    pub header_search_rows: u32,
    /// How many cells must name a known field for a row to be the header.
    pub header_min_matches: u32,
    /// Rows whose first non-empty cell starts with one of these are skipped.
    pub skip_row_prefixes: Vec<String>,
}

/// `[values.*]`: the words each coded field accepts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuesSection {
    /// Classification level → words.
    pub classification: BTreeMap<Level, Vec<String>>,
    /// DIN 66399 class → carrier words.
    pub medium: BTreeMap<MediumClass, Vec<String>>,
    /// `true` / `false` → words.
    pub boolean: BTreeMap<bool, Vec<String>>,
    /// Retention words (永久, 不归档).
    pub retention: BTreeMap<RetentionWord, Vec<String>>,
    /// Legacy retention words that mean a number of years (长期 = 30).
    pub retention_years: BTreeMap<String, u32>,
    /// Status → words.
    pub status: BTreeMap<Status, Vec<String>>,
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
        let vocabulary = Vocabulary::compile(&file).map_err(invalid)?;
        Ok(Policy {
            origin: origin.to_string(),
            text: text.to_string(),
            vocabulary,
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
}
