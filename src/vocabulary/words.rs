//! Reading the words and text forms of a register's cells (SPEC §2,
//! "Values"): dates written as text, confidentiality periods, markings,
//! retentions, carriers, yes/no, status and action words.
//!
//! Each function takes text and returns its typed value or a short English
//! description of what is wrong with it. Which words mean what comes from
//! the policy's [`Vocabulary`]; the shapes of dates, periods and numbers are
//! fixed here. Both the register reader and the policy (its schedule) read
//! values with these functions.

use chrono::{Duration, NaiveDate};

use crate::domain::{
    ActionTaken, DatePrecision, Level, Marking, MediumClass, Period, Retention, Status,
};
use crate::text::{half_width, normalize, normalize_cow};

use super::Vocabulary;

/// A date read from a cell, with how much of it was written (a bare year
/// or month is read as its first day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    /// The date (the first day of a partial one).
    pub date: NaiveDate,
    /// How much was written.
    pub precision: DatePrecision,
}

impl DateValue {
    /// A full date.
    pub fn full(date: NaiveDate) -> Self {
        DateValue {
            date,
            precision: DatePrecision::Day,
        }
    }

    /// Whether only a year or a year and month were written.
    pub fn is_partial(&self) -> bool {
        self.precision != DatePrecision::Day
    }
}

/// The earliest year a register date may have: Excel counts from 1900, and
/// an earlier year in a register of held documents is a typing error.
pub const FIRST_YEAR: i64 = 1900;

/// The smallest number read as an Excel serial date in a date column: 367,
/// 1901-01-01. Smaller numbers are days or months.
pub const MIN_SERIAL: f64 = 367.0;

/// Converts an Excel serial day number to a date, in the 1900 or 1904 date
/// system. Serial 60 (the 29 February 1900 that Excel pretends existed) and
/// serials outside 1–2958465 (9999-12-31) are refused.
///
/// ```
/// use chrono::NaiveDate;
/// use clearance::vocabulary::words::excel_serial_to_date;
/// assert_eq!(excel_serial_to_date(43529.0, false), Some(NaiveDate::from_ymd_opt(2019, 3, 5).unwrap()));
/// assert_eq!(excel_serial_to_date(42067.0, true), Some(NaiveDate::from_ymd_opt(2019, 3, 5).unwrap()));
/// ```
pub fn excel_serial_to_date(serial: f64, date1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() {
        return None;
    }
    let days = serial.floor() as i64;
    if date1904 {
        if !(0..=2_957_003).contains(&days) {
            return None;
        }
        NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_signed(Duration::days(days))
    } else {
        if !(1..=2_958_465).contains(&days) || days == 60 {
            return None;
        }
        let base = if days < 60 {
            NaiveDate::from_ymd_opt(1899, 12, 31)?
        } else {
            NaiveDate::from_ymd_opt(1899, 12, 30)?
        };
        base.checked_add_signed(Duration::days(days))
    }
}

/// A calendar date from its parts, or why it is not one: a day the
/// calendar lacks (2019-02-30, 0000-00-00), or a year before 1900.
fn ymd(y: i64, m: i64, d: i64) -> Result<NaiveDate, String> {
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(y).unwrap_or(-1),
        u32::try_from(m).unwrap_or(0),
        u32::try_from(d).unwrap_or(0),
    )
    .ok_or_else(|| "not a valid date (the calendar has no such day)".to_string())?;
    if y < FIRST_YEAR {
        return Err(format!("not a valid date (before {FIRST_YEAR})"));
    }
    Ok(date)
}

/// A date of which only part (a year, a year and month) was written.
fn partial(date: NaiveDate, precision: DatePrecision) -> DateValue {
    DateValue { date, precision }
}

/// Reads a number written in a date column: a bare year (2019), a year
/// and month (2019.3, typed into a cell Excel keeps as a number), a compact
/// date (20190305), or an Excel serial day number.
pub fn date_from_number(n: f64, date1904: bool) -> Result<DateValue, String> {
    let year = n.trunc() as i64;
    if (1000..=2999).contains(&year) {
        if n.fract() == 0.0 {
            return ymd(year, 1, 1).map(|d| partial(d, DatePrecision::Year));
        }
        // Read as a serial number it would be a day of 1902–1908, and the
        // document long declassified.
        return year_month_number(n, year);
    }
    if n.fract() == 0.0 {
        let i = n as i64;
        if (10_000_101..=29_991_231).contains(&i) {
            return ymd(i / 10_000, i / 100 % 100, i % 100).map(DateValue::full);
        }
    }
    // A small number in a date column is a day or a month (a register with
    // 月 / 日 sub-columns), not a day of 1900: read as 1900-01-05 it would
    // declassify the document.
    if n < MIN_SERIAL {
        return Err(format!(
            "{} is too small to be a date (a day or a month number?)",
            crate::text::format_number(n)
        ));
    }
    let date =
        excel_serial_to_date(n, date1904).ok_or_else(|| "number is not a date".to_string())?;
    // A plain number read as a day of Excel's calendar is a date only
    // where registers' dates are: 9999 (a "date unknown" filler) or 20000
    // would be a day of 1927 or 1954, and a classified document long
    // declassified; 1,000,000 a day of 4637.
    if !(SERIAL_YEARS.contains(&chrono::Datelike::year(&date))) {
        return Err(format!(
            "{} is not a date: read as a day of Excel's calendar it would be {date}; write the date, or format the cell as a date",
            crate::text::format_number(n)
        ));
    }
    Ok(DateValue::full(date))
}

/// The years of a date written as a plain day number (an Excel serial in
/// a cell not formatted as a date) that are read as such.
const SERIAL_YEARS: std::ops::RangeInclusive<i32> = 1970..=2199;

/// A year and month typed as a number: 2019.3 is March 2019, 2019.12
/// December. The number cannot tell 2019.1 from 2019.10 (Excel drops the
/// 0), so 2019.1 is read as October, the later month: a confidentiality
/// period never ends earlier than it could.
fn year_month_number(n: f64, year: i64) -> Result<DateValue, String> {
    let shown = crate::text::format_number(n);
    let digits = shown.split_once('.').map_or("", |(_, d)| d);
    let month = match digits {
        "1" => 10,
        d if d.len() <= 2 => d.parse::<i64>().unwrap_or(0),
        _ => 0,
    };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "{shown} is not a date (a year and a month as 2019.3?)"
        ));
    }
    ymd(year, month, 1).map(|d| partial(d, DatePrecision::Month))
}

/// Reads a date written as text.
pub fn parse_date_text(text: &str, date1904: bool) -> Result<DateValue, String> {
    let s: String = text.trim().chars().map(half_width).collect();
    let date_part = without_time(s.trim())?;
    let (numbers, separators) = split_date(date_part)?;
    match numbers.len() {
        1 => date_from_one_number(numbers[0], &separators, date1904),
        2 if numbers[0].len() == 4 => year_month(&numbers, &separators),
        3 if numbers[0].len() == 4 => year_month_day(&numbers, &separators),
        _ => Err(not_a_date()),
    }
}

/// The error of text that is no date form we read.
fn not_a_date() -> String {
    "not a recognised date".into()
}

/// A date's text without its time of day: "2019-03-05 10:20",
/// "2019-03-05T10:20:00".
fn without_time(s: &str) -> Result<&str, String> {
    match s.find([' ', 'T']) {
        Some(i) => {
            let time = s[i + 1..].trim();
            if !is_time(time) {
                return Err(not_a_date());
            }
            Ok(s[..i].trim())
        }
        None => Ok(s),
    }
}

/// Splits a date's text into its runs of digits and the separators after
/// them (-, /, ., 年, 月, 日, 号).
fn split_date(date_part: &str) -> Result<(Vec<&str>, Vec<char>), String> {
    let mut numbers: Vec<&str> = Vec::with_capacity(3);
    let mut separators: Vec<char> = Vec::with_capacity(3);
    let mut rest = date_part;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(not_a_date());
        }
        numbers.push(&rest[..digits]);
        rest = &rest[digits..];
        if let Some(c) = rest.chars().next() {
            if !matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | '号') {
                return Err(not_a_date());
            }
            separators.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok((numbers, separators))
}

/// A run of digits as a number (-1 when too long to be one).
fn date_number(digits: &str) -> i64 {
    digits.parse::<i64>().unwrap_or(-1)
}

/// A date written as one number: a year (2019, 2019年), a compact date
/// (20190305), or a serial day number.
fn date_from_one_number(
    digits: &str,
    separators: &[char],
    date1904: bool,
) -> Result<DateValue, String> {
    let trailing_ok = separators.is_empty() || separators == ['年'];
    if !trailing_ok {
        return Err(not_a_date());
    }
    let n = date_number(digits);
    match digits.len() {
        4 => ymd(n, 1, 1).map(|d| partial(d, DatePrecision::Year)),
        8 if separators.is_empty() => ymd(n / 10_000, n / 100 % 100, n % 100).map(DateValue::full),
        1..=7 if separators.is_empty() => date_from_number(n as f64, date1904),
        _ => Err(not_a_date()),
    }
}

/// A year and month (2019年3月, 2019-03): the month's first day, partial.
fn year_month(numbers: &[&str], separators: &[char]) -> Result<DateValue, String> {
    let ok = matches!(separators, ['年', '月'] | ['-'] | ['/'] | ['.'] | ['年']);
    if !ok {
        return Err(not_a_date());
    }
    // 2019.1 may be 2019.10 saved from a number (Excel drops the 0, in a
    // cell and in a CSV it saves): October, the later, as for the number.
    let month = match (separators, numbers[1]) {
        (['.'], "1") => 10,
        _ => date_number(numbers[1]),
    };
    ymd(date_number(numbers[0]), month, 1).map(|d| partial(d, DatePrecision::Month))
}

/// A full date (2019-03-05, 2019/3/5, 2019.3.5, 2019年3月5日).
fn year_month_day(numbers: &[&str], separators: &[char]) -> Result<DateValue, String> {
    let ok = matches!(
        separators,
        ['-', '-'] | ['/', '/'] | ['.', '.'] | ['年', '月'] | ['年', '月', '日' | '号']
    );
    if !ok {
        return Err(not_a_date());
    }
    ymd(
        date_number(numbers[0]),
        date_number(numbers[1]),
        date_number(numbers[2]),
    )
    .map(DateValue::full)
}

/// Whether text is a time of day (10:20, 10:20:00, 10:20:00.5).
fn is_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| {
            let p = p.split('.').next().unwrap_or("");
            !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Reads a number written in Chinese numerals (十, 二十, 三十五, 一百,
/// 两) at the start of `text`; returns it and the rest. Arabic digits are
/// read too.
///
/// ```
/// use clearance::vocabulary::words::leading_number;
/// assert_eq!(leading_number("三十年"), Some((30, "年")));
/// assert_eq!(leading_number("十五年"), Some((15, "年")));
/// assert_eq!(leading_number("10年"), Some((10, "年")));
/// assert_eq!(leading_number("年"), None);
/// ```
pub fn leading_number(text: &str) -> Option<(u32, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return Some((text[..digits].parse().ok()?, &text[digits..]));
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u32)
            .or((c == '两').then_some(2))
    };
    let mut total: u32 = 0;
    let mut current: Option<u32> = None;
    let mut used = 0;
    for c in text.chars() {
        if let Some(d) = digit(c) {
            if current.is_some() {
                return None; // 三五: not a number we read
            }
            current = Some(d);
        } else if c == '十' {
            total = total.checked_add(current.unwrap_or(1).checked_mul(10)?)?;
            current = None;
        } else if c == '百' {
            total = total.checked_add(current?.checked_mul(100)?)?;
            current = None;
        } else {
            break;
        }
        used += c.len_utf8();
    }
    if used == 0 {
        return None;
    }
    Some((total.checked_add(current.unwrap_or(0))?, &text[used..]))
}

/// Removes one pair of brackets around the whole text: (20年) → 20年.
fn unbracket(text: &str) -> &str {
    text.strip_prefix(['(', '[', '【', '〔'])
        .and_then(|t| t.strip_suffix([')', ']', '】', '〕']))
        .unwrap_or(text)
}

/// Reads a confidentiality period: 10年, 十年, 5年6个月, 6个月, 长期,
/// 解密时间:2030年1月1日, 2030年1月1日解密, (20年), 10 years.
pub fn parse_period(text: &str) -> Result<Period, String> {
    let norm = normalize(text);
    let norm = unbracket(&norm);
    // 长期 and the words clerks write for it: never declassified by time.
    if matches!(
        norm,
        "长期" | "long" | "longterm" | "长期保密" | "永久" | "永久保密" | "不解密" | "永不解密"
    ) {
        return Ok(Period::Long);
    }
    // A bare number in a period column is years (30 as 30年), never the
    // shorter default. 0 is not a period (no 0年 is either): read as one, it
    // would declassify a document on its own date.
    if !norm.is_empty() && norm.bytes().all(|b| b.is_ascii_digit()) {
        let years: u32 = norm.parse().map_err(|_| "period too long")?;
        if years == 0 {
            return Err("not a recognised period".into());
        }
        return years
            .checked_mul(12)
            .map(Period::Months)
            .ok_or_else(|| "period too long".into());
    }
    // A partial declassification date (2025年) means its last day: never
    // declassified earlier than it could be.
    let until = |text: &str| -> Result<Period, String> {
        let d = parse_date_text(text, false)?;
        Ok(Period::Until(d.precision.last_day(d.date)))
    };
    for prefix in ["解密时间:", "解密日期:", "解密时间", "解密日期"] {
        if let Some(rest) = norm.strip_prefix(prefix) {
            return until(rest);
        }
    }
    // 2030年1月1日解密, 2030年1月1日前解密.
    if let Some(rest) = norm
        .strip_suffix("前解密")
        .or_else(|| norm.strip_suffix("起解密"))
        .or_else(|| norm.strip_suffix("解密"))
    {
        return until(rest);
    }
    let mut months: u32 = 0;
    let mut rest = norm;
    let mut any = false;
    while !rest.is_empty() {
        let (n, after) = leading_number(rest).ok_or("not a recognised period")?;
        rest = after;
        let (factor, unit_len) = if let Some(u) = ["年", "years", "year", "y"]
            .iter()
            .find(|u| rest.starts_with(*u))
        {
            (12, u.len())
        } else if let Some(u) = ["个月", "月", "months", "month", "m"]
            .iter()
            .find(|u| rest.starts_with(*u))
        {
            (1, u.len())
        } else {
            return Err("not a recognised period".into());
        };
        months = months
            .checked_add(n.checked_mul(factor).ok_or("period too long")?)
            .ok_or("period too long")?;
        rest = &rest[unit_len..];
        any = true;
    }
    if !any || months == 0 {
        return Err("not a recognised period".into());
    }
    Ok(Period::Months(months))
}

/// The level a normalised level word names, tolerating a 级 suffix
/// (秘密级).
fn level_word(norm: &str, vocab: &Vocabulary) -> Option<Level> {
    vocab
        .level(norm)
        .or_else(|| norm.strip_suffix('级').and_then(|w| vocab.level(w)))
}

/// Reads a classification marking: a level word (秘密, 秘密级, Secret),
/// optionally followed by ★ (or *, ☆) and a period, or by a period in
/// brackets or after a space (机密（20年）, 秘密 10年). A marking with ★ but
/// no period (秘密★) has no period; the plan applies the level's maximum. A
/// lone ★ (classified, level not written) is not understood.
pub fn parse_marking(text: &str, vocab: &Vocabulary) -> Result<Marking, String> {
    let trimmed = text.trim();
    let (level_text, period_text) = match trimmed.find(['★', '*', '☆', '＊']) {
        Some(i) => {
            let star_len = trimmed[i..].chars().next().map_or(1, char::len_utf8);
            (&trimmed[..i], Some(&trimmed[i + star_len..]))
        }
        None => (trimmed, None),
    };
    let level_norm = normalize_cow(level_text);
    let marking = |level: Level, period: Option<Period>| {
        if period.is_some() && level == Level::Unclassified {
            return Err("an unclassified marking cannot carry a period".to_string());
        }
        Ok(Marking { level, period })
    };
    if period_text.is_some() && level_norm.is_empty() {
        return Err("★ without a level: classified, but the level is not written".into());
    }
    if let Some(level) = level_word(&level_norm, vocab) {
        let period = match period_text.map(str::trim) {
            None | Some("") => None,
            Some(p) => Some(parse_period(p)?),
        };
        return marking(level, period);
    }
    if period_text.is_none() {
        // 秘密10年, 秘密 10年, 机密（20年）, 秘密级10年: a level word followed
        // by a period.
        for (word, level) in vocab.level_prefixes() {
            if let Some(rest) = level_norm.strip_prefix(word.as_str()) {
                let rest = rest.strip_prefix('级').unwrap_or(rest);
                if let Ok(period) = parse_period(rest) {
                    return marking(*level, Some(period));
                }
            }
        }
    }
    Err("not a recognised classification".into())
}

/// Reads a retention period: a word of the policy (永久, 不归档, 长期),
/// N年 / 三十年 / N years, with or without a 保存 / 保管 suffix (永久保存).
pub fn parse_retention(text: &str, vocab: &Vocabulary) -> Result<Retention, String> {
    let norm = normalize_cow(text);
    let bare = norm
        .strip_suffix("保存")
        .or_else(|| norm.strip_suffix("保管"))
        .unwrap_or(&norm);
    for word in [norm.as_ref(), bare] {
        if let Some(r) = vocab.retention_word(word) {
            return Ok(r);
        }
    }
    if let Some((years, unit)) = leading_number(bare)
        && ["年", "years", "year", "y", ""].contains(&unit)
    {
        if years == 0 || years > 1000 {
            return Err("not a recognised retention".into());
        }
        return Ok(Retention::Years(years));
    }
    Err("not a recognised retention".into())
}

/// Reads a carrier word to its DIN 66399 class. A qualifier in brackets is
/// ignored when the word alone is known (光盘（CD-R） is 光盘) and the
/// qualifier names no other carrier (纸质（附光盘1张） is a mixture); a
/// mixture (纸质+光盘) is not understood.
pub fn parse_medium(text: &str, vocab: &Vocabulary) -> Result<MediumClass, String> {
    let norm = normalize_cow(text);
    if let Some(m) = vocab.medium(&norm) {
        return Ok(m);
    }
    if let Some(open) = norm.find(['(', '[', '【', '〔'])
        && open > 0
        && norm.ends_with([')', ']', '】', '〕'])
        && let Some(m) = vocab.medium(&norm[..open])
    {
        if vocab.other_medium_in(&norm[open..], m).is_some() {
            return Err("names two carriers (a mixture, not understood)".into());
        }
        return Ok(m);
    }
    Err("not a recognised medium".into())
}

/// Reads a yes/no word.
pub fn parse_boolean_word(text: &str, vocab: &Vocabulary) -> Result<bool, String> {
    vocab
        .boolean(&normalize_cow(text))
        .ok_or_else(|| "not a recognised yes/no value".into())
}

/// Reads a status word.
pub fn parse_status(text: &str, vocab: &Vocabulary) -> Result<Status, String> {
    vocab
        .status(&normalize_cow(text))
        .ok_or_else(|| "not a recognised status".into())
}

/// Reads an action word (办理 / 已办 / 阅知 …).
pub fn parse_action(text: &str, vocab: &Vocabulary) -> Result<ActionTaken, String> {
    vocab
        .action(&normalize_cow(text))
        .ok_or_else(|| "not a recognised action (办理 / 阅知 …)".into())
}

/// Words in 备注 that say a holding must not be destroyed yet: a hold the
/// clerk wrote as a note instead of in the 冻结 column.
const HOLD_WORDS_IN_NOTES: [&str; 13] = [
    "冻结",
    "暂缓销毁",
    "不得销毁",
    "禁止销毁",
    "暂停销毁",
    "不销毁",
    "勿销毁",
    "停止销毁",
    "缓销",
    "保全",
    "法律保留",
    "调取",
    "留存备查",
];

/// The same, in English (compared in lower case).
const HOLD_WORDS_IN_ENGLISH_NOTES: [&str; 5] = [
    "legal hold",
    "on hold",
    "do not destroy",
    "do not shred",
    "frozen",
];

/// The first hold word a note mentions, if any (English words in any
/// case): a hold the clerk wrote as a note (the plan's safety checks), or
/// in a column not read (a value that may keep a holding). 保全 in 确保全…
/// (确保全年, 确保全面) is no hold. Runs on every row: nothing is
/// allocated for a note without Latin letters.
pub fn hold_word_in_notes(notes: &str) -> Option<&'static str> {
    let notes = notes.trim();
    if notes.is_empty() {
        return None;
    }
    let holds = |word: &str| {
        notes
            .match_indices(word)
            .any(|(at, _)| !(word == "保全" && notes[..at].ends_with('确')))
    };
    if let Some(word) = HOLD_WORDS_IN_NOTES.iter().find(|w| holds(w)) {
        return Some(word);
    }
    if !notes.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let lower = notes.to_ascii_lowercase();
    HOLD_WORDS_IN_ENGLISH_NOTES
        .iter()
        .copied()
        .find(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn vocab() -> Vocabulary {
        Policy::default_policy().unwrap().vocabulary
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_dates_in_every_listed_form() {
        let cases = [
            ("2019-03-05", d(2019, 3, 5), false),
            ("2019/3/5", d(2019, 3, 5), false),
            ("2019.3.5", d(2019, 3, 5), false),
            ("2019年3月5日", d(2019, 3, 5), false),
            ("2019年3月5号", d(2019, 3, 5), false),
            ("20190305", d(2019, 3, 5), false),
            ("2019-03-05 10:20", d(2019, 3, 5), false),
            ("2019-03-05T10:20:00", d(2019, 3, 5), false),
            (" ２０１９－０３－０５ ", d(2019, 3, 5), false),
            ("2019", d(2019, 1, 1), true),
            ("2019年", d(2019, 1, 1), true),
            ("2019年3月", d(2019, 3, 1), true),
            ("2019-03", d(2019, 3, 1), true),
            ("43529", d(2019, 3, 5), false),
        ];
        for (input, want, partial) in cases {
            let got = parse_date_text(input, false).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!((got.date, got.is_partial()), (want, partial), "{input}");
        }
    }

    #[test]
    fn bad_dates_are_errors() {
        for input in [
            "2019-02-30",
            "0000-00-00",
            "1019-03-05",
            "1899-12-31",
            "1019",
            "2019-13-01",
            "soon",
            "19-3-5",
            "2019-03-05 noon",
            "2019/3-5",
            "",
            "--",
        ] {
            assert!(parse_date_text(input, false).is_err(), "{input}");
        }
    }

    /// Reads each marking of `cases` and checks its level and period.
    fn assert_markings(cases: &[(&str, Level, Option<Period>)]) {
        let v = vocab();
        for &(input, level, period) in cases {
            let got = parse_marking(input, &v).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(got, Marking { level, period }, "{input}");
        }
    }

    /// Markings in the standard forms (★, * or ☆, a period or a date to
    /// declassify), the words for no level, and the English ones.
    #[test]
    fn markings() {
        assert_markings(&[
            ("秘密", Level::Confidential, None),
            ("秘密★10年", Level::Confidential, Some(Period::Months(120))),
            ("机密★5年6个月", Level::Secret, Some(Period::Months(66))),
            ("绝密★长期", Level::TopSecret, Some(Period::Long)),
            ("秘密★", Level::Confidential, None),
            ("机密*10年", Level::Secret, Some(Period::Months(120))),
            ("机密☆3年", Level::Secret, Some(Period::Months(36))),
            (
                "机密★解密时间:2030年1月1日",
                Level::Secret,
                Some(Period::Until(d(2030, 1, 1))),
            ),
            (
                "机密★解密时间：2030年1月1日",
                Level::Secret,
                Some(Period::Until(d(2030, 1, 1))),
            ),
            ("秘密10年", Level::Confidential, Some(Period::Months(120))),
            ("内部", Level::Internal, None),
            ("公开", Level::Unclassified, None),
            ("非密", Level::Unclassified, None),
            ("无", Level::Unclassified, None),
            ("", Level::Unclassified, None),
            ("Top Secret", Level::TopSecret, None),
            ("Restricted", Level::Internal, None),
            ("Public", Level::Unclassified, None),
            ("SECRET*10 years", Level::Secret, Some(Period::Months(120))),
        ]);
    }

    /// The forms registers really use (issue 7, point 17).
    #[test]
    fn markings_as_registers_write_them() {
        assert_markings(&[
            ("秘密★十年", Level::Confidential, Some(Period::Months(120))),
            ("秘密级", Level::Confidential, None),
            ("机密级★20年", Level::Secret, Some(Period::Months(240))),
            ("机密（20年）", Level::Secret, Some(Period::Months(240))),
            ("机密(二十年)", Level::Secret, Some(Period::Months(240))),
            ("秘密 10年", Level::Confidential, Some(Period::Months(120))),
            ("秘密级 5年", Level::Confidential, Some(Period::Months(60))),
            (
                "机密★2030年1月1日解密",
                Level::Secret,
                Some(Period::Until(d(2030, 1, 1))),
            ),
            ("非涉密", Level::Unclassified, None),
            ("内部资料", Level::Internal, None),
        ]);
    }

    /// What is not a marking is an error.
    #[test]
    fn bad_markings_are_errors() {
        let v = vocab();
        // A lone ★ is classified at an unwritten level; 涉密 names no level.
        for input in [
            "机蜜",
            "公开★10年",
            "very secret",
            "★",
            "☆",
            "★10年",
            "涉密",
            "机密★1019年1月1日解密",
        ] {
            assert!(parse_marking(input, &v).is_err(), "{input}");
        }
    }

    #[test]
    fn periods_as_clerks_write_them() {
        for text in ["长期", "永久", "永久保密", "长期保密", "不解密", "（长期）"]
        {
            assert_eq!(parse_period(text), Ok(Period::Long), "{text}");
        }
        assert_eq!(parse_period("30"), Ok(Period::Months(360)));
        assert_eq!(parse_period("10年"), Ok(Period::Months(120)));
        assert_eq!(parse_period("5年6个月"), Ok(Period::Months(66)));
        for text in ["待定", "至2030年", "30年以上", "99999999999"] {
            assert!(parse_period(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_period_of_zero_is_not_a_period() {
        // Read as 0 years, it declassified a 绝密 document on its own date,
        // which then went to local destruction instead of to its issuer.
        for text in ["0", "00", "（0）", "0年", "0个月", "0年0个月"] {
            assert!(parse_period(text).is_err(), "{text}");
        }
        let v = vocab();
        for text in ["绝密★0", "绝密0", "绝密（0）", "机密★00"] {
            assert!(parse_marking(text, &v).is_err(), "{text}");
        }
    }

    #[test]
    fn retentions() {
        let v = vocab();
        let cases = [
            ("永久", Retention::Permanent),
            ("Permanent", Retention::Permanent),
            ("30年", Retention::Years(30)),
            ("10 years", Retention::Years(10)),
            ("长期", Retention::Years(30)),
            ("短期", Retention::Years(10)),
            ("不归档", Retention::NotArchived),
            ("无", Retention::NotArchived),
            ("None", Retention::NotArchived),
            ("Not archived", Retention::NotArchived),
        ];
        for (input, want) in cases {
            assert_eq!(parse_retention(input, &v), Ok(want), "{input}");
        }
        for (input, want) in [
            ("三十年", Retention::Years(30)),
            ("十年", Retention::Years(10)),
            ("永久保存", Retention::Permanent),
            ("长期保存", Retention::Years(30)),
            ("10年保存", Retention::Years(10)),
        ] {
            assert_eq!(parse_retention(input, &v), Ok(want), "{input}");
        }
        for input in ["很久", "0年", "-3年", "年", "零年"] {
            assert!(parse_retention(input, &v).is_err(), "{input}");
        }
    }

    #[test]
    fn media_booleans_statuses() {
        let v = vocab();
        for (input, want) in [
            ("纸质", MediumClass::P),
            ("", MediumClass::P),
            ("缩微", MediumClass::F),
            ("DVD", MediumClass::O),
            ("磁带", MediumClass::T),
            ("移动硬盘", MediumClass::H),
            ("U盘", MediumClass::E),
            ("ｓｓｄ", MediumClass::E),
        ] {
            assert_eq!(parse_medium(input, &v), Ok(want), "{input}");
        }
        assert!(parse_medium("石碑", &v).is_err());
        for (input, want) in [
            ("光盘（CD-R）", MediumClass::O),
            ("移动存储介质", MediumClass::E),
            ("笔记本电脑", MediumClass::H),
            ("手机", MediumClass::E),
            ("录音带", MediumClass::T),
            ("磁盘", MediumClass::H),
        ] {
            assert_eq!(parse_medium(input, &v), Ok(want), "{input}");
        }
        // A mixture is not one carrier, nor is a second carrier named in
        // brackets (a fifth hunt: 纸质【U盘】 was shredded as paper).
        for mixture in [
            "纸质+光盘",
            "纸质（附光盘1张）",
            "纸质(附U盘)",
            "纸质【U盘】",
            "纸质〔光盘〕",
        ] {
            assert!(parse_medium(mixture, &v).is_err(), "{mixture}");
        }
        assert_eq!(parse_medium("纸质（复印件）", &v), Ok(MediumClass::P));
        for (input, want) in [
            ("是", true),
            ("√", true),
            ("✓", true),
            ("需要", true),
            ("Yes", true),
            ("1", true),
            ("否", false),
            ("×", false),
            ("No", false),
            ("0", false),
        ] {
            assert_eq!(parse_boolean_word(input, &v), Ok(want), "{input}");
        }
        assert!(parse_boolean_word("也许", &v).is_err());
        for (input, want) in [
            ("在库", Status::OnHand),
            ("", Status::OnHand),
            ("外借", Status::OnLoan),
            ("传阅中", Status::Circulating),
            ("已归档", Status::Archived),
            ("已退还", Status::Returned),
            ("已销毁", Status::Destroyed),
            ("在用", Status::Kept),
            ("冻结", Status::Hold),
            ("On loan", Status::OnLoan),
        ] {
            assert_eq!(parse_status(input, &v), Ok(want), "{input}");
        }
        assert!(parse_status("丢了", &v).is_err());
    }
}
