//! The plan: one disposition per holding, with the rule and reason that
//! decided it, the destruction method where it is destroyed, and its
//! anomalies (SPEC §3–§4).
//!
//! Input is the canonical table from [`crate::ingest`]; output is the
//! decision table that every later output (workbook, decisions.csv,
//! manifests) is written from. The steps: derive what the rules need
//! ([`derive`]), find the first matching rule case for every row with
//! boolean masks ([`engine`]), then fill in the destination,
//! destruction method and anomalies.

pub mod derive;
pub mod engine;
pub mod recorded;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::codes::{self, Codes};
use crate::config::Lang;
use crate::cores::{both, columns_on_two_cores, on_two_cores};
use crate::domain::{Anomaly, Level, MediumClass, Status};
use crate::fields::CodeSet;
use crate::history::LedgerIndex;
use crate::policy::{Disposition, PlanPolicy};
use crate::text::document_number_key;

pub use crate::fields::LEADING_COLUMNS;

/// Canonical columns not carried into the decision table (their content is
/// in `reason` and `anomalies`, and a second number or an unread value in
/// its kept column).
const CANONICAL_DROPPED: [&str; 4] = [
    "reject_reason",
    "anomalies",
    crate::fields::OTHER_NUMBERS_COLUMN,
    crate::fields::UNREAD_COLUMN,
];

/// The rule named when the engine's own safety check, not a policy rule,
/// decided: a row that would be destroyed by a method that cannot be known.
pub const SAFETY_RULE: &str = "SAFETY";

/// The reason a destruction is overruled when its method cannot be known:
/// the level is unknown, else the medium.
fn unknown_method_reason(level_unknown: bool, lang: Lang) -> String {
    match (level_unknown, lang) {
        (true, Lang::Zh) => "需人工审核：密级未知（本表没有密级栏），无法确定销毁方式；可在策略 [assume] 中为该表指定密级".into(),
        (true, Lang::En) => "needs review: the level is unknown (no 密级 column in this sheet), so the destruction method cannot be known; the policy's [assume] can name the sheet's level".into(),
        (false, Lang::Zh) => "需人工审核：载体未知，无法确定销毁方式".into(),
        (false, Lang::En) => "needs review: the medium is unknown, so the destruction method cannot be known".into(),
    }
}

/// The first decision of every row: its rule case's disposition, rule and
/// reason, or REJECTED.
struct Decided<'c> {
    disposition: Vec<Disposition>,
    rule: Vec<Option<&'c str>>,
    reason: Reasons,
}

impl Decided<'_> {
    /// Sends row `i` to REVIEW by the safety rule, for `reason`.
    fn overrule(&mut self, i: usize, reason: String) {
        self.disposition[i] = Disposition::Review;
        self.rule[i] = Some(SAFETY_RULE);
        self.reason.set(i, reason);
    }
}

/// Every row's reason, each distinct text held once. A million rows have
/// a few dozen reasons (a rule's text with the row's values put in): held
/// as a `String` each they took about 100 MB while the plan was made.
#[derive(Default)]
struct Reasons {
    /// The distinct texts, in the order first met.
    texts: Vec<String>,
    /// Each text's place in `texts`.
    index: std::collections::HashMap<String, IdxSize, foldhash::fast::RandomState>,
    /// Each row's text, by its place in `texts`.
    of_row: Vec<IdxSize>,
}

impl Reasons {
    /// The place of `text` in `texts`, added when new.
    fn place(&mut self, text: &str) -> IdxSize {
        if let Some(&k) = self.index.get(text) {
            return k;
        }
        let k = IdxSize::try_from(self.texts.len()).expect("fewer distinct reasons than rows");
        self.texts.push(text.to_string());
        self.index.insert(text.to_string(), k);
        k
    }

    /// Adds the next row's reason.
    fn push(&mut self, text: &str) {
        let k = self.place(text);
        self.of_row.push(k);
    }

    /// Adds the rows of `next`, which come after these: the distinct texts
    /// stay in the order first met, as if every row had been pushed here.
    fn append(&mut self, next: Reasons) {
        let places: Vec<IdxSize> = next.texts.iter().map(|t| self.place(t)).collect();
        self.of_row
            .extend(next.of_row.iter().map(|&k| places[k as usize]));
    }

    /// Row `i`'s reason.
    fn get(&self, i: usize) -> &str {
        &self.texts[self.of_row[i] as usize]
    }

    /// Replaces row `i`'s reason.
    fn set(&mut self, i: usize, text: String) {
        self.of_row[i] = self.place(&text);
    }

    /// The reasons as a text column named `name`: one copy of each text,
    /// every row's value a view of it.
    fn into_column(self, name: &str) -> PolarsResult<Column> {
        let texts =
            StringChunked::from_iter_values(name.into(), self.texts.iter().map(String::as_str));
        let places = IdxCa::from_vec(name.into(), self.of_row);
        Ok(texts.take(&places)?.into_column())
    }
}

/// Every row's first decision: REJECTED when it was rejected while read,
/// else its first matching rule case, else REVIEW (no rule decided).
fn first_decisions<'c>(
    df: &DataFrame,
    cases: &'c [engine::FlatCase],
    lang: Lang,
) -> PolarsResult<Decided<'c>> {
    let reasons = engine::ReasonWriter::new(df, cases, lang)?;
    let case_index = df.column("case_index")?.i32()?;
    let reject = df.column("reject_reason")?.str()?;
    let no_rule = match lang {
        Lang::Zh => "需人工审核：没有规则作出决定",
        Lang::En => "needs review: no rule decided",
    };
    // Each row is decided from its own values: the two halves of the table
    // on two cores.
    let decide_rows = |rows: std::ops::Range<usize>| {
        let mut out = Decided {
            disposition: Vec::with_capacity(rows.len()),
            rule: Vec::with_capacity(rows.len()),
            reason: Reasons::default(),
        };
        let mut why = String::new();
        for i in rows {
            why.clear();
            let (d, r) = if let Some(reject) = reject.get(i) {
                why.push_str(match lang {
                    Lang::Zh if reject == crate::ingest::record::UNIDENTIFIED => {
                        "无法识别：既无文件编号也无标题"
                    }
                    _ => reject,
                });
                (Disposition::Rejected, None)
            } else if let Some((k, case)) = case_index
                .get(i)
                .and_then(|k| cases.get(k as usize).map(|c| (k as usize, c)))
            {
                reasons.render_into(k, i, &mut why);
                (case.disposition, Some(case.rule.as_str()))
            } else {
                why.push_str(no_rule);
                (Disposition::Review, None)
            };
            out.disposition.push(d);
            out.rule.push(r);
            out.reason.push(&why);
        }
        out
    };
    let (mut out, second) = on_two_cores(df.height(), decide_rows);
    out.disposition.extend(second.disposition);
    out.rule.extend(second.rule);
    out.reason.append(second.reason);
    Ok(out)
}

/// Whatever the rules say, nothing is destroyed when a person must look
/// first: its level or medium is unknown (a sheet without a 密级 column), no
/// copy is on hand (a loss to report, nothing to destroy), or another row of
/// the same doc_id is on hold.
fn safety_checks(df: &DataFrame, decided: &mut Decided<'_>, lang: Lang) -> PolarsResult<()> {
    let effective = Codes::of(df, "effective_classification")?;
    let medium = Codes::of(df, "medium_class")?;
    let on_hand = df.column("copies_on_hand")?.i64()?;
    let doc_id = df.column("doc_id")?.str()?;
    let files = df.column("source_file")?.str()?;
    let sheets = df.column("source_sheet")?.str()?;
    let rows = df.column("source_row")?.u32()?;
    let notes = df.column("notes")?.str()?;
    let others = df.column(crate::fields::OTHER_NUMBERS_COLUMN)?.str()?;
    let unread = df.column(crate::fields::UNREAD_COLUMN)?.str()?;
    // A row's numbers: its doc_id, and those of a second number column
    // (a document held under its 发文编号 is held where it is registered
    // under its 收文编号 with the 发文编号 beside it).
    let numbers = |i: usize| {
        let more = crate::fields::other_numbers(others.get(i));
        doc_id
            .get(i)
            .into_iter()
            .chain(more)
            .filter(|id| !id.trim().is_empty())
    };
    // Held documents by their numbers as compared (`京办发〔2019〕5号` held
    // in one register holds `京办发[2019]5号` in another).
    let mut held: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    // On hold too: a row whose 备注, or a column not read, says so (its
    // own decision is REVIEW).
    for (i, d) in decided.disposition.iter().enumerate() {
        // A hold in a column not read (文件状态：冻结) holds the number's
        // other copies as one in 备注 does.
        let hold_word = |text: Option<&str>| {
            text.and_then(crate::vocabulary::words::hold_word_in_notes)
                .is_some()
        };
        if *d == Disposition::Hold || hold_word(notes.get(i)) || hold_word(unread.get(i)) {
            for id in numbers(i) {
                held.entry(crate::text::document_key(id)).or_insert(i);
            }
        }
    }
    let held_as = |i: usize| -> Option<usize> {
        if held.is_empty() {
            return None;
        }
        numbers(i).find_map(|id| held.get(&crate::text::document_key(id)).copied())
    };
    for i in 0..df.height() {
        // Nothing on hand is nothing to hand over either: a return or a
        // transfer signed for with no copy would record the loss as done.
        if matches!(
            decided.disposition[i],
            Disposition::Return | Disposition::Archive
        ) && on_hand.get(i) == Some(0)
        {
            decided.overrule(
                i,
                lang.pick(
                    "需人工审核：现存份数为 0，无可移交之物；疑似丢失，须立即报告",
                    "needs review: no copy on hand (0), nothing to hand over; a suspected loss to report at once",
                )
                .to_string(),
            );
            continue;
        }
        if decided.disposition[i] != Disposition::Destroy {
            continue;
        }
        let level_unknown = effective.get(i).and_then(Level::from_code).is_none();
        if level_unknown || medium.get(i).and_then(MediumClass::from_code).is_none() {
            decided.overrule(i, unknown_method_reason(level_unknown, lang));
        } else if on_hand.get(i) == Some(0) {
            decided.overrule(
                i,
                lang.pick(
                    "需人工审核：现存份数为 0，无可销毁之物；疑似丢失，须立即报告",
                    "needs review: no copy on hand (0), nothing to destroy; a suspected loss to report at once",
                )
                .to_string(),
            );
        } else if let Some(values) = unread.get(i) {
            decided.overrule(i, unread_reason(values, lang));
        } else if let Some(word) = notes
            .get(i)
            .and_then(crate::vocabulary::words::hold_word_in_notes)
        {
            decided.overrule(
                i,
                match lang {
                    Lang::Zh => format!("需人工审核：备注提到“{word}”——核实是否冻结或暂缓销毁"),
                    Lang::En => format!(
                        "needs review: the notes mention “{word}” — check whether it is on hold"
                    ),
                },
            );
        } else if let Some(h) = held_as(i) {
            let (file, sheet, row) = (
                files.get(h).unwrap_or(""),
                sheets.get(h).unwrap_or(""),
                rows.get(h).unwrap_or(0),
            );
            decided.overrule(
                i,
                match lang {
                    Lang::Zh => {
                        format!("需人工审核：同一编号在 {file} [{sheet}] 第 {row} 行被冻结")
                    }
                    Lang::En => format!(
                        "needs review: the same doc_id is on hold at {file} [{sheet}] row {row}"
                    ),
                },
            );
        }
    }
    Ok(())
}

/// The reason of a row kept from destruction by values not read
/// ([`crate::fields::UNREAD_COLUMN`]: `header：value`, one a line; a column
/// without a header is named by its letters).
fn unread_reason(values: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "需人工审核：“{}”未读取（该列原样保留：没有表头，或表头看似保管期限、保密期限、冻结、保存价值、是否清退或状态），其值可能使本件不应销毁；若该列应读取，补上或修正表头（或将表头加入政策的 aliases）后重新生成",
            values.replace('\n', "”“")
        ),
        Lang::En => format!(
            "needs review: “{}” was not read (its column is kept as is: it has no header, or its header looks like a retention, secrecy period, hold, preservation value, return required or status), and the value may mean this holding is not to be destroyed; if the column is to be read, give it its header (or add the header to the policy's aliases) and plan again",
            values.replace('\n', "”, “")
        ),
    }
}

pub use crate::domain::Site;

/// The destruction method of a holding: level code (e.g. `P-5`), site and
/// witnesses (SPEC §4).
pub fn destruction_method(
    level: Level,
    medium: MediumClass,
    policy: &PlanPolicy,
) -> (String, Site, u8) {
    let security = policy.security_level.get(&level).copied().unwrap_or(7);
    let site = if policy
        .facility
        .iter()
        .any(|f| f.level == level && f.media.as_ref().is_none_or(|m| m.contains(&medium)))
    {
        Site::Facility
    } else {
        Site::InHouse
    };
    let witnesses = policy.witnesses.get(&level).copied().unwrap_or(2);
    (format!("{}-{security}", medium.code()), site, witnesses)
}

/// Plans every row of the canonical table as of `as_of`: derives what the
/// rules need, decides each row by the first matching rule case, overrules
/// what the safety checks forbid, applies what the ledger records (an empty
/// [`LedgerIndex`] when there is none), adds the destination and
/// destruction method, collects the anomalies and puts the columns in
/// their order.
pub fn plan(
    canonical: &DataFrame,
    policy: &PlanPolicy,
    as_of: NaiveDate,
    lang: Lang,
    ledger: &LedgerIndex,
) -> PolarsResult<DataFrame> {
    let (df, duplicated) = match_rules(canonical, policy, as_of, lang)?;
    decide(df, canonical, policy, lang, ledger, &duplicated)
}

/// Decides every row of `df` (the canonical table with the derived columns
/// and `case_index`, from [`match_rules`]; `duplicated` from
/// [`duplicated`] of its doc_id); see [`plan`].
fn decide(
    df: DataFrame,
    canonical: &DataFrame,
    policy: &PlanPolicy,
    lang: Lang,
    ledger: &LedgerIndex,
    duplicated: &[bool],
) -> PolarsResult<DataFrame> {
    let cases = engine::flatten(&policy.rules, lang);
    let mut decided = first_decisions(&df, &cases, lang)?;
    safety_checks(&df, &mut decided, lang)?;
    let reappeared = recorded::apply_ledger(&df, &mut decided, ledger, lang)?;
    let mut df = add_decision_columns(df, decided, policy)?;
    df.with_column(Column::new("reappeared".into(), reappeared))?;
    let df = add_anomalies(df, policy, duplicated)?;
    arrange(df, canonical)
}

/// What `explain` shows of how some rows were decided: the decision table
/// [`plan`] makes, the table with every derived column, and for each
/// asked-for row every rule case as it went (see [`engine::trace_row`]).
pub struct Traced {
    /// The decision table, as [`plan`] returns it.
    pub decisions: DataFrame,
    /// The canonical table with the derived columns, every row.
    pub derived: DataFrame,
    /// For each asked-for row (by index into the table), its cases.
    pub cases: Vec<(usize, Vec<engine::CaseTrace>)>,
}

/// Plans the canonical table as [`plan`] does, deriving once, and traces
/// rows `rows` through the rule cases.
pub fn trace(
    canonical: &DataFrame,
    policy: &PlanPolicy,
    as_of: NaiveDate,
    lang: Lang,
    ledger: &LedgerIndex,
    rows: &[usize],
) -> PolarsResult<Traced> {
    let (derived, duplicated) = match_rules(canonical, policy, as_of, lang)?;
    let normalized = engine::normalized_fields(&policy.rules);
    let cases = rows
        .iter()
        .map(|&r| {
            Ok((
                r,
                engine::trace_row(&derived, r, &policy.rules, &normalized)?,
            ))
        })
        .collect::<PolarsResult<_>>()?;
    let decisions = decide(
        derived.clone(),
        canonical,
        policy,
        lang,
        ledger,
        &duplicated,
    )?;
    Ok(Traced {
        decisions,
        derived,
        cases,
    })
}

/// The canonical table with the derived columns and, in `case_index`, the
/// index of the first rule case each row matches; and which rows' doc_id
/// another row holds too ([`duplicated`], a sort of every id), found
/// while the rules are matched (the longer of the two: its ids are hashed
/// on two cores of their own; the derived columns are made on both
/// before).
fn match_rules(
    canonical: &DataFrame,
    policy: &PlanPolicy,
    as_of: NaiveDate,
    lang: Lang,
) -> PolarsResult<(DataFrame, Vec<bool>)> {
    let doc_id = canonical.column("doc_id")?.str()?;
    let mut df = canonical.clone();
    derive::derive(&mut df, policy, as_of, lang)?;
    let normalized = engine::normalized_fields(&policy.rules);
    let (case_index, duplicated_ids) = both(
        || {
            engine::add_normalized_columns(&mut df, &normalized)?;
            engine::first_match(&df, &policy.rules, &normalized)
        },
        || duplicated(doc_id),
    );
    df.with_column(case_index?.into_column())?;
    Ok((df, duplicated_ids))
}

/// Where each row goes once decided, as the columns `destination_out` (the
/// destination of a return), `destruction_level`, `destruction_site` and
/// `witnesses` (the destruction method of a destruction).
fn method_columns(
    df: &DataFrame,
    disposition: &[Disposition],
    policy: &PlanPolicy,
) -> PolarsResult<Vec<Column>> {
    let destination = df.column("destination")?.str()?;
    let effective = Codes::of(df, "effective_classification")?;
    let medium = Codes::of(df, "medium_class")?;
    // Each row's method depends on its own values only.
    columns_on_two_cores(disposition.len(), |rows| {
        let mut out_to = Vec::with_capacity(rows.len());
        let mut level_code = Vec::with_capacity(rows.len());
        let mut site = Vec::with_capacity(rows.len());
        let mut witnesses = Vec::with_capacity(rows.len());
        for i in rows {
            let d = &disposition[i];
            out_to.push(if *d == Disposition::Return {
                destination.get(i)
            } else {
                None
            });
            let method = (*d == Disposition::Destroy)
                .then(|| {
                    let level = effective.get(i).and_then(Level::from_code)?;
                    let medium = medium.get(i).and_then(MediumClass::from_code)?;
                    Some(destruction_method(level, medium, policy))
                })
                .flatten();
            let (code, at, by) = match method {
                Some((code, at, by)) => (Some(code), Some(at.code()), Some(u32::from(by))),
                None => (None, None, None),
            };
            level_code.push(code);
            site.push(at);
            witnesses.push(by);
        }
        Ok(vec![
            StringChunked::from_iter_options("destination_out".into(), out_to.into_iter())
                .into_column(),
            StringChunked::from_iter_options("destruction_level".into(), level_code.into_iter())
                .into_column(),
            codes::column("destruction_site", CodeSet::Site, site)?,
            UInt32Chunked::from_iter_options("witnesses".into(), witnesses.into_iter())
                .into_column(),
        ])
    })
}

/// Adds the decision columns: disposition, rule, reason, the destination
/// of a return (as `destination_out`) and the destruction method.
fn add_decision_columns(
    mut df: DataFrame,
    decided: Decided<'_>,
    policy: &PlanPolicy,
) -> PolarsResult<DataFrame> {
    let Decided {
        disposition,
        rule,
        reason,
    } = decided;
    let methods = method_columns(&df, &disposition, policy)?;
    let columns = [
        codes::column(
            "disposition",
            CodeSet::Disposition,
            disposition.iter().map(|d| Some(d.code())),
        )?,
        StringChunked::from_iter_options("rule".into(), rule.into_iter()).into_column(),
        reason.into_column("reason")?,
    ]
    .into_iter()
    .chain(methods);
    for column in columns {
        df.with_column(column)?;
    }
    Ok(df)
}

/// Adds every row's anomalies as `anomalies_all`: the ones the plan finds
/// (duplicate id, loss, reappeared, overdue, no return destination,
/// classified without a date) before the ones found while reading, joined
/// with `;`, null when none. `duplicated` says per row whether its doc_id
/// is another row's too ([`duplicated`]).
fn add_anomalies(
    mut df: DataFrame,
    policy: &PlanPolicy,
    duplicated: &[bool],
) -> PolarsResult<DataFrame> {
    let on_hand = df.column("copies_on_hand")?.cast(&DataType::Int64)?;
    let on_hand = on_hand.i64()?;
    let copies = df.column("copies")?.cast(&DataType::Int64)?;
    let copies = copies.i64()?;
    // A copy is missing only where one should be: not once destroyed,
    // returned or archived (无 in 现存份数 says so there).
    let status = Codes::of(&df, "status_code")?;
    let gone = [
        Status::Destroyed.code(),
        Status::Returned.code(),
        Status::Archived.code(),
    ];
    let reappeared = df.column("reappeared")?.bool()?;
    let overdue = overdue(&df, policy)?;
    let disposition = Codes::of(&df, "disposition")?;
    let destination = df.column("destination")?.str()?;
    let no_date = df.column("classified_no_date")?.bool()?;
    let read = df.column("anomalies")?.str()?;
    // Each row's anomalies from its own values, the two halves on two cores.
    let anomalies_of = |rows: std::ops::Range<usize>| -> PolarsResult<Vec<Column>> {
        let mut all: Vec<Option<String>> = Vec::with_capacity(rows.len());
        for i in rows {
            let found = [
                (duplicated[i], Anomaly::DuplicateId),
                (
                    matches!((on_hand.get(i), copies.get(i)), (Some(h), Some(c)) if h < c)
                        && !status.get(i).is_some_and(|s| gone.contains(&s)),
                    Anomaly::LossSuspected,
                ),
                (reappeared.get(i) == Some(true), Anomaly::Reappeared),
                (overdue[i], Anomaly::Overdue),
                (
                    disposition.get(i) == Some(Disposition::Return.code())
                        && destination.get(i) == Some(derive::UNKNOWN_DESTINATION),
                    Anomaly::ReturnDestinationMissing,
                ),
                (no_date.get(i) == Some(true), Anomaly::ClassifiedNoDate),
            ];
            let read = read.get(i).filter(|r| !r.is_empty());
            let codes = found
                .iter()
                .filter(|(hit, _)| *hit)
                .map(|(_, a)| a.code())
                .chain(read);
            all.push(join_codes(codes));
        }
        Ok(vec![
            StringChunked::from_iter_options("anomalies_all".into(), all.into_iter()).into_column(),
        ])
    };
    for column in columns_on_two_cores(df.height(), anomalies_of)? {
        df.with_column(column)?;
    }
    Ok(df)
}

/// Per row, whether another row has the same doc_id (a row without one
/// never has). The ids are sorted by their hashes rather than counted in a
/// map: a million ids in a map cost a cache miss each, and five million
/// made deciding slower than five times one. Ids of equal hash are then
/// compared themselves, so a collision is never a duplicate.
fn duplicated(ids: &StringChunked) -> Vec<bool> {
    use std::hash::{BuildHasher, Hasher};
    let hasher = foldhash::fast::RandomState::default();
    // Numbers are compared as one document's (`document_number_key`),
    // hashed a character at a time: nothing is allocated per row.
    let hash = |id: &str| {
        let mut h = hasher.build_hasher();
        for c in document_number_key(id) {
            h.write_u32(c as u32);
        }
        h.finish()
    };
    // Only numbered rows are keyed: a row's key is its number's.
    let key = |i: IdxSize| {
        ids.get(i as usize)
            .into_iter()
            .flat_map(document_number_key)
    };
    // Hashed on two cores: a key is made a character at a time.
    let (mut keyed, second) = on_two_cores(ids.len(), |rows| {
        rows.filter_map(|i| ids.get(i).map(|id| (hash(id), i as IdxSize)))
            .collect::<Vec<(u64, IdxSize)>>()
    });
    keyed.extend(second);
    keyed.sort_unstable();
    let mut duplicated = vec![false; ids.len()];
    for run in keyed.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        run.sort_by(|(_, a), (_, b)| key(*a).cmp(key(*b)));
        for same in run.chunk_by(|(_, a), (_, b)| key(*a).eq(key(*b))) {
            if same.len() > 1 {
                for (_, i) in same {
                    duplicated[*i as usize] = true;
                }
            }
        }
    }
    duplicated
}

/// Codes joined with `;`, or `None` when there are none — most rows have
/// none, and nothing is allocated for them.
fn join_codes<'c>(codes: impl Iterator<Item = &'c str>) -> Option<String> {
    let mut joined: Option<String> = None;
    for code in codes {
        match &mut joined {
            None => joined = Some(code.to_string()),
            Some(j) => {
                j.push(';');
                j.push_str(code);
            }
        }
    }
    joined
}

/// Per row, whether it is OVERDUE: out (circulating or on loan) longer
/// than the policy allows.
fn overdue(df: &DataFrame, policy: &PlanPolicy) -> PolarsResult<Vec<bool>> {
    let status = Codes::of(df, "status_code")?;
    let days_out = df.column("days_out")?.i64()?;
    Ok((0..df.height())
        .map(|i| {
            let limit = match status.get(i).and_then(Status::from_code) {
                Some(Status::Circulating) => policy.circulation_days,
                Some(Status::OnLoan) => policy.loan_days,
                _ => return false,
            };
            days_out.get(i).is_some_and(|d| d > i64::from(limit))
        })
        .collect())
}

/// Puts the decision table's columns in place and in order: the leading
/// columns, the canonical fields, the derived ones worth keeping, then
/// every kept column of the registers.
fn arrange(mut df: DataFrame, canonical: &DataFrame) -> PolarsResult<DataFrame> {
    df.drop_in_place("destination")?;
    df.rename("destination_out", "destination".into())?;
    df.drop_in_place("anomalies")?;
    df.rename("anomalies_all", "anomalies".into())?;
    df.select(column_order(canonical))
}

/// The decision table's column order; see [`arrange`].
fn column_order(canonical: &DataFrame) -> Vec<String> {
    let canonical_names: Vec<String> = canonical
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .filter(|s| {
            !LEADING_COLUMNS.contains(&s.as_str()) && !CANONICAL_DROPPED.contains(&s.as_str())
        })
        .collect();
    let first_kept = canonical_names
        .iter()
        .position(|c| c == "review_reasons")
        .map_or(canonical_names.len(), |p| p + 1);
    let mut order: Vec<String> = LEADING_COLUMNS.iter().map(|s| s.to_string()).collect();
    order.extend(canonical_names[..first_kept].iter().cloned());
    order.extend(
        crate::fields::DERIVED_COLUMNS
            .iter()
            .filter(|c| c.3)
            .map(|c| c.0.to_string()),
    );
    order.extend(canonical_names[first_kept..].iter().cloned());
    order
}

#[cfg(test)]
mod tests;
