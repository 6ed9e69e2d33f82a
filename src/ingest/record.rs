//! Typing one data row's cells into a [`RowRecord`] (SPEC §2, "Values").
//!
//! Cells are first gathered by field — a register may have two columns for
//! one field (冻结 and 暂缓销毁; 状态 and 现状), and every one is read — then
//! each field is read from its cells: a "none" placeholder (无, /, —) is a
//! blank cell unless the field's words give it a meaning; an unreadable
//! value is a problem (REVIEW in a decision field, an anomaly elsewhere);
//! two columns that disagree are resolved the safe way: any hold holds,
//! another decision field goes to REVIEW naming both cells, two dates give
//! the later one (never declassified or expired earlier than it could be).

use crate::domain::{ActionTaken, Level, Marking, MediumClass, Period, Retention, Status};
use crate::fields::{Field, FieldKind};
use crate::text::{column_letters, normalize, normalize_cow};
use crate::vocabulary::Vocabulary;

use super::cell::{Cell, Row};
use super::header::Header;
use super::sheet::{ColumnTarget, SheetContext};
use super::table::{FieldValue, RowRecord};
use super::values::{parse_boolean, parse_count, parse_date};
use super::{Problem, ProblemKind, Severity};
use crate::vocabulary::words::{
    DateValue, parse_action, parse_marking, parse_medium, parse_period, parse_retention,
    parse_status,
};

/// A typed cell value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Text,
    Date(DateValue),
    Count(i64),
    Marking(Marking),
    Period(Period),
    Medium(MediumClass),
    Retention(Retention),
    Bool(bool),
    Status(Status),
    Action(ActionTaken),
}

/// One non-blank cell of a field.
struct FieldCell<'r> {
    field: Field,
    col: u32,
    /// A number or date cell written out, trimmed; `None` for a cell held
    /// as text, whose text is not copied ([`FieldCell::raw`]).
    written: Option<String>,
    cell: Cell<'r>,
}

impl FieldCell<'_> {
    /// The cell as written, trimmed.
    fn raw(&self) -> &str {
        raw_text(&self.written, &self.cell)
    }
}

/// A cell as written, trimmed: `written` when it was written out, else its
/// own text.
fn raw_text<'a>(written: &'a Option<String>, cell: &'a Cell<'_>) -> &'a str {
    match written {
        Some(text) => text,
        None => cell.held_text().unwrap_or("").trim(),
    }
}

/// Why a row without a doc_id and a title is rejected (REJECTED): it
/// cannot be identified. A plan in Chinese says it in Chinese
/// (`plan::first_decisions`).
pub const UNIDENTIFIED: &str = "neither doc_id nor title: the row cannot be identified";

/// Reads the data rows of one sheet.
#[derive(Debug, Clone)]
pub struct RecordReader {
    /// `Some` when the sheet has no classification column: the level
    /// assumed (`None`: unknown).
    no_classification_column: Option<Option<Level>>,
    /// `Some` when the sheet has no medium column: the class assumed.
    no_medium_column: Option<MediumClass>,
}

/// Where one row's findings go while it is read.
struct RowFindings<'p, 'c> {
    ctx: &'c SheetContext<'c>,
    row: u32,
    problems: &'p mut Vec<Problem>,
}

impl RowFindings<'_, '_> {
    /// Records a problem with a field's `cells`: a review reason or an
    /// anomaly on the record, and a line of the problems report.
    fn problem(
        &mut self,
        rec: &mut RowRecord,
        field: Field,
        cells: &[(u32, &str)],
        message: String,
        kind: ProblemKind,
        severity: Severity,
    ) {
        let at: Vec<String> = cells
            .iter()
            .map(|(col, raw)| format!("{}{} \"{raw}\"", column_letters(*col), self.row))
            .collect();
        match severity {
            Severity::Review => rec
                .review_reasons
                .push(format!("{field} {}: {message}", at.join(" and "))),
            Severity::Anomaly => rec.anomalies.push(kind.anomaly()),
        }
        self.problems.push(Problem {
            file: self.ctx.file.clone(),
            sheet: self.ctx.sheet.clone(),
            row: self.row,
            column: cells.last().map_or(0, |c| c.0),
            field,
            raw: cells.iter().map(|c| c.1).collect::<Vec<_>>().join(" | "),
            message,
            kind,
            severity,
            hint: String::new(),
        });
    }
}

/// How a value that cannot be read weighs: REVIEW in a decision field,
/// an anomaly elsewhere — but for two fields that decide how, or whether,
/// a holding can be destroyed: an unreadable 保密期限 (`至2030年`, `待定`)
/// would fall back to the level's default period and could declassify it,
/// and an unreadable 现存份数 (`丢失`, `缺`) leaves unknown whether there is
/// anything to destroy. A person looks (SPEC §2: what is still unknown
/// goes to REVIEW).
fn severity_of(field: Field) -> Severity {
    if field.is_decision_field() || matches!(field, Field::SecrecyPeriod | Field::CopiesOnHand) {
        Severity::Review
    } else {
        Severity::Anomaly
    }
}

/// Whether a field's own words give a "none" word a meaning (无 is a "no",
/// an unclassified 密级, a 不归档 retention). In 现存份数 every one means
/// that none is on hand: read as blank, the holding would be destroyed
/// with nothing there to destroy (a loss to report instead).
fn has_meaning(field: Field, norm: &str, vocab: &Vocabulary) -> bool {
    if field == Field::CopiesOnHand {
        return true;
    }
    match field.kind() {
        FieldKind::Classification => vocab.level(norm).is_some(),
        FieldKind::Medium => vocab.medium(norm).is_some(),
        FieldKind::Retention => vocab.retention_word(norm).is_some(),
        FieldKind::Boolean => vocab.boolean(norm).is_some(),
        FieldKind::Status => vocab.status(norm).is_some(),
        FieldKind::Action => vocab.action(norm).is_some(),
        FieldKind::Text | FieldKind::Date | FieldKind::Count | FieldKind::Period => false,
    }
}

/// Whether a value in a column kept as is could keep its holding from
/// destruction, and so sends a row the rules would destroy to REVIEW.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keeps {
    /// It could not.
    No,
    /// It could.
    Yes,
    /// It could if the holding is classified: a date under 解密日期 (the
    /// day its secrecy ends, which an unclassified holding has none of).
    IfClassified,
}

/// Whether a cell of a column kept as is, whose header seems to name
/// `field` (`None`: a header that names nothing), could keep its holding:
/// it reads as a value of `field` that does (see [`reads_as_keeping`]), is
/// a tick (`√` under 保管期限/永久) or says so in words ([`keep_words`]:
/// 冻结中, 待清退, 已借出, under any header); under a 保密期限-like header
/// (解密日期), a date does if the holding is classified.
/// `保管期限（月）` holding `永久` was left to the schedule.
fn kept_value_keeps(
    field: Option<Field>,
    cell: &Cell<'_>,
    raw: &str,
    ctx: &SheetContext<'_>,
) -> Keeps {
    if keep_words(raw) {
        return Keeps::Yes;
    }
    let Some(field) = field.filter(|f| f.may_stop_destruction()) else {
        return Keeps::No;
    };
    // A date under 解密日期 is the day its secrecy ends (a year too: 2030,
    // 2030年); a number cell is none (0 is no period).
    let date = || !matches!(cell, Cell::Number(_)) && parse_date(cell, ctx.date1904).is_ok();
    if field == Field::SecrecyPeriod && date() {
        Keeps::IfClassified
    } else if reads_as_keeping(field, cell, raw, ctx, false) {
        Keeps::Yes
    } else if field != Field::SecrecyPeriod && is_tick(raw) {
        // A tick under 是否解密 says it was declassified: no keep.
        Keeps::Yes
    } else {
        Keeps::No
    }
}

/// Whether text says in words that its holding is held, lent or to be
/// returned: a hold word of 备注 (冻结, 暂缓销毁, 诉讼保全), 借出, 借阅中, or
/// 清退 other than 已清退 / 不清退 / 无需清退 (待清退, 需清退, 未清退).
fn keep_words(raw: &str) -> bool {
    let t = raw.trim();
    crate::vocabulary::words::hold_word_in_notes(t).is_some()
        || t.contains("借出")
        || t.contains("借阅中")
        || (t.contains("清退")
            && ![
                "已清退",
                "不清退",
                "无需清退",
                "无须清退",
                "不需清退",
                "不需要清退",
                "免清退",
            ]
            .iter()
            .any(|no| t.contains(no)))
}

/// Whether a cell of a column with no header at all could keep its
/// holding: a tick, a hold word (冻结, 暂缓销毁), a classified level, or a
/// plausible value of a field that keeps ([`reads_as_keeping`]: 永久,
/// 30年, 长期, 是, 已借出) — a cell shifted right by an unquoted comma, a
/// tick under a 密级 merged over 绝密 / 机密 / 秘密. A number (a serial
/// number, a year, a count), a date or other text (甲, 已核) does not.
fn unheaded_value_keeps(cell: &Cell<'_>, raw: &str, ctx: &SheetContext<'_>) -> bool {
    let norm = normalize_cow(raw);
    if matches!(cell, Cell::Number(_) | Cell::DateTime(_))
        || is_serial_number(&norm)
        || norm.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return false;
    }
    // The period half of a marking split over two columns (`机密` | `★长期`).
    let starred_period = norm
        .strip_prefix(['★', '*', '☆'])
        .and_then(|p| parse_period(p).ok())
        .is_some_and(|p| !matches!(p, Period::Months(n) if n > 1200));
    is_tick(raw)
        || starred_period
        || keep_words(raw)
        || parse_marking(raw, ctx.vocab).is_ok_and(|m| m.level.is_classified())
        || [
            Field::Retention,
            Field::SecrecyPeriod,
            Field::Hold,
            Field::Status,
            Field::ReturnRequired,
        ]
        .into_iter()
        .any(|f| reads_as_keeping(f, cell, raw, ctx, true))
}

/// Whether a cell reads as a value of `field` that could keep its holding
/// ([`Field::may_stop_destruction`]): a 保管期限 other than 不归档, a
/// 保密期限, a hold, 保存价值 or 是否清退 that says yes, a 状态 other than
/// 在库. A "none" word (无) never does. `plausible`: only a 保管期限 of at
/// most 100 years and a 保密期限 of at most 100 years or 长期 (2019年
/// under no header is a year).
fn reads_as_keeping(
    field: Field,
    cell: &Cell<'_>,
    raw: &str,
    ctx: &SheetContext<'_>,
    plausible: bool,
) -> bool {
    if !field.may_stop_destruction() || ctx.vocab.is_none_word(&normalize_cow(raw)) {
        return false;
    }
    match parse(field, cell, raw, ctx) {
        Ok(Value::Bool(yes)) => yes,
        Ok(Value::Retention(Retention::NotArchived)) => false,
        Ok(Value::Retention(Retention::Years(n))) => !plausible || n <= 100,
        // 3月 under no header is a month, not a period.
        Ok(Value::Period(Period::Months(n))) => !plausible || (12..=1200).contains(&n),
        Ok(Value::Status(status)) => status != Status::OnHand,
        Ok(_) => true,
        Err(_) => false,
    }
}

/// Whether a cell is a tick mark (√, ✓, ☑ …), as a register written as a
/// grid of boxes has under each value's column.
fn is_tick(raw: &str) -> bool {
    matches!(raw.trim(), "√" | "✓" | "✔" | "☑" | "●" | "■" | "▲")
}

/// Whether normalised text reads as a row's serial number (序号): at most
/// seven digits, perhaps in brackets or followed by a dot (`12`, `12.`,
/// `(12)`, `12.0`), or a circled number (①).
fn is_serial_number(norm: &str) -> bool {
    let t = norm.trim();
    if t.chars().count() == 1 && ('①'..='⑳').contains(&t.chars().next().unwrap_or(' ')) {
        return true;
    }
    let t = t
        .trim_end_matches(".0")
        .trim_matches(['(', ')', '（', '）', '.', '、', '．']);
    !t.is_empty() && t.len() <= 7 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Reads one cell's value as its field's kind.
fn parse(
    field: Field,
    cell: &Cell<'_>,
    raw: &str,
    ctx: &SheetContext<'_>,
) -> Result<Value, String> {
    let vocab = ctx.vocab;
    Ok(match field.kind() {
        FieldKind::Text => Value::Text,
        FieldKind::Date => Value::Date(parse_date(cell, ctx.date1904)?),
        FieldKind::Count
            if field == Field::CopiesOnHand
                && vocab.may_be_none_word(raw)
                && vocab.is_none_word(&normalize_cow(raw)) =>
        {
            Value::Count(0)
        }
        FieldKind::Count => Value::Count(parse_count(
            cell,
            if field == Field::Copies { 1 } else { 0 },
        )?),
        FieldKind::Classification => Value::Marking(parse_marking(raw, vocab)?),
        FieldKind::Period => Value::Period(parse_period(raw)?),
        FieldKind::Medium => Value::Medium(parse_medium(raw, vocab)?),
        FieldKind::Retention => Value::Retention(parse_retention(raw, vocab)?),
        FieldKind::Boolean => Value::Bool(parse_boolean(cell, vocab)?),
        FieldKind::Status => Value::Status(parse_status(raw, vocab)?),
        FieldKind::Action => Value::Action(parse_action(raw, vocab)?),
    })
}

/// Combines two markings of one row: the same level, and at most one
/// period (or the same one).
fn merge_markings(values: &[Marking]) -> Option<Marking> {
    let first = *values.first()?;
    let mut period = first.period;
    for m in &values[1..] {
        if m.level != first.level {
            return None;
        }
        match (period, m.period) {
            (Some(a), Some(b)) if a != b => return None,
            (None, p) => period = p,
            _ => {}
        }
    }
    Some(Marking {
        level: first.level,
        period,
    })
}

impl RecordReader {
    /// A reader for a sheet; the arguments say what the sheet lacks.
    pub fn new(
        no_classification_column: Option<Option<Level>>,
        no_medium_column: Option<MediumClass>,
    ) -> RecordReader {
        RecordReader {
            no_classification_column,
            no_medium_column,
        }
    }

    /// Reads one data row.
    pub fn read(
        &self,
        ctx: &SheetContext<'_>,
        header: &mut Header,
        row: Row<'_>,
        problems: &mut Vec<Problem>,
    ) -> RowRecord {
        let mut rec = RowRecord::new(row.index + 1);
        let Gathered {
            mut cells,
            dittos,
            unread_if_classified,
        } = gather_cells(ctx, header, row.cells, &mut rec);
        // Cells of one field together, in column order.
        cells.sort_by_key(|c| (c.field, c.col));
        let mut findings = RowFindings {
            ctx,
            row: row.index + 1,
            problems,
        };
        let mut failed = self.read_fields(&cells, &mut rec, &mut findings);
        report_dittos(&dittos, &mut rec, &mut findings, &mut failed);
        self.apply_blanks(&mut rec, &cells, &failed, ctx.vocab);
        check_periods(&mut rec, &cells, &mut findings);
        // An unknown level may be a classified one.
        if rec.level().is_none_or(Level::is_classified) {
            rec.unread.extend(unread_if_classified);
        }
        if rec.text(Field::DocId).is_none() && rec.text(Field::Title).is_none() {
            rec.reject_reason = Some(UNIDENTIFIED.into());
        }
        rec
    }

    /// Reads every field from its cells (sorted by field); returns the
    /// fields of which no value could be read.
    fn read_fields(
        &self,
        cells: &[FieldCell<'_>],
        rec: &mut RowRecord,
        findings: &mut RowFindings<'_, '_>,
    ) -> Vec<Field> {
        let mut failed = Vec::new();
        for group in cells.chunk_by(|a, b| a.field == b.field) {
            let field = group[0].field;
            if !self.read_field(field, group, rec, findings) {
                failed.push(field);
            }
        }
        failed
    }

    /// Reads one field from its cells into the record; false when no value
    /// could be read from them.
    fn read_field(
        &self,
        field: Field,
        cells: &[FieldCell<'_>],
        rec: &mut RowRecord,
        findings: &mut RowFindings<'_, '_>,
    ) -> bool {
        if field.kind() == FieldKind::Text {
            read_text_field(field, cells, rec, findings);
            return true;
        }
        let first_raw = cells[0].raw();
        // Most fields have one cell: room for it without growing.
        let mut values: Vec<(u32, &str, Value)> = Vec::with_capacity(cells.len());
        for c in cells {
            match parse(field, &c.cell, c.raw(), findings.ctx) {
                Ok(v) => {
                    if let Value::Date(d) = v
                        && d.is_partial()
                    {
                        findings.problem(
                            rec,
                            field,
                            &[(c.col, c.raw())],
                            format!("partial date, read as {}", d.date),
                            ProblemKind::PartialDate,
                            Severity::Anomaly,
                        );
                    }
                    values.push((c.col, c.raw(), v));
                }
                Err(e) => {
                    findings.problem(
                        rec,
                        field,
                        &[(c.col, c.raw())],
                        e,
                        ProblemKind::NotUnderstood,
                        severity_of(field),
                    );
                    // A word the policy does not know: the report says
                    // which it does (the row's reason stays short).
                    if let (Some(p), Some(accepted)) = (
                        findings.problems.last_mut(),
                        findings.ctx.vocab.accepted_words(field.kind()),
                    ) {
                        p.hint = accepted;
                    }
                }
            }
        }
        set_raw(rec, field, first_raw);
        let Some(value) = self.combine(field, &values, rec, findings) else {
            return false;
        };
        set_value(rec, field, value);
        true
    }

    /// One value from the values of a field's cells; two that disagree
    /// are resolved as the module documentation says.
    fn combine(
        &self,
        field: Field,
        values: &[(u32, &str, Value)],
        rec: &mut RowRecord,
        findings: &mut RowFindings<'_, '_>,
    ) -> Option<Value> {
        let (_, _, first) = *values.first()?;
        // The common case, one cell or cells that agree, without a list.
        if values.iter().all(|(_, _, v)| *v == first) {
            return Some(first);
        }
        let mut distinct: Vec<Value> = Vec::new();
        for (_, _, v) in values {
            if !distinct.contains(v) {
                distinct.push(*v);
            }
        }
        if distinct.len() == 1 {
            return Some(first);
        }
        let cells: Vec<(u32, &str)> = values.iter().map(|(c, r, _)| (*c, *r)).collect();
        resolve_disagreement(field, first, distinct, &cells, rec, findings)
    }

    /// What blank (or missing) cells mean: the policy's meaning of blank,
    /// or what the policy assumes for a column the sheet lacks.
    fn apply_blanks(
        &self,
        rec: &mut RowRecord,
        cells: &[FieldCell<'_>],
        failed: &[Field],
        vocab: &Vocabulary,
    ) {
        let blank = |f: Field| !cells.iter().any(|c| c.field == f);
        if blank(Field::Classification) && !failed.contains(&Field::Classification) {
            rec.set_level(match self.no_classification_column {
                Some(assumed) => assumed,
                None => vocab.level(""),
            });
        }
        if blank(Field::Medium) && !failed.contains(&Field::Medium) {
            rec.set_medium_class(self.no_medium_column.or_else(|| vocab.medium("")));
        }
        if blank(Field::Status) && !failed.contains(&Field::Status) {
            rec.set_status(vocab.status(""));
        }
        if blank(Field::Copies) && !failed.contains(&Field::Copies) {
            rec.set_count(Field::Copies, Some(1));
        }
    }
}

/// A row's cells as [`gather_cells`] sorts them.
struct Gathered<'r> {
    /// Cells of fields.
    cells: Vec<FieldCell<'r>>,
    /// Ditto marks set aside: (field, column, text).
    dittos: Vec<(Field, u32, String)>,
    /// Values of columns kept as is that could keep the holding if it is
    /// classified (`解密日期：2030-01-01`), as `header：value`.
    unread_if_classified: Vec<String>,
}

/// Sorts a row's non-blank cells: a kept column's text goes into the
/// record (as does a second column's of a field), a "none" word without a
/// meaning for its field is dropped, a ditto mark is set aside (field,
/// column, text); the rest are returned by field.
fn gather_cells<'r>(
    ctx: &SheetContext<'_>,
    header: &mut Header,
    row_cells: Vec<(u32, Cell<'r>)>,
    rec: &mut RowRecord,
) -> Gathered<'r> {
    let mut cells: Vec<FieldCell<'r>> = Vec::with_capacity(row_cells.len());
    let mut dittos: Vec<(Field, u32, String)> = Vec::new();
    let mut unread_if_classified: Vec<String> = Vec::new();
    for (col, cell) in row_cells {
        if cell.is_blank() {
            continue;
        }
        let written = match cell.held_text() {
            Some(_) => None,
            None => Some(cell.to_text().trim().to_string()),
        };
        let raw = raw_text(&written, &cell);
        let plan = header.column(col);
        let field = match &plan.target {
            ColumnTarget::Kept(name) => {
                let keeps = if plan.header.is_empty() {
                    if unheaded_value_keeps(&cell, raw, ctx) {
                        Keeps::Yes
                    } else {
                        Keeps::No
                    }
                } else {
                    kept_value_keeps(plan.hint, &cell, raw, ctx)
                };
                if keeps != Keeps::No {
                    let label = if plan.header.is_empty() {
                        name
                    } else {
                        &plan.header
                    };
                    let value = format!("{label}：{raw}");
                    match keeps {
                        Keeps::IfClassified => unread_if_classified.push(value),
                        _ => rec.unread.push(value),
                    }
                }
                rec.kept.push((name.clone(), raw.to_string()));
                continue;
            }
            ColumnTarget::Field(f) => *f,
        };
        if let Some(name) = &plan.kept_as {
            rec.kept.push((name.clone(), raw.to_string()));
        }
        if ctx.vocab.may_be_none_word(raw) {
            let norm = normalize_cow(raw);
            if ctx.vocab.is_none_word(&norm) && !has_meaning(field, &norm, ctx.vocab) {
                continue;
            }
            if ctx.vocab.is_ditto(&norm) {
                dittos.push((field, col, raw.to_string()));
                continue;
            }
        }
        cells.push(FieldCell {
            field,
            col,
            written,
            cell,
        });
    }
    Gathered {
        cells,
        dittos,
        unread_if_classified,
    }
}

/// Reports every ditto mark (the row above's value) as not read, and adds
/// its field to `failed`. "Same as above" is a value a person must write
/// out where it decides anything.
fn report_dittos(
    dittos: &[(Field, u32, String)],
    rec: &mut RowRecord,
    findings: &mut RowFindings<'_, '_>,
    failed: &mut Vec<Field>,
) {
    for (field, col, raw) in dittos {
        let severity = match field {
            Field::DocId | Field::Title | Field::Holder | Field::Notes | Field::Pages => {
                Severity::Anomaly
            }
            _ => Severity::Review,
        };
        findings.problem(
            rec,
            *field,
            &[(*col, raw)],
            "a ditto mark (the row above's value) is not read: write the value itself".into(),
            ProblemKind::NotUnderstood,
            severity,
        );
        failed.push(*field);
    }
}

/// The value of a field whose cells give `distinct` (two or more) values,
/// the first being `first`, and the disagreement reported: any hold holds,
/// two markings merge when they can, the later date is used, a decision
/// field goes to REVIEW, another field takes the first value (an action
/// neither).
fn resolve_disagreement(
    field: Field,
    first: Value,
    distinct: Vec<Value>,
    cells: &[(u32, &str)],
    rec: &mut RowRecord,
    findings: &mut RowFindings<'_, '_>,
) -> Option<Value> {
    let mut conflict = |rec: &mut RowRecord, severity: Severity, note: &str| {
        findings.problem(
            rec,
            field,
            cells,
            format!("two columns disagree{note}"),
            ProblemKind::Conflict,
            severity,
        );
    };
    match field {
        // Any hold holds.
        Field::Hold => Some(Value::Bool(distinct.contains(&Value::Bool(true)))),
        Field::Status if distinct.contains(&Value::Status(Status::Hold)) => {
            Some(Value::Status(Status::Hold))
        }
        Field::Classification => {
            let merged = merge_marking_values(&distinct);
            if merged.is_none() {
                conflict(rec, Severity::Review, "");
            }
            merged.map(Value::Marking)
        }
        // The later date never declassifies or expires a document
        // earlier than it could be.
        Field::DocDate | Field::ReceivedDate | Field::OutDate => {
            conflict(rec, Severity::Anomaly, "; the later date is used");
            distinct.into_iter().max_by_key(|v| match v {
                Value::Date(d) => Some(d.date),
                _ => None,
            })
        }
        // The confidentiality period decides the level: a person looks.
        Field::SecrecyPeriod => {
            conflict(rec, Severity::Review, "");
            None
        }
        _ if field.is_decision_field() => {
            conflict(rec, Severity::Review, "");
            None
        }
        Field::Action => {
            conflict(rec, Severity::Anomaly, "; neither is used");
            None
        }
        _ => {
            conflict(rec, Severity::Anomaly, "; the first is used");
            Some(first)
        }
    }
}

/// The markings among `values`, merged as [`merge_markings`] does.
fn merge_marking_values(values: &[Value]) -> Option<Marking> {
    let markings: Vec<Marking> = values
        .iter()
        .filter_map(|v| match v {
            Value::Marking(m) => Some(*m),
            _ => None,
        })
        .collect();
    merge_markings(&markings)
}

/// A text field read from its columns. Where two columns disagree, the value
/// that decides safely is used: an issuer that is not the office itself (a
/// top-secret document goes back to it); a category the policy knows (文种
/// 通知 beside 类别 上级来文), and REVIEW when two known categories disagree;
/// otherwise the first.
fn read_text_field(
    field: Field,
    cells: &[FieldCell<'_>],
    rec: &mut RowRecord,
    findings: &mut RowFindings<'_, '_>,
) {
    if let [only] = cells {
        set_raw(rec, field, only.raw());
        return;
    }
    let vocab = findings.ctx.vocab;
    let norms: Vec<String> = cells.iter().map(|c| normalize(c.raw())).collect();
    let mut distinct = norms.clone();
    distinct.sort();
    distinct.dedup();
    let chosen = match field {
        Field::Issuer => norms
            .iter()
            .position(|n| !vocab.is_own_name(n))
            .unwrap_or(0),
        Field::Category => chosen_category(field, cells, &norms, rec, findings),
        _ => 0,
    };
    if field == Field::DocId {
        // A document known by two numbers (收文编号 and 发文编号): the
        // other is matched too where holdings are matched by number.
        for (c, n) in cells.iter().zip(&norms) {
            // On one line: the numbers are kept a line each.
            let number = crate::text::one_line(c.raw());
            if *n != norms[chosen] && !rec.other_numbers.contains(&number) {
                rec.other_numbers.push(number);
            }
        }
    }
    if distinct.len() > 1 && matches!(field, Field::Issuer | Field::ReturnTo) {
        let at: Vec<(u32, &str)> = cells.iter().map(|c| (c.col, c.raw())).collect();
        findings.problem(
            rec,
            field,
            &at,
            format!("two columns disagree; \"{}\" is used", cells[chosen].raw()),
            ProblemKind::Conflict,
            Severity::Anomaly,
        );
    }
    set_raw(rec, field, cells[chosen].raw());
}

/// Which of a category's columns is used: the first that names an outside
/// category, else the first category the policy knows, else the first; two
/// known categories that disagree send the row to REVIEW.
fn chosen_category(
    field: Field,
    cells: &[FieldCell<'_>],
    norms: &[String],
    rec: &mut RowRecord,
    findings: &mut RowFindings<'_, '_>,
) -> usize {
    let vocab = findings.ctx.vocab;
    let known: Vec<usize> = (0..cells.len())
        .filter(|i| vocab.is_known_category(&norms[*i]))
        .collect();
    let mut known_values: Vec<&String> = known.iter().map(|i| &norms[*i]).collect();
    known_values.sort();
    known_values.dedup();
    if known_values.len() > 1 {
        let at: Vec<(u32, &str)> = cells.iter().map(|c| (c.col, c.raw())).collect();
        findings.problem(
            rec,
            field,
            &at,
            "two columns name different categories that decide differently".into(),
            ProblemKind::Conflict,
            Severity::Review,
        );
    }
    known
        .iter()
        .copied()
        .find(|i| vocab.is_outside_category(&norms[*i]))
        .or(known.first().copied())
        .unwrap_or(0)
}

/// A confidentiality period that cannot stand: one in its own column beside
/// a marking with another, or a period without a classified level (a blank
/// or 公开 密级 with 保密期限 10年). Either sends the row to REVIEW.
fn check_periods(rec: &mut RowRecord, cells: &[FieldCell<'_>], findings: &mut RowFindings<'_, '_>) {
    let Some(column) = rec.column_period() else {
        return;
    };
    let cells_of = |f: Field| -> Vec<(u32, &str)> {
        cells
            .iter()
            .filter(|c| c.field == f)
            .map(|c| (c.col, c.raw()))
            .collect()
    };
    let mut at = cells_of(Field::Classification);
    at.extend(cells_of(Field::SecrecyPeriod));
    match (rec.period(), rec.level()) {
        (Some(marked), _) if marked != column => findings.problem(
            rec,
            Field::SecrecyPeriod,
            &at,
            "the marking and the confidentiality period column give different periods".into(),
            ProblemKind::Conflict,
            Severity::Review,
        ),
        (None, Some(Level::Unclassified)) => {
            findings.problem(
                rec,
                Field::SecrecyPeriod,
                &at,
                "a confidentiality period without a classified level".into(),
                ProblemKind::Conflict,
                Severity::Review,
            );
            rec.set_period(Some(column));
        }
        (None, _) => rec.set_period(Some(column)),
        _ => {}
    }
}

/// Keeps the text of a field as written.
fn set_raw(rec: &mut RowRecord, field: Field, raw: &str) {
    rec.set_text(field, Some(raw.to_string()));
}

/// Stores a typed value in its field.
fn set_value(rec: &mut RowRecord, field: Field, value: Value) {
    match value {
        Value::Text => {}
        Value::Date(d) => rec.set_date(field, Some(d.date), d.precision),
        Value::Count(n) => rec.set_count(field, Some(n)),
        Value::Marking(m) => {
            rec.set_level(Some(m.level));
            rec.set_period(m.period);
        }
        Value::Period(p) => {
            if let FieldValue::Period(_, slot) = rec.value_mut(field) {
                *slot = Some(p);
            }
        }
        Value::Medium(m) => rec.set_medium_class(Some(m)),
        Value::Retention(r) => rec.set_retention(Some(r)),
        Value::Bool(b) => rec.set_boolean(field, Some(b)),
        Value::Status(s) => rec.set_status(Some(s)),
        Value::Action(a) => rec.set_action(Some(a)),
    }
}
