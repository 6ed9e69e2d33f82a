//! The policy's word lists, compiled for fast lookup.
//!
//! Reading a million-row register looks up every header and coded cell, so
//! the lists are turned once into hash maps keyed by normalised text.

use std::collections::HashMap;

use crate::domain::{Level, MediumClass, Retention, RetentionWord, Status};
use crate::fields::Field;
use crate::text::normalize;

use super::PolicyFile;

/// Compiled word lists: header aliases and the values of coded fields.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    aliases: HashMap<String, Field>,
    classification: HashMap<String, Level>,
    /// Level words, longest first, for markings written without a ★
    /// (秘密10年).
    level_prefixes: Vec<(String, Level)>,
    medium: HashMap<String, MediumClass>,
    boolean: HashMap<String, bool>,
    retention: HashMap<String, Retention>,
    status: HashMap<String, Status>,
    skip_prefixes: Vec<String>,
    /// Rows searched for the header.
    pub header_search_rows: u32,
    /// Matching cells needed for a header row.
    pub header_min_matches: u32,
}

/// Inserts every word of every group into `map`, refusing a word that two
/// groups claim.
fn insert_words<K: Copy + PartialEq + std::fmt::Debug>(
    map: &mut HashMap<String, K>,
    section: &str,
    groups: impl IntoIterator<Item = (K, Vec<String>)>,
) -> Result<(), String> {
    for (key, words) in groups {
        for word in words {
            let norm = normalize(&word);
            if let Some(other) = map.insert(norm, key)
                && other != key
            {
                return Err(format!(
                    "{section}: \"{word}\" is listed under both {other:?} and {key:?}"
                ));
            }
        }
    }
    Ok(())
}

impl Vocabulary {
    /// Compiles a policy file's word lists. Errors name the key.
    pub fn compile(file: &PolicyFile) -> Result<Vocabulary, String> {
        let mut v = Vocabulary {
            header_search_rows: file.reading.header_search_rows,
            header_min_matches: file.reading.header_min_matches,
            ..Vocabulary::default()
        };
        if v.header_search_rows == 0 {
            return Err("reading.header_search_rows must be at least 1".into());
        }
        if v.header_min_matches == 0 {
            return Err("reading.header_min_matches must be at least 1".into());
        }
        v.skip_prefixes = file
            .reading
            .skip_row_prefixes
            .iter()
            .map(|p| normalize(p))
            .filter(|p| !p.is_empty())
            .collect();
        for (field, words) in &file.aliases {
            for word in words {
                let norm = normalize(word);
                if norm.is_empty() {
                    return Err(format!("aliases.{field}: an alias is blank"));
                }
                if let Some(other) = v.aliases.insert(norm, *field)
                    && other != *field
                {
                    return Err(format!(
                        "aliases.{field}: \"{word}\" is already an alias of {other}"
                    ));
                }
            }
        }
        for required in [Field::DocId, Field::Title] {
            if !v.aliases.values().any(|f| *f == required) {
                return Err(format!("aliases.{required}: at least one alias is needed"));
            }
        }
        let values = &file.values;
        insert_words(
            &mut v.classification,
            "values.classification",
            values.classification.clone(),
        )?;
        v.level_prefixes = v
            .classification
            .iter()
            .filter(|(w, _)| !w.is_empty())
            .map(|(w, l)| (w.clone(), *l))
            .collect();
        v.level_prefixes
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        insert_words(&mut v.medium, "values.medium", values.medium.clone())?;
        insert_words(&mut v.boolean, "values.boolean", values.boolean.clone())?;
        insert_words(&mut v.status, "values.status", values.status.clone())?;
        let words = values.retention.iter().map(|(w, list)| {
            let r = match w {
                RetentionWord::Permanent => Retention::Permanent,
                RetentionWord::NotArchived => Retention::NotArchived,
            };
            (r, list.clone())
        });
        insert_words(&mut v.retention, "values.retention", words)?;
        for (word, years) in &values.retention_years {
            if *years == 0 {
                return Err(format!("values.retention_years.{word}: must be at least 1"));
            }
            insert_words(
                &mut v.retention,
                "values.retention_years",
                [(Retention::Years(*years), vec![word.clone()])],
            )?;
        }
        Ok(v)
    }

    /// The field a header text names, if any.
    pub fn field_for_header(&self, header: &str) -> Option<Field> {
        self.aliases.get(&normalize(header)).copied()
    }

    /// Whether a row starting with this (normalised) text is a subtotal,
    /// footer or instruction row.
    pub fn skip_prefix(&self, norm: &str) -> Option<&str> {
        self.skip_prefixes
            .iter()
            .find(|p| norm.starts_with(p.as_str()))
            .map(String::as_str)
    }

    /// The level a normalised word names.
    pub fn level(&self, norm: &str) -> Option<Level> {
        self.classification.get(norm).copied()
    }

    /// Level words, longest first (for markings without a separator).
    pub fn level_prefixes(&self) -> &[(String, Level)] {
        &self.level_prefixes
    }

    /// The DIN 66399 class a normalised carrier word names.
    pub fn medium(&self, norm: &str) -> Option<MediumClass> {
        self.medium.get(norm).copied()
    }

    /// The truth value a normalised word names.
    pub fn boolean(&self, norm: &str) -> Option<bool> {
        self.boolean.get(norm).copied()
    }

    /// The retention a normalised word names (永久, 不归档, 长期 …).
    pub fn retention_word(&self, norm: &str) -> Option<Retention> {
        self.retention.get(norm).copied()
    }

    /// The status a normalised word names.
    pub fn status(&self, norm: &str) -> Option<Status> {
        self.status.get(norm).copied()
    }
}
