//! The plan workbook (`plan.xlsx`, SPEC §5): the overview a committee
//! reads first, one sheet per disposition, anomalies, rejected and skipped
//! rows, a ten-year forecast, the policy used and the run information.
//!
//! The overview prints on one A4 page: its columns are no wider than their
//! numbers need, headers and long names wrap in rows made tall enough, and
//! the chart sits beside the counts it shows, inside the tables' width.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, Workbook, Worksheet};

use crate::codes::Codes;
use crate::config::Lang;
use crate::domain::{Anomaly, Level, Status, from_epoch_days};
use crate::history::previous::PreviousHolding;
use crate::ingest::{FileReport, SkippedRow};
use crate::labels;
use crate::policy::{Disposition, Policy};
use crate::run_folder::Reconciled;

use super::frame::{BoolWords, FrameRows, Shown, write_frames};
use super::page::{Fit, set_up_page};
use super::{OutCell, display_width, new_workbook, write_table};

/// What the workbook is written from.
pub struct PlanReport<'a> {
    /// The decision table.
    pub decisions: &'a DataFrame,
    /// How each input was read.
    pub files: &'a [FileReport],
    /// Skipped rows.
    pub skipped: &'a [SkippedRow],
    /// The reconciliation, per source.
    pub reconciliation: &'a [Reconciled],
    /// The policy.
    pub policy: &'a Policy,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Labels' language.
    pub lang: Lang,
    /// Last year's holdings that went missing, when compared with a
    /// previous run (`plan --previous`).
    pub missing: Option<&'a [PreviousHolding]>,
}

/// Counts of rows by a pair of codes (blank for null).
type Counts = BTreeMap<(String, String), u64>;

fn count_by<'a>(keys: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>) -> Counts {
    let mut counted: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for (a, b) in keys {
        *counted
            .entry((a.unwrap_or(""), b.unwrap_or("")))
            .or_insert(0) += 1;
    }
    counted
        .into_iter()
        .map(|((a, b), n)| ((a.to_string(), b.to_string()), n))
        .collect()
}

/// Writes plan.xlsx to `path`: the overview, what went missing since last
/// year (with `--previous`), one sheet per disposition, anomalies, skipped
/// rows, the forecast, the policy and the run
/// information, in that order.
/// An error names the file and the sheet it was writing.
pub fn write(path: &Path, report: &PlanReport<'_>) -> Result<()> {
    let mut wb = new_workbook()?;
    let rows = write_sheets(&mut wb, report).with_context(|| super::writing(path))?;
    super::sheet_xml::save_with_rows(&mut wb, &rows, path)
}

/// Every sheet of plan.xlsx, in order; an error names the sheet. The
/// disposition sheets' rows are returned, to be written as the workbook is
/// saved.
fn write_sheets<'d>(wb: &mut Workbook, report: &PlanReport<'d>) -> Result<FrameRows<'d>> {
    let lang = report.lang;
    let df = report.decisions;
    write_overview(wb, report)
        .with_context(|| format!("sheet {}", lang.pick("总览", "Overview")))?;
    if let Some(missing) = report.missing {
        write_missing(wb, missing, lang)?;
    }
    let rows = write_disposition_sheets(wb, df, lang)?;
    write_anomalies(wb, df, report.missing.unwrap_or_default(), lang)?;
    super::write_skipped_sheet(wb, report.skipped, lang)?;
    write_forecast(wb, df, report.as_of, lang)?;
    write_policy(wb, report.policy, lang)?;
    write_run_info(wb, report)?;
    Ok(rows)
}

/// The overview (总览): the title, counts by disposition × effective
/// classification (with a chart) and by department, the reconciliation of
/// rows per source, and a warning when the example schedule was used.
fn write_overview(wb: &mut Workbook, report: &PlanReport<'_>) -> Result<()> {
    let lang = report.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let df = report.decisions;
    let disposition = Codes::of(df, "disposition")?;
    let effective = Codes::of(df, "effective_classification")?;
    let department = df.column("department")?.str()?;
    let by_level = count_by(disposition.iter().zip(effective.iter()));
    let by_department = count_by(department.iter().zip(disposition.iter()));
    let present: Vec<Disposition> = Disposition::ALL
        .into_iter()
        .filter(|d| by_level.keys().any(|(code, _)| code == d.code()))
        .collect();
    let sheet = wb.add_worksheet();
    sheet.set_name(l("总览", "Overview"))?;
    sheet.set_column_width(0, NAME_WIDTH as f64)?;
    for c in 1..NOTES_COLUMN {
        sheet.set_column_width(c, COUNT_WIDTH as f64)?;
    }
    sheet.set_column_width(NOTES_COLUMN, NOTES_WIDTH as f64)?;
    let bold = Format::new().set_bold();
    let r = overview_title(sheet, report, &bold)?;
    let r = level_table(sheet, r + 2, &present, &by_level, df.height(), lang)?;
    let r = department_table(sheet, r + 3, &present, &by_department, lang)?;
    let r = reconciliation_table(sheet, r + 3, report.reconciliation, lang)?;
    if report.policy.plan.example_schedule {
        sheet.write_string_with_format(
            r + 2,
            0,
            l(
                "注意：所用保管期限表为软件自带示例，不是本单位经批准的归档范围和保管期限表。",
                "Note: the retention schedule is the shipped example, not the office's approved schedule.",
            ),
            &bold,
        )?;
    }
    set_up_page(sheet, Fit::OnePage, None, l("总览", "Overview"), lang)?;
    Ok(())
}

/// The width of the overview's first column (names of dispositions,
/// departments and sources), in characters; longer names wrap.
const NAME_WIDTH: usize = 30;

/// The width of the overview's count columns (B to J), in characters.
const COUNT_WIDTH: usize = 12;

/// The column of the reconciliation's balanced or not (J).
const BALANCED_COLUMN: u16 = 9;

/// The column of the reconciliation's notes (K), the overview's last.
const NOTES_COLUMN: u16 = 10;

/// The width of the notes column, in characters; longer notes wrap.
const NOTES_WIDTH: usize = 36;

/// The column where the chart starts (I): it spans I to K, beside the
/// level table (A to H).
const CHART_COLUMN: u16 = 8;

/// Rows the chart takes, from the level table's header row.
const CHART_ROWS: u32 = 14;

/// The height of one line of text, in points (Excel's default row).
const LINE_HEIGHT: f64 = 15.0;

/// The width of the overview's column `c`, in characters.
fn overview_width(c: u16) -> usize {
    match c {
        0 => NAME_WIDTH,
        NOTES_COLUMN => NOTES_WIDTH,
        _ => COUNT_WIDTH,
    }
}

/// A column `chars` characters wide, in pixels, as Excel draws it
/// (Calibri 11 at 96 dots an inch).
fn pixels(chars: usize) -> u32 {
    chars as u32 * 7 + 5
}

/// Lines `text` takes wrapped in a column `width` characters wide (a CJK
/// character counts two): a word goes whole to the next line, CJK text and
/// a word longer than the line break between characters.
fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.max(2);
    let (mut lines, mut used) = (1, 0);
    for word in text.split(' ') {
        let w = display_width(word);
        let gap = usize::from(used > 0);
        if used + gap + w <= width {
            used += gap + w;
        } else if w <= width && !word.chars().any(|c| display_width(&c.to_string()) > 1) {
            lines += 1;
            used = w;
        } else {
            used += gap;
            for c in word.chars() {
                let cw = display_width(&c.to_string());
                if used + cw > width {
                    lines += 1;
                    used = 0;
                }
                used += cw;
            }
        }
    }
    lines
}

/// Makes row `r` of the overview tall enough for the tallest of `cells`
/// (column, text) wrapped in its column; a row of one line keeps the
/// default height.
fn fit_row_height<'t>(
    sheet: &mut Worksheet,
    r: u32,
    cells: impl IntoIterator<Item = (u16, &'t str)>,
) -> Result<()> {
    let lines = cells
        .into_iter()
        .map(|(c, text)| wrapped_lines(text, overview_width(c)))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        sheet.set_row_height(r, LINE_HEIGHT * lines as f64)?;
    }
    Ok(())
}

/// Writes a header row of the overview from column A: bold, wrapped, at
/// the top of a row tall enough for the tallest; the header of a column of
/// counts is aligned right, over its counts, those of `text_columns` left
/// (indented after column A, clear of the counts before them).
fn write_header_row(
    sheet: &mut Worksheet,
    r: u32,
    headers: &[&str],
    text_columns: &[u16],
) -> Result<()> {
    let text = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let count = text.clone().set_align(FormatAlign::Right);
    let indented = text.clone().set_indent(1);
    for (c, header) in (0u16..).zip(headers) {
        let format = match c {
            0 => &text,
            _ if text_columns.contains(&c) => &indented,
            _ => &count,
        };
        sheet.write_string_with_format(r, c, *header, format)?;
    }
    fit_row_height(sheet, r, (0u16..).zip(headers.iter().copied()))
}

/// The overview's first two rows: the office's plan and the as-of date.
/// Returns the last row written.
fn overview_title(sheet: &mut Worksheet, report: &PlanReport<'_>, bold: &Format) -> Result<u32> {
    let l = |zh: &'static str, en: &'static str| report.lang.pick(zh, en);
    let unit = &report.policy.plan.unit_name;
    let title = format!("{unit} {}", l("年度清理计划", "clearance plan"));
    sheet.write_string_with_format(0, 0, title, bold)?;
    let as_of = format!("{}: {}", l("基准日期", "As of"), report.as_of);
    sheet.write_string(1, 0, as_of)?;
    Ok(1)
}

/// Counts by disposition × effective classification, from row `r`, with a
/// column chart of the totals beside it. Returns the last row written.
fn level_table(
    sheet: &mut Worksheet,
    mut r: u32,
    present: &[Disposition],
    by_level: &Counts,
    height: usize,
    lang: Lang,
) -> Result<u32> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let bold = Format::new().set_bold();
    let title = l("处置 × 现密级", "Disposition × effective classification");
    sheet.write_string_with_format(r, 0, title, &bold)?;
    r += 1;
    let header_row = r;
    let mut headers = vec![l("处置", "Disposition")];
    headers.extend(Level::ALL.iter().map(|level| labels::level(*level, lang)));
    headers.extend([l("未知", "Unknown"), l(labels::TOTAL.0, labels::TOTAL.1)]);
    write_header_row(sheet, r, &headers, &[0])?;
    for d in present {
        r += 1;
        sheet.write_string(r, 0, labels::disposition(*d, lang))?;
        let count = |level: &str| {
            let key = (d.code().to_string(), level.to_string());
            by_level.get(&key).copied().unwrap_or(0)
        };
        let mut total = 0;
        for (c, level) in Level::ALL.iter().enumerate() {
            let n = count(level.code());
            total += n;
            sheet.write_number(r, c as u16 + 1, n as f64)?;
        }
        let unknown = count("");
        sheet.write_number(r, 6, unknown as f64)?;
        sheet.write_number(r, 7, (total + unknown) as f64)?;
    }
    let last_disposition_row = r;
    r += 1;
    sheet.write_string_with_format(r, 0, l(labels::TOTAL.0, labels::TOTAL.1), &bold)?;
    sheet.write_number_with_format(r, 7, height as f64, &bold)?;
    if present.is_empty() {
        return Ok(r);
    }
    let mut chart = disposition_chart(header_row, last_disposition_row, lang);
    let across: u32 = (CHART_COLUMN..=NOTES_COLUMN)
        .map(|c| pixels(overview_width(c)))
        .sum();
    // 20 pixels a row of 15 points.
    chart
        .set_width(across - 10)
        .set_height(CHART_ROWS * 20 - 10);
    sheet.insert_chart_with_offset(header_row, CHART_COLUMN, &chart, 5, 5)?;
    Ok(r.max(header_row + CHART_ROWS - 1))
}

/// The column chart of holdings by disposition, over the totals column of
/// the level table (rows after `header_row` up to `last_row`).
fn disposition_chart(header_row: u32, last_row: u32, lang: Lang) -> Chart {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let sheet_name = l("总览", "Overview");
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_categories((sheet_name, header_row + 1, 0, last_row, 0))
        .set_values((sheet_name, header_row + 1, 7, last_row, 7))
        .set_name(l("件数", "Holdings"));
    chart
        .title()
        .set_name(l("各处置件数", "Holdings by disposition"));
    chart.legend().set_hidden();
    chart
}

/// Counts by department × disposition, from row `r`. Returns the last row
/// written.
fn department_table(
    sheet: &mut Worksheet,
    mut r: u32,
    present: &[Disposition],
    by_department: &Counts,
    lang: Lang,
) -> Result<u32> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(r, 0, l("按部门", "By department"), &bold)?;
    r += 1;
    let mut headers = vec![l("部门", "Department")];
    headers.extend(present.iter().map(|d| labels::disposition(*d, lang)));
    write_header_row(sheet, r, &headers, &[0])?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut departments: Vec<&String> = by_department.keys().map(|(dep, _)| dep).collect();
    departments.dedup();
    for dep in departments {
        r += 1;
        let name = if dep.is_empty() {
            l("（未填部门）", "(no department)")
        } else {
            dep.as_str()
        };
        sheet.write_string_with_format(r, 0, name, &wrap)?;
        fit_row_height(sheet, r, [(0, name)])?;
        for (c, d) in present.iter().enumerate() {
            let key = (dep.clone(), d.code().to_string());
            let n = by_department.get(&key).copied().unwrap_or(0);
            sheet.write_number(r, c as u16 + 1, n as f64)?;
        }
    }
    Ok(r)
}

/// The reconciliation of rows in and out per source, from row `r`.
/// Returns the last row written.
fn reconciliation_table(
    sheet: &mut Worksheet,
    mut r: u32,
    reconciliation: &[Reconciled],
    lang: Lang,
) -> Result<u32> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let bold = Format::new().set_bold();
    let title = l(
        "核对：每个来源读入与处置的行数",
        "Reconciliation: rows in and out per source",
    );
    sheet.write_string_with_format(r, 0, title, &bold)?;
    r += 1;
    let headers = [
        l("文件 / 工作表", "File / sheet"),
        l("非空行（独立计数）", "Non-empty rows (counted)"),
        l("表头上方", "Above header"),
        l("表头行", "Header rows"),
        l("数据行", "Data rows"),
        l("跳过（非数据行）", "Skipped (not data)"),
        l("未读（无表头）", "Not read (no header)"),
        l("已决定", "Decided"),
        l("无法识别", "Rejected"),
        l("是否平衡", "Balanced"),
        l("说明", "Notes"),
    ];
    write_header_row(sheet, r, &headers, &[0, BALANCED_COLUMN, NOTES_COLUMN])?;
    for rec in reconciliation {
        r += 1;
        reconciliation_row(sheet, r, rec, lang)?;
    }
    Ok(r)
}

/// One source's row of the reconciliation; its name and notes wrap.
fn reconciliation_row(sheet: &mut Worksheet, r: u32, rec: &Reconciled, lang: Lang) -> Result<()> {
    let name = if rec.sheet.is_empty() {
        rec.file.clone()
    } else {
        format!("{} / {}", rec.file, rec.sheet)
    };
    let top = Format::new().set_align(FormatAlign::Top);
    let wrap = top.clone().set_text_wrap();
    let notes = rec.notes.join("; ");
    fit_row_height(sheet, r, [(0, name.as_str()), (NOTES_COLUMN, &notes)])?;
    sheet.write_string_with_format(r, 0, &name, &wrap)?;
    let counts = [
        rec.counted,
        rec.above_header,
        rec.header,
        rec.read,
        rec.skipped,
        rec.not_read,
        rec.decided,
        rec.rejected,
    ];
    for (c, n) in counts.into_iter().enumerate() {
        sheet.write_number_with_format(r, c as u16 + 1, n as f64, &top)?;
    }
    let balanced = if rec.balances() {
        lang.pick("平衡 ✓", "yes ✓")
    } else {
        lang.pick("不平衡 ✗", "NO ✗")
    };
    // Text after the counts is indented, clear of the count before it.
    let indented = top.set_indent(1);
    sheet.write_string_with_format(r, BALANCED_COLUMN, balanced, &indented)?;
    let indented_wrap = indented.set_text_wrap();
    sheet.write_string_with_format(r, NOTES_COLUMN, &notes, &indented_wrap)?;
    Ok(())
}

/// One sheet per disposition, every disposition in report order.
fn write_disposition_sheets<'d>(
    wb: &mut Workbook,
    df: &'d DataFrame,
    lang: Lang,
) -> Result<FrameRows<'d>> {
    let words = BoolWords {
        yes: lang.pick("是", "yes"),
        no: lang.pick("否", "no"),
    };
    let shown = Shown {
        words: &words,
        display: labels::display,
        lang,
    };
    let columns = labels::detail_columns(lang);
    // Each disposition's rows by index, in table order: no copy of them.
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); Disposition::ALL.len()];
    for (i, code) in Codes::of(df, "disposition")?.iter().enumerate() {
        if let Some(k) = code.and_then(|c| Disposition::ALL.iter().position(|d| d.code() == c)) {
            rows[k].push(i);
        }
    }
    let frames: Vec<(&str, Vec<usize>)> = Disposition::ALL
        .into_iter()
        .zip(rows)
        .map(|(d, rows)| (labels::disposition(d, lang), rows))
        .collect();
    write_frames(wb, df, frames, &columns, &shown)
}

/// Where an anomaly is listed: losses are reported at once, so they come
/// first, then holdings that reappeared, then overdue ones.
fn anomaly_order(code: &str) -> u8 {
    crate::domain::Anomaly::from_code(code).map_or(3, crate::domain::Anomaly::urgency)
}

/// The missing sheet (缺失): last year's holdings that no register holds
/// now and no ledger entry explains, as last year's plan saw them.
fn write_missing(wb: &mut Workbook, missing: &[PreviousHolding], lang: Lang) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    write_table(
        wb,
        l("缺失", "Missing"),
        &[
            l("文件编号", "Doc No"),
            l("文件标题", "Title"),
            l("密级", "Classification"),
            l("部门", "Department"),
            l("持有人", "Holder"),
            l("份数", "Copies"),
            l("去年处置", "Last year's disposition"),
            l("去年理由", "Last year's reason"),
            l("去年来源文件", "Last year's file"),
            l("工作表", "Sheet"),
            l("行号", "Row"),
        ],
        missing.iter().map(|h| {
            vec![
                OutCell::from(h.doc_id.as_str()),
                OutCell::from(h.title.as_str()),
                OutCell::from(h.classification.as_str()),
                OutCell::from(h.department.as_str()),
                OutCell::from(h.holder.as_str()),
                OutCell::from(h.copies.as_str()),
                OutCell::from(labels::disposition_code(&h.disposition, lang)),
                OutCell::from(h.reason.as_str()),
                OutCell::from(h.source_file.as_str()),
                OutCell::from(h.source_sheet.as_str()),
                OutCell::Number(f64::from(h.source_row)),
            ]
        }),
    )?;
    Ok(())
}

/// The anomalies sheet (异常): one line per row and code, the missing
/// holdings of last year first.
fn write_anomalies(
    wb: &mut Workbook,
    df: &DataFrame,
    missing: &[PreviousHolding],
    lang: Lang,
) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let table = AnomalyColumns::of(df)?;
    // Which line comes where, without making the lines: a holding gone
    // missing, or a row's anomaly; in that order, then by the anomaly's
    // place (a stable sort). A line is made as it is written (a table of
    // millions of rows can have hundreds of thousands of anomalies).
    let mut lines: Vec<(u8, AnomalyLine<'_>)> = (0..missing.len())
        .map(|k| {
            (
                anomaly_order(Anomaly::Missing.code()),
                AnomalyLine::Missing(k),
            )
        })
        .collect();
    for (i, codes) in table.anomalies.iter().enumerate() {
        for code in codes.into_iter().flat_map(|codes| codes.split(';')) {
            lines.push((anomaly_order(code), AnomalyLine::Row(i, code)));
        }
    }
    lines.sort_by_key(|(order, _)| *order);
    write_table(
        wb,
        l("异常", "Anomalies"),
        &[
            l("代码", "Code"),
            l("说明", "Meaning"),
            l("文件", "File"),
            l("工作表", "Sheet"),
            l("行号", "Row"),
            l("文件编号", "Doc No"),
            l("文件标题", "Title"),
            l("处置", "Disposition"),
        ],
        lines.into_iter().map(|(_, line)| match line {
            AnomalyLine::Missing(k) => {
                let h = &missing[k];
                let code = Anomaly::Missing.code();
                vec![
                    OutCell::from(code),
                    OutCell::from(labels::anomaly(code, lang)),
                    OutCell::from(h.source_file.as_str()),
                    OutCell::from(h.source_sheet.as_str()),
                    OutCell::Number(f64::from(h.source_row)),
                    OutCell::from(h.doc_id.as_str()),
                    OutCell::from(h.title.as_str()),
                    OutCell::from(l("（今年无此件）", "(not held now)")),
                ]
            }
            AnomalyLine::Row(i, code) => table.line(i, code, lang),
        }),
    )?;
    Ok(())
}

/// A line of the anomalies sheet: a holding gone missing since last year
/// (its place in the list of them), or an anomaly of table row `i`.
enum AnomalyLine<'a> {
    Missing(usize),
    Row(usize, &'a str),
}

/// The columns an anomaly's line is made from.
struct AnomalyColumns<'a> {
    anomalies: &'a StringChunked,
    files: &'a StringChunked,
    sheets: &'a StringChunked,
    ids: &'a StringChunked,
    titles: &'a StringChunked,
    disposition: Codes,
    rows: Float64Chunked,
}

impl<'a> AnomalyColumns<'a> {
    fn of(df: &'a DataFrame) -> Result<AnomalyColumns<'a>> {
        let text = |name: &str| -> PolarsResult<&'a StringChunked> { df.column(name)?.str() };
        Ok(AnomalyColumns {
            anomalies: text("anomalies")?,
            files: text("source_file")?,
            sheets: text("source_sheet")?,
            ids: text("doc_id")?,
            titles: text("title")?,
            disposition: Codes::of(df, "disposition")?,
            rows: df
                .column("source_row")?
                .cast(&DataType::Float64)?
                .f64()?
                .clone(),
        })
    }

    /// The line of anomaly `code` of row `i`.
    fn line(&self, i: usize, code: &str, lang: Lang) -> Vec<OutCell> {
        let shown = self.disposition.get(i).map_or(OutCell::Blank, |v| {
            OutCell::from(labels::disposition_code(v, lang))
        });
        vec![
            OutCell::from(code),
            OutCell::from(labels::anomaly(code, lang)),
            OutCell::from(self.files.get(i).unwrap_or("")),
            OutCell::from(self.sheets.get(i).unwrap_or("")),
            self.rows.get(i).map_or(OutCell::Blank, OutCell::Number),
            OutCell::from(self.ids.get(i).unwrap_or("")),
            OutCell::from(self.titles.get(i).unwrap_or("")),
            shown,
        ]
    }
}

/// Per coming year (the ten after the as-of date): holdings still held
/// whose retention expires, and those declassified, that year.
fn forecast(df: &DataFrame, as_of: NaiveDate) -> Result<BTreeMap<i32, (u64, u64)>> {
    let disposition = Codes::of(df, "disposition")?;
    let expires = df.column("retention_expires_on")?.cast(&DataType::Int32)?;
    let expires = expires.i32()?;
    let declassified = df.column("declassified_on")?.cast(&DataType::Int32)?;
    let declassified = declassified.i32()?;
    let status = Codes::of(df, "status_code")?;
    let first_year = as_of.year() + 1;
    let mut forecast: BTreeMap<i32, (u64, u64)> =
        (first_year..first_year + 10).map(|y| (y, (0, 0))).collect();
    for i in 0..df.height() {
        let rejected = disposition.get(i) == Some(Disposition::Rejected.code());
        let gone = status
            .get(i)
            .is_some_and(|s| s == Status::Destroyed.code() || s == Status::Returned.code());
        let held = !rejected && !gone;
        if !held {
            continue;
        }
        if let Some(e) = expires.get(i).map(from_epoch_days)
            && let Some(slot) = forecast.get_mut(&e.year())
        {
            slot.0 += 1;
        }
        if let Some(d) = declassified.get(i).map(from_epoch_days)
            && let Some(slot) = forecast.get_mut(&d.year())
        {
            slot.1 += 1;
        }
    }
    Ok(forecast)
}

/// The forecast sheet (预测).
fn write_forecast(wb: &mut Workbook, df: &DataFrame, as_of: NaiveDate, lang: Lang) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    write_table(
        wb,
        l("预测", "Forecast"),
        &[
            l("年度", "Year"),
            l("保管期限届满", "Retention expires"),
            l("解密", "Declassified"),
        ],
        forecast(df, as_of)?.iter().map(|(y, (e, d))| {
            vec![
                OutCell::Number(f64::from(*y)),
                OutCell::from(*e),
                OutCell::from(*d),
            ]
        }),
    )?;
    Ok(())
}

/// The policy used (所用策略), line by line.
fn write_policy(wb: &mut Workbook, policy: &Policy, lang: Lang) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    write_table(
        wb,
        l("所用策略", "Policy"),
        &[l("策略文件", "Policy file")],
        policy.text.lines().map(|line| vec![OutCell::from(line)]),
    )?;
    Ok(())
}

/// The run information (运行信息): tool version, as-of date, the policy
/// and its SHA-256, and every input with its SHA-256 and size.
fn write_run_info(wb: &mut Workbook, report: &PlanReport<'_>) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| report.lang.pick(zh, en);
    let policy_sha = <sha2::Sha256 as sha2::Digest>::digest(report.policy.text.as_bytes());
    let mut info = vec![
        vec![
            OutCell::from(l("工具版本", "Tool version")),
            OutCell::Text(format!("clearance {}", env!("CARGO_PKG_VERSION"))),
        ],
        vec![
            OutCell::from(l("基准日期", "As of")),
            OutCell::Date(report.as_of),
        ],
        vec![
            OutCell::from(l("策略", "Policy")),
            OutCell::Text(report.policy.origin.clone()),
        ],
        vec![
            OutCell::from(l("策略 SHA-256", "Policy SHA-256")),
            OutCell::Text(crate::text::hex(&policy_sha)),
        ],
    ];
    info.extend(report.files.iter().map(|f| {
        vec![
            OutCell::from(l("输入文件", "Input")),
            OutCell::from(f.path.as_str()),
            OutCell::from(f.sha256.as_str()),
            OutCell::from(f.size),
        ]
    }));
    write_table(
        wb,
        l("运行信息", "Run"),
        &[
            l("项目", "Item"),
            l("值", "Value"),
            "SHA-256",
            l("字节", "Bytes"),
        ],
        info,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::wrapped_lines;

    #[test]
    fn wrapped_text_breaks_at_spaces_and_between_cjk_characters() {
        assert_eq!(wrapped_lines("", 12), 1);
        assert_eq!(wrapped_lines("Total", 12), 1);
        assert_eq!(wrapped_lines("Non-empty rows (counted)", 12), 3);
        assert_eq!(wrapped_lines("非空行（独立计数）", 12), 2);
        assert_eq!(wrapped_lines("未读（无表头）", 12), 2);
        assert_eq!(wrapped_lines("abcdefghijklmnopqrstuvwxyz", 12), 3);
        assert_eq!(
            wrapped_lines("sample-register.xlsx / 2024年收文登记", 30),
            2
        );
    }
}
