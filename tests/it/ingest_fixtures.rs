//! Every canonical field of every row, every skipped row and every rejected
//! row of fixtures written by other programs: openpyxl (1904 dates),
//! LibreOffice (.xls, .ods), Python's GB18030 and UTF-8-with-BOM codecs.

use super::util::{Workdir, assert_rows, generated, read_csv, read_workbook, stdout};

type CsvRow = std::collections::BTreeMap<String, String>;
type Book = std::collections::BTreeMap<String, Vec<Vec<String>>>;
type Rows = &'static [&'static [(&'static str, &'static str)]];

const OPENPYXL_1904: Rows = &[
    &[
        ("source_row", "4"),
        ("doc_id", "收〔2019〕1号"),
        ("title", "关于年度保密检查的通知"),
        ("classification", "秘密★10年"),
        ("classification_level", "CONFIDENTIAL"),
        ("secrecy_months", "120"),
        ("medium", "纸质"),
        ("medium_class", "P"),
        ("copies", "2"),
        ("doc_date", "2019-03-05"),
        ("received_date", "2019-03-08"),
        ("retention", "30年"),
        ("retention_kind", "YEARS"),
        ("retention_years", "30"),
        ("status", "在库"),
        ("status_code", "ON_HAND"),
    ],
    &[
        ("source_row", "5"),
        ("doc_id", "收〔2019〕2号"),
        ("title", "会议纪要（第3期）"),
        ("classification", "机密"),
        ("classification_level", "SECRET"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("doc_date", "2019-04-01"),
        ("received_date", "2019-04-02"),
        ("retention", "永久"),
        ("retention_kind", "PERMANENT"),
        ("status_code", "ON_HAND"),
        ("notes", "原件"),
    ],
    &[
        ("source_row", "6"),
        ("doc_id", "收〔2019〕3号"),
        ("title", "简报2019年第5期"),
        ("classification_level", "UNCLASSIFIED"),
        ("medium", "光盘"),
        ("medium_class", "O"),
        ("copies", "1"),
        ("doc_date", "2019-05-06"),
        ("received_date", "2019-05-07"),
        ("status", "借出"),
        ("status_code", "ON_LOAN"),
    ],
    &[
        ("source_row", "9"),
        ("doc_id", "收〔2019〕4号"),
        ("title", "内部刊物第9期"),
        ("classification", "内部"),
        ("classification_level", "INTERNAL"),
        ("medium", "U盘"),
        ("medium_class", "E"),
        ("copies", "1"),
        ("doc_date", "2019-01-01"),
        ("doc_date_precision", "YEAR"),
        ("retention", "不归档"),
        ("retention_kind", "NOT_ARCHIVED"),
        ("status", "传阅中"),
        ("status_code", "CIRCULATING"),
        ("anomalies", "DATE_PARTIAL"),
    ],
    &[
        ("source_row", "10"),
        (
            "reject_reason",
            "neither doc_id nor title: the row cannot be identified",
        ),
        ("classification_level", "UNCLASSIFIED"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("status_code", "ON_HAND"),
        ("notes", "无编号无标题"),
    ],
    &[
        ("source_row", "11"),
        ("doc_id", "收〔2019〕5号"),
        // canonical.csv neutralises text a spreadsheet would run.
        ("title", "'=不是公式"),
        ("classification", "机蜜"),
        ("medium", "纸"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("received_date", "2019-06-01"),
        ("retention", "10年"),
        ("retention_kind", "YEARS"),
        ("retention_years", "10"),
        ("status", "在库"),
        ("status_code", "ON_HAND"),
        (
            "review_reasons",
            "classification C11 \"机蜜\": not a recognised classification",
        ),
        ("anomalies", "INVALID_VALUE"),
    ],
    &[
        ("source_row", "12"),
        ("doc_id", "收〔2019〕6号"),
        ("title", "数字日期"),
        ("classification", "公开"),
        ("classification_level", "UNCLASSIFIED"),
        ("medium", "纸质"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("doc_date", "2019-03-05"),
        ("retention", "短期"),
        ("retention_kind", "YEARS"),
        ("retention_years", "10"),
        ("status", "已归档"),
        ("status_code", "ARCHIVED"),
    ],
];

/// register-base.xlsx, sheet 收文, as written by openpyxl and as converted by
/// LibreOffice: the same rows whatever the format.
const BASE_RECEIVED: Rows = &[
    &[
        ("source_row", "3"),
        ("doc_id", "D-001"),
        ("title", "上级来文一"),
        ("issuer", "省保密局"),
        ("department", "综合科"),
        ("category", "上级来文"),
        ("classification", "机密★5年6个月"),
        ("classification_level", "SECRET"),
        ("secrecy_months", "66"),
        ("medium", "纸质"),
        ("medium_class", "P"),
        ("copies_on_hand", "1"),
        ("copies", "2"),
        ("pages", "12"),
        ("received_date", "2020-01-15"),
        ("return_required", "true"),
        ("return_to", "省保密局"),
        ("status", "在库"),
        ("status_code", "ON_HAND"),
        ("经办人", "王芳"),
    ],
    &[
        ("source_row", "4"),
        ("doc_id", "D-002"),
        ("title", "领导圈阅件"),
        ("issuer", "市委办公室"),
        ("department", "秘书科"),
        ("category", "领导圈阅件"),
        ("classification", "秘密"),
        ("classification_level", "CONFIDENTIAL"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("pages", "3"),
        ("received_date", "2020-02-03"),
        ("retention", "30年"),
        ("retention_kind", "YEARS"),
        ("retention_years", "30"),
        ("status", "在办"),
        ("status_code", "ON_HAND"),
        ("hold", "false"),
    ],
    &[
        ("source_row", "6"),
        ("doc_id", "D-003"),
        ("title", "冻结的文件"),
        ("issuer", "本单位"),
        ("department", "机要室"),
        ("category", "本单位发文"),
        ("classification", "绝密★长期"),
        ("classification_level", "TOP_SECRET"),
        ("secrecy_long", "true"),
        ("medium", "移动硬盘"),
        ("medium_class", "H"),
        ("copies_on_hand", "1"),
        ("copies", "1"),
        ("received_date", "2020-03-04"),
        ("retention", "永久"),
        ("retention_kind", "PERMANENT"),
        ("return_required", "false"),
        ("status", "冻结"),
        ("status_code", "HOLD"),
        ("hold", "true"),
        ("经办人", "李强"),
    ],
    &[
        ("source_row", "7"),
        ("doc_id", "D-004"),
        ("title", "坏份数"),
        ("department", "机要室"),
        ("category", "简报"),
        ("classification", "非密"),
        ("classification_level", "UNCLASSIFIED"),
        ("medium", "石碑"),
        ("received_date", "2020-01-01"),
        ("received_date_precision", "YEAR"),
        ("retention", "不归档"),
        ("retention_kind", "NOT_ARCHIVED"),
        ("status", "丢失"),
        (
            "review_reasons",
            "medium G7 \"石碑\": not a recognised medium; copies I7 \"两份\": not a whole number; \
             return_required M7 \"也许\": not a recognised yes/no value; status O7 \"丢失\": not a recognised status",
        ),
        ("anomalies", "DATE_PARTIAL"),
    ],
];

const BASE_SENT: Rows = &[
    &[
        ("source_row", "2"),
        ("doc_id", "S-1"),
        ("title", "Annual report"),
        ("issuer", "This office"),
        ("department", "Registry"),
        ("classification", "Secret*10 years"),
        ("classification_level", "SECRET"),
        ("secrecy_months", "120"),
        ("medium", "DVD"),
        ("medium_class", "O"),
        ("copies", "1"),
        ("doc_date", "2018-12-31"),
        ("retention", "Permanent"),
        ("retention_kind", "PERMANENT"),
        ("status", "On hand"),
        ("status_code", "ON_HAND"),
        ("hold", "false"),
        ("notes", "draft"),
    ],
    &[
        ("source_row", "3"),
        ("doc_id", "S-2"),
        ("title", "Staff circular"),
        ("issuer", "This office"),
        ("department", "Registry"),
        ("classification", "Public"),
        ("classification_level", "UNCLASSIFIED"),
        ("medium", "Paper"),
        ("medium_class", "P"),
        ("copies", "3"),
        ("doc_date", "2021-07-09"),
        ("retention", "10 years"),
        ("retention_kind", "YEARS"),
        ("retention_years", "10"),
        ("status", "Kept"),
        ("status_code", "KEPT"),
    ],
];

const CSV_ROWS: Rows = &[
    &[
        ("source_row", "3"),
        ("doc_id", "C-1"),
        ("title", "关于“清退”工作的通知, 第一号"),
        ("classification", "秘密★10年"),
        ("classification_level", "CONFIDENTIAL"),
        ("secrecy_months", "120"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("doc_date", "2023-03-05"),
        ("retention", "10年"),
        ("retention_kind", "YEARS"),
        ("retention_years", "10"),
        ("status_code", "ON_HAND"),
    ],
    &[
        ("source_row", "4"),
        ("doc_id", "C-2"),
        ("title", "多行\n标题"),
        ("classification", "内部"),
        ("classification_level", "INTERNAL"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("doc_date", "2023-03-06"),
        ("status_code", "ON_HAND"),
        ("notes", "第二行"),
    ],
    &[
        ("source_row", "7"),
        ("doc_id", "C-3"),
        ("title", "会议纪要"),
        ("classification", "机密★解密时间:2030年1月1日"),
        ("classification_level", "SECRET"),
        ("declassify_on", "2030-01-01"),
        ("medium_class", "P"),
        ("copies", "1"),
        ("doc_date", "2023-03-07"),
        ("retention", "永久"),
        ("retention_kind", "PERMANENT"),
        ("status_code", "ON_HAND"),
    ],
];

/// Runs `validate --out` on one fixture copied in as `name`; returns the
/// canonical rows and the validation workbook's sheets.
fn validate(fixture: &str, name: &str) -> (Vec<CsvRow>, Book) {
    let w = Workdir::new();
    w.copy(&generated(fixture), name);
    let out = w.run(&["validate", name, "--out", "out"]);
    assert!(out.status.success(), "{}", stdout(&out));
    (
        read_csv(&w.path("out/canonical.csv")),
        read_workbook(&w.path("out/validation.xlsx")),
    )
}

fn sheet_rows(
    book: &std::collections::BTreeMap<String, Vec<Vec<String>>>,
    sheet: &str,
) -> Vec<Vec<String>> {
    book[sheet].iter().skip(1).cloned().collect()
}

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn openpyxl_workbook_with_1904_dates() {
    let (rows, book) = validate("register-1904.xlsx", "r.xlsx");
    assert_rows(&rows, "r.xlsx", "收文登记", OPENPYXL_1904);
    assert_eq!(
        sheet_rows(&book, "跳过的行"),
        strings(&[
            &["r.xlsx", "收文登记", "1", "1", "above the header (1 cells)"],
            &[
                "r.xlsx",
                "收文登记",
                "7",
                "1",
                "subtotal or footer row (合计…)"
            ],
            &["r.xlsx", "收文登记", "8", "1", "repeated header row"],
        ])
    );
    assert_eq!(
        sheet_rows(&book, "拒收的行"),
        strings(&[&[
            "r.xlsx",
            "收文登记",
            "10",
            "neither doc_id nor title: the row cannot be identified"
        ]])
    );
}

fn check_base(fixture: &str, name: &str) {
    let (rows, book) = validate(fixture, name);
    assert_eq!(rows.len(), 6, "{fixture}");
    assert_rows(&rows, name, "收文", BASE_RECEIVED);
    assert_rows(&rows, name, "Sent", BASE_SENT);
    assert_eq!(
        sheet_rows(&book, "跳过的行"),
        strings(&[
            &[name, "收文", "1", "1", "above the header (1 cells)"],
            &[name, "收文", "5", "1", "blank row"],
            &[name, "收文", "8", "1", "subtotal or footer row (总计…)"],
        ]),
        "{fixture}"
    );
    assert_eq!(sheet_rows(&book, "拒收的行"), Vec::<Vec<String>>::new());
}

#[test]
fn openpyxl_workbook() {
    check_base("register-base.xlsx", "base.xlsx");
}

#[test]
fn libreoffice_xls() {
    check_base("register-lo.xls", "base.xls");
}

#[test]
fn libreoffice_ods() {
    check_base("register-lo.ods", "base.ods");
}

fn check_csv(fixture: &str, name: &str) {
    let (rows, book) = validate(fixture, name);
    assert_rows(&rows, name, "", CSV_ROWS);
    assert_eq!(
        sheet_rows(&book, "跳过的行"),
        strings(&[
            &[name, "", "1", "1", "above the header (1 cells)"],
            &[name, "", "6", "1", "blank row"],
            &[name, "", "8", "1", "subtotal or footer row (小计…)"],
        ])
    );
}

#[test]
fn gb18030_csv() {
    check_csv("register-gb18030.csv", "gb.csv");
}

#[test]
fn utf8_csv_with_bom() {
    check_csv("register-utf8-bom.csv", "utf8.csv");
}
