//! Finding a sheet's header and what each column means (SPEC §2).
//!
//! The header is the first row, within the search window, in which enough
//! cells name a field and one of them is doc_id or title: a summary block of
//! 部门 / 密级 / 份数 above the register is not its header. A header may
//! span two or three rows: a group row above (a merged cell over several
//! header cells), or sub-headers below a group cell (日期 over 成文日期 /
//! 收文日期; 清退 over 是否 / 单位, read as 是否清退 / 清退单位). A row counts
//! as a sub-header only when every one of its cells lies under a group cell
//! of the header row and one of them then names a field; a data value that
//! happens to equal an alias is data.
//!
//! A group cell is a header cell merged across columns; where the file
//! records no merges (CSV, a writer that centred across a selection), a
//! header cell followed by blank header cells over which the next row has
//! text. Every column that names a field is read; a second column for the
//! same field is read too (the record reader combines them) and its text is
//! also kept as written.

use std::collections::{BTreeMap, BTreeSet};

use crate::fields::Field;
use crate::text::{column_letters, normalize, normalize_cow, one_line};
use crate::vocabulary::Vocabulary;

use super::cell::{Cell, Row};
use super::sheet::{ColumnReport, ColumnTarget, MergedRange};

/// How one column is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnPlan {
    /// The header text as written (rows joined with `/`).
    pub header: String,
    /// What it is read as.
    pub target: ColumnTarget,
    /// For a second column of a field: the name its text is also kept as.
    pub kept_as: Option<String>,
    /// For a column kept as is: the decision field its header seems to be
    /// about (`保管期限（月）`: retention), if any.
    pub hint: Option<Field>,
    /// For a second column of a field: the first column of that field.
    pub first_of_field: Option<u32>,
}

/// A sheet's header.
#[derive(Debug, Clone)]
pub struct Header {
    /// 0-based indices of the header rows.
    pub rows: Vec<u32>,
    /// The last line the header occupies (a CSV header cell may hold a line
    /// break).
    pub end: u32,
    /// Normalised header texts per row, for recognising repeated headers.
    texts: Vec<BTreeMap<u32, String>>,
    /// Each column with a header, and each column met later in the data.
    columns: BTreeMap<u32, ColumnPlan>,
    kept_names: BTreeSet<String>,
}

impl Header {
    /// Whether the header reads as two registers side by side: 标题 named
    /// by two columns or more, and so is 文件编号, or a field that decides
    /// (密级, 保管期限 …) with its second column, and 标题's, right of both
    /// first ones.
    /// Returns the repeated fields and their columns, as a message says
    /// them (`doc_id: A, F; title: B, G; ...`).
    pub fn side_by_side(&self) -> Option<String> {
        let mut by_field: BTreeMap<Field, Vec<u32>> = BTreeMap::new();
        for (col, plan) in &self.columns {
            if let ColumnTarget::Field(f) = plan.target {
                by_field.entry(f).or_default().push(*col);
            }
        }
        let repeated: Vec<(&Field, &Vec<u32>)> =
            by_field.iter().filter(|(_, cols)| cols.len() > 1).collect();
        let twice = |f: Field| repeated.iter().any(|(g, _)| **g == f);
        // Two title columns and a second column of a field that decides
        // are two registers too when they stand as two blocks, every second
        // column right of every first one: the right one numbers its rows
        // with 序号 rather than 文件编号. (文件标题 and 文件名称 in one
        // register, with 冻结 and 暂缓销毁 further right, are one.)
        let blocks = {
            let seconds = repeated
                .iter()
                .filter(|(f, _)| **f == Field::Title || f.is_decision_field());
            let last_first = seconds.clone().map(|(_, cols)| cols[0]).max();
            let first_second = seconds.clone().map(|(_, cols)| cols[1]).min();
            seconds.count() >= 2 && last_first < first_second
        };
        (twice(Field::Title) && (twice(Field::DocId) || blocks)).then(|| {
            repeated
                .iter()
                .map(|(f, cols)| {
                    let letters: Vec<String> = cols.iter().map(|c| column_letters(*c)).collect();
                    format!("{f}: {}", letters.join(", "))
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Whether a column names `field`.
    pub fn has_field(&self, field: Field) -> bool {
        self.columns
            .values()
            .any(|c| c.target == ColumnTarget::Field(field))
    }

    /// How column `col` is read; a column without a header (met only in
    /// the data) is kept under its letters.
    pub fn column(&mut self, col: u32) -> &ColumnPlan {
        if !self.columns.contains_key(&col) {
            let name = unique_name(&mut self.kept_names, column_letters(col));
            self.columns.insert(
                col,
                ColumnPlan {
                    header: String::new(),
                    target: ColumnTarget::Kept(name),
                    kept_as: None,
                    first_of_field: None,
                    hint: None,
                },
            );
        }
        &self.columns[&col]
    }

    /// The header text of a column, if it has one.
    pub fn header_text(&self, col: u32) -> &str {
        self.columns.get(&col).map_or("", |c| c.header.as_str())
    }

    /// Whether a row repeats a header row (registers printed with the header
    /// on every page): it starts with that header row's text in the same
    /// column, and every one of its cells is that header row's text in the
    /// same column. A header row that differs (columns reordered or added)
    /// is not a repeat: the sheet parser reads it as a new header.
    pub fn is_repeated(
        &self,
        row: &Row<'_>,
        first_col: u32,
        first_text: &str,
        vocab: &Vocabulary,
    ) -> bool {
        let need = vocab.header_min_matches as usize;
        self.texts.iter().any(|texts| {
            if texts.get(&first_col).is_none_or(|t| t != first_text) {
                return false;
            }
            let mut same = 0;
            for (col, cell) in &row.cells {
                if cell.is_blank() {
                    continue;
                }
                if texts
                    .get(col)
                    .is_none_or(|t| *t != normalize_cow(&cell.to_text()))
                {
                    return false;
                }
                same += 1;
            }
            same >= need.min(texts.len()).max(1)
        })
    }

    /// Whether a row holds a doc_id or title in a column other than
    /// `except`: a row whose first cell reads like a footer (审核人…, Total
    /// …) but that identifies a holding is data, not a footer.
    /// (A footer's other cells — 审核人：…, 日期：… — are footer words too.)
    /// A row whose first cell is its title and that marks a level, carrier,
    /// retention, status or hold is data too (`总计划（2024—2026年）`, `Total
    /// Quality Management Manual`): a footer marks none of them.
    pub fn identifies_beyond(&self, row: &Row<'_>, except: u32, vocab: &Vocabulary) -> bool {
        let field = |col: &u32| match self.columns.get(col).map(|c| &c.target) {
            Some(ColumnTarget::Field(f)) => Some(*f),
            _ => None,
        };
        let title_first = matches!(field(&except), Some(Field::DocId | Field::Title));
        row.cells.iter().any(|(col, cell)| {
            if *col == except || cell.is_blank() {
                return false;
            }
            let text = || normalize(&cell.to_text());
            match field(col) {
                Some(Field::DocId | Field::Title) => {
                    let text = text();
                    vocab.skip_prefix(&text).is_none() && !is_count(&text)
                }
                Some(
                    Field::Classification
                    | Field::Medium
                    | Field::Retention
                    | Field::Status
                    | Field::Hold,
                ) if title_first => {
                    let text = text();
                    vocab.skip_prefix(&text).is_none() && !is_count(&text)
                }
                _ => false,
            }
        })
    }

    /// Kept columns whose header seems to be about a decision field: (column
    /// letters and header, field).
    pub fn hinted_columns(&self) -> Vec<(String, Field)> {
        self.columns
            .iter()
            .filter_map(|(col, c)| {
                c.hint
                    .map(|f| (format!("{} ({})", column_letters(*col), c.header), f))
            })
            .collect()
    }

    /// The columns as reported to the user.
    pub fn column_reports(&self, vocab: &Vocabulary) -> Vec<ColumnReport> {
        self.columns
            .iter()
            .map(|(index, plan)| {
                let note = match (&plan.target, plan.first_of_field, &plan.kept_as) {
                    (ColumnTarget::Field(f), Some(first), Some(kept)) => Some(format!(
                        "a second column for {f} (with column {}): both are read; its text is also kept as \"{kept}\"",
                        column_letters(first)
                    )),
                    (ColumnTarget::Kept(_), _, _) => vocab
                        .field_for_header(&plan.header)
                        .map(|f| format!("names {f}, but kept as is"))
                        .or_else(|| {
                            vocab.closest_alias(&plan.header).map(|(alias, f)| {
                                format!(
                                    "closest known header: {alias} ({f}); to read it as {f}, add \"{}\" to aliases.{f} in the policy",
                                    plan.header
                                )
                            })
                        }),
                    _ => None,
                };
                ColumnReport {
                    index: *index,
                    header: plan.header.clone(),
                    target: plan.target.clone(),
                    note,
                }
            })
            .collect()
    }
}

/// Whether normalised text is a count, as a subtotal row writes one (57,
/// 57件, 共57份, 本页共3件, 合计：12份).
fn is_count(text: &str) -> bool {
    const LEADS: [&str; 9] = [
        "本页", "本表", "本册", "合计", "小计", "总计", "共", "计", ":",
    ];
    let mut t = text.trim_start_matches('：');
    while let Some(rest) = LEADS.iter().find_map(|lead| t.strip_prefix(lead)) {
        t = rest.trim_start_matches('：');
    }
    let t = t.trim_end_matches(['件', '份', '页', '个', '项', '册', '张']);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// `base`, or `base (2)`, `base (3)` … when taken; the name is taken.
fn unique_name(taken: &mut BTreeSet<String>, base: String) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base} ({n})");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// Cells of a row as trimmed text, by column.
fn row_texts(row: &Row<'_>) -> BTreeMap<u32, String> {
    row.cells
        .iter()
        .filter(|(_, c)| !c.is_blank())
        .map(|(col, c)| (*col, one_line(&c.to_text())))
        .collect()
}

/// Whether a row can be a header row: enough cells name a field, and one of
/// them names doc_id or title.
pub fn is_header_row(row: &Row<'_>, vocab: &Vocabulary) -> bool {
    names_a_header(row, vocab, |_, text| vocab.field_for_short_header(text))
}

/// [`is_header_row`] with `field(column, text)` saying what a text cell
/// names.
fn names_a_header(
    row: &Row<'_>,
    vocab: &Vocabulary,
    mut field: impl FnMut(u32, &str) -> Option<Field>,
) -> bool {
    if row.cells.len() < vocab.header_min_matches as usize {
        return false;
    }
    // Not collected: this runs on every data row.
    let fields = row.cells.iter().filter_map(|(col, c)| match c {
        Cell::Text(text) => field(*col, text),
        _ => None,
    });
    names_a_register(fields, vocab)
}

/// [`is_header_row`] for the data rows of one sheet, remembering what each
/// column's recent texts name: a register repeats the same 密级, 载体 and
/// 状态 words on every row, and each would be measured, normalised and
/// looked up again.
#[derive(Debug, Default)]
pub struct HeaderTest {
    /// By column (the first [`HeaderTest::COLUMNS`]).
    columns: Vec<ColumnWords>,
}

/// A column's recent texts and the field each names, if any.
#[derive(Debug, Default)]
struct ColumnWords {
    words: Vec<(String, Option<Field>)>,
    /// The entry replaced next when a new text is met.
    next: usize,
    /// Texts looked up, and those found among the recent ones.
    asked: u32,
    found: u32,
}

impl ColumnWords {
    /// Texts remembered.
    const WAYS: usize = 8;

    /// What `text` names, from the recent texts or looked up.
    fn field(&mut self, text: &str, vocab: &Vocabulary) -> Option<Field> {
        // A column whose texts seldom repeat (文件编号, 标题) is looked up
        // without remembering.
        if self.asked >= 1024 && self.found < self.asked / 4 {
            return vocab.field_for_short_header(text);
        }
        self.asked = self.asked.saturating_add(1);
        if let Some((_, field)) = self.words.iter().find(|(w, _)| w == text) {
            self.found = self.found.saturating_add(1);
            return *field;
        }
        let field = vocab.field_for_short_header(text);
        if self.words.len() < Self::WAYS {
            self.words.push((text.to_string(), field));
        } else {
            let entry = &mut self.words[self.next];
            entry.0.clear();
            entry.0.push_str(text);
            entry.1 = field;
            self.next = (self.next + 1) % Self::WAYS;
        }
        field
    }
}

impl HeaderTest {
    /// Columns whose texts are remembered; the others are looked up.
    const COLUMNS: usize = 256;

    /// Whether `row` can be a header row, as [`is_header_row`] says.
    pub fn is_header_row(&mut self, row: &Row<'_>, vocab: &Vocabulary) -> bool {
        names_a_header(row, vocab, |col, text| self.field(col, text, vocab))
    }

    /// What `text` in column `col` names.
    fn field(&mut self, col: u32, text: &str, vocab: &Vocabulary) -> Option<Field> {
        let at = col as usize;
        if at >= Self::COLUMNS {
            return vocab.field_for_short_header(text);
        }
        if self.columns.len() <= at {
            self.columns.resize_with(at + 1, ColumnWords::default);
        }
        self.columns[at].field(text, vocab)
    }
}

/// Whether the fields a row names make a register header: enough of them,
/// one doc_id or title.
fn names_a_register(fields: impl IntoIterator<Item = Field>, vocab: &Vocabulary) -> bool {
    let (mut named, mut identifying) = (0, false);
    for f in fields {
        named += 1;
        identifying |= matches!(f, Field::DocId | Field::Title);
    }
    named >= vocab.header_min_matches as usize && identifying
}

/// Whether a row and the sub-header row below it name a register together
/// (序号 / 文件编号 / 标题 merged down beside group cells 文件情况, 处置情况
/// over 密级, 载体, 保管期限 …), when neither does alone.
fn is_header_with_sub_row(
    row: &Row<'_>,
    next: Option<&Row<'_>>,
    vocab: &Vocabulary,
    merges: &[MergedRange],
) -> bool {
    let Some(next) = next.filter(|n| n.index == row.index + row.extra_lines + 1) else {
        return false;
    };
    let texts = row_texts(row);
    // The row itself names the register (doc_id or title): a title row
    // above a header is not a header with sub-headers.
    if !texts
        .values()
        .any(|t| matches!(vocab.field_for_header(t), Some(Field::DocId | Field::Title)))
    {
        return false;
    }
    let below = row_texts(next);
    let spans = group_spans(row.index, &texts, &below, merges);
    let mut fields: Vec<Field> = texts
        .values()
        .filter_map(|t| vocab.field_for_header(t))
        .collect();
    for (col, text) in &below {
        let Some(group) = span_of(&spans, *col) else {
            return false;
        };
        fields.extend(field_with_group(text, Some(group), vocab));
    }
    names_a_register(fields, vocab)
}

/// A group cell: first column, last column, label.
type Span = (u32, u32, String);

/// The group cells of a header row: column span → label. A group cell is
/// merged across columns, or (without a recorded merge) followed by blank
/// cells over which `next` has text.
fn group_spans(
    row_index: u32,
    texts: &BTreeMap<u32, String>,
    next: &BTreeMap<u32, String>,
    merges: &[MergedRange],
) -> Vec<Span> {
    let mut spans = Vec::new();
    for (col, text) in texts {
        let merged = merges
            .iter()
            .find(|m| m.contains(row_index, *col) && m.first_col == *col);
        let last = match merged {
            Some(m) => m.last_col,
            None => {
                let mut last = *col;
                while !texts.contains_key(&(last + 1))
                    && next.contains_key(&(last + 1))
                    && !merges.iter().any(|m| m.contains(row_index, last + 1))
                {
                    last += 1;
                }
                last
            }
        };
        if last > *col {
            spans.push((*col, last, text.clone()));
        }
    }
    spans
}

/// The label of the group cell over column `col`, if any.
fn span_of(spans: &[Span], col: u32) -> Option<&str> {
    spans
        .iter()
        .find(|(a, b, _)| (*a..=*b).contains(&col))
        .map(|(_, _, t)| t.as_str())
}

/// The field a header cell names alone, or joined with its group label in
/// either order (清退 + 单位 = 清退单位; 是否 + 清退 = 是否清退).
fn field_with_group(text: &str, group: Option<&str>, vocab: &Vocabulary) -> Option<Field> {
    vocab.field_for_header(text).or_else(|| {
        let group = group?;
        vocab
            .field_for_header(&format!("{group}{text}"))
            .or_else(|| vocab.field_for_header(&format!("{text}{group}")))
    })
}

/// The texts of a header of up to three rows, and how each column reads.
struct Layers<'t> {
    above: Option<(&'t BTreeMap<u32, String>, &'t [Span])>,
    main: &'t BTreeMap<u32, String>,
    main_spans: Vec<Span>,
    below: Option<&'t BTreeMap<u32, String>>,
}

impl Layers<'_> {
    /// The field column `col` names, and the parts of its header text.
    fn column(&self, col: u32, vocab: &Vocabulary) -> (Option<Field>, Vec<String>) {
        let above_group = self.above.as_ref().and_then(|(t, spans)| {
            span_of(spans, col).or_else(|| {
                t.get(&col)
                    .filter(|_| !self.main.contains_key(&col))
                    .map(String::as_str)
            })
        });
        let main_group = span_of(&self.main_spans, col);
        let main = self.main.get(&col).map(String::as_str);
        let below = self.below.and_then(|b| b.get(&col)).map(String::as_str);
        let mut parts: Vec<String> = [above_group, main.or(main_group), below]
            .into_iter()
            .flatten()
            .map(str::to_string)
            .collect();
        parts.dedup();
        let field = match (below, main) {
            (Some(sub), _) => field_with_group(sub, main_group.or(main), vocab),
            (None, Some(text)) => field_with_group(text, above_group, vocab),
            (None, None) => above_group.and_then(|t| vocab.field_for_header(t)),
        };
        (field, parts)
    }
}

/// Whether `below` is a sub-header of the main row: every cell lies under
/// a group cell of the main row, and one of them then names a field the
/// main row alone does not give.
fn is_sub_header(main_spans: &[Span], below: &BTreeMap<u32, String>, vocab: &Vocabulary) -> bool {
    !below.is_empty()
        && below.keys().all(|c| span_of(main_spans, *c).is_some())
        && below.iter().any(|(col, text)| {
            let group = span_of(main_spans, *col);
            field_with_group(text, group, vocab).is_some()
        })
}

/// Whether `above` is a group row over the main row: every cell is a group
/// cell over main-row cells, or stands over a blank main-row cell (a header
/// cell merged down); and one column then names a field the main row alone
/// does not give.
fn is_group_row(
    above: &BTreeMap<u32, String>,
    spans: &[Span],
    main: &BTreeMap<u32, String>,
    vocab: &Vocabulary,
) -> bool {
    let shaped = !above.is_empty()
        && above
            .keys()
            .all(|c| spans.iter().any(|(a, _, _)| a == c) || !main.contains_key(c));
    let gains = || {
        let cols: BTreeSet<u32> = above.keys().chain(main.keys()).copied().collect();
        cols.into_iter().any(|col| {
            let alone = main.get(&col).and_then(|t| vocab.field_for_header(t));
            if alone.is_some() {
                return false;
            }
            let group = span_of(spans, col).or_else(|| above.get(&col).map(String::as_str));
            match main.get(&col) {
                Some(text) => field_with_group(text, group, vocab).is_some(),
                None => group.and_then(|g| vocab.field_for_header(g)).is_some(),
            }
        })
    };
    shaped && gains()
}

/// Finds the header in the first rows of a sheet (rows before sheet row
/// `window`: the policy's `header_search_rows` for a sheet's first header,
/// any row for a different header met among the data); see the module
/// documentation. Returns the header and the position in `rows` of the
/// first row after it.
pub fn detect_header(
    rows: &[Row<'_>],
    vocab: &Vocabulary,
    merges: &[MergedRange],
    window: u32,
) -> Option<(Header, usize)> {
    let pos = find_main_row(rows, vocab, merges, window)?;
    let main_index = rows[pos].index;
    let main = row_texts(&rows[pos]);
    let next = next_row_texts(rows, pos);
    let main_spans = group_spans(main_index, &main, &next, merges);
    let below_ok = is_sub_header(&main_spans, &next, vocab);
    let group = group_row_above(rows, pos, &main, vocab, merges);
    let mut header_rows = Vec::new();
    let mut texts = Vec::new();
    if let Some((index, t, _)) = &group {
        header_rows.push(*index);
        texts.push(t.clone());
    }
    header_rows.push(main_index);
    texts.push(main.clone());
    if below_ok {
        header_rows.push(rows[pos + 1].index);
        texts.push(next.clone());
    }
    let first_data = pos + 1 + usize::from(below_ok);
    let end = rows[first_data - 1].index + rows[first_data - 1].extra_lines;
    let layers = Layers {
        above: group.as_ref().map(|(_, t, spans)| (t, spans.as_slice())),
        main: &main,
        main_spans,
        below: below_ok.then_some(&next),
    };
    let (columns, kept_names) = plan_columns(&texts, &layers, vocab);
    let header = Header {
        rows: header_rows,
        end,
        texts: normalized_texts(&texts),
        columns,
        kept_names,
    };
    Some((header, first_data))
}

/// The position in `rows` of the header's main row: the first row before
/// sheet row `window` that names a register alone or with the sub-header
/// row below it.
fn find_main_row(
    rows: &[Row<'_>],
    vocab: &Vocabulary,
    merges: &[MergedRange],
    window: u32,
) -> Option<usize> {
    (0..rows.len()).find(|&i| {
        rows[i].index < window
            && (is_header_row(&rows[i], vocab)
                || is_header_with_sub_row(&rows[i], rows.get(i + 1), vocab, merges))
    })
}

/// The texts of the row right after the main row at `pos` (none when a
/// line lies between). A CSV record with a quoted line break spans several
/// lines: the next row starts after its last line.
fn next_row_texts(rows: &[Row<'_>], pos: usize) -> BTreeMap<u32, String> {
    let main_end = rows[pos].index + rows[pos].extra_lines;
    rows.get(pos + 1)
        .filter(|r| r.index == main_end + 1)
        .map(row_texts)
        .unwrap_or_default()
}

/// The row right above the main row at `pos`, when it is a group row over
/// it: its index, texts and group cells.
fn group_row_above(
    rows: &[Row<'_>],
    pos: usize,
    main: &BTreeMap<u32, String>,
    vocab: &Vocabulary,
    merges: &[MergedRange],
) -> Option<(u32, BTreeMap<u32, String>, Vec<Span>)> {
    let main_index = rows[pos].index;
    let prev = pos
        .checked_sub(1)
        .map(|p| &rows[p])
        .filter(|r| r.index + r.extra_lines + 1 == main_index)?;
    let texts = row_texts(prev);
    let spans = group_spans(prev.index, &texts, main, merges);
    is_group_row(&texts, &spans, main, vocab).then_some((prev.index, texts, spans))
}

/// How every column with a header text is read, and the names of the
/// columns kept as they are.
fn plan_columns(
    texts: &[BTreeMap<u32, String>],
    layers: &Layers<'_>,
    vocab: &Vocabulary,
) -> (BTreeMap<u32, ColumnPlan>, BTreeSet<String>) {
    let all_cols: BTreeSet<u32> = texts.iter().flat_map(|t| t.keys().copied()).collect();
    let mut columns = BTreeMap::new();
    let mut kept_names = BTreeSet::new();
    let mut first_column: BTreeMap<Field, u32> = BTreeMap::new();
    for col in all_cols {
        let (field, parts) = layers.column(col, vocab);
        let header = parts.join("/");
        let plan = match field {
            Some(f) => field_column(f, col, header, &mut first_column, &mut kept_names),
            None => ColumnPlan {
                target: ColumnTarget::Kept(unique_name(&mut kept_names, header.clone())),
                hint: vocab.field_hinted_by(&header),
                header,
                kept_as: None,
                first_of_field: None,
            },
        };
        columns.insert(col, plan);
    }
    (columns, kept_names)
}

/// How a column that names field `f` is read: the field's first column is
/// read; a later one is read too and its text also kept.
fn field_column(
    f: Field,
    col: u32,
    header: String,
    first_column: &mut BTreeMap<Field, u32>,
    kept_names: &mut BTreeSet<String>,
) -> ColumnPlan {
    match first_column.get(&f) {
        None => {
            first_column.insert(f, col);
            ColumnPlan {
                header,
                target: ColumnTarget::Field(f),
                kept_as: None,
                first_of_field: None,
                hint: None,
            }
        }
        Some(first) => ColumnPlan {
            kept_as: Some(unique_name(kept_names, header.clone())),
            header,
            target: ColumnTarget::Field(f),
            first_of_field: Some(*first),
            hint: None,
        },
    }
}

/// The header rows' texts normalised, for recognising repeated headers.
fn normalized_texts(texts: &[BTreeMap<u32, String>]) -> Vec<BTreeMap<u32, String>> {
    texts
        .iter()
        .map(|t| t.iter().map(|(c, s)| (*c, normalize(s))).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// The test that remembers each column's words says what the plain
    /// test says of every row: over rows mixing header words (whole
    /// headers among them), data words that repeat, words that never do
    /// (past the point where a column stops remembering), more words than
    /// a column remembers, numbers, and columns past those remembered.
    #[test]
    fn remembering_header_words_changes_no_answer() {
        let vocab = crate::policy::Policy::default_policy().unwrap().vocabulary;
        let words = [
            "文件编号",
            "标题",
            "密级",
            "载体",
            "份数",
            "状态",
            "机密★5年",
            "纸质",
            "在库",
            "秘书科",
            "王芳",
            "上级来文",
            "Title",
            " 密 级 ",
            "ＤＯＣ　ＩＤ",
            "题名",
            "页数",
            "备注",
            "绝密",
            "光盘",
            "张三",
            "李四",
            "财务科",
            "借出",
        ];
        let mut rng = crate::ingest::test_rng::Rng::new(0x5eed);
        let mut remembering = HeaderTest::default();
        let mut headers = 0;
        for index in 0..20_000u32 {
            let mut cells: Vec<(u32, Cell<'_>)> = Vec::new();
            for col in [0, 1, 2, 3, 4, 5, 300, 301] {
                if rng.chance(0.1) {
                    continue;
                }
                let cell = match rng.below(10) {
                    0 => Cell::Number(rng.below(100) as f64),
                    // A word never seen again.
                    1 => Cell::Text(Cow::Owned(format!("收{index}号"))),
                    // Now and then a whole header.
                    _ if index % 1000 == 7 => Cell::Text(Cow::Borrowed(words[col as usize % 6])),
                    _ => Cell::Text(Cow::Borrowed(rng.word(&words))),
                };
                cells.push((col, cell));
            }
            let row = Row {
                index,
                cells,
                extra_lines: 0,
            };
            let plain = is_header_row(&row, &vocab);
            headers += usize::from(plain);
            assert_eq!(remembering.is_header_row(&row, &vocab), plain, "{row:?}");
        }
        assert!(headers > 10, "some rows are headers: {headers}");
    }

    #[test]
    fn counts_as_subtotal_rows_write_them() {
        for text in [
            "57",
            "57件",
            "共57份",
            "本页共3件",
            "合计：12份",
            "本表合计共8件",
        ] {
            assert!(is_count(text), "{text}");
        }
        for text in ["", "共", "本页", "京办发5号", "3号文件", "共3件文件"] {
            assert!(!is_count(text), "{text}");
        }
    }
}
