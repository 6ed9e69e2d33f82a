//! The plan workbook (`plan.xlsx`, SPEC §5): the overview a committee
//! reads first, one sheet per disposition, anomalies, rejected and skipped
//! rows, a ten-year forecast, the policy used and the run information.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rust_xlsxwriter::{Chart, ChartType, Format};

use crate::config::Lang;
use crate::domain::Level;
use crate::domain::from_epoch_days;
use crate::ingest::{FileReport, SkippedRow};
use crate::policy::{Disposition, Policy};
use crate::run_folder::Reconciled;

use super::frame::{BoolWords, write_frame};
use super::{OutCell, new_workbook, save_atomically, write_table};

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
}

/// The label of a DIN 66399 material class in the chosen language.
pub fn medium_label(m: crate::domain::MediumClass, lang: Lang) -> &'static str {
    use crate::domain::MediumClass::{E, F, H, O, P, T};
    match (m, lang) {
        (P, Lang::Zh) => "纸质",
        (F, Lang::Zh) => "胶片",
        (O, Lang::Zh) => "光盘",
        (T, Lang::Zh) => "磁介质",
        (H, Lang::Zh) => "硬盘",
        (E, Lang::Zh) => "电子存储介质",
        (P, Lang::En) => "paper",
        (F, Lang::En) => "film",
        (O, Lang::En) => "optical media",
        (T, Lang::En) => "magnetic media",
        (H, Lang::En) => "hard drives",
        (E, Lang::En) => "electronic media",
    }
}

/// The label of a level in the chosen language.
pub fn level_label(level: Level, lang: Lang) -> &'static str {
    match (level, lang) {
        (Level::TopSecret, Lang::Zh) => "绝密",
        (Level::Secret, Lang::Zh) => "机密",
        (Level::Confidential, Lang::Zh) => "秘密",
        (Level::Internal, Lang::Zh) => "内部",
        (Level::Unclassified, Lang::Zh) => "非密",
        (Level::TopSecret, Lang::En) => "Top Secret",
        (Level::Secret, Lang::En) => "Secret",
        (Level::Confidential, Lang::En) => "Confidential",
        (Level::Internal, Lang::En) => "Internal",
        (Level::Unclassified, Lang::En) => "Unclassified",
    }
}

/// The label of a disposition in the chosen language.
pub fn disposition_label(d: Disposition, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => d.label_zh(),
        Lang::En => d.code(),
    }
}

/// The columns of the per-disposition sheets, with their labels.
pub fn detail_columns(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let l = |zh, en| lang.pick(zh, en);
    vec![
        ("source_file", l("文件", "File")),
        ("source_sheet", l("工作表", "Sheet")),
        ("source_row", l("行号", "Row")),
        ("doc_id", l("文件编号", "Doc No")),
        ("title", l("文件标题", "Title")),
        ("disposition", l("处置", "Disposition")),
        ("rule", l("规则", "Rule")),
        ("reason", l("理由", "Reason")),
        ("destination", l("清退去向", "Return to")),
        (
            "effective_classification",
            l("现密级", "Effective classification"),
        ),
        ("destruction_level", l("销毁等级", "Destruction level")),
        ("destruction_site", l("销毁地点", "Destruction site")),
        ("witnesses", l("监销人数", "Witnesses")),
        ("anomalies", l("异常", "Anomalies")),
        (
            "classification",
            l("密级（原标）", "Classification as marked"),
        ),
        ("medium", l("载体", "Medium")),
        ("copies", l("份数", "Copies")),
        ("copies_on_hand", l("现存份数", "On hand")),
        ("pages", l("页数", "Pages")),
        ("department", l("部门", "Department")),
        ("holder", l("持有人", "Holder")),
        ("issuer", l("来文单位", "Issuer")),
        ("category", l("类别", "Category")),
        ("doc_date", l("成文日期", "Doc date")),
        ("received_date", l("收文日期", "Received")),
        ("retention", l("保管期限", "Retention")),
        ("status", l("状态", "Status")),
        ("out_date", l("借出日期", "Out date")),
        ("notes", l("备注", "Notes")),
    ]
}

/// Shows codes as labels in the chosen language.
pub fn display_code(lang: Lang) -> impl Fn(&str, &str) -> Option<String> {
    move |column: &str, value: &str| match column {
        "disposition" => {
            Disposition::from_code(value).map(|d| disposition_label(d, lang).to_string())
        }
        "effective_classification" => {
            crate::domain::Level::from_code(value).map(|l| level_label(l, lang).to_string())
        }
        "destruction_site" => Some(
            match (value, lang) {
                ("FACILITY", Lang::Zh) => "定点销毁机构",
                ("IN_HOUSE", Lang::Zh) => "本单位销毁",
                ("FACILITY", Lang::En) => "designated facility",
                ("IN_HOUSE", Lang::En) => "in-house",
                (other, _) => other,
            }
            .to_string(),
        ),
        _ => None,
    }
}

fn count_by<'a>(
    keys: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    for (a, b) in keys {
        *out.entry((a.unwrap_or("").to_string(), b.unwrap_or("").to_string()))
            .or_insert(0) += 1;
    }
    out
}

/// Writes plan.xlsx to `path`.
pub fn write(path: &Path, report: &PlanReport<'_>) -> Result<()> {
    let lang = report.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let df = report.decisions;
    let disposition = df.column("disposition")?.str()?;
    let effective = df.column("effective_classification")?.str()?;
    let department = df.column("department")?.str()?;
    let mut wb = new_workbook()?;
    let bold = Format::new().set_bold();

    // Overview.
    let by_level = count_by(disposition.iter().zip(effective.iter()));
    let by_department = count_by(department.iter().zip(disposition.iter()));
    let present: Vec<Disposition> = Disposition::ALL
        .into_iter()
        .filter(|d| by_level.keys().any(|(code, _)| code == d.code()))
        .collect();
    {
        let sheet = wb.add_worksheet();
        sheet.set_name(l("总览", "Overview"))?;
        sheet.set_column_width(0, 34)?;
        for c in 1..=12u16 {
            sheet.set_column_width(c, 12)?;
        }
        let mut r = 0u32;
        sheet.write_string_with_format(
            r,
            0,
            format!(
                "{} {}",
                report.policy.plan.unit_name,
                l("年度清理计划", "clearance plan")
            ),
            &bold,
        )?;
        r += 1;
        sheet.write_string(
            r,
            0,
            format!("{}: {}", l("基准日期", "As of"), report.as_of),
        )?;
        r += 2;
        sheet.write_string_with_format(
            r,
            0,
            l("处置 × 现密级", "Disposition × effective classification"),
            &bold,
        )?;
        r += 1;
        let header_row = r;
        sheet.write_string_with_format(r, 0, l("处置", "Disposition"), &bold)?;
        for (c, level) in Level::ALL.iter().enumerate() {
            sheet.write_string_with_format(r, c as u16 + 1, level_label(*level, lang), &bold)?;
        }
        sheet.write_string_with_format(r, 6, l("未知", "Unknown"), &bold)?;
        sheet.write_string_with_format(r, 7, l("合计", "Total"), &bold)?;
        for d in &present {
            r += 1;
            sheet.write_string(r, 0, disposition_label(*d, lang))?;
            let mut total = 0;
            for (c, level) in Level::ALL.iter().enumerate() {
                let n = by_level
                    .get(&(d.code().to_string(), level.code().to_string()))
                    .copied()
                    .unwrap_or(0);
                total += n;
                sheet.write_number(r, c as u16 + 1, n as f64)?;
            }
            let unknown = by_level
                .get(&(d.code().to_string(), String::new()))
                .copied()
                .unwrap_or(0);
            sheet.write_number(r, 6, unknown as f64)?;
            sheet.write_number(r, 7, (total + unknown) as f64)?;
        }
        let last_disposition_row = r;
        r += 1;
        sheet.write_string_with_format(r, 0, l("合计", "Total"), &bold)?;
        sheet.write_number_with_format(r, 7, df.height() as f64, &bold)?;

        if !present.is_empty() {
            let sheet_name = l("总览", "Overview");
            let mut chart = Chart::new(ChartType::Column);
            chart
                .add_series()
                .set_categories((sheet_name, header_row + 1, 0, last_disposition_row, 0))
                .set_values((sheet_name, header_row + 1, 7, last_disposition_row, 7))
                .set_name(l("件数", "Holdings"));
            chart
                .title()
                .set_name(l("各处置件数", "Holdings by disposition"));
            chart.legend().set_hidden();
            sheet.insert_chart(header_row, 9, &chart)?;
        }

        r += 3;
        sheet.write_string_with_format(r, 0, l("按部门", "By department"), &bold)?;
        r += 1;
        sheet.write_string_with_format(r, 0, l("部门", "Department"), &bold)?;
        for (c, d) in present.iter().enumerate() {
            sheet.write_string_with_format(r, c as u16 + 1, disposition_label(*d, lang), &bold)?;
        }
        let departments: Vec<String> = {
            let mut v: Vec<String> = by_department.keys().map(|(dep, _)| dep.clone()).collect();
            v.dedup();
            v
        };
        for dep in &departments {
            r += 1;
            sheet.write_string(
                r,
                0,
                if dep.is_empty() {
                    l("（未填部门）", "(no department)")
                } else {
                    dep
                },
            )?;
            for (c, d) in present.iter().enumerate() {
                let n = by_department
                    .get(&(dep.clone(), d.code().to_string()))
                    .copied()
                    .unwrap_or(0);
                sheet.write_number(r, c as u16 + 1, n as f64)?;
            }
        }

        r += 3;
        sheet.write_string_with_format(
            r,
            0,
            l(
                "核对：每个来源读入与处置的行数",
                "Reconciliation: rows in and out per source",
            ),
            &bold,
        )?;
        r += 1;
        for (c, h) in [
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
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(r, c as u16, *h, &bold)?;
        }
        for rec in report.reconciliation {
            r += 1;
            let name = if rec.sheet.is_empty() {
                rec.file.clone()
            } else {
                format!("{} / {}", rec.file, rec.sheet)
            };
            sheet.write_string(r, 0, &name)?;
            for (c, n) in [
                rec.counted,
                rec.above_header,
                rec.header,
                rec.read,
                rec.skipped,
                rec.not_read,
                rec.decided,
                rec.rejected,
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_number(r, c as u16 + 1, n as f64)?;
            }
            sheet.write_string(
                r,
                9,
                if rec.balances() {
                    l("平衡 ✓", "yes ✓")
                } else {
                    l("不平衡 ✗", "NO ✗")
                },
            )?;
            sheet.write_string(r, 10, rec.notes.join("; "))?;
        }
        if report.policy.plan.example_schedule {
            r += 2;
            sheet.write_string_with_format(
                r,
                0,
                l(
                    "注意：所用保管期限表为软件自带示例，不是本单位经批准的归档范围和保管期限表。",
                    "Note: the retention schedule is the shipped example, not the office's approved schedule.",
                ),
                &bold,
            )?;
        }
    }

    // One sheet per disposition.
    let words = BoolWords {
        yes: l("是", "yes"),
        no: l("否", "no"),
    };
    let display = display_code(lang);
    let columns = detail_columns(lang);
    for d in Disposition::ALL {
        let mask = disposition.equal(d.code());
        let part = df.filter(&mask)?;
        write_frame(
            &mut wb,
            disposition_label(d, lang),
            &part,
            &columns,
            &words,
            &display,
        )?;
    }

    // Anomalies: one line per row and code.
    let anomalies = df.column("anomalies")?.str()?;
    let files = df.column("source_file")?.str()?;
    let sheets = df.column("source_sheet")?.str()?;
    let rows = df.column("source_row")?.cast(&DataType::Float64)?;
    let rows = rows.f64()?;
    let ids = df.column("doc_id")?.str()?;
    let titles = df.column("title")?.str()?;
    let mut lines = Vec::new();
    for i in 0..df.height() {
        if let Some(codes) = anomalies.get(i) {
            for code in codes.split(';') {
                lines.push(vec![
                    OutCell::from(code),
                    OutCell::from(anomaly_label(code, lang)),
                    OutCell::from(files.get(i).unwrap_or("")),
                    OutCell::from(sheets.get(i).unwrap_or("")),
                    rows.get(i).map_or(OutCell::Blank, OutCell::Number),
                    OutCell::from(ids.get(i).unwrap_or("")),
                    OutCell::from(titles.get(i).unwrap_or("")),
                    disposition.get(i).map_or(OutCell::Blank, |v| {
                        OutCell::Text(display("disposition", v).unwrap_or_else(|| v.to_string()))
                    }),
                ]);
            }
        }
    }
    // Losses are reported at once: they come first.
    lines.sort_by_key(|line| match &line[0] {
        OutCell::Text(code) if code == "LOSS_SUSPECTED" => 0,
        OutCell::Text(code) if code == "REAPPEARED" => 1,
        OutCell::Text(code) if code == "OVERDUE" => 2,
        _ => 3,
    });
    write_table(
        wb.add_worksheet(),
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
        lines,
    )?;

    // Skipped rows.
    super::write_skipped_sheet(&mut wb, report.skipped, lang)?;

    // Forecast: the next ten years.
    let expires = df.column("retention_expires_on")?.cast(&DataType::Int32)?;
    let expires = expires.i32()?;
    let declassified = df.column("declassified_on")?.cast(&DataType::Int32)?;
    let declassified = declassified.i32()?;
    let status = df.column("status_code")?.str()?;
    let first_year = report.as_of.year() + 1;
    let mut forecast: BTreeMap<i32, (u64, u64)> =
        (first_year..first_year + 10).map(|y| (y, (0, 0))).collect();
    for i in 0..df.height() {
        let held = !matches!(disposition.get(i), Some("REJECTED"))
            && !matches!(status.get(i), Some("DESTROYED" | "RETURNED"));
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
    write_table(
        wb.add_worksheet(),
        l("预测", "Forecast"),
        &[
            l("年度", "Year"),
            l("保管期限届满", "Retention expires"),
            l("解密", "Declassified"),
        ],
        forecast.iter().map(|(y, (e, d))| {
            vec![
                OutCell::Number(f64::from(*y)),
                OutCell::from(*e),
                OutCell::from(*d),
            ]
        }),
    )?;

    // The policy used, line by line.
    write_table(
        wb.add_worksheet(),
        l("所用策略", "Policy"),
        &[l("策略文件", "Policy file")],
        report
            .policy
            .text
            .lines()
            .map(|line| vec![OutCell::from(line)]),
    )?;

    // Run information.
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
            OutCell::Text(crate::ingest::hex(&<sha2::Sha256 as sha2::Digest>::digest(
                report.policy.text.as_bytes(),
            ))),
        ],
    ];
    for f in report.files {
        info.push(vec![
            OutCell::from(l("输入文件", "Input")),
            OutCell::from(f.path.as_str()),
            OutCell::from(f.sha256.as_str()),
            OutCell::from(f.size),
        ]);
    }
    write_table(
        wb.add_worksheet(),
        l("运行信息", "Run"),
        &[
            l("项目", "Item"),
            l("值", "Value"),
            "SHA-256",
            l("字节", "Bytes"),
        ],
        info,
    )?;

    save_atomically(&mut wb, path)
}

/// What an anomaly code means, in the chosen language.
pub fn anomaly_label(code: &str, lang: Lang) -> &'static str {
    match (code, lang) {
        ("DUPLICATE_ID", Lang::Zh) => "编号重复",
        ("LOSS_SUSPECTED", Lang::Zh) => "疑似丢失（现存份数少于登记份数），须立即报告",
        ("OVERDUE", Lang::Zh) => "借出或传阅超期",
        ("REAPPEARED", Lang::Zh) => "已销毁或已清退的文件仍在登记簿上",
        ("RETURN_DESTINATION_MISSING", Lang::Zh) => "清退去向不明",
        ("DATE_PARTIAL", Lang::Zh) => "日期不完整（只有年或年月）",
        ("CLASSIFIED_NO_DATE", Lang::Zh) => "涉密文件无日期，无法计算解密",
        ("INVALID_VALUE", Lang::Zh) => "非决策字段的值无法识别",
        ("DUPLICATE_ID", Lang::En) => "the same doc_id more than once",
        ("LOSS_SUSPECTED", Lang::En) => "fewer copies on hand than registered: report at once",
        ("OVERDUE", Lang::En) => "out on loan or circulating too long",
        ("REAPPEARED", Lang::En) => "destroyed or returned, yet still registered",
        ("RETURN_DESTINATION_MISSING", Lang::En) => "no return destination",
        ("DATE_PARTIAL", Lang::En) => "only a year or a month was written",
        ("CLASSIFIED_NO_DATE", Lang::En) => "classified without a date: cannot declassify",
        ("INVALID_VALUE", Lang::En) => "a value in a non-decision field was not understood",
        _ => "",
    }
}
