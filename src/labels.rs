//! Every label the tool prints for a code, in Chinese and English, in one
//! place.
//!
//! Codes (`DESTROY`, `SECRET`, `FACILITY`, `LOSS_SUSPECTED`, a column name)
//! are what the tool computes with and writes to CSV and Parquet; people
//! read labels. Each kind of code has one table here of `(code, zh, en)`
//! rows and a small lookup function, so that a label is changed in one
//! place and every workbook, manifest, list and `verify` (which reads the
//! printed labels back) agree. Headings and sentences that belong to one
//! output only stay with the writer of that output. The words every
//! command's terminal text shares (the parts of its closing summary, what
//! it counts, warnings) are in the last section.

use crate::domain::Disposition;
use crate::domain::{Anomaly, Level, MediumClass, Site};
use crate::ingest::Severity;
use crate::ledger::EntryKind;

/// Language of labels, sheet names and reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the label for this language.
    ///
    /// ```
    /// use clearance::labels::Lang;
    /// assert_eq!(Lang::En.pick("文件", "File"), "File");
    /// ```
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The label of `key` in `table`, in the chosen language.
fn lookup<K: PartialEq + Copy>(
    table: &[(K, &'static str, &'static str)],
    key: K,
    lang: Lang,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| lang.pick(zh, en))
}

/// The labels of a table's rows in the chosen language, in table order.
fn column<K: Copy, const N: usize>(
    table: &[(K, &'static str, &'static str); N],
    lang: Lang,
) -> [&'static str; N] {
    table.map(|(_, zh, en)| lang.pick(zh, en))
}

// ---------------------------------------------------------------------------
// Codes of the domain.

/// Classification levels (密级).
pub const LEVELS: [(Level, &str, &str); 5] = [
    (Level::TopSecret, "绝密", "Top Secret"),
    (Level::Secret, "机密", "Secret"),
    (Level::Confidential, "秘密", "Confidential"),
    (Level::Internal, "内部", "Internal"),
    (Level::Unclassified, "非密", "Unclassified"),
];

/// The label of a level.
pub fn level(level: Level, lang: Lang) -> &'static str {
    lookup(&LEVELS, level, lang).unwrap_or_default()
}

/// The label of a level code (`SECRET`), or the code itself when it is
/// not one.
pub fn level_code(code: &str, lang: Lang) -> String {
    Level::from_code(code).map_or(code.to_string(), |lv| level(lv, lang).to_string())
}

/// The level whose label (in either language) or code is `text`.
pub fn level_from_label(text: &str) -> Option<Level> {
    LEVELS
        .iter()
        .find(|(lv, zh, en)| text == *zh || text == *en || text == lv.code())
        .map(|(lv, _, _)| *lv)
}

/// Dispositions (处置); in English a disposition reads as its code.
pub const DISPOSITIONS: [(Disposition, &str, &str); 10] = [
    (Disposition::Hold, "冻结", "HOLD"),
    (Disposition::Review, "待审核", "REVIEW"),
    (Disposition::Done, "已处置", "DONE"),
    (Disposition::Recall, "待收回", "RECALL"),
    (Disposition::Appraise, "待鉴定", "APPRAISE"),
    (Disposition::Return, "清退", "RETURN"),
    (Disposition::Keep, "留用", "KEEP"),
    (Disposition::Archive, "归档", "ARCHIVE"),
    (Disposition::Destroy, "销毁", "DESTROY"),
    (Disposition::Rejected, "无法识别", "REJECTED"),
];

/// The label of a disposition.
pub fn disposition(d: Disposition, lang: Lang) -> &'static str {
    lookup(&DISPOSITIONS, d, lang).unwrap_or_default()
}

/// DIN 66399 material classes of carriers (载体).
pub const MEDIA: [(MediumClass, &str, &str); 6] = [
    (MediumClass::P, "纸质", "paper"),
    (MediumClass::F, "胶片", "film"),
    (MediumClass::O, "光盘", "optical media"),
    (MediumClass::T, "磁介质", "magnetic media"),
    (MediumClass::H, "硬盘", "hard drives"),
    (MediumClass::E, "电子存储介质", "electronic media"),
];

/// The label of a material class.
pub fn medium(m: MediumClass, lang: Lang) -> &'static str {
    lookup(&MEDIA, m, lang).unwrap_or_default()
}

/// What a DIN 66399 level code (`P-5`) means, as the manifest heading
/// shows it: `P-5（DIN 66399：纸质，安全等级 5）`.
pub fn destruction_level(code: &str, lang: Lang) -> String {
    let (letter, n) = code.split_once('-').unwrap_or((code, ""));
    let material = MediumClass::from_code(letter).map_or("", |m| medium(m, lang));
    match lang {
        Lang::Zh => format!("{code}（DIN 66399：{material}，安全等级 {n}）"),
        Lang::En => format!("{code} (DIN 66399: {material}, security level {n})"),
    }
}

/// Destruction sites (销毁地点).
pub const SITES: [(Site, &str, &str); 2] = [
    (Site::Facility, "定点销毁机构", "designated facility"),
    (Site::InHouse, "本单位销毁", "in-house"),
];

/// The label of a site code, or the code itself when it is not one.
pub fn site(code: &str, lang: Lang) -> &str {
    Site::from_code(code)
        .and_then(|s| lookup(&SITES, s, lang))
        .unwrap_or(code)
}

/// Anomaly codes and what they mean.
pub const ANOMALIES: [(Anomaly, &str, &str); 9] = [
    (
        Anomaly::Missing,
        "去年在册，今年各登记簿均无，台账亦无记录：须立即报告",
        "held last year, in no register now, not in the ledger: report at once",
    ),
    (
        Anomaly::DuplicateId,
        "编号重复",
        "the same doc_id more than once",
    ),
    (
        Anomaly::LossSuspected,
        "疑似丢失（现存份数少于登记份数），须立即报告",
        "fewer copies on hand than registered: report at once",
    ),
    (
        Anomaly::Overdue,
        "借出或传阅超期",
        "out on loan or circulating too long",
    ),
    (
        Anomaly::Reappeared,
        "已销毁或已清退的文件仍在登记簿上",
        "destroyed or returned, yet still registered",
    ),
    (
        Anomaly::ReturnDestinationMissing,
        "清退去向不明",
        "no return destination",
    ),
    (
        Anomaly::DatePartial,
        "日期不完整（只有年或年月）",
        "only a year or a month was written",
    ),
    (
        Anomaly::ClassifiedNoDate,
        "涉密文件无日期，无法计算解密",
        "classified without a date: cannot declassify",
    ),
    (
        Anomaly::InvalidValue,
        "非决策字段的值无法识别",
        "a value in a non-decision field was not understood",
    ),
];

/// What an anomaly code means (blank for an unknown code).
pub fn anomaly(code: &str, lang: Lang) -> &'static str {
    Anomaly::from_code(code)
        .and_then(|a| lookup(&ANOMALIES, a, lang))
        .unwrap_or_default()
}

/// The label of a manifest's whole-batch decision cell.
pub const BATCH_REVIEW: (&str, &str) = ("整批意见（空行适用）", "Whole batch (blank lines)");

/// The label of a manifest's whole-batch decision cell, in a language.
pub fn batch_review_label(lang: Lang) -> &'static str {
    lang.pick(BATCH_REVIEW.0, BATCH_REVIEW.1)
}

/// What a list shows for a holding with the OVERDUE anomaly.
pub fn overdue_flag(lang: Lang) -> &'static str {
    lang.pick("超期", "OVERDUE")
}

/// What a cell problem does to its row.
pub const SEVERITIES: [(Severity, &str, &str); 2] = [
    (
        Severity::Review,
        "转人工审核 (REVIEW)",
        "row goes to REVIEW",
    ),
    (
        Severity::Anomaly,
        "记为异常，照常处理",
        "anomaly; row still planned",
    ),
];

/// The label of a problem's severity.
pub fn severity(s: Severity, lang: Lang) -> &'static str {
    lookup(&SEVERITIES, s, lang).unwrap_or_default()
}

/// Shows a code of the decision table as its label: dispositions,
/// effective classifications and sites; `None` for other columns. Nothing
/// is allocated: it runs for every cell of the plan's sheets.
///
/// ```
/// use clearance::config::Lang;
/// use clearance::labels::display;
/// assert_eq!(display("disposition", "DESTROY", Lang::Zh), Some("销毁"));
/// assert_eq!(display("title", "DESTROY", Lang::Zh), None);
/// ```
pub fn display<'v>(column: &str, value: &'v str, lang: Lang) -> Option<&'v str> {
    match column {
        "disposition" => Disposition::from_code(value).map(|d| disposition(d, lang)),
        "effective_classification" => Level::from_code(value).map(|l| level(l, lang)),
        "destruction_site" => Some(site(value, lang)),
        _ => None,
    }
}

/// The label of a disposition code, or the code itself when it is not one.
pub fn disposition_code(code: &str, lang: Lang) -> &str {
    Disposition::from_code(code).map_or(code, |d| disposition(d, lang))
}

// ---------------------------------------------------------------------------
// Column headers of the outputs.

/// The columns of the plan workbook's per-disposition sheets:
/// (decision column, zh, en).
pub const DETAIL_COLUMNS: [(&str, &str, &str); 29] = [
    ("source_file", "文件", "File"),
    ("source_sheet", "工作表", "Sheet"),
    ("source_row", "行号", "Row"),
    ("doc_id", "文件编号", "Doc No"),
    ("title", "文件标题", "Title"),
    ("disposition", "处置", "Disposition"),
    ("rule", "规则", "Rule"),
    ("reason", "理由", "Reason"),
    ("destination", "清退去向", "Return to"),
    (
        "effective_classification",
        "现密级",
        "Effective classification",
    ),
    ("destruction_level", "销毁等级", "Destruction level"),
    ("destruction_site", "销毁地点", "Destruction site"),
    ("witnesses", "监销人数", "Witnesses"),
    ("anomalies", "异常", "Anomalies"),
    ("classification", "密级（原标）", "Classification as marked"),
    ("medium", "载体", "Medium"),
    ("copies", "份数", "Copies"),
    ("copies_on_hand", "现存份数", "On hand"),
    ("pages", "页数", "Pages"),
    ("department", "部门", "Department"),
    ("holder", "持有人", "Holder"),
    ("issuer", "来文单位", "Issuer"),
    ("category", "类别", "Category"),
    ("doc_date", "成文日期", "Doc date"),
    ("received_date", "收文日期", "Received"),
    ("retention", "保管期限", "Retention"),
    ("status", "状态", "Status"),
    ("out_date", "借出日期", "Out date"),
    ("notes", "备注", "Notes"),
];

/// The per-disposition sheets' columns as (decision column, label).
pub fn detail_columns(lang: Lang) -> Vec<(&'static str, &'static str)> {
    DETAIL_COLUMNS
        .iter()
        .map(|(name, zh, en)| (*name, lang.pick(zh, en)))
        .collect()
}

/// The visible columns of a destruction manifest's lines: (line field,
/// zh, en), in the order of the manifest's canonical fields.
pub const MANIFEST_COLUMNS: [(&str, &str, &str); 14] = [
    ("no", "序号", "No"),
    ("doc_id", "文件编号", "Doc No"),
    ("title", "文件标题", "Title"),
    ("classification", "原标密级", "Classification"),
    ("effective_classification", "现密级", "Effective"),
    ("medium", "载体", "Medium"),
    ("copies", "份数", "Copies"),
    ("pages", "页数", "Pages"),
    ("department", "部门", "Department"),
    ("source_file", "来源文件", "Source file"),
    ("source_sheet", "工作表", "Sheet"),
    ("source_row", "行号", "Row"),
    ("rule", "规则", "Rule"),
    ("reason", "销毁理由", "Reason"),
];

/// The column headers of a manifest's lines.
pub fn manifest_headers(lang: Lang) -> [&'static str; 14] {
    column(&MANIFEST_COLUMNS, lang)
}

/// The line-number column that opens every printed list and manifest.
pub const LINE_NUMBER: (&str, &str) = ("序号", "No");

/// The first cell of a totals row.
pub const TOTAL: (&str, &str) = ("合计", "Total");

/// The columns the printed lists (return, archive transfer, recall,
/// appraisal) may show: (decision column, zh, en). `overdue` is the flag
/// of the OVERDUE anomaly.
pub const LIST_COLUMNS: [(&str, &str, &str); 18] = [
    ("doc_id", "文件编号", "Doc No"),
    ("title", "文件标题", "Title"),
    ("classification", "密级", "Classification"),
    ("effective_classification", "现密级", "Classification"),
    ("issuer", "来文单位", "Issuer"),
    ("category", "类别", "Category"),
    ("retention_resolved_text", "保管期限", "Retention"),
    ("retention_expires_on", "届满日期", "Expired on"),
    ("medium", "载体", "Medium"),
    ("copies", "份数", "Copies"),
    ("pages", "页数", "Pages"),
    ("department", "部门", "Department"),
    ("holder", "持有人", "Holder"),
    ("out_date", "借出日期", "Out date"),
    ("days_out", "已借出天数", "Days out"),
    ("overdue", "超期", "Overdue"),
    ("source_file", "来源文件", "Source file"),
    ("source_row", "行号", "Row"),
];

/// The header of a list column (blank for a column not in the table).
pub fn list_column(name: &str, lang: Lang) -> &'static str {
    lookup(&LIST_COLUMNS, name, lang).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Review and signatures.

/// A reviewer's decision on a line, offered in a drop-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewChoice {
    /// 同意.
    Approve,
    /// 不同意.
    Reject,
    /// 暂缓.
    Defer,
}

/// The review decisions, in drop-down order.
pub const REVIEW_CHOICES: [(ReviewChoice, &str, &str); 3] = [
    (ReviewChoice::Approve, "同意", "Approve"),
    (ReviewChoice::Reject, "不同意", "Reject"),
    (ReviewChoice::Defer, "暂缓", "Defer"),
];

/// The label of a review decision.
pub fn review_choice(choice: ReviewChoice, lang: Lang) -> &'static str {
    lookup(&REVIEW_CHOICES, choice, lang).unwrap_or_default()
}

/// The review decisions offered in the drop-down.
pub fn review_choices(lang: Lang) -> [&'static str; 3] {
    column(&REVIEW_CHOICES, lang)
}

/// The two review columns: the decision and a comment.
pub const REVIEW_COLUMNS: [(&str, &str, &str); 2] = [
    ("decision", "审核意见", "Decision"),
    ("comment", "意见说明", "Comment"),
];

/// The labels of the two review columns.
pub fn review_headers(lang: Lang) -> [&'static str; 2] {
    column(&REVIEW_COLUMNS, lang)
}

/// Who signs a printed list or manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// 经办人.
    PreparedBy,
    /// 移交人.
    HandedOverBy,
    /// 接收人.
    ReceivedBy,
    /// 接收人（档案室）.
    ReceivedByArchive,
    /// 鉴定人.
    AppraisedBy,
    /// 审批人.
    ApprovedBy,
}

/// The signers' labels.
pub const SIGNERS: [(Signer, &str, &str); 6] = [
    (Signer::PreparedBy, "经办人", "Prepared by"),
    (Signer::HandedOverBy, "移交人", "Handed over by"),
    (Signer::ReceivedBy, "接收人", "Received by"),
    (
        Signer::ReceivedByArchive,
        "接收人（档案室）",
        "Received by (archive)",
    ),
    (Signer::AppraisedBy, "鉴定人", "Appraised by"),
    (Signer::ApprovedBy, "审批人", "Approved by"),
];

/// A printed signature line: the signer, a blank to sign on and a date.
pub fn signature_line(signer: Signer, lang: Lang) -> String {
    let who = lookup(&SIGNERS, signer, lang).unwrap_or_default();
    match lang {
        Lang::Zh => format!("{who}：____________________    日期：____________"),
        Lang::En => format!("{who}: ____________________    Date: ____________"),
    }
}

/// A signature line for a named person: the role, the name, a blank to
/// sign on and a date (a destruction record's witnesses, a handover's
/// receiver).
pub fn named_signature_line(role: (&str, &str), name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{}：{name}    签字：____________________    日期：____________",
            role.0
        ),
        Lang::En => format!(
            "{}: {name}    Signature: ____________________    Date: ____________",
            role.1
        ),
    }
}

/// How a return's unknown destination (the code `unknown`) is shown.
pub const UNKNOWN_DESTINATION: (&str, &str) = ("去向不明", "destination unknown");

/// The shown form of a return destination: the unit, or
/// [`UNKNOWN_DESTINATION`] for the code `unknown`.
pub fn destination(value: &str, lang: Lang) -> &str {
    if value == "unknown" {
        lang.pick(UNKNOWN_DESTINATION.0, UNKNOWN_DESTINATION.1)
    } else {
        value
    }
}

/// Where the archive transfer goes.
pub const ARCHIVE: (&str, &str) = ("档案室", "the archive");

/// A witness of a destruction (监销人).
pub const WITNESS: (&str, &str) = ("监销人", "Witness");

/// The receiver of a handover (接收人).
pub const RECEIVER: (&str, &str) = ("接收人", "Received by");

/// The signature line of the `k`-th witness (监销人) of a destruction.
pub fn witness_line(k: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("监销人（{k}）：____________________    日期：____________"),
        Lang::En => format!("Witness {k}: ____________________    Date: ____________"),
    }
}

// ---------------------------------------------------------------------------
// Terminal text shared by the commands.

/// The parts of a command's closing summary, in the order printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryPart {
    /// The rule that opens the summary.
    Title,
    /// What was read.
    Read,
    /// What was decided (disposition × count, where it applies).
    Decided,
    /// Where the outputs are.
    Written,
    /// What a person must look at.
    Attention,
    /// The command to run next.
    Next,
}

/// The headings of a summary's parts.
pub const SUMMARY_PARTS: [(SummaryPart, &str, &str); 6] = [
    (SummaryPart::Title, "小结", "summary"),
    (SummaryPart::Read, "读取：", "read: "),
    (SummaryPart::Decided, "决定：", "decided: "),
    (SummaryPart::Written, "写出：", "written: "),
    (SummaryPart::Attention, "需要注意：", "needs attention: "),
    (SummaryPart::Next, "下一步：", "next: "),
];

/// The heading of a summary's part.
pub fn summary_part(part: SummaryPart, lang: Lang) -> &'static str {
    lookup(&SUMMARY_PARTS, part, lang).unwrap_or_default()
}

/// What a summary part says when it has nothing to say.
pub const NOTHING: (&str, &str) = ("无", "nothing");

/// The prefix of a warning on the terminal.
pub const WARNING: (&str, &str) = ("警告：", "warning: ");

/// The prefix of a note on the terminal.
pub const NOTE: (&str, &str) = ("注意：", "note: ");

/// The date a plan is made as of.
pub const AS_OF: (&str, &str) = ("基准日期", "as of");

/// The ledger, as a summary names it before its path.
pub const LEDGER: (&str, &str) = ("台账", "the ledger");

/// Joins the items of a list in a sentence.
pub const LIST_SEPARATOR: (&str, &str) = ("、", ", ");

/// Joins the clauses of a sentence.
pub const CLAUSE_SEPARATOR: (&str, &str) = ("，", ", ");

/// What the terminal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Input files.
    File,
    /// Sheets of a workbook.
    Sheet,
    /// Rows of a sheet.
    Row,
    /// Holdings (one decided row each).
    Holding,
    /// Items of a ledger entry (one holding each).
    Item,
    /// Copies of a document.
    Copy,
    /// Lines of a manifest or list.
    Line,
    /// Columns of a sheet.
    Column,
    /// Ledger entries.
    Entry,
    /// Destruction manifests (files).
    Manifest,
    /// Destruction batches.
    Batch,
    /// Problems found in cells.
    Problem,
    /// Rules of a policy.
    Rule,
}

/// How a count is said: (thing, zh measure word and noun, en singular,
/// en plural).
pub const COUNTED: [(Counted, &str, &str, &str); 13] = [
    (Counted::File, "个文件", "file", "files"),
    (Counted::Sheet, "个工作表", "sheet", "sheets"),
    (Counted::Row, "行", "row", "rows"),
    (Counted::Holding, "件", "holding", "holdings"),
    (Counted::Item, "件", "item", "items"),
    (Counted::Copy, "份", "copy", "copies"),
    (Counted::Line, "行", "line", "lines"),
    (Counted::Column, "列", "column", "columns"),
    (Counted::Entry, "条记录", "entry", "entries"),
    (Counted::Manifest, "份清单", "manifest", "manifests"),
    (Counted::Batch, "批", "batch", "batches"),
    (Counted::Problem, "个问题", "problem", "problems"),
    (Counted::Rule, "条规则", "rule", "rules"),
];

/// `n` things, as the terminal says it: `3 个文件`, `3 files`, `1 file`.
///
/// ```
/// use clearance::labels::{Counted, Lang, count};
/// assert_eq!(count(3, Counted::File, Lang::Zh), "3 个文件");
/// assert_eq!(count(1, Counted::Copy, Lang::En), "1 copy");
/// assert_eq!(count(2, Counted::Copy, Lang::En), "2 copies");
/// ```
pub fn count(n: u64, what: Counted, lang: Lang) -> String {
    let (_, zh, one, many) = COUNTED
        .iter()
        .find(|(c, ..)| *c == what)
        .copied()
        .unwrap_or((what, "", "", ""));
    match lang {
        Lang::Zh => format!("{n} {zh}"),
        Lang::En => format!("{n} {}", if n == 1 { one } else { many }),
    }
}

/// Anomalies by a short name, for counts on the terminal; in English an
/// anomaly reads as its code.
pub const ANOMALY_NAMES: [(Anomaly, &str, &str); 9] = [
    (Anomaly::Missing, "缺失", "MISSING"),
    (Anomaly::DuplicateId, "编号重复", "DUPLICATE_ID"),
    (Anomaly::LossSuspected, "疑似丢失", "LOSS_SUSPECTED"),
    (Anomaly::Overdue, "借出超期", "OVERDUE"),
    (Anomaly::Reappeared, "已处置仍在册", "REAPPEARED"),
    (
        Anomaly::ReturnDestinationMissing,
        "清退去向不明",
        "RETURN_DESTINATION_MISSING",
    ),
    (Anomaly::DatePartial, "日期不完整", "DATE_PARTIAL"),
    (
        Anomaly::ClassifiedNoDate,
        "涉密无日期",
        "CLASSIFIED_NO_DATE",
    ),
    (Anomaly::InvalidValue, "值无法识别", "INVALID_VALUE"),
];

/// The short name of an anomaly.
pub fn anomaly_name(a: Anomaly, lang: Lang) -> &'static str {
    lookup(&ANOMALY_NAMES, a, lang).unwrap_or_default()
}

/// What ledger entries record; in English an entry kind reads as its
/// code.
pub const ENTRY_KINDS: [(EntryKind, &str, &str); 5] = [
    (EntryKind::Destruction, "销毁", "DESTRUCTION"),
    (EntryKind::Return, "清退", "RETURN"),
    (EntryKind::Transfer, "移交档案室", "TRANSFER"),
    (EntryKind::Rejection, "不同意销毁", "REJECTION"),
    (EntryKind::Deferral, "暂缓销毁", "DEFERRAL"),
];

/// The label of a ledger entry's kind.
pub fn entry_kind(kind: EntryKind, lang: Lang) -> &'static str {
    lookup(&ENTRY_KINDS, kind, lang).unwrap_or_default()
}

/// What stands for a value the person fills in, in a command printed as
/// the next one to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// A date.
    Date,
    /// Where a batch was destroyed.
    Site,
    /// A person's name.
    Name,
    /// The unit that received a return.
    Unit,
    /// The register files.
    Registers,
}

/// The placeholders' text.
pub const PLACEHOLDERS: [(Placeholder, &str, &str); 5] = [
    (Placeholder::Date, "YYYY-MM-DD", "YYYY-MM-DD"),
    (Placeholder::Site, "销毁地点", "PLACE"),
    (Placeholder::Name, "姓名", "NAME"),
    (Placeholder::Unit, "接收单位", "UNIT"),
    (Placeholder::Registers, "登记簿…", "REGISTERS…"),
];

/// The text of a placeholder.
pub fn placeholder(p: Placeholder, lang: Lang) -> &'static str {
    lookup(&PLACEHOLDERS, p, lang).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_domain_has_a_label_in_both_languages() {
        for lv in Level::ALL {
            assert!(!level(lv, Lang::Zh).is_empty() && !level(lv, Lang::En).is_empty());
            assert_eq!(level_from_label(level(lv, Lang::Zh)), Some(lv));
            assert_eq!(level_from_label(lv.code()), Some(lv));
        }
        for d in Disposition::ALL {
            assert!(!disposition(d, Lang::Zh).is_empty());
            assert_eq!(disposition(d, Lang::En), d.code(), "English shows the code");
        }
        for m in MediumClass::ALL {
            assert!(!medium(m, Lang::Zh).is_empty() && !medium(m, Lang::En).is_empty());
        }
        for a in Anomaly::ALL {
            assert!(!anomaly_name(a, Lang::Zh).is_empty());
            assert_eq!(
                anomaly_name(a, Lang::En),
                a.code(),
                "English shows the code"
            );
        }
        for k in EntryKind::ALL {
            assert!(!entry_kind(k, Lang::Zh).is_empty());
            assert_eq!(entry_kind(k, Lang::En), k.code(), "English shows the code");
        }
    }

    #[test]
    fn terminal_words_exist_in_both_languages() {
        for (_, zh, en) in SUMMARY_PARTS {
            assert!(!zh.is_empty() && en.is_ascii());
        }
        for (_, zh, one, many) in COUNTED {
            assert!(!zh.is_empty() && !one.is_empty() && !many.is_empty());
        }
        assert_eq!(count(2, Counted::Entry, Lang::Zh), "2 条记录");
    }

    #[test]
    fn labels_print_as_they_always_have() {
        assert_eq!(
            destruction_level("P-5", Lang::Zh),
            "P-5（DIN 66399：纸质，安全等级 5）"
        );
        assert_eq!(site("IN_HOUSE", Lang::En), "in-house");
        assert_eq!(site("ELSEWHERE", Lang::Zh), "ELSEWHERE");
        assert_eq!(anomaly("NO_SUCH_CODE", Lang::Zh), "");
        assert_eq!(
            signature_line(Signer::ApprovedBy, Lang::Zh),
            "审批人：____________________    日期：____________"
        );
        assert_eq!(manifest_headers(Lang::En)[0], LINE_NUMBER.1);
        assert_eq!(review_choices(Lang::Zh), ["同意", "不同意", "暂缓"]);
    }
}
