//! Reading one sheet: finding its header, mapping its columns, sorting its
//! rows into data, skipped and rejected, and typing every cell (SPEC §2).
//!
//! The readers of each file format feed rows here in order; nothing in this
//! module knows about file formats. Rows are buffered only until the header
//! is found (at most `header_search_rows` + 1 of them), so a sheet of any
//! length streams through.

use std::collections::BTreeMap;

use crate::domain::Marking;
use crate::fields::{Field, FieldKind};
use crate::policy::Vocabulary;
use crate::text::{column_letters, normalize};

use super::cell::{Cell, Row};
use super::table::{RowRecord, TableBuilder};
use super::values::{
    parse_boolean, parse_count, parse_date, parse_marking, parse_medium, parse_period,
    parse_retention, parse_status,
};
use super::{Problem, Severity, SkippedRow};

/// What a column of a sheet was understood as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnTarget {
    /// A canonical field.
    Field(Field),
    /// No field: kept as a text column of this name.
    Kept(String),
}

/// One column of a sheet as it was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnReport {
    /// 0-based column index.
    pub index: u32,
    /// The header text as written (rows joined with `/`), or empty.
    pub header: String,
    /// What the column was read as.
    pub target: ColumnTarget,
    /// Why a column that names a field is kept instead (a second column for
    /// the same field).
    pub note: Option<String>,
}

/// How one sheet was read.
#[derive(Debug, Clone, Default)]
pub struct SheetReport {
    /// Sheet name (empty for CSV).
    pub sheet: String,
    /// 1-based header rows, first and last, if a header was found.
    pub header_rows: Option<(u32, u32)>,
    /// Columns in order.
    pub columns: Vec<ColumnReport>,
    /// Rows read as data (including rejected ones).
    pub data_rows: u64,
    /// Data rows rejected.
    pub rejected_rows: u64,
    /// Rows skipped (blank, repeated header, subtotal, footer).
    pub skipped_rows: u64,
    /// Non-empty rows above the header (titles, unit names).
    pub preamble_rows: u64,
    /// Why nothing of the sheet was planned, if so.
    pub note: Option<String>,
}

struct Header {
    /// 0-based indices of the header rows.
    rows: Vec<u32>,
    /// Header texts per row, as written (trimmed).
    raw: Vec<BTreeMap<u32, String>>,
    /// Normalised header texts per row, for recognising repeated headers.
    texts: Vec<BTreeMap<u32, String>>,
    targets: BTreeMap<u32, ColumnTarget>,
}

/// Context shared by every row of a sheet.
pub struct SheetContext<'a> {
    /// The file as the user named it.
    pub file: String,
    /// The sheet's name.
    pub sheet: String,
    /// The policy's word lists.
    pub vocab: &'a Vocabulary,
    /// Whether bare numbers in date columns count from 1904.
    pub date1904: bool,
}

/// Reads one sheet's rows into a table; see the module documentation.
pub struct SheetParser<'a> {
    ctx: SheetContext<'a>,
    buffer: Vec<Row<'static>>,
    header: Option<Header>,
    /// Set once the search window has passed without a header.
    gave_up: bool,
    last_index: Option<u32>,
    report: SheetReport,
    pending_blank: Option<(u32, u32)>,
}

impl<'a> SheetParser<'a> {
    /// Starts reading a sheet.
    pub fn new(ctx: SheetContext<'a>) -> Self {
        let sheet = ctx.sheet.clone();
        SheetParser {
            ctx,
            buffer: Vec::new(),
            header: None,
            gave_up: false,
            last_index: None,
            report: SheetReport {
                sheet,
                ..SheetReport::default()
            },
            pending_blank: None,
        }
    }

    /// Takes the next row. Rows must come in increasing index order.
    pub fn push(
        &mut self,
        row: Row<'_>,
        table: &mut TableBuilder,
        problems: &mut Vec<Problem>,
        skipped: &mut Vec<SkippedRow>,
    ) {
        if self.header.is_some() {
            self.data_row(row, table, problems, skipped);
            return;
        }
        if self.gave_up {
            return;
        }
        let window = self.ctx.vocab.header_search_rows;
        if row.index <= window {
            // Keep one row beyond the window: it may be a sub-header.
            self.buffer.push(into_owned(row));
            return;
        }
        self.resolve_header(table, problems, skipped);
        if self.header.is_some() {
            self.data_row(row, table, problems, skipped);
        }
    }

    /// Ends the sheet and returns its report.
    pub fn finish(
        mut self,
        table: &mut TableBuilder,
        problems: &mut Vec<Problem>,
        skipped: &mut Vec<SkippedRow>,
    ) -> SheetReport {
        if self.header.is_none() && !self.gave_up {
            self.resolve_header(table, problems, skipped);
        }
        self.flush_blank(skipped);
        if let Some(header) = &self.header {
            self.report.columns = header
                .targets
                .iter()
                .map(|(index, target)| {
                    let header_text = header_text(header, *index);
                    let note = match target {
                        ColumnTarget::Kept(_) => self
                            .ctx
                            .vocab
                            .field_for_header(&header_text)
                            .map(|f| format!("a second column for {f}: kept as is")),
                        ColumnTarget::Field(_) => None,
                    };
                    ColumnReport {
                        index: *index,
                        header: header_text,
                        target: target.clone(),
                        note,
                    }
                })
                .collect();
        }
        self.report
    }

    fn resolve_header(
        &mut self,
        table: &mut TableBuilder,
        problems: &mut Vec<Problem>,
        skipped: &mut Vec<SkippedRow>,
    ) {
        let buffer = std::mem::take(&mut self.buffer);
        let Some((header, first_data)) = detect_header(&buffer, self.ctx.vocab) else {
            self.gave_up = true;
            self.report.note = Some(if buffer.is_empty() {
                "empty sheet".to_string()
            } else {
                "no register header found".to_string()
            });
            return;
        };
        let first_header_row = header.rows[0];
        self.report.header_rows =
            Some((first_header_row + 1, header.rows[header.rows.len() - 1] + 1));
        self.report.preamble_rows = buffer
            .iter()
            .filter(|r| r.index < first_header_row && !row_is_blank(r))
            .count() as u64;
        self.last_index = header.rows.last().copied();
        self.header = Some(header);
        for row in buffer.into_iter().skip(first_data) {
            self.data_row(row, table, problems, skipped);
        }
    }

    fn skip(&mut self, skipped: &mut Vec<SkippedRow>, index: u32, reason: String) {
        self.flush_blank(skipped);
        self.report.skipped_rows += 1;
        skipped.push(SkippedRow {
            file: self.ctx.file.clone(),
            sheet: self.ctx.sheet.clone(),
            row: index + 1,
            rows: 1,
            reason,
        });
    }

    /// Blank rows come in runs (a stray cell far below the data makes a run
    /// of a million): each run is one skipped entry with its count.
    fn note_blank(&mut self, skipped: &mut Vec<SkippedRow>, first: u32, last: u32) {
        self.report.skipped_rows += u64::from(last - first + 1);
        match self.pending_blank {
            Some((a, b)) if b + 1 == first => self.pending_blank = Some((a, last)),
            _ => {
                self.flush_blank(skipped);
                self.pending_blank = Some((first, last));
            }
        }
    }

    fn flush_blank(&mut self, skipped: &mut Vec<SkippedRow>) {
        if let Some((first, last)) = self.pending_blank.take() {
            let rows = last - first + 1;
            let reason = if rows == 1 {
                "blank row".to_string()
            } else {
                format!("blank rows {}–{}", first + 1, last + 1)
            };
            skipped.push(SkippedRow {
                file: self.ctx.file.clone(),
                sheet: self.ctx.sheet.clone(),
                row: first + 1,
                rows,
                reason,
            });
        }
    }

    fn data_row(
        &mut self,
        row: Row<'_>,
        table: &mut TableBuilder,
        problems: &mut Vec<Problem>,
        skipped: &mut Vec<SkippedRow>,
    ) {
        // Rows missing between the last one and this one are blank.
        if let Some(last) = self.last_index
            && row.index > last + 1
        {
            self.note_blank(skipped, last + 1, row.index - 1);
        }
        self.last_index = Some(row.index + row.extra_lines);
        if row_is_blank(&row) {
            self.note_blank(skipped, row.index, row.index);
            return;
        }
        let (first_col, first_text) = row
            .cells
            .iter()
            .find(|(_, c)| !c.is_blank())
            .map(|(col, c)| (*col, normalize(&c.to_text())))
            .unwrap_or_default();
        if let Some(prefix) = self.ctx.vocab.skip_prefix(&first_text) {
            let reason = format!("subtotal or footer row ({prefix}…)");
            self.skip(skipped, row.index, reason);
            return;
        }
        if self.is_repeated_header(&row, first_col, &first_text) {
            self.skip(skipped, row.index, "repeated header row".to_string());
            return;
        }
        self.flush_blank(skipped);
        let record = self.read_record(row, problems);
        self.report.data_rows += 1;
        if record.reject_reason.is_some() {
            self.report.rejected_rows += 1;
        }
        table.push(&self.ctx.file, &self.ctx.sheet, record);
    }

    /// Whether a row repeats a header row (registers printed with the header
    /// on every page). Such a row starts with that header row's text in the
    /// same column; only then are its other cells compared.
    fn is_repeated_header(&self, row: &Row<'_>, first_col: u32, first_text: &str) -> bool {
        let Some(header) = &self.header else {
            return false;
        };
        let need = self.ctx.vocab.header_min_matches as usize;
        header.texts.iter().any(|texts| {
            if texts.get(&first_col).is_none_or(|t| t != first_text) {
                return false;
            }
            let same = row
                .cells
                .iter()
                .filter(|(col, cell)| {
                    texts
                        .get(col)
                        .is_some_and(|t| !t.is_empty() && *t == normalize(&cell.to_text()))
                })
                .count();
            same >= need.min(texts.len()).max(1)
        })
    }

    fn read_record(&mut self, row: Row<'_>, problems: &mut Vec<Problem>) -> RowRecord {
        let vocab = self.ctx.vocab;
        let mut rec = RowRecord {
            source_row: row.index + 1,
            ..RowRecord::default()
        };
        let mut marking: Option<Marking> = None;
        let mut column_period = None;
        for (col, cell) in row.cells {
            if cell.is_blank() {
                continue;
            }
            let header = self
                .header
                .as_mut()
                .expect("data rows come after the header");
            let target = header
                .targets
                .entry(col)
                .or_insert_with(|| ColumnTarget::Kept(column_letters(col)));
            let field = match target {
                ColumnTarget::Kept(name) => {
                    rec.kept
                        .push((name.clone(), cell.to_text().trim().to_string()));
                    continue;
                }
                ColumnTarget::Field(f) => *f,
            };
            let raw = cell.to_text().trim().to_string();
            let mut problem = |message: String, severity: Severity, rec: &mut RowRecord| {
                match severity {
                    Severity::Review => rec.review_reasons.push(format!(
                        "{} {}{} \"{}\": {}",
                        field,
                        column_letters(col),
                        row.index + 1,
                        raw,
                        message
                    )),
                    Severity::Anomaly => rec.anomalies.push(if message.starts_with("partial") {
                        "DATE_PARTIAL"
                    } else {
                        "INVALID_VALUE"
                    }),
                }
                problems.push(Problem {
                    file: self.ctx.file.clone(),
                    sheet: self.ctx.sheet.clone(),
                    row: row.index + 1,
                    column: col,
                    field,
                    raw: raw.clone(),
                    message,
                    severity,
                });
            };
            let severity = if field.is_decision_field() {
                Severity::Review
            } else {
                Severity::Anomaly
            };
            match field.kind() {
                FieldKind::Text => {
                    let slot = match field {
                        Field::DocId => &mut rec.doc_id,
                        Field::Title => &mut rec.title,
                        Field::Issuer => &mut rec.issuer,
                        Field::Department => &mut rec.department,
                        Field::Holder => &mut rec.holder,
                        Field::Category => &mut rec.category,
                        Field::ReturnTo => &mut rec.return_to,
                        _ => &mut rec.notes,
                    };
                    *slot = Some(raw);
                }
                FieldKind::Date => {
                    let slot = match field {
                        Field::DocDate => &mut rec.doc_date,
                        Field::ReceivedDate => &mut rec.received_date,
                        _ => &mut rec.out_date,
                    };
                    match parse_date(&cell, self.ctx.date1904) {
                        Ok(d) => {
                            *slot = Some(d.date);
                            if d.partial {
                                let msg = format!("partial date, read as {}", d.date);
                                problem(msg, Severity::Anomaly, &mut rec);
                            }
                        }
                        Err(e) => problem(e, severity, &mut rec),
                    }
                }
                FieldKind::Count => {
                    let min = if field == Field::Copies { 1 } else { 0 };
                    match parse_count(&cell, min) {
                        Ok(n) => match field {
                            Field::Copies => rec.copies = Some(n),
                            Field::CopiesOnHand => rec.copies_on_hand = Some(n),
                            _ => rec.pages = Some(n),
                        },
                        Err(e) => problem(e, severity, &mut rec),
                    }
                }
                FieldKind::Classification => {
                    match parse_marking(&raw, vocab) {
                        Ok(m) => marking = Some(m),
                        Err(e) => problem(e, severity, &mut rec),
                    }
                    rec.classification = Some(raw);
                }
                FieldKind::Period => {
                    match parse_period(&raw) {
                        Ok(p) => column_period = Some(p),
                        Err(e) => problem(e, severity, &mut rec),
                    }
                    rec.secrecy_period = Some(raw);
                }
                FieldKind::Medium => {
                    match parse_medium(&raw, vocab) {
                        Ok(m) => rec.medium_class = Some(m),
                        Err(e) => problem(e, severity, &mut rec),
                    }
                    rec.medium = Some(raw);
                }
                FieldKind::Retention => {
                    match parse_retention(&raw, vocab) {
                        Ok(r) => rec.retention_value = Some(r),
                        Err(e) => problem(e, severity, &mut rec),
                    }
                    rec.retention = Some(raw);
                }
                FieldKind::Boolean => match parse_boolean(&cell, vocab) {
                    Ok(b) => {
                        let slot = match field {
                            Field::PreservationValue => &mut rec.preservation_value,
                            Field::ReturnRequired => &mut rec.return_required,
                            _ => &mut rec.hold,
                        };
                        *slot = Some(b);
                    }
                    Err(e) => problem(e, severity, &mut rec),
                },
                FieldKind::Status => {
                    match parse_status(&raw, vocab) {
                        Ok(s) => rec.status_code = Some(s),
                        Err(e) => problem(e, severity, &mut rec),
                    }
                    rec.status = Some(raw);
                }
            }
        }
        // Blank coded cells take the policy's meaning of blank.
        if rec.classification.is_none() {
            rec.level = vocab.level("");
        } else if let Some(m) = marking {
            rec.level = Some(m.level);
            rec.period = m.period;
        }
        if rec.period.is_none() {
            rec.period = column_period;
        }
        if rec.medium.is_none() {
            rec.medium_class = vocab.medium("");
        }
        if rec.status.is_none() {
            rec.status_code = vocab.status("");
        }
        if rec.copies.is_none() && !rec.review_reasons.iter().any(|r| r.starts_with("copies ")) {
            rec.copies = Some(1);
        }
        if rec.doc_id.is_none() && rec.title.is_none() {
            rec.reject_reason =
                Some("neither doc_id nor title: the row cannot be identified".into());
        }
        rec
    }
}

fn into_owned(row: Row<'_>) -> Row<'static> {
    Row {
        index: row.index,
        extra_lines: row.extra_lines,
        cells: row
            .cells
            .into_iter()
            .map(|(c, cell)| {
                let owned = match cell {
                    Cell::Text(s) => Cell::Text(std::borrow::Cow::Owned(s.into_owned())),
                    Cell::Number(n) => Cell::Number(n),
                    Cell::Bool(b) => Cell::Bool(b),
                    Cell::DateTime(d) => Cell::DateTime(d),
                    Cell::Error(e) => Cell::Error(e),
                };
                (c, owned)
            })
            .collect(),
    }
}

fn row_is_blank(row: &Row<'_>) -> bool {
    row.cells.iter().all(|(_, c)| c.is_blank())
}

fn header_text(header: &Header, index: u32) -> String {
    header
        .raw
        .iter()
        .filter_map(|t| t.get(&index))
        .filter(|t| !t.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("/")
}

/// Cells of a row as trimmed text, by column.
fn row_texts(row: &Row<'_>) -> BTreeMap<u32, String> {
    row.cells
        .iter()
        .filter(|(_, c)| !c.is_blank())
        .map(|(col, c)| (*col, c.to_text().trim().to_string()))
        .collect()
}

/// Finds the header in the first rows of a sheet: the first row with enough
/// cells naming a field, plus a group row above or a sub-header row below
/// when the header spans two rows. Returns the header and the position in
/// `rows` of the first row after it.
fn detect_header(rows: &[Row<'_>], vocab: &Vocabulary) -> Option<(Header, usize)> {
    let window = vocab.header_search_rows;
    let field_of = |text: &str| vocab.field_for_header(text);
    let matches = |row: &Row<'_>| {
        row.cells
            .iter()
            .filter(|(_, c)| field_of(&c.to_text()).is_some())
            .count()
    };
    let pos = rows
        .iter()
        .position(|r| r.index < window && matches(r) >= vocab.header_min_matches as usize)?;
    let main = row_texts(&rows[pos]);
    let main_matches = |col: &u32| main.get(col).is_some_and(|t| field_of(t).is_some());
    // A group row above: it names a field where the main row is blank.
    let above = pos
        .checked_sub(1)
        .map(|p| &rows[p])
        .filter(|r| r.index + 1 == rows[pos].index)
        .map(row_texts)
        .filter(|t| {
            t.iter()
                .any(|(col, text)| !main.contains_key(col) && field_of(text).is_some())
        });
    // A sub-header row below: it names a field where the main row is blank
    // or holds a group label.
    let below = rows
        .get(pos + 1)
        .filter(|r| r.index == rows[pos].index + 1)
        .map(row_texts)
        .filter(|t| {
            t.iter()
                .any(|(col, text)| !main_matches(col) && field_of(text).is_some())
        });
    let mut header_rows = Vec::new();
    let mut texts = Vec::new();
    let first_data;
    if let Some(a) = above {
        header_rows.push(rows[pos - 1].index);
        texts.push(a);
    }
    header_rows.push(rows[pos].index);
    texts.push(main);
    if let Some(b) = below {
        header_rows.push(rows[pos + 1].index);
        texts.push(b);
        first_data = pos + 2;
    } else {
        first_data = pos + 1;
    }
    // Group labels span the blank cells to their right (a merged cell holds
    // its text in the first one only) in every header row but the last.
    let last = texts.len() - 1;
    let all_cols: Vec<u32> = {
        let mut v: Vec<u32> = texts.iter().flat_map(|t| t.keys().copied()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut spans: Vec<BTreeMap<u32, String>> = texts.clone();
    for span in spans.iter_mut().take(last) {
        let mut current: Option<String> = None;
        for col in &all_cols {
            match span.get(col) {
                Some(t) => current = Some(t.clone()),
                None => {
                    if let Some(c) = &current
                        && texts[last].contains_key(col)
                    {
                        span.insert(*col, c.clone());
                    }
                }
            }
        }
    }
    let mut targets = BTreeMap::new();
    let mut taken = std::collections::HashSet::new();
    let mut kept_names = std::collections::HashSet::new();
    for col in all_cols {
        // The lowest row's text that names a field wins; then a group label
        // joined with its sub-header (清退 + 单位 = 清退单位).
        let own: Vec<&String> = texts.iter().filter_map(|t| t.get(&col)).collect();
        let mut field = own.iter().rev().find_map(|t| field_of(t));
        if field.is_none() && texts.len() > 1 {
            let joined: String = spans.iter().filter_map(|t| t.get(&col)).cloned().collect();
            field = field_of(&joined);
        }
        let target = match field {
            Some(f) if taken.insert(f) => ColumnTarget::Field(f),
            _ => {
                let mut parts: Vec<String> =
                    spans.iter().filter_map(|t| t.get(&col)).cloned().collect();
                parts.dedup();
                let base = parts.join("/");
                // Two kept columns of one name would lose one's values.
                let mut name = base.clone();
                let mut n = 2;
                while kept_names.contains(&name) {
                    name = format!("{base} ({n})");
                    n += 1;
                }
                kept_names.insert(name.clone());
                ColumnTarget::Kept(name)
            }
        };
        targets.insert(col, target);
    }
    let norm = texts
        .iter()
        .map(|t| t.iter().map(|(c, s)| (*c, normalize(s))).collect())
        .collect();
    Some((
        Header {
            rows: header_rows,
            raw: texts,
            texts: norm,
            targets,
        },
        first_data,
    ))
}
