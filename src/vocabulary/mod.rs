//! The words of registers: which header texts name which field, which cell
//! values mean what, what a sheet without a column is read as — the
//! policy file's `[reading]`, `[aliases]`, `[values.*]`, `[assume]` and the
//! office's own names — compiled for fast lookup, and the readers of every
//! value's text forms ([`words`]).
//!
//! This module is a leaf: it depends on the codes ([`crate::domain`]), the
//! field names ([`crate::fields`]) and text normalisation only. The register
//! reader ([`crate::ingest`]) and the policy ([`crate::policy`]) both use
//! it; neither is used here. Reading a million-row register looks up every
//! header and coded cell, so the lists are turned once into hash maps keyed
//! by normalised text.

pub mod words;

use std::collections::HashMap;

/// A word map looked up for every coded cell of a register: a fast,
/// fixed-seed hash (the same order in every run; nothing iterates it into an
/// output unsorted).
type WordMap<V> = HashMap<String, V, foldhash::fast::FixedState>;
type WordSet = std::collections::HashSet<String, foldhash::fast::FixedState>;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::{ActionTaken, Level, MediumClass, Retention, RetentionWord, Status};
use crate::fields::Field;
use crate::text::{normalize, normalize_cow};

/// `[assume]`: what a sheet lacking a column is read as (SPEC §2: a missing
/// column is not a column of blank cells).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssumeSection {
    /// A level code, or `UNKNOWN`: rows that would be destroyed go to REVIEW.
    pub classification: String,
    /// A DIN 66399 class; the sheet is flagged.
    pub medium: MediumClass,
    /// Per sheet (by sheet name, or a CSV file's name).
    #[serde(default)]
    pub sheets: BTreeMap<String, SheetAssumeSection>,
}

/// `[assume.sheets."NAME"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetAssumeSection {
    /// As `assume.classification`.
    pub classification: Option<String>,
    /// As `assume.medium`.
    pub medium: Option<MediumClass>,
}

/// `[unit]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSection {
    /// The office's name.
    pub name: String,
    /// Issuer words that mean the office itself (本单位, 本局).
    pub own_names: Vec<String>,
    /// Categories that mean the document came from outside (上级来文).
    pub outside_categories: Vec<String>,
    /// The language of labels and terminal text, `zh` or `en` (`--lang`
    /// overrides it); Chinese when absent.
    #[serde(default)]
    pub lang: Option<String>,
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
    /// Words that mean "none" in any cell (无, /, —): read as blank, unless
    /// the field's own words give them a meaning.
    pub none_words: Vec<String>,
    /// Ditto marks (同上, 〃): a cell holding one is not read (REVIEW in a
    /// decision field).
    pub ditto_words: Vec<String>,
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
    /// Action → words (办理情况).
    pub action: BTreeMap<ActionTaken, Vec<String>>,
}

/// What a vocabulary is compiled from: the policy file's sections about
/// words, and the categories its rules and schedule decide on.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// `[reading]`.
    pub reading: &'a ReadingSection,
    /// `[aliases]`.
    pub aliases: &'a BTreeMap<Field, Vec<String>>,
    /// `[values.*]`.
    pub values: &'a ValuesSection,
    /// `[assume]`.
    pub assume: &'a AssumeSection,
    /// `[unit]`.
    pub unit: &'a UnitSection,
    /// Categories the policy decides on (its schedules and lists).
    pub known_categories: &'a [&'a str],
}

/// Compiled word lists: header aliases and the values of coded fields.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    aliases: WordMap<Field>,
    /// Characters of the longest alias, normalised.
    longest_alias: usize,
    classification: WordMap<Level>,
    /// Level words, longest first, for markings written without a ★
    /// (秘密10年).
    level_prefixes: Vec<(String, Level)>,
    medium: WordMap<MediumClass>,
    boolean: WordMap<bool>,
    retention: WordMap<Retention>,
    status: WordMap<Status>,
    action: WordMap<ActionTaken>,
    none_words: WordSet,
    /// The most characters a "none" word has, before normalising.
    none_word_chars: usize,
    skip_prefixes: Vec<String>,
    /// What a sheet without a column is read as.
    pub assume: Assumptions,
    /// Normalised issuer words that mean the office itself (its name
    /// included).
    pub own_names: Vec<String>,
    /// Normalised categories that mean a document came from outside.
    pub outside_categories: Vec<String>,
    /// Normalised categories the policy names anywhere (schedule, lists,
    /// outside categories): a category column's value that decides.
    known_categories: WordSet,
    /// Normalised ditto marks (同上, 〃): the row above's value, not read.
    ditto_words: WordSet,
    /// Rows searched for the header.
    pub header_search_rows: u32,
    /// Matching cells needed for a header row.
    pub header_min_matches: u32,
}

/// What a sheet lacking a column is read as, by default and per sheet.
#[derive(Debug, Clone, Default)]
pub struct Assumptions {
    /// The level of a sheet without a classification column (`None`:
    /// unknown, so nothing of it is destroyed without review).
    pub classification: Option<Level>,
    /// The medium of a sheet without a medium column.
    pub medium: Option<MediumClass>,
    /// Per sheet name (or CSV file name): (level, medium) overrides.
    pub sheets: HashMap<String, (Option<Option<Level>>, Option<MediumClass>)>,
}

impl Assumptions {
    /// The assumed level and medium for a sheet, found by its name or, for
    /// a CSV file, the file's name.
    pub fn for_sheet(&self, file: &str, sheet: &str) -> (Option<Level>, Option<MediumClass>) {
        let file_name = std::path::Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let own = self
            .sheets
            .get(sheet)
            .filter(|_| !sheet.is_empty())
            .or_else(|| self.sheets.get(&file_name));
        (
            own.and_then(|o| o.0).unwrap_or(self.classification),
            own.and_then(|o| o.1).or(self.medium),
        )
    }
}

/// Reads `assume.classification`: a level code or UNKNOWN.
fn assumed_level(key: &str, text: &str) -> Result<Option<Level>, String> {
    if text == "UNKNOWN" {
        return Ok(None);
    }
    Level::from_code(text).map(Some).ok_or_else(|| {
        format!(
            "{key}: \"{text}\" is not UNKNOWN or a level code (TOP_SECRET, SECRET, CONFIDENTIAL, INTERNAL, UNCLASSIFIED)"
        )
    })
}

/// Inserts every word of every group into `map`, refusing a word that two
/// groups claim.
fn insert_words<K: Copy + PartialEq + std::fmt::Debug>(
    map: &mut WordMap<K>,
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

/// The words of a list, normalised, blank ones left out.
fn normalized_words(words: &[String]) -> impl Iterator<Item = String> + '_ {
    words.iter().map(|w| normalize(w)).filter(|w| !w.is_empty())
}

/// A header without what is written in brackets after its name: the list
/// of its values (`冻结(是/否)` → `冻结`) or its unit of years
/// (`保管期限（年）` → `保管期限`, `保密期限(单位：年)`); `None` when it ends
/// in neither (a bracket holding anything else is part of the name). A
/// unit of months is not taken off: a bare number is read as years, and
/// `保密期限（月）` read as 保密期限 would read 6 months as 6 years.
fn without_bracketed_note(header: &str) -> Option<&str> {
    let body = header
        .strip_suffix(')')
        .or_else(|| header.strip_suffix('）'))
        .or_else(|| header.strip_suffix('】'))?;
    let open = body.rfind(['(', '（', '【'])?;
    let (name, note) = (body[..open].trim_end(), &body[open..]);
    let inner = note
        .trim_start_matches(['(', '（', '【'])
        .trim_start_matches("单位")
        .trim_start_matches([':', '：'])
        .trim();
    let listed = note.contains(['/', '／', '、', '|']);
    let years = matches!(inner, "年" | "years" | "year");
    (!name.is_empty() && (listed || years)).then_some(name)
}

impl Vocabulary {
    /// Compiles a policy file's word lists. Errors name the key.
    pub fn compile(file: &Sources<'_>) -> Result<Vocabulary, String> {
        let mut v = Vocabulary::default();
        v.compile_reading(file.reading)?;
        v.compile_aliases(file.aliases)?;
        v.compile_coded_values(file.values)?;
        v.compile_unit(file.unit, file.known_categories);
        v.compile_assume(file.assume)?;
        v.compile_retention_words(file.values)?;
        Ok(v)
    }

    /// `[reading]`: the header search, skipped-row prefixes, "none" words
    /// and ditto marks.
    fn compile_reading(&mut self, reading: &ReadingSection) -> Result<(), String> {
        self.header_search_rows = reading.header_search_rows;
        self.header_min_matches = reading.header_min_matches;
        if self.header_search_rows == 0 {
            return Err("reading.header_search_rows must be at least 1".into());
        }
        if self.header_min_matches == 0 {
            return Err("reading.header_min_matches must be at least 1".into());
        }
        self.skip_prefixes = normalized_words(&reading.skip_row_prefixes).collect();
        self.none_words = normalized_words(&reading.none_words).collect();
        self.none_word_chars = reading
            .none_words
            .iter()
            .chain(&reading.ditto_words)
            .map(|w| w.trim().chars().count())
            .max()
            .unwrap_or(0);
        self.ditto_words = normalized_words(&reading.ditto_words).collect();
        Ok(())
    }

    /// `[aliases]`: every header alias, none blank or claimed by two
    /// fields, and at least one for doc_id and for title.
    fn compile_aliases(&mut self, aliases: &BTreeMap<Field, Vec<String>>) -> Result<(), String> {
        for (field, words) in aliases {
            for word in words {
                let norm = normalize(word);
                if norm.is_empty() {
                    return Err(format!("aliases.{field}: an alias is blank"));
                }
                if let Some(other) = self.aliases.insert(norm, *field)
                    && other != *field
                {
                    return Err(format!(
                        "aliases.{field}: \"{word}\" is already an alias of {other}"
                    ));
                }
            }
        }
        self.longest_alias = self
            .aliases
            .keys()
            .map(|a| a.chars().count())
            .max()
            .unwrap_or(0);
        for required in [Field::DocId, Field::Title] {
            if !self.aliases.values().any(|f| *f == required) {
                return Err(format!("aliases.{required}: at least one alias is needed"));
            }
        }
        Ok(())
    }

    /// `[values.*]` of the coded fields: levels (and their words longest
    /// first, for markings without a ★), media, yes/no, status and action.
    fn compile_coded_values(&mut self, values: &ValuesSection) -> Result<(), String> {
        insert_words(
            &mut self.classification,
            "values.classification",
            values.classification.clone(),
        )?;
        self.level_prefixes = self
            .classification
            .iter()
            .filter(|(w, _)| !w.is_empty())
            .map(|(w, l)| (w.clone(), *l))
            .collect();
        self.level_prefixes
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        insert_words(&mut self.medium, "values.medium", values.medium.clone())?;
        insert_words(&mut self.boolean, "values.boolean", values.boolean.clone())?;
        insert_words(&mut self.status, "values.status", values.status.clone())?;
        insert_words(&mut self.action, "values.action", values.action.clone())?;
        Ok(())
    }

    /// `[unit]`: the office's own names and the outside categories; with the
    /// categories the policy decides on, the known categories.
    fn compile_unit(&mut self, unit: &UnitSection, known_categories: &[&str]) {
        self.own_names = unit.own_names.iter().map(|n| normalize(n)).collect();
        self.own_names.push(normalize(&unit.name));
        self.own_names.retain(|n| !n.is_empty());
        self.outside_categories = normalized_words(&unit.outside_categories).collect();
        self.known_categories = known_categories
            .iter()
            .map(|c| normalize(c))
            .chain(self.outside_categories.iter().cloned())
            .collect();
    }

    /// `[assume]`: the level and medium of a sheet lacking the column, by
    /// default and per sheet.
    fn compile_assume(&mut self, assume: &AssumeSection) -> Result<(), String> {
        self.assume = Assumptions {
            classification: assumed_level("assume.classification", &assume.classification)?,
            medium: Some(assume.medium),
            sheets: HashMap::new(),
        };
        for (name, sheet) in &assume.sheets {
            let level = match &sheet.classification {
                Some(text) => Some(assumed_level(
                    &format!("assume.sheets.\"{name}\".classification"),
                    text,
                )?),
                None => None,
            };
            self.assume
                .sheets
                .insert(name.clone(), (level, sheet.medium));
        }
        Ok(())
    }

    /// `[values.retention]` and `[values.retention_years]`: retention words
    /// (永久, 不归档) and legacy words meaning a number of years (长期).
    fn compile_retention_words(&mut self, values: &ValuesSection) -> Result<(), String> {
        let words = values.retention.iter().map(|(w, list)| {
            let r = match w {
                RetentionWord::Permanent => Retention::Permanent,
                RetentionWord::NotArchived => Retention::NotArchived,
            };
            (r, list.clone())
        });
        insert_words(&mut self.retention, "values.retention", words)?;
        for (word, years) in &values.retention_years {
            if *years == 0 {
                return Err(format!("values.retention_years.{word}: must be at least 1"));
            }
            insert_words(
                &mut self.retention,
                "values.retention_years",
                [(Retention::Years(*years), vec![word.clone()])],
            )?;
        }
        Ok(())
    }

    /// The decision field (or 保密期限, or 清退单位) a header text seems to
    /// be about without naming it exactly (是否需冻结 contains 冻结,
    /// 保管期限（月） contains 保管期限, 解密时间 is about 保密期限): a column
    /// worth a person's look, since
    /// a hold or return column that is not read fails to "no", and a
    /// 保管期限 or 保密期限 that is not read is left to the schedule or to
    /// the level's maximum.
    pub fn field_hinted_by(&self, header: &str) -> Option<Field> {
        let norm = normalize(header);
        let mut hints: Vec<(&str, Field)> = self
            .aliases
            .iter()
            .map(|(alias, field)| (alias.as_str(), *field))
            .filter(|(alias, field)| {
                (field.is_decision_field()
                    || matches!(field, Field::ReturnTo | Field::SecrecyPeriod))
                    && alias.chars().count() >= 2
            })
            // 解密时间, 解密日期: the day a 保密期限 ends.
            .chain([("解密", Field::SecrecyPeriod)])
            .filter(|(alias, _)| norm.contains(alias))
            .collect();
        // 保密期限 last (密级（保密期限） is about 密级), then the longest
        // alias (清退单位名称 is about 清退单位, not 清退).
        hints.sort_by(|a, b| {
            let secrecy = |f: Field| f == Field::SecrecyPeriod;
            secrecy(a.1)
                .cmp(&secrecy(b.1))
                .then(b.0.len().cmp(&a.0.len()))
                .then(a.0.cmp(b.0))
        });
        hints.first().map(|(_, f)| *f)
    }

    /// What a value of a coded field that was not understood is told: the
    /// words the policy accepts for it (the first ten, sorted) and the
    /// section to add one under; `None` for fields without a word list.
    pub fn accepted_words(&self, kind: crate::fields::FieldKind) -> Option<String> {
        use crate::fields::FieldKind as K;
        fn sorted<V>(map: &WordMap<V>) -> Vec<&str> {
            let mut words: Vec<&str> = map
                .keys()
                .map(String::as_str)
                .filter(|w| !w.is_empty())
                .collect();
            words.sort_unstable();
            words
        }
        let (words, section) = match kind {
            K::Classification => (sorted(&self.classification), "values.classification"),
            K::Medium => (sorted(&self.medium), "values.medium"),
            K::Boolean => (sorted(&self.boolean), "values.boolean"),
            K::Retention => (sorted(&self.retention), "values.retention"),
            K::Status => (sorted(&self.status), "values.status"),
            K::Action => (sorted(&self.action), "values.action"),
            _ => return None,
        };
        let shown: Vec<&str> = words.iter().take(10).copied().collect();
        let more = if words.len() > shown.len() {
            " …"
        } else {
            ""
        };
        Some(format!(
            "accepted: {}{more}; to accept another word, add it under [{section}] in the policy",
            shown.join(", ")
        ))
    }

    /// The known header closest to an unknown one, when it is close enough
    /// to be a variant of it (a character or two apart: 文件编码 for 文件编号,
    /// 密 级 for 密级): the alias and its field. For suggestions only.
    pub fn closest_alias(&self, header: &str) -> Option<(&str, Field)> {
        let norm: Vec<char> = normalize(header).chars().collect();
        if norm.len() < 2 {
            return None;
        }
        let allowed = match norm.len() {
            0..=3 => 1,
            4..=8 => 2,
            n => n / 4,
        };
        self.aliases
            .iter()
            .map(|(alias, field)| (edit_distance(&norm, alias), alias.as_str(), *field))
            .filter(|(d, ..)| *d <= allowed)
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
            .map(|(_, alias, field)| (alias, field))
    }

    /// The field a header text names, if any.
    ///
    /// A header that lists its column's values in brackets after a name
    /// (`冻结（是/否）`, `载体(纸质/电子)`), or its unit of years
    /// (`保管期限（年）`), names what the name names; so does one marked as
    /// a column to fill in (`冻结*`, `※密级`).
    pub fn field_for_header(&self, header: &str) -> Option<Field> {
        let norm = normalize_cow(header);
        // A template's mark of a column to fill in (冻结*, ※密级) is not
        // part of its name.
        let name = norm.trim_matches(['*', '※', '★', '☆']);
        self.aliases.get(name).copied().or_else(|| {
            let name = without_bracketed_note(name)?;
            self.aliases.get(name).copied()
        })
    }

    /// The field a text names as a header, if any; a cheap test first, for
    /// it runs on every data row (a header met among the data): only text no
    /// longer than the longest alias can name one.
    pub fn field_for_short_header(&self, text: &str) -> Option<Field> {
        let visible = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(self.longest_alias + 1)
            .count();
        if visible > self.longest_alias {
            return None;
        }
        self.field_for_header(text)
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

    /// A carrier other than `class` that (normalised) `text` names within
    /// it, as a word of two characters or more: `附光盘1张` names 光盘.
    pub fn other_medium_in(&self, text: &str, class: MediumClass) -> Option<MediumClass> {
        self.medium
            .iter()
            .find(|(word, c)| {
                **c != class && word.chars().count() >= 2 && text.contains(word.as_str())
            })
            .map(|(_, c)| *c)
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

    /// The action a normalised word names.
    pub fn action(&self, norm: &str) -> Option<ActionTaken> {
        self.action.get(norm).copied()
    }

    /// Whether a normalised word means "none" (无, /, —).
    pub fn is_none_word(&self, norm: &str) -> bool {
        self.none_words.contains(norm)
    }

    /// A cheap first test: whether trimmed text is short enough to be a
    /// "none" word or a ditto mark (most cells are not, and need not be
    /// normalised).
    pub fn may_be_none_word(&self, trimmed: &str) -> bool {
        trimmed.chars().take(self.none_word_chars + 1).count() <= self.none_word_chars
    }

    /// Whether a normalised word is a ditto mark (同上, 〃).
    pub fn is_ditto(&self, norm: &str) -> bool {
        self.ditto_words.contains(norm)
    }

    /// Whether a normalised issuer names the office itself.
    pub fn is_own_name(&self, norm: &str) -> bool {
        self.own_names.iter().any(|n| n == norm)
    }

    /// Whether a normalised category is one the policy decides on.
    pub fn is_known_category(&self, norm: &str) -> bool {
        self.known_categories.contains(norm)
    }

    /// Whether a normalised category means the document came from outside.
    pub fn is_outside_category(&self, norm: &str) -> bool {
        self.outside_categories.iter().any(|c| c == norm)
    }
}

/// Levenshtein distance between a text (as chars) and `b`, in characters.
fn edit_distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
