//! Merged ranges of .xlsx and .ods sheets, read without a second full
//! parse of the sheet.
//!
//! A register may merge 密级 or 部门 down over the rows of one batch; the
//! rows below the first then read as blank — unclassified — unless the
//! ranges are known. calamine reads them for .xls; for .xlsx it parses the
//! whole sheet's XML a second time (a third of the time of reading a large
//! register), and for .ods not at all.
//!
//! In an .xlsx sheet the ranges are a `<mergeCells>` element after the cell
//! data: [`xlsx_merged_ranges`] inflates each sheet once, looks for that
//! element with a byte search, and parses only what follows it. In an .ods
//! file a merge is an attribute of its first cell
//! (`table:number-rows-spanned`) and the hidden cells are
//! `table:covered-table-cell`s that read as empty: [`ods_merged_ranges`]
//! walks `content.xml` once, counting rows and columns (with their repeat
//! counts) as the file lays them out. A file these cannot walk gives no
//! ranges; the readers' own errors report a damaged file.
//!
//! The same part lookup finds the hidden rows and columns of a sheet
//! ([`xlsx_hidden_parts`]), which `verify` reports in a manifest or list: a
//! line that does not print is not seen by whoever signs it.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::sheet::MergedRange;

type Archive<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

/// An archive whose members are found as calamine finds them: whatever
/// the case of their names, with `\` or `/` between folders (as some
/// Windows writers save them). Looked up exactly, a sheet saved as
/// `xl/worksheets/Sheet1.xml` had its rows read and its merges missed.
pub(super) struct Members<'b> {
    archive: Archive<'b>,
    /// Archive names by their [`normal_name`].
    names: HashMap<String, String>,
}

/// A member name as compared: `/` between folders, lower case.
fn normal_name(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

impl<'b> Members<'b> {
    pub(super) fn new(bytes: &'b [u8]) -> Option<Members<'b>> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let names = archive
            .file_names()
            .flatten()
            .map(|name| (normal_name(&name), name.into_owned()))
            .collect();
        Some(Members { archive, names })
    }

    /// A member, by its name in any case and with either separator.
    pub(super) fn by_name(
        &mut self,
        name: &str,
    ) -> Option<zip::read::ZipFile<'_, Cursor<&'b [u8]>>> {
        self.open(name).ok().flatten()
    }

    /// A member, by its name in any case and with either separator: `None`
    /// when there is none, an error when it is there but cannot be opened
    /// (a damaged header, encryption).
    pub(super) fn open(
        &mut self,
        name: &str,
    ) -> Result<Option<zip::read::ZipFile<'_, Cursor<&'b [u8]>>>, zip::result::ZipError> {
        match self.names.get(&normal_name(name)) {
            Some(stored) => self.archive.by_name(stored).map(Some),
            None => Ok(None),
        }
    }

    /// The text of a small member.
    fn read(&mut self, name: &str) -> Option<Vec<u8>> {
        let mut file = self.by_name(name)?;
        let mut out = Vec::new();
        file.read_to_end(&mut out).ok()?;
        Some(out)
    }
}

/// The archive path of a relationship's `target`, relative to the folder
/// `dir` (`xl/`, with its slash) unless it starts with `/`.
fn part_path(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{}", target.trim_start_matches("./")),
    }
}

/// An attribute's value, with or without a namespace prefix on its name.
pub(crate) fn attribute(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let key: &str = a.key.as_ref();
        let name = key.rsplit(':').next().unwrap_or(key);
        (name == local)
            .then(|| a.normalized_value(XmlVersion::Implicit1_0).ok())
            .flatten()
            .map(|v| v.into_owned())
    })
}

/// An element's name without its namespace prefix.
pub(crate) fn local_name<'e>(e: &'e BytesStart<'_>) -> &'e str {
    let name: &str = e.name().into_inner();
    name.rsplit(':').next().unwrap_or(name)
}

/// Start and empty elements of an XML text, with their local names.
pub(crate) fn each_element(xml: &[u8], mut f: impl FnMut(&BytesStart<'_>)) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => f(&e),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

/// The workbook part's path: the package's officeDocument relationship
/// (`xl/workbook.xml` in nearly every file); the last of several, as
/// calamine takes it.
fn workbook_path(archive: &mut Members<'_>) -> String {
    let mut found = None;
    if let Some(rels) = archive.read("_rels/.rels") {
        each_element(&rels, |e| {
            if local_name(e) == "Relationship"
                && attribute(e, "Type").is_some_and(|t| t.ends_with("/officeDocument"))
                && let Some(target) = attribute(e, "Target")
            {
                found = Some(part_path("", &target));
            }
        });
    }
    found.unwrap_or_else(|| "xl/workbook.xml".to_string())
}

/// Each worksheet's archive path, by sheet name, from the workbook and its
/// relationships.
fn sheet_paths(archive: &mut Members<'_>) -> Vec<(String, String)> {
    let workbook_path = workbook_path(archive);
    let (dir, file) = match workbook_path.rsplit_once('/') {
        Some((dir, file)) => (format!("{dir}/"), file.to_string()),
        None => (String::new(), workbook_path.clone()),
    };
    let rels = archive.read(&format!("{dir}_rels/{file}.rels"));
    match archive.read(&workbook_path) {
        Some(workbook) => sheet_paths_in(&dir, &workbook, rels.as_deref()),
        None => Vec::new(),
    }
}

/// Each worksheet's (name, archive path), in the workbook's order, from
/// the text of the workbook part in folder `dir` (`xl/`, with its slash)
/// and of its relationships; a sheet without a target is left out.
pub(crate) fn sheet_paths_in(
    dir: &str,
    workbook: &[u8],
    rels: Option<&[u8]>,
) -> Vec<(String, String)> {
    let mut targets = HashMap::new();
    if let Some(rels) = rels {
        each_element(rels, |e| {
            if local_name(e) == "Relationship"
                && let (Some(id), Some(target)) = (attribute(e, "Id"), attribute(e, "Target"))
            {
                targets.insert(id, part_path(dir, &target));
            }
        });
    }
    let mut out = Vec::new();
    each_element(workbook, |e| {
        if local_name(e) == "sheet"
            && let (Some(name), Some(id)) = (attribute(e, "name"), attribute(e, "id"))
            && let Some(path) = targets.get(&id)
        {
            out.push((name, path.clone()));
        }
    });
    out
}

/// A cell reference's 0-based (row, column): `C12` → (11, 2).
fn cell_ref(text: &str) -> Option<(u32, u32)> {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = text[..letters].bytes().try_fold(0u32, |n, b| {
        Some(n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1))
    })?;
    let row: u32 = text[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// A range reference (`C2:C4`) as a merged range.
fn range_ref(text: &str) -> Option<MergedRange> {
    let (a, b) = text.split_once(':')?;
    let (r0, c0) = cell_ref(a)?;
    let (r1, c1) = cell_ref(b)?;
    Some(MergedRange {
        first_row: r0.min(r1),
        last_row: r0.max(r1),
        first_col: c0.min(c1),
        last_col: c0.max(c1),
    })
}

/// The merged ranges of one sheet's XML, read as a stream: a byte search
/// for `mergeCells`, then a parse of what follows it.
fn sheet_ranges(reader: impl Read) -> Vec<MergedRange> {
    const PATTERN: &[u8] = b"mergeCells";
    let finder = memchr::memmem::Finder::new(PATTERN);
    let mut reader = BufReader::with_capacity(1 << 18, reader);
    let mut window: Vec<u8> = Vec::with_capacity(1 << 18);
    let mut chunk = vec![0u8; 1 << 18];
    let found = loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) | Err(_) => return Vec::new(),
            Ok(n) => n,
        };
        window.extend_from_slice(&chunk[..n]);
        if let Some(at) = finder.find(&window) {
            break at;
        }
        // Keep enough of the end to find a pattern split across reads.
        let keep = window.len().saturating_sub(PATTERN.len() + 16);
        window.drain(..keep);
    };
    let start = window[..found]
        .iter()
        .rposition(|b| *b == b'<')
        .unwrap_or(found);
    let tail = window.split_off(start);
    // What follows is parsed as a stream (the words could also occur in a
    // cell's text, far before the element itself), tolerating the end tags
    // of elements whose start came before it.
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(Cursor::new(tail).chain(reader)));
    xml.config_mut().check_end_names = false;
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if local_name(&e) == "mergeCell"
                    && let Some(range) = attribute(&e, "ref").as_deref().and_then(range_ref)
                {
                    out.push(range);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Every sheet's merged ranges in an .xlsx workbook, by sheet name; a
/// sheet whose part was found and read is there even without ranges.
pub fn xlsx_merged_ranges(bytes: &[u8]) -> HashMap<String, Vec<MergedRange>> {
    let mut out = HashMap::new();
    let Some(mut archive) = Members::new(bytes) else {
        return out;
    };
    for (name, path) in sheet_paths(&mut archive) {
        let Some(file) = archive.by_name(&path) else {
            continue;
        };
        out.insert(name, sheet_ranges(file));
    }
    out
}

/// What of an .xlsx sheet does not print: rows and columns hidden, or so
/// narrow or low that nothing in them shows; cells whose style hides their
/// value; a print area that leaves the rest out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HiddenParts {
    /// Rows, 1-based, as Excel numbers them.
    pub rows: Vec<u32>,
    /// Column ranges, 1-based and inclusive.
    pub columns: Vec<(u32, u32)>,
    /// Cells (`B7`) written in white, or with a number format that shows
    /// something else than the value (`;;;`, a quoted text).
    pub cells: Vec<String>,
    /// Whether a print area is set on the sheet.
    pub print_area: bool,
}

/// The cell styles (indexes into `cellXfs`) of a workbook that hide a
/// cell's value when printed: a white font, or a custom number format with
/// an empty section (`;;;`) or quoted text in place of the value (`"5"`).
fn hiding_styles(archive: &mut Members<'_>, dir: &str) -> std::collections::HashSet<u32> {
    let mut hiding = std::collections::HashSet::new();
    let Some(xml) = archive.read(&format!("{dir}styles.xml")) else {
        return hiding;
    };
    let mut section = String::new();
    let mut hiding_formats = std::collections::HashSet::new();
    let mut white_fonts = std::collections::HashSet::new();
    let (mut font, mut xf) = (None::<u32>, 0u32);
    each_element(&xml, |e| {
        let name = local_name(e);
        match name {
            "numFmts" | "fonts" | "fills" | "borders" | "cellStyleXfs" | "cellXfs"
            | "cellStyles" | "dxfs" => section = name.to_string(),
            "numFmt" => {
                if let (Some(id), Some(code)) =
                    (attribute(e, "numFmtId"), attribute(e, "formatCode"))
                    && format_hides(&code)
                    && let Ok(id) = id.trim().parse::<u32>()
                {
                    hiding_formats.insert(id);
                }
            }
            "font" if section == "fonts" => font = Some(font.map_or(0, |f| f + 1)),
            "color" if section == "fonts" => {
                let white = attribute(e, "rgb")
                    .is_some_and(|rgb| rgb.trim().to_ascii_uppercase().ends_with("FFFFFF"))
                    || (attribute(e, "theme").as_deref() == Some("0")
                        && attribute(e, "tint")
                            .and_then(|t| t.parse::<f64>().ok())
                            .is_none_or(|t| t > -0.25));
                if white && let Some(f) = font {
                    white_fonts.insert(f);
                }
            }
            "xf" if section == "cellXfs" => {
                let id = |name| attribute(e, name).and_then(|v| v.trim().parse::<u32>().ok());
                if id("numFmtId").is_some_and(|n| hiding_formats.contains(&n))
                    || id("fontId").is_some_and(|f| white_fonts.contains(&f))
                {
                    hiding.insert(xf);
                }
                xf += 1;
            }
            _ => {}
        }
    });
    hiding
}

/// Whether a number format shows something else than a number's value:
/// every section empty (`;;;`), or a first section of quoted text alone
/// (`"5"`). `0"份"` and `yyyy"年"m"月"` show the value.
fn format_hides(code: &str) -> bool {
    if code.contains(";;;") {
        return true;
    }
    let first = code.split(';').next().unwrap_or("");
    let mut shown = String::new();
    let mut quoted = false;
    let mut chars = first.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => {
                chars.next();
            }
            _ if !quoted => shown.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    let shows_value = shown.contains("general")
        || shown
            .chars()
            .any(|c| matches!(c, '0' | '#' | '?' | '@' | 'y' | 'm' | 'd' | 'h' | 's' | 'e'));
    !shows_value
}

/// The print area the workbook sets on its sheet number `index` (0-based,
/// in the workbook's order), as written (`'Sheet'!$A$1:$N$8`), if any.
fn print_area(archive: &mut Members<'_>, workbook: &str, index: usize) -> Option<String> {
    let xml = archive.read(workbook)?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    // The text of the area's definedName, gathered until its end (an
    // entity such as &apos; splits it).
    let mut area: Option<String> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e))
                if local_name(&e) == "definedName"
                    && attribute(&e, "name").as_deref() == Some("_xlnm.Print_Area")
                    && attribute(&e, "localSheetId").and_then(|i| i.trim().parse().ok())
                        == Some(index) =>
            {
                area = Some(String::new());
            }
            Ok(Event::Text(t)) => {
                if let Some(a) = area.as_mut() {
                    a.push_str(&t.into_inner());
                }
            }
            Ok(Event::End(_)) if area.is_some() => return area,
            Ok(Event::Eof) | Err(_) => return area,
            _ => {}
        }
        buf.clear();
    }
}

/// Whether a print area (`'Sheet'!$A$1:$N$8,...`) covers every cell up to
/// `last` (0-based row, column); an area not understood does not.
fn covers(area: &str, last: (u32, u32)) -> bool {
    area.split(',').any(|part| {
        let reference = part.rsplit('!').next().unwrap_or(part).replace('$', "");
        range_ref(reference.trim()).is_some_and(|r| {
            r.first_row == 0 && r.first_col == 0 && r.last_row >= last.0 && r.last_col >= last.1
        })
    })
}

/// Whether a `hidden` attribute or a size (`ht`, `width`) hides a row or
/// column: `hidden="1"`/`"true"`, or a size under one point.
fn hides(e: &BytesStart<'_>, size: &str) -> bool {
    attribute(e, "hidden").is_some_and(|h| h == "1" || h.eq_ignore_ascii_case("true"))
        || attribute(e, size)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .is_some_and(|v| v < 1.0)
}

/// The hidden rows and columns of the sheet named `sheet` of an .xlsx
/// workbook; `None` when its part cannot be found.
pub fn xlsx_hidden_parts(bytes: &[u8], sheet: &str) -> Option<HiddenParts> {
    let mut archive = Members::new(bytes)?;
    let paths = sheet_paths(&mut archive);
    let index = paths.iter().position(|(name, _)| name == sheet)?;
    let path = paths[index].1.clone();
    let workbook = workbook_path(&mut archive);
    let dir = workbook
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let hiding = hiding_styles(&mut archive, &dir);
    let area = print_area(&mut archive, &workbook, index);
    let xml = archive.read(&path)?;
    let mut out = HiddenParts::default();
    // The last row and column holding a value, for the print area.
    let mut last = (0u32, 0u32);
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        // A cell with content is a start element (a blank one is empty);
        // a row or column may be either.
        let (e, has_content) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::Eof) | Err(_) => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        match local_name(&e) {
            "c" if has_content => {
                if let Some(r) = attribute(&e, "r") {
                    if let Some((row, col)) = cell_ref(&r) {
                        last = (last.0.max(row), last.1.max(col));
                    }
                    if attribute(&e, "s")
                        .and_then(|s| s.trim().parse::<u32>().ok())
                        .is_some_and(|s| hiding.contains(&s))
                    {
                        out.cells.push(r);
                    }
                }
            }
            "row" if hides(&e, "ht") => {
                if let Some(r) = attribute(&e, "r").and_then(|r| r.trim().parse().ok()) {
                    out.rows.push(r);
                }
            }
            "col" if hides(&e, "width") => {
                let bound = |name| attribute(&e, name).and_then(|v| v.trim().parse().ok());
                if let (Some(min), Some(max)) = (bound("min"), bound("max")) {
                    out.columns.push((min, max));
                }
            }
            _ => {}
        }
        buf.clear();
    }
    out.print_area = area.is_some_and(|a| !covers(&a, last));
    Some(out)
}

/// A numeric attribute of an element (a span or repeat count), 1 when
/// absent or unreadable.
fn number(e: &BytesStart<'_>, name: &str) -> u32 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.parse().ok())
        .unwrap_or(1)
}

/// Every sheet's merged ranges in an .ods workbook, by sheet name, and
/// whether its plain numbers count dates from 1904 (`table:null-date`).
pub fn ods_merged_ranges(bytes: &[u8]) -> (HashMap<String, Vec<MergedRange>>, bool) {
    let mut scan = OdsScan::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return (scan.out, scan.date1904);
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return (scan.out, scan.date1904);
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(Event::Start(e)) => scan.element(&e, false),
            Ok(Event::Empty(e)) => scan.element(&e, true),
            Ok(Event::End(e)) => scan.end(e.name().into_inner()),
            Ok(_) => {}
        }
        buf.clear();
    }
    (scan.out, scan.date1904)
}

/// A walk through an .ods `content.xml`: the ranges found so far, the
/// sheet being read and the row and column reached in it.
struct OdsScan {
    out: HashMap<String, Vec<MergedRange>>,
    date1904: bool,
    /// The sheet being read: its name and ranges.
    sheet: Option<(String, Vec<MergedRange>)>,
    row: u32,
    col: u32,
    /// How many rows the current row element stands for.
    row_repeat: u32,
}

impl OdsScan {
    /// Before the first element.
    fn new() -> Self {
        OdsScan {
            out: HashMap::new(),
            date1904: false,
            sheet: None,
            row: 0,
            col: 0,
            row_repeat: 1,
        }
    }

    /// A start (or, when `empty`, an empty) element.
    fn element(&mut self, e: &BytesStart<'_>, empty: bool) {
        match e.name().into_inner() {
            "table:null-date" => {
                self.date1904 = attribute(e, "date-value").is_some_and(|d| d.starts_with("1904"));
            }
            "table:table" if !empty => self.start_sheet(e),
            "table:table-row" => {
                self.row_repeat = number(e, "table:number-rows-repeated");
                self.col = 0;
                if empty {
                    self.row = self.row.saturating_add(self.row_repeat);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => self.cell(e),
            _ => {}
        }
    }

    /// An end element: a sheet's end keeps its ranges, a row's end moves
    /// past its rows.
    fn end(&mut self, name: &str) {
        match name {
            "table:table" => {
                if let Some((name, ranges)) = self.sheet.take()
                    && !ranges.is_empty()
                {
                    self.out.insert(name, ranges);
                }
            }
            "table:table-row" => self.row = self.row.saturating_add(self.row_repeat),
            _ => {}
        }
    }

    /// A sheet starts: its name, and rows counted from 0.
    fn start_sheet(&mut self, e: &BytesStart<'_>) {
        let name = e
            .try_get_attribute("table:name")
            .ok()
            .flatten()
            .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
            .map(|v| v.into_owned())
            .unwrap_or_default();
        self.sheet = Some((name, Vec::new()));
        self.row = 0;
    }

    /// A cell: a range when it spans several rows or columns; the column
    /// moves past it (and its repeats).
    fn cell(&mut self, e: &BytesStart<'_>) {
        let rows = number(e, "table:number-rows-spanned");
        let cols = number(e, "table:number-columns-spanned");
        let (row, col) = (self.row, self.col);
        if (rows > 1 || cols > 1)
            && let Some((_, ranges)) = self.sheet.as_mut()
        {
            ranges.push(MergedRange {
                first_row: row,
                last_row: row.saturating_add(rows.saturating_sub(1)),
                first_col: col,
                last_col: col.saturating_add(cols.saturating_sub(1)),
            });
        }
        self.col = col.saturating_add(number(e, "table:number-columns-repeated"));
    }
}

#[cfg(test)]
mod tests {

    /// Found by a review: every format with a quote counted as hiding the
    /// value, so a genuine copy saved with `yyyy"年"m"月"d"日"` dates would
    /// have been refused; and any print area, even the whole sheet.
    #[test]
    fn only_formats_and_print_areas_that_hide_something_are_named() {
        for code in [";;;", "\"5\"", "\"已核对\";;"] {
            assert!(super::format_hides(code), "{code}");
        }
        for code in [
            "0\"份\"",
            "yyyy\"年\"m\"月\"d\"日\"",
            "@",
            "General",
            "0;-0;;@",
            "#,##0",
        ] {
            assert!(!super::format_hides(code), "{code}");
        }
        assert!(super::covers("'销毁清单'!$A$1:$P$20", (19, 15)));
        assert!(!super::covers("'销毁清单'!$A$1:$N$6", (19, 15)));
        assert!(!super::covers("nonsense", (0, 0)));
    }
    use super::*;

    #[test]
    fn references() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("c12"), Some((11, 2)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("1A"), None);
        assert_eq!(
            range_ref("C4:C2"),
            Some(MergedRange {
                first_row: 1,
                last_row: 3,
                first_col: 2,
                last_col: 2
            })
        );
        assert_eq!(range_ref("C2"), None);
    }

    #[test]
    fn parts_are_found_as_calamine_finds_them() {
        for (dir, target, want) in [
            ("xl/", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
            (
                "xl/",
                "/xl/worksheets/sheet1.xml",
                "xl/worksheets/sheet1.xml",
            ),
            ("xl/", "./worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
            ("xl/", "worksheets\\sheet1.xml", "xl/worksheets/sheet1.xml"),
            ("", "xl/workbook.xml", "xl/workbook.xml"),
        ] {
            assert_eq!(part_path(dir, target), want, "{dir} {target}");
        }
        assert_eq!(
            normal_name("xl\\Worksheets\\Sheet1.XML"),
            normal_name("xl/worksheets/sheet1.xml")
        );
    }

    #[test]
    fn ranges_after_the_cell_data_are_found_across_reads() {
        // A long sheet, so the element starts far into the stream, and a
        // namespace prefix as some writers use.
        let mut xml = String::from("<x:worksheet><x:sheetData>");
        for r in 1..20_000 {
            xml.push_str(&format!(
                "<x:row r=\"{r}\"><x:c r=\"A{r}\"><x:v>1</x:v></x:c></x:row>"
            ));
        }
        xml.push_str("</x:sheetData><x:mergeCells count=\"2\"><x:mergeCell ref=\"C2:C4\"/><x:mergeCell ref=\"A1:J1\"/></x:mergeCells></x:worksheet>");
        let ranges = sheet_ranges(xml.as_bytes());
        assert_eq!(ranges.len(), 2);
        assert_eq!((ranges[0].first_row, ranges[0].last_row), (1, 3));
        assert_eq!((ranges[1].first_col, ranges[1].last_col), (0, 9));
        assert!(sheet_ranges(&b"<worksheet><sheetData/></worksheet>"[..]).is_empty());
    }
}
