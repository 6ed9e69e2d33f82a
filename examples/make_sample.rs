//! Writes `data/sample-register.xlsx`, the shipped sample register.
//!
//! The sample is what a department really hands in: a title row merged
//! across the sheet, a unit line, a two-row header with merged group cells,
//! ★ markings, dates written every way a clerk writes them, page-break
//! repeated headers, subtotal and footer rows, blank rows, a few bad values
//! and unidentifiable rows. It is generated (deterministically) so that it
//! can be re-made and reviewed: `cargo run --release --example make_sample`.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

/// A small deterministic generator (no randomness crate needed for a fixture).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const HEADERS_TOP: [&str; 22] = [
    "序号",
    "文件编号",
    "文件标题",
    "来文单位",
    "承办部门",
    "持有人",
    "文件类别",
    "密级",
    "载体",
    "份数",
    "现存份数",
    "页数",
    "日期",
    "",
    "保管期限",
    "保存价值",
    "清退情况",
    "",
    "状态",
    "借出日期",
    "冻结",
    "备注",
];
const HEADERS_SUB: [&str; 22] = [
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "成文日期",
    "收文日期",
    "",
    "",
    "是否清退",
    "清退单位",
    "",
    "",
    "",
    "",
];

fn write_header(sheet: &mut Worksheet, row: u32, bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in HEADERS_TOP.iter().enumerate() {
        let c = c as u16;
        match *h {
            "日期" => {
                sheet.merge_range(row, c, row, c + 1, h, bold)?;
            }
            "清退情况" => {
                sheet.merge_range(row, c, row, c + 1, h, bold)?;
            }
            "" => {}
            _ => {
                sheet.merge_range(row, c, row + 1, c, h, bold)?;
            }
        }
    }
    for (c, h) in HEADERS_SUB.iter().enumerate() {
        if !h.is_empty() {
            sheet.write_string_with_format(row + 1, c as u16, *h, bold)?;
        }
    }
    sheet.write_string_with_format(row, 22, "经办人", bold)?;
    Ok(())
}

fn main() -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2024, 12, 1)?),
    );
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let mut rng = Lcg(20241231);

    let sheet = wb.add_worksheet().set_name("2024年收文登记")?;
    sheet.merge_range(0, 0, 0, 22, "2024年度收文登记簿", &bold)?;
    sheet.write_string(1, 0, "单位：市保密办公室    制表日期：2024年12月1日")?;
    write_header(sheet, 3, &bold)?;

    let issuers = [
        "省保密局",
        "市委办公室",
        "市政府办公室",
        "省档案局",
        "市财政局",
        "本单位",
    ];
    let departments = ["综合科", "秘书科", "机要室", "财务科"];
    let holders = ["王芳", "李强", "张伟", "刘洋", "陈静"];
    let categories = [
        "本单位发文",
        "会议纪要",
        "上级来文",
        "内部刊物",
        "简报",
        "领导圈阅件",
        "上级来文",
        "本单位发文",
        "简报",
        "上级来文",
        "内部刊物",
    ];
    let markings = [
        "秘密",
        "秘密★10年",
        "机密★5年6个月",
        "绝密★长期",
        "秘密★",
        "机密*10年",
        "内部",
        "公开",
        "",
        "非密",
        "机密★解密时间:2030年1月1日",
        "Confidential",
        "机密",
        "",
    ];
    let media = [
        "纸质",
        "",
        "",
        "",
        "光盘",
        "U盘",
        "移动硬盘",
        "纸",
        "缩微",
        "磁带",
    ];
    let retentions = [
        "永久",
        "30年",
        "10年",
        "长期",
        "短期",
        "不归档",
        "",
        "",
        "10 years",
        "不归档",
        "",
    ];
    let yes_no = ["是", "否", "", "", "", "√", "Y", "×"];
    let return_flags = ["", "", "", "", "", "", "", "是", "否", "", "√", ""];
    let statuses = [
        "在库",
        "",
        "",
        "在办",
        "借出",
        "传阅中",
        "已归档",
        "已清退",
        "已销毁",
        "留用",
        "冻结",
        "外借",
        "在库",
        "",
        "",
        "在库",
        "",
        "已归档",
        "",
        "在库",
    ];
    let return_to = ["", "", "", "", "", "", "", "省保密局", "市委办公室"];

    let mut row = 5u32;
    let mut serial = 0u32;
    for i in 0..200u32 {
        // A page break every 50 rows repeats the header; a subtotal closes
        // each page; an occasional blank row.
        if i > 0 && i % 50 == 0 {
            sheet.write_string(row, 0, "小计")?;
            sheet.write_number(row, 9, 50.0)?;
            row += 1;
            write_header(sheet, row, &bold)?;
            row += 2;
        }
        if i % 37 == 36 {
            row += 1; // blank row
        }
        serial += 1;
        let year = 2010 + rng.below(15) as i32;
        let month = 1 + rng.below(12) as u32;
        let day = 1 + rng.below(28) as u32;
        sheet.write_number(row, 0, f64::from(serial))?;
        let prefix = rng.pick(&["收", "发", "密收", "机要"]);
        sheet.write_string(
            row,
            1,
            format!("{prefix}〔{year}〕{}号", 1 + rng.below(300)),
        )?;
        let category = rng.pick(&categories);
        sheet.write_string(
            row,
            2,
            format!(
                "关于{}的{}（第{}号）",
                rng.pick(&[
                    "年度保密检查",
                    "档案整理",
                    "预算执行",
                    "安全生产",
                    "干部培训",
                    "机构调整"
                ]),
                category,
                i + 1
            ),
        )?;
        sheet.write_string(row, 3, rng.pick(&issuers))?;
        sheet.write_string(row, 4, rng.pick(&departments))?;
        sheet.write_string(row, 5, rng.pick(&holders))?;
        sheet.write_string(row, 6, category)?;
        let marking = rng.pick(&markings);
        if !marking.is_empty() {
            sheet.write_string(row, 7, marking)?;
        }
        let medium = rng.pick(&media);
        if !medium.is_empty() {
            sheet.write_string(row, 8, medium)?;
        }
        let copies = 1 + rng.below(3);
        if rng.below(5) > 0 {
            sheet.write_number(row, 9, copies as f64)?;
        }
        let on_hand = if rng.below(20) == 0 {
            copies.saturating_sub(1)
        } else {
            copies
        };
        sheet.write_number(row, 10, on_hand as f64)?;
        sheet.write_number(row, 11, (1 + rng.below(40)) as f64)?;
        // 成文日期 in every form a clerk writes.
        match i % 9 {
            0 => sheet
                .write_datetime_with_format(
                    row,
                    12,
                    ExcelDateTime::from_ymd(year as u16, month as u8, day as u8)?,
                    &date_fmt,
                )
                .map(|_| ())?,
            1 => sheet
                .write_string(row, 12, format!("{year}-{month:02}-{day:02}"))
                .map(|_| ())?,
            2 => sheet
                .write_string(row, 12, format!("{year}/{month}/{day}"))
                .map(|_| ())?,
            3 => sheet
                .write_string(row, 12, format!("{year}.{month}.{day}"))
                .map(|_| ())?,
            4 => sheet
                .write_string(row, 12, format!("{year}年{month}月{day}日"))
                .map(|_| ())?,
            5 => sheet
                .write_string(row, 12, format!("{year}{month:02}{day:02}"))
                .map(|_| ())?,
            6 => sheet
                .write_string(row, 12, format!("{year}-{month:02}-{day:02} 10:20"))
                .map(|_| ())?,
            7 => sheet
                .write_number(
                    row,
                    12,
                    ExcelDateTime::from_ymd(year as u16, month as u8, day as u8)?.to_excel(),
                )
                .map(|_| ())?,
            _ => sheet
                .write_string(
                    row,
                    12,
                    if i % 2 == 0 {
                        format!("{year}")
                    } else {
                        format!("{year}年{month}月")
                    },
                )
                .map(|_| ())?,
        };
        let recv_day = (day + 3).min(28);
        sheet.write_datetime_with_format(
            row,
            13,
            ExcelDateTime::from_ymd(year as u16, month as u8, recv_day as u8)?,
            &date_fmt,
        )?;
        let retention = rng.pick(&retentions);
        if !retention.is_empty() {
            sheet.write_string(row, 14, retention)?;
        }
        let value = rng.pick(&yes_no);
        if !value.is_empty() {
            sheet.write_string(row, 15, value)?;
        }
        let ret = rng.pick(&return_flags);
        if !ret.is_empty() {
            sheet.write_string(row, 16, ret)?;
        }
        let dest = rng.pick(&return_to);
        if !dest.is_empty() {
            sheet.write_string(row, 17, dest)?;
        }
        let status = rng.pick(&statuses);
        if !status.is_empty() {
            sheet.write_string(row, 18, status)?;
        }
        if matches!(status, "借出" | "传阅中" | "外借") {
            sheet.write_datetime_with_format(
                row,
                19,
                ExcelDateTime::from_ymd(2024, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8)?,
                &date_fmt,
            )?;
        }
        if rng.below(25) == 0 {
            sheet.write_string(row, 20, "是")?;
        }
        if rng.below(6) == 0 {
            sheet.write_string(row, 21, rng.pick(&["原件", "复印件", "已核对", "见附件"]))?;
        }
        sheet.write_string(row, 22, rng.pick(&holders))?;
        row += 1;
    }
    // Bad values a clerk really writes, and rows that cannot be identified.
    let bad: [(u16, &str); 7] = [
        (7, "机蜜"),
        (8, "石碑"),
        (12, "2019-02-30"),
        (9, "两份"),
        (18, "丢失"),
        (14, "很久"),
        (20, "也许"),
    ];
    for (k, (col, value)) in bad.iter().enumerate() {
        serial += 1;
        sheet.write_number(row, 0, f64::from(serial))?;
        sheet.write_string(row, 1, format!("收〔2020〕{}号", 900 + k))?;
        sheet.write_string(row, 2, format!("有问题的登记（{}）", k + 1))?;
        sheet.write_string(row, 4, "综合科")?;
        sheet.write_string(row, *col, *value)?;
        row += 1;
    }
    serial += 1;
    sheet.write_number(row, 0, f64::from(serial))?;
    sheet.write_string(row, 1, "发〔2021〕7号")?;
    sheet.write_string(row, 2, "=SUM(A1:A3) 不是公式，是标题")?;
    row += 1;
    for note in ["借出未登记编号", "无题名无编号"] {
        serial += 1;
        sheet.write_number(row, 0, f64::from(serial))?;
        sheet.write_string(row, 4, "秘书科")?;
        sheet.write_string(row, 21, note)?;
        row += 1;
    }
    row += 1;
    sheet.write_string(row, 0, "合计")?;
    sheet.write_number(row, 9, f64::from(serial))?;
    row += 1;
    sheet.write_string(row, 0, "制表人：王芳")?;
    sheet.write_string(row, 5, "审核人：李强")?;
    row += 1;
    sheet.write_string(row, 0, "填表说明：密级栏按“密级★保密期限”填写。")?;

    // A second register with a one-row English header.
    let loans = wb.add_worksheet().set_name("Loans")?;
    for (c, h) in [
        "Doc No",
        "Title",
        "Classification",
        "Secrecy Period",
        "Department",
        "Holder",
        "Status",
        "Out Date",
        "Copies",
        "On Hand",
    ]
    .iter()
    .enumerate()
    {
        loans.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for i in 0..12u32 {
        let r = i + 1;
        loans.write_string(r, 0, format!("L-2024-{:03}", i + 1))?;
        loans.write_string(r, 1, format!("Borrowed file {}", i + 1))?;
        loans.write_string(
            r,
            2,
            ["Secret", "Confidential", "Internal", "Top Secret"][i as usize % 4],
        )?;
        let period = [
            "10年",
            "",
            "5年6个月",
            "长期",
            "解密时间:2026年1月1日",
            "20 years",
        ][i as usize % 6];
        if !period.is_empty() {
            loans.write_string(r, 3, period)?;
        }
        loans.write_string(r, 4, "Registry")?;
        loans.write_string(r, 5, holders[i as usize % holders.len()])?;
        loans.write_string(r, 6, ["On loan", "Circulating", "On hand"][i as usize % 3])?;
        loans.write_string(r, 7, format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i))?;
        loans.write_number(r, 8, 2.0)?;
        loans.write_number(r, 9, if i == 5 { 1.0 } else { 2.0 })?;
    }

    // A sheet of instructions: no register header.
    let notes = wb.add_worksheet().set_name("填表说明")?;
    notes.write_string(0, 0, "本登记簿由各科室于每年12月1日前报送保密办。")?;
    notes.write_string(1, 0, "密级栏填写示例：秘密★10年。")?;

    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/sample-register.xlsx".to_string());
    wb.save(&out)?;
    println!("wrote {out}");
    Ok(())
}
