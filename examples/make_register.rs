//! Writes a large generated register for benchmarks:
//! `cargo run --release --example make_register -- ROWS OUT.xlsx [SEED [FIRST]]`.
//!
//! Fifteen columns, a title row above the header, shared strings (as Excel
//! writes them), real date cells and text dates, a few markings with ★.
//!
//! The content is drawn from a seeded generator: the same ROWS, SEED and
//! FIRST always give the same cells. SEED (default 42) varies the content;
//! FIRST (default 1) is the serial of the first document number, so that
//! several registers made for one run (`bench/run` makes the 5 × 1,000,000
//! set with seeds 42–46 and FIRST 1, 1000001, …) hold different documents.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

fn main() -> Result<(), XlsxError> {
    let mut args = std::env::args().skip(1);
    let rows: u32 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let out = args
        .next()
        .unwrap_or_else(|| "bench/data/register.xlsx".to_string());
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(42);
    let first: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = wb.add_worksheet_with_low_memory()?;
    sheet.write_string(0, 0, "历年收文登记簿（生成）")?;
    let headers = [
        "文件编号",
        "文件标题",
        "来文单位",
        "承办部门",
        "持有人",
        "文件类别",
        "密级",
        "载体",
        "份数",
        "页数",
        "成文日期",
        "收文日期",
        "保管期限",
        "状态",
        "备注",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(1, c as u16, *h)?;
    }
    let issuers = [
        "省保密局",
        "市委办公室",
        "市政府办公室",
        "省档案局",
        "市财政局",
        "本单位",
    ];
    let departments = ["综合科", "秘书科", "机要室", "财务科", "人事科"];
    let holders = ["王芳", "李强", "张伟", "刘洋", "陈静", "赵敏"];
    let categories = [
        "本单位发文",
        "会议纪要",
        "上级来文",
        "内部刊物",
        "简报",
        "领导圈阅件",
    ];
    let markings = [
        "秘密",
        "秘密★10年",
        "机密★5年",
        "绝密★长期",
        "内部",
        "公开",
        "",
    ];
    let media = ["纸质", "纸质", "纸质", "光盘", "U盘"];
    let retentions = ["永久", "30年", "10年", "不归档", ""];
    let statuses = ["在库", "在库", "借出", "已归档", "传阅中", ""];
    let mut x: u64 = seed;
    for i in 0..rows {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let k = (x >> 33) as usize;
        let r = i + 2;
        let n = first + i;
        let year = 1990 + (k % 35) as u16;
        let month = 1 + (k / 7 % 12) as u8;
        let day = 1 + (k / 11 % 28) as u8;
        sheet.write_string(r, 0, format!("收〔{year}〕{n}号"))?;
        sheet.write_string(
            r,
            1,
            format!("关于{}工作的通知（第{n}号）", departments[k % 5]),
        )?;
        sheet.write_string(r, 2, issuers[k % issuers.len()])?;
        sheet.write_string(r, 3, departments[k / 3 % departments.len()])?;
        sheet.write_string(r, 4, holders[k / 5 % holders.len()])?;
        sheet.write_string(r, 5, categories[k / 13 % categories.len()])?;
        let m = markings[k / 17 % markings.len()];
        if !m.is_empty() {
            sheet.write_string(r, 6, m)?;
        }
        sheet.write_string(r, 7, media[k / 19 % media.len()])?;
        sheet.write_number(r, 8, (1 + k % 3) as f64)?;
        sheet.write_number(r, 9, (1 + k % 60) as f64)?;
        let d = ExcelDateTime::from_ymd(year, month, day)?;
        if k.is_multiple_of(4) {
            sheet.write_string(r, 10, format!("{year}年{month}月{day}日"))?;
        } else {
            sheet.write_datetime_with_format(r, 10, &d, &date)?;
        }
        sheet.write_datetime_with_format(r, 11, &d, &date)?;
        let ret = retentions[k / 23 % retentions.len()];
        if !ret.is_empty() {
            sheet.write_string(r, 12, ret)?;
        }
        let st = statuses[k / 29 % statuses.len()];
        if !st.is_empty() {
            sheet.write_string(r, 13, st)?;
        }
        if k.is_multiple_of(10) {
            sheet.write_string(r, 14, "原件")?;
        }
    }
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).ok();
    }
    wb.save(&out)?;
    println!("wrote {out} ({rows} rows, seed {seed}, first number {first})");
    Ok(())
}
