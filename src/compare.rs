//! Comparing two run folders (`clearance diff`): which holdings the two
//! plans decided differently, and which holdings only one of them has.
//!
//! # Matching
//!
//! Every row of each run's decision table is a holding. A holding of the
//! old run is paired with at most one of the new run, in rounds; each round
//! pairs rows still unpaired whose keys are equal, the k-th old row of a key
//! with the k-th new row of that key, both in table order (so the result
//! never depends on a hash or a sort of the keys):
//!
//! * **Same registers** (the runs read the same files: the multisets of
//!   input SHA-256s in `run.json` are equal — one set of registers planned
//!   twice, e.g. under two policies): one round, by source position
//!   (source_file, source_sheet, source_row), which identifies a row
//!   exactly. A file renamed between the runs is followed by its SHA-256.
//!   Nothing else is tried: a row the other run lacks is only in one run.
//! * **Other registers** (this year against last year: rows are inserted,
//!   removed and moved, so positions mean nothing), in this order:
//!   1. by doc_id, department and title;
//!   2. by doc_id and department;
//!   3. by doc_id alone. Where several rows share a doc_id, the department
//!      (and the title) thus decide which pairs with which; what is left
//!      pairs in table order (a copy that moved to another department);
//!   4. by title and department, then
//!   5. by title alone — both only between rows whose doc_ids do not
//!      contradict each other: one of the two has none (a doc_id added, or
//!      lost, since).
//!
//!   Rows with two different doc_ids are never paired; rows with neither a
//!   doc_id nor a title cannot be paired. Values are compared trimmed.
//!
//! Every row of each run ends either in exactly one pair or in the list of
//! rows only in its run ([`Comparison::check`] proves it), so the counts add
//! up: old rows = pairs + only in old, new rows = pairs + only in new.
//!
//! A pair has **changed** when its disposition, its destination (a return's
//! unit) or its destruction method (DIN 66399 level code, site, witnesses)
//! differ; another rule or reason alone is not a change.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::Hash;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use polars::prelude::ParquetReader;
use polars::prelude::SerReader;

use crate::domain::Disposition;
use crate::output::decisions::DecisionText;
use crate::run_folder::{RUN_FILE, RunInfo};

/// The decision table of a run folder.
pub const DECISIONS_FILE: &str = "decisions.parquet";

/// The columns of the decision table a comparison reads.
const COLUMNS: [&str; 13] = [
    "source_file",
    "source_sheet",
    "source_row",
    "doc_id",
    "title",
    "department",
    "disposition",
    "rule",
    "reason",
    "destination",
    "destruction_level",
    "destruction_site",
    "witnesses",
];

/// One holding as a run decided it (blank for a value it does not have).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holding {
    /// Register file.
    pub source_file: String,
    /// Sheet.
    pub source_sheet: String,
    /// Row in the sheet.
    pub source_row: String,
    /// Document number.
    pub doc_id: String,
    /// Title.
    pub title: String,
    /// Holding department.
    pub department: String,
    /// Disposition code.
    pub disposition: String,
    /// The rule that decided.
    pub rule: String,
    /// Why.
    pub reason: String,
    /// DIN 66399 level code of a destruction.
    pub destruction_level: String,
    /// Destruction site code.
    pub destruction_site: String,
    /// Witnesses required.
    pub witnesses: String,
    /// Where a return goes.
    pub destination: String,
}

/// A run folder read for comparison.
#[derive(Debug, Clone)]
pub struct Run {
    /// The folder, as given.
    pub dir: PathBuf,
    /// Its `run.json`.
    pub info: RunInfo,
    /// Its holdings, in decision-table order.
    pub rows: Vec<Holding>,
}

/// Why a folder cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// No such folder.
    #[error("{0}: no such folder")]
    NoFolder(PathBuf),
    /// A file, not a folder.
    #[error("{0}: a file, not a run folder")]
    NotAFolder(PathBuf),
    /// The folder lacks a file every run folder has.
    #[error("{dir}: not a run folder (it has no {file})")]
    Missing {
        /// The folder.
        dir: PathBuf,
        /// The file it lacks.
        file: &'static str,
    },
    /// The file is there but cannot be read.
    #[error("{path}: cannot read it as a run's {what}: {detail}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What it should be.
        what: &'static str,
        /// The reader's message.
        detail: String,
    },
}

/// Reads a run folder: `run.json` and `decisions.parquet`.
pub fn read_run(dir: &Path) -> Result<Run, RunError> {
    if !dir.exists() {
        return Err(RunError::NoFolder(dir.to_path_buf()));
    }
    if !dir.is_dir() {
        return Err(RunError::NotAFolder(dir.to_path_buf()));
    }
    for file in [RUN_FILE, DECISIONS_FILE] {
        if !dir.join(file).is_file() {
            return Err(RunError::Missing {
                dir: dir.to_path_buf(),
                file,
            });
        }
    }
    let info = RunInfo::read(dir).map_err(|e| RunError::Unreadable {
        path: dir.join(RUN_FILE),
        what: "description",
        detail: format!("{:#}", e.root_cause()),
    })?;
    let path = dir.join(DECISIONS_FILE);
    let unreadable = |detail: String| RunError::Unreadable {
        path: path.clone(),
        what: "decision table",
        detail,
    };
    let file = std::fs::File::open(&path).map_err(|e| unreadable(e.to_string()))?;
    let df = ParquetReader::new(file)
        .with_columns(Some(COLUMNS.iter().map(|c| c.to_string()).collect()))
        .finish()
        .map_err(|e| unreadable(e.to_string()))?;
    let text = DecisionText::new(&df, &COLUMNS).map_err(|e| unreadable(e.to_string()))?;
    let rows = (0..df.height())
        .map(|i| {
            let get = |c: &str| text.text(c, i).to_string();
            Holding {
                source_file: get("source_file"),
                source_sheet: get("source_sheet"),
                source_row: get("source_row"),
                doc_id: get("doc_id"),
                title: get("title"),
                department: get("department"),
                disposition: get("disposition"),
                rule: get("rule"),
                reason: get("reason"),
                destination: get("destination"),
                destruction_level: get("destruction_level"),
                destruction_site: get("destruction_site"),
                witnesses: get("witnesses"),
            }
        })
        .collect();
    Ok(Run {
        dir: dir.to_path_buf(),
        info,
        rows,
    })
}

/// How a pair of holdings was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchedBy {
    /// The same file, sheet and row of the same registers.
    Position,
    /// The same doc_id.
    DocId,
    /// The same title, one of the two without a doc_id.
    Title,
}

impl MatchedBy {
    /// Every way, in the order they are tried.
    pub const ALL: [MatchedBy; 3] = [MatchedBy::Position, MatchedBy::DocId, MatchedBy::Title];
}

/// A holding of the old run and the same holding in the new run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Its row in the old run.
    pub old: usize,
    /// Its row in the new run.
    pub new: usize,
    /// How it was found.
    pub by: MatchedBy,
}

/// What differs between the two decisions of a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// The disposition.
    pub disposition: bool,
    /// The return destination.
    pub destination: bool,
    /// The destruction method: level code, site or witnesses.
    pub method: bool,
}

impl Changes {
    /// What differs between `old` and `new`.
    pub fn between(old: &Holding, new: &Holding) -> Changes {
        Changes {
            disposition: old.disposition != new.disposition,
            destination: old.destination != new.destination,
            method: old.destruction_level != new.destruction_level
                || old.destruction_site != new.destruction_site
                || old.witnesses != new.witnesses,
        }
    }

    /// Whether anything differs.
    pub fn any(self) -> bool {
        self.disposition || self.destination || self.method
    }
}

/// The two runs and how their holdings correspond.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The earlier run.
    pub old: Run,
    /// The later run.
    pub new: Run,
    /// Whether both runs read the same registers (matched by position).
    pub same_inputs: bool,
    /// The pairs, in the old run's order.
    pub pairs: Vec<Pair>,
    /// Rows of the old run with no pair, in order.
    pub only_old: Vec<usize>,
    /// Rows of the new run with no pair, in order.
    pub only_new: Vec<usize>,
}

/// The counts of a comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows of the old run.
    pub old_rows: usize,
    /// Rows of the new run.
    pub new_rows: usize,
    /// Holdings in both.
    pub matched: usize,
    /// Of those, decided differently.
    pub changed: usize,
    /// Of those, decided alike.
    pub unchanged: usize,
    /// Holdings only in the old run.
    pub only_old: usize,
    /// Holdings only in the new run.
    pub only_new: usize,
    /// Pairs found by position, by doc_id, by title.
    pub by: [usize; 3],
}

impl Counts {
    /// Whether the counts add up.
    pub fn balance(&self) -> bool {
        self.matched + self.only_old == self.old_rows
            && self.matched + self.only_new == self.new_rows
            && self.changed + self.unchanged == self.matched
            && self.by.iter().sum::<usize>() == self.matched
    }
}

/// The disposition matrix: pairs counted by old × new disposition, with
/// the holdings only in the old run by their old disposition and those
/// only in the new run by their new one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    /// The disposition codes of either run: report order
    /// ([`Disposition::ALL`]), then any other code in sorted order.
    pub codes: Vec<String>,
    /// Pairs by (old code, new code).
    pub pairs: BTreeMap<(String, String), usize>,
    /// Holdings only in the old run, by old code.
    pub only_old: BTreeMap<String, usize>,
    /// Holdings only in the new run, by new code.
    pub only_new: BTreeMap<String, usize>,
}

impl Matrix {
    /// Pairs decided `old` then `new`.
    pub fn cell(&self, old: &str, new: &str) -> usize {
        self.pairs
            .get(&(old.to_string(), new.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// The multiset of a run's input digests → paths, in input order.
fn inputs_by_digest(info: &RunInfo) -> BTreeMap<&str, Vec<&str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for input in &info.inputs {
        out.entry(input.sha256.as_str())
            .or_default()
            .push(input.path.as_str());
    }
    out
}

/// When the two runs read the same registers (the same SHA-256s, as many
/// times each), each old source file → the new run's name for it.
pub fn same_registers(old: &RunInfo, new: &RunInfo) -> Option<HashMap<String, String>> {
    let (a, b) = (inputs_by_digest(old), inputs_by_digest(new));
    if a.is_empty() || a.len() != b.len() {
        return None;
    }
    let mut names = HashMap::new();
    for ((digest_a, paths_a), (digest_b, paths_b)) in a.iter().zip(&b) {
        if digest_a != digest_b || paths_a.len() != paths_b.len() {
            return None;
        }
        // A file of the same name keeps it; otherwise names pair in input
        // order.
        let (mut sorted_a, mut sorted_b) = (paths_a.clone(), paths_b.clone());
        sorted_a.sort_unstable();
        sorted_b.sort_unstable();
        let kept = sorted_a == sorted_b;
        for (from, to) in paths_a.iter().zip(paths_b) {
            let to = if kept { from } else { to };
            names.insert(from.to_string(), to.to_string());
        }
    }
    Some(names)
}

/// Rows not yet paired, and the pairs so far.
struct Pairing<'a> {
    old: &'a [Holding],
    new: &'a [Holding],
    old_free: Vec<bool>,
    new_free: Vec<bool>,
    pairs: Vec<Pair>,
}

impl<'a> Pairing<'a> {
    fn new(old: &'a [Holding], new: &'a [Holding]) -> Pairing<'a> {
        Pairing {
            old,
            new,
            old_free: vec![true; old.len()],
            new_free: vec![true; new.len()],
            pairs: Vec::new(),
        }
    }

    /// One round: unpaired rows with equal keys pair up, k-th with k-th in
    /// table order; a row without a key takes no part.
    fn round<K: Eq + Hash>(
        &mut self,
        by: MatchedBy,
        old_key: impl Fn(&'a Holding) -> Option<K>,
        new_key: impl Fn(&'a Holding) -> Option<K>,
    ) {
        let mut waiting: HashMap<K, VecDeque<usize>> = HashMap::new();
        for (j, h) in self.new.iter().enumerate() {
            if self.new_free[j]
                && let Some(k) = new_key(h)
            {
                waiting.entry(k).or_default().push_back(j);
            }
        }
        if waiting.is_empty() {
            return;
        }
        for (i, h) in self.old.iter().enumerate() {
            if !self.old_free[i] {
                continue;
            }
            let Some(k) = old_key(h) else { continue };
            if let Some(j) = waiting.get_mut(&k).and_then(VecDeque::pop_front) {
                self.old_free[i] = false;
                self.new_free[j] = false;
                self.pairs.push(Pair { old: i, new: j, by });
            }
        }
    }
}

/// A value as compared: trimmed, `None` when blank.
fn given(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|t| !t.is_empty())
}

/// Pairs the holdings of two runs (see the module documentation).
pub fn compare(old: Run, new: Run) -> Result<Comparison> {
    let names = same_registers(&old.info, &new.info);
    let same_inputs = names.is_some();
    let mut p = Pairing::new(&old.rows, &new.rows);
    match &names {
        Some(names) => p.round(
            MatchedBy::Position,
            |h| {
                let file = names
                    .get(&h.source_file)
                    .map_or(h.source_file.as_str(), String::as_str);
                Some((file, h.source_sheet.as_str(), h.source_row.as_str()))
            },
            |h| {
                Some((
                    h.source_file.as_str(),
                    h.source_sheet.as_str(),
                    h.source_row.as_str(),
                ))
            },
        ),
        None => pair_across_registers(&mut p),
    }
    let mut pairs = std::mem::take(&mut p.pairs);
    pairs.sort_by_key(|x| x.old);
    let free = |v: &[bool]| -> Vec<usize> { (0..v.len()).filter(|i| v[*i]).collect() };
    let (only_old, only_new) = (free(&p.old_free), free(&p.new_free));
    let comparison = Comparison {
        same_inputs,
        pairs,
        only_old,
        only_new,
        old,
        new,
    };
    comparison.check()?;
    Ok(comparison)
}

/// The rounds for runs of different registers: doc_id, then title.
fn pair_across_registers(p: &mut Pairing<'_>) {
    p.round(MatchedBy::DocId, id_dept_title, id_dept_title);
    p.round(MatchedBy::DocId, id_dept, id_dept);
    p.round(MatchedBy::DocId, doc_id, doc_id);
    // By title, only where one of the two has no doc_id: old rows without
    // one against any new row, then any old row against new rows without.
    p.round(MatchedBy::Title, without_id(title_dept), title_dept);
    p.round(MatchedBy::Title, title_dept, without_id(title_dept));
    p.round(MatchedBy::Title, without_id(title), title);
    p.round(MatchedBy::Title, title, without_id(title));
}

/// Keys of the rounds.
fn doc_id(h: &Holding) -> Option<&str> {
    given(&h.doc_id)
}

fn id_dept_title(h: &Holding) -> Option<(&str, &str, &str)> {
    doc_id(h).map(|i| (i, h.department.trim(), h.title.trim()))
}

fn id_dept(h: &Holding) -> Option<(&str, &str)> {
    doc_id(h).map(|i| (i, h.department.trim()))
}

fn title_dept(h: &Holding) -> Option<(&str, &str)> {
    given(&h.title).map(|t| (t, h.department.trim()))
}

fn title(h: &Holding) -> Option<&str> {
    given(&h.title)
}

/// A key given only to rows without a doc_id.
fn without_id<'a, K>(key: impl Fn(&'a Holding) -> Option<K>) -> impl Fn(&'a Holding) -> Option<K> {
    move |h| key(h).filter(|_| doc_id(h).is_none())
}

impl Comparison {
    /// Proves that every row of each run is in exactly one pair or in its
    /// run's only-in list.
    pub fn check(&self) -> Result<()> {
        for (name, run, mine, only) in [
            (
                "old",
                &self.old,
                self.pairs.iter().map(|p| p.old).collect::<Vec<_>>(),
                &self.only_old,
            ),
            (
                "new",
                &self.new,
                self.pairs.iter().map(|p| p.new).collect(),
                &self.only_new,
            ),
        ] {
            let mut seen = vec![0u32; run.rows.len()];
            for i in mine.iter().chain(only.iter()) {
                match seen.get_mut(*i) {
                    Some(n) => *n += 1,
                    None => bail!(
                        "{}: row {i} of the {name} run does not exist",
                        run.dir.display()
                    ),
                }
            }
            if let Some(i) = seen.iter().position(|n| *n != 1) {
                bail!(
                    "{}: row {} of the {name} run was counted {} times; this is a bug in clearance diff",
                    run.dir.display(),
                    i + 1,
                    seen[i]
                );
            }
        }
        Ok(())
    }

    /// The pairs decided differently, with what differs, in the old run's
    /// order.
    pub fn changed(&self) -> Vec<(Pair, Changes)> {
        self.pairs
            .iter()
            .map(|p| {
                (
                    *p,
                    Changes::between(&self.old.rows[p.old], &self.new.rows[p.new]),
                )
            })
            .filter(|(_, c)| c.any())
            .collect()
    }

    /// The counts.
    pub fn counts(&self) -> Counts {
        let changed = self.changed().len();
        let mut by = [0; 3];
        for p in &self.pairs {
            by[MatchedBy::ALL.iter().position(|b| *b == p.by).unwrap_or(0)] += 1;
        }
        Counts {
            old_rows: self.old.rows.len(),
            new_rows: self.new.rows.len(),
            matched: self.pairs.len(),
            changed,
            unchanged: self.pairs.len() - changed,
            only_old: self.only_old.len(),
            only_new: self.only_new.len(),
            by,
        }
    }

    /// The disposition matrix.
    pub fn matrix(&self) -> Matrix {
        let mut m = Matrix::default();
        for p in &self.pairs {
            let key = (
                self.old.rows[p.old].disposition.clone(),
                self.new.rows[p.new].disposition.clone(),
            );
            *m.pairs.entry(key).or_default() += 1;
        }
        for i in &self.only_old {
            *m.only_old
                .entry(self.old.rows[*i].disposition.clone())
                .or_default() += 1;
        }
        for j in &self.only_new {
            *m.only_new
                .entry(self.new.rows[*j].disposition.clone())
                .or_default() += 1;
        }
        let mut seen: std::collections::BTreeSet<&str> = self
            .old
            .rows
            .iter()
            .chain(&self.new.rows)
            .map(|h| h.disposition.as_str())
            .collect();
        for d in Disposition::ALL {
            if seen.remove(d.code()) {
                m.codes.push(d.code().to_string());
            }
        }
        m.codes.extend(seen.into_iter().map(str::to_string));
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run_folder::RunInput;

    fn info(inputs: &[(&str, &str)]) -> RunInfo {
        RunInfo {
            tool: "clearance".into(),
            as_of: "2024-12-31".into(),
            unit: String::new(),
            policy: "default".into(),
            policy_sha256: String::new(),
            inputs: inputs
                .iter()
                .map(|(path, sha)| RunInput {
                    path: path.to_string(),
                    sha256: sha.to_string(),
                    size: 1,
                })
                .collect(),
            ledger: None,
            previous: None,
        }
    }

    /// A holding: file, row, doc_id, title, department, disposition.
    fn h(file: &str, row: u32, id: &str, title: &str, dept: &str, d: &str) -> Holding {
        Holding {
            source_file: file.into(),
            source_sheet: "s".into(),
            source_row: row.to_string(),
            doc_id: id.into(),
            title: title.into(),
            department: dept.into(),
            disposition: d.into(),
            ..Holding::default()
        }
    }

    fn run(inputs: &[(&str, &str)], rows: Vec<Holding>) -> Run {
        Run {
            dir: PathBuf::from("run"),
            info: info(inputs),
            rows,
        }
    }

    /// (old row, new row, how) of each pair.
    fn pairs(c: &Comparison) -> Vec<(usize, usize, MatchedBy)> {
        c.pairs.iter().map(|p| (p.old, p.new, p.by)).collect()
    }

    #[test]
    fn the_same_registers_pair_by_position_only() {
        let old = run(
            &[("a.xlsx", "x")],
            vec![
                h("a.xlsx", 2, "A-1", "One", "Ops", "DESTROY"),
                h("a.xlsx", 3, "A-2", "Two", "Ops", "KEEP"),
            ],
        );
        // The file was renamed; the rows are the same, their doc_ids
        // swapped (a position decides, not a doc_id).
        let new = run(
            &[("b.xlsx", "x")],
            vec![
                h("b.xlsx", 3, "A-1", "Two", "Ops", "KEEP"),
                h("b.xlsx", 2, "A-2", "One", "Ops", "ARCHIVE"),
            ],
        );
        let c = compare(old, new).unwrap();
        assert!(c.same_inputs);
        assert_eq!(
            pairs(&c),
            [(0, 1, MatchedBy::Position), (1, 0, MatchedBy::Position)]
        );
        let changed = c.changed();
        assert_eq!(changed.len(), 1);
        assert_eq!((changed[0].0.old, changed[0].1.disposition), (0, true));
        let counts = c.counts();
        assert!(counts.balance(), "{counts:?}");
        assert_eq!((counts.changed, counts.unchanged), (1, 1));
    }

    #[test]
    fn other_registers_pair_by_doc_id_then_department_then_title() {
        let old = run(
            &[("2023.xlsx", "x")],
            vec![
                h("2023.xlsx", 2, "A-1", "One", "Ops", "KEEP"),
                // One doc_id held by two departments.
                h("2023.xlsx", 3, "D-1", "Shared", "Ops", "KEEP"),
                h("2023.xlsx", 4, "D-1", "Shared", "Legal", "KEEP"),
                // No doc_id: found by title.
                h("2023.xlsx", 5, "", "Minutes of May", "Ops", "ARCHIVE"),
                // Gone this year.
                h("2023.xlsx", 6, "G-1", "Gone", "Ops", "DESTROY"),
                // Two different doc_ids of one title never pair.
                h("2023.xlsx", 7, "T-1", "Bulletin", "Ops", "DESTROY"),
                // Nothing to pair by.
                h("2023.xlsx", 8, "", "", "", "REJECTED"),
            ],
        );
        let new = run(
            &[("2024.xlsx", "y")],
            vec![
                h("2024.xlsx", 2, "N-1", "New", "Ops", "KEEP"),
                h("2024.xlsx", 3, "D-1", "Shared", "Legal", "DESTROY"),
                h("2024.xlsx", 4, "A-1", "One", "Ops", "KEEP"),
                h("2024.xlsx", 5, "D-1", "Shared", "Ops", "KEEP"),
                h("2024.xlsx", 6, "M-5", "Minutes of May", "Ops", "ARCHIVE"),
                h("2024.xlsx", 7, "T-2", "Bulletin", "Ops", "DESTROY"),
                h("2024.xlsx", 8, "", "", "", "REJECTED"),
            ],
        );
        let c = compare(old, new).unwrap();
        assert!(!c.same_inputs);
        assert_eq!(
            pairs(&c),
            [
                (0, 2, MatchedBy::DocId),
                (1, 3, MatchedBy::DocId),
                (2, 1, MatchedBy::DocId),
                (3, 4, MatchedBy::Title),
            ]
        );
        assert_eq!(c.only_old, [4, 5, 6]);
        assert_eq!(c.only_new, [0, 5, 6]);
        let changed = c.changed();
        assert_eq!(changed.len(), 1, "Legal's copy is now destroyed");
        assert_eq!(changed[0].0.old, 2);
        let counts = c.counts();
        assert!(counts.balance(), "{counts:?}");
        assert_eq!(counts.by, [0, 3, 1]);
        let m = c.matrix();
        assert_eq!(m.codes, ["DESTROY", "ARCHIVE", "KEEP", "REJECTED"]);
        assert_eq!(m.cell("KEEP", "DESTROY"), 1);
        assert_eq!(m.cell("KEEP", "KEEP"), 2);
        assert_eq!(m.only_old["DESTROY"], 2);
        assert_eq!(m.only_new["KEEP"], 1);
        let total: usize = m.pairs.values().chain(m.only_old.values()).sum();
        assert_eq!(total, counts.old_rows);
    }

    #[test]
    fn a_department_move_still_pairs_by_doc_id() {
        let old = run(&[("a", "x")], vec![h("a", 2, "A-1", "One", "Ops", "KEEP")]);
        let new = run(
            &[("a", "y")],
            vec![h("a", 9, "A-1", "One (revised)", "Legal", "DESTROY")],
        );
        let c = compare(old, new).unwrap();
        assert_eq!(pairs(&c), [(0, 0, MatchedBy::DocId)]);
    }

    #[test]
    fn registers_read_a_different_number_of_times_are_not_the_same() {
        assert!(same_registers(&info(&[("a", "x")]), &info(&[("a", "x"), ("b", "x")])).is_none());
        assert!(same_registers(&info(&[("a", "x")]), &info(&[("a", "z")])).is_none());
        assert!(same_registers(&info(&[]), &info(&[])).is_none());
        let names = same_registers(
            &info(&[("a", "x"), ("b", "y")]),
            &info(&[("b2", "y"), ("a", "x")]),
        )
        .unwrap();
        assert_eq!((names["a"].as_str(), names["b"].as_str()), ("a", "b2"));
    }

    #[test]
    fn a_miscount_is_caught() {
        let old = run(&[("a", "x")], vec![h("a", 2, "A", "T", "", "KEEP")]);
        let new = run(&[("a", "x")], vec![h("a", 2, "A", "T", "", "KEEP")]);
        let mut c = compare(old, new).unwrap();
        c.only_old.push(0);
        assert!(c.check().is_err());
    }
}
