//! Text normalisation shared by header matching and value reading.
//!
//! Registers are typed by hand over many years: full-width letters and
//! digits, ideographic spaces, line breaks inside header cells, stray
//! capitals. Matching a header or a value against the policy's word lists is
//! done on a normalised form so that all of these compare equal.

/// Normalises text for matching: full-width ASCII becomes half-width, every
/// kind of white space (including the ideographic space and line breaks) is
/// removed, and letters are lower-cased.
///
/// ```
/// use clearance::text::normalize;
/// assert_eq!(normalize(" 文件\n编号 "), "文件编号");
/// assert_eq!(normalize("Ｄｏｃ　Ｎｏ"), "docno");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = half_width(c);
        if c.is_whitespace() {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// [`normalize`] without an allocation for text that is already normal —
/// most cells of a register: no white space, no full-width ASCII, no
/// capitals. Used where every cell of a large register is looked up.
///
/// ```
/// use std::borrow::Cow;
/// use clearance::text::normalize_cow;
/// assert!(matches!(normalize_cow("机密"), Cow::Borrowed("机密")));
/// assert_eq!(normalize_cow("Ｄｏｃ No"), "docno");
/// ```
pub fn normalize_cow(s: &str) -> std::borrow::Cow<'_, str> {
    let normal = s.chars().all(|c| match c as u32 {
        // Vertical tab (0x0B) is white space too.
        0..=0x7F => !c.is_whitespace() && !c.is_ascii_uppercase(),
        // CJK punctuation (the ideographic space, 0x3000, left out), kana,
        // ideographs, Hangul: neither case nor white space nor full width.
        0x3001..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => {
            true
        }
        0x20000..=0x3FFFF => true,
        // Anything else exactly as `normalize` treats it: a title-case
        // letter (ǅ) is not upper case, but lower-casing changes it.
        _ => half_width(c) == c && !c.is_whitespace() && lowercase_is_itself(c),
    });
    if normal {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(normalize(s))
    }
}

/// Whether lower-casing `c` gives `c` itself.
fn lowercase_is_itself(c: char) -> bool {
    let mut lower = c.to_lowercase();
    lower.next() == Some(c) && lower.next().is_none()
}

/// Turns a full-width ASCII character (U+FF01–U+FF5E) or the ideographic
/// space into its half-width form; other characters are returned unchanged.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A document number as compared with another (文件编号 `京办发〔2019〕5号`
/// in one register, `京办发[2019]5号` in the next): full-width letters and
/// digits as half-width, no white space, lower case, every kind of bracket
/// (〔〕, 【】, [], ()) alike, and a number's leading zeros dropped (`04号`
/// is `4号`). Two rows whose numbers give the same characters hold the
/// same document.
///
/// ```
/// use clearance::text::document_number_key;
/// let key = |s| document_number_key(s).collect::<String>();
/// assert_eq!(key("京办发〔2019〕5号"), key("京办发[2019] 5号"));
/// assert_eq!(key("保〔2023〕04号"), key("保〔2023〕4号"));
/// assert_eq!(key("Ａ-7"), key("a-7"));
/// assert_ne!(key("A-7"), key("A-8"));
/// assert_ne!(key("A-70"), key("A-7"));
/// assert_eq!(key("A-0"), "a-0");
/// ```
pub fn document_number_key(id: &str) -> impl Iterator<Item = char> + Clone + '_ {
    WithoutLeadingZeros {
        chars: id
            .chars()
            .map(half_width)
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .map(|c| match c {
                '〔' | '【' | '(' | '[' | '〖' => '[',
                '〕' | '】' | ')' | ']' | '〗' => ']',
                c => c,
            })
            .peekable(),
        after_digit: false,
    }
}

/// Characters without the leading zeros of the numbers among them (`007`
/// → `7`; a lone `0` stays).
#[derive(Clone)]
struct WithoutLeadingZeros<I: Iterator<Item = char>> {
    chars: std::iter::Peekable<I>,
    /// Whether the last character given was a digit.
    after_digit: bool,
}

impl<I: Iterator<Item = char>> Iterator for WithoutLeadingZeros<I> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        loop {
            let c = self.chars.next()?;
            if c == '0' && !self.after_digit && self.chars.peek().is_some_and(char::is_ascii_digit)
            {
                continue;
            }
            self.after_digit = c.is_ascii_digit();
            return Some(c);
        }
    }
}

/// [`document_number_key`] as a string, for a map of documents.
pub fn document_key(id: &str) -> String {
    document_number_key(id).collect()
}

/// Puts a header cell written over several lines on one line: the lines
/// are trimmed and joined, with a space only between two Latin words
/// (`文件\n编号` → `文件编号`, `Doc\nNo` → `Doc No`).
///
/// ```
/// use clearance::text::one_line;
/// assert_eq!(one_line("文件\n编号"), "文件编号");
/// assert_eq!(one_line("Doc\r\nNo"), "Doc No");
/// assert_eq!(one_line(" 标题 "), "标题");
/// ```
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.lines().map(str::trim).filter(|p| !p.is_empty()) {
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(out.chars().last()) && latin(part.chars().next()) {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// Formats a number as a clerk would read it: `3`, not `3.0`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Returns the spreadsheet column letters for a 0-based column index
/// (0 → `A`, 25 → `Z`, 26 → `AA`, 16383 → `XFD`).
///
/// ```
/// use clearance::text::column_letters;
/// assert_eq!(column_letters(0), "A");
/// assert_eq!(column_letters(27), "AB");
/// assert_eq!(column_letters(16383), "XFD");
/// ```
pub fn column_letters(index: u32) -> String {
    let mut n = index as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Lower-case hex of bytes (digests, keyed title hashes): a table look-up
/// per byte, not a formatter (a plan writes hundreds of thousands).
///
/// ```
/// assert_eq!(clearance::text::hex(&[0x00, 0x9f, 0xff]), "009fff");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A date as `YYYY-MM-DD`, as chrono writes it (`%Y-%m-%d`, its `Display`),
/// with the digits put down one by one for the years 0000–9999 instead of
/// through a formatter: a large register has a million date cells.
///
/// ```
/// use chrono::NaiveDate;
/// for d in [
///     NaiveDate::from_ymd_opt(2019, 3, 5).unwrap(),
///     NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
///     NaiveDate::from_ymd_opt(0, 12, 31).unwrap(),
///     NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
///     NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
///     NaiveDate::from_ymd_opt(-5, 6, 7).unwrap(),
/// ] {
///     assert_eq!(clearance::text::iso_date(d), d.to_string());
///     assert_eq!(clearance::text::iso_date(d), d.format("%Y-%m-%d").to_string());
/// }
/// ```
pub fn iso_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let Ok(year @ 0..=9999) = u32::try_from(d.year()) else {
        return d.format("%Y-%m-%d").to_string();
    };
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let mut out = String::with_capacity(10);
    out.extend([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
    ]);
    out.push('-');
    out.extend([digit(d.month() / 10), digit(d.month())]);
    out.push('-');
    out.extend([digit(d.day() / 10), digit(d.day())]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_table() {
        let cases = [
            ("文件编号", "文件编号"),
            ("  文件 编号\r\n", "文件编号"),
            ("ＴＩＴＬＥ", "title"),
            ("Return　Required", "returnrequired"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "input {input:?}");
        }
    }

    /// Every Unicode character: `normalize_cow` keeps exactly the
    /// characters `normalize` leaves as they are. Both work character by
    /// character, so this holds for every text. (It once kept the vertical
    /// tab and title-case letters, so that a cell could fail to match the
    /// rule word or office name it matched through `normalize`.)
    #[test]
    fn normalize_cow_agrees_with_normalize_on_every_character() {
        let mut text = String::new();
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            text.clear();
            text.push(c);
            assert_eq!(normalize_cow(&text), normalize(&text), "U+{:04X}", c as u32);
        }
        assert_eq!(normalize_cow("机\u{b}密ǅ"), "机密ǆ");
    }

    #[test]
    fn column_letters_table() {
        for (i, want) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_letters(i), want);
        }
    }
}
