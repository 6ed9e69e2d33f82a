//! Checks made on a file's bytes before any spreadsheet reader sees them.
//!
//! The readers trust what a file says about itself: calamine reserves memory
//! for as many shared strings as the table claims, and a zip member can
//! inflate to many gigabytes. A register handed in by a department may be
//! damaged, or hostile. So every file is sniffed by its content (not its
//! name), its size is capped, and a workbook archive's directory is checked:
//! no member may inflate past the limit, and a shared-string table may not
//! claim more entries than its size allows. A failed check is an
//! [`IngestError`] naming the file; nothing of the file is read.

use std::io::{Cursor, Read};
use std::path::Path;

use super::IngestError;

/// The kind of file, decided by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML workbook (.xlsx, .xlsm).
    Xlsx,
    /// Excel binary workbook (.xlsb).
    Xlsb,
    /// Legacy Excel 97–2003 workbook (.xls).
    Xls,
    /// OpenDocument spreadsheet (.ods).
    Ods,
    /// Comma-separated text (.csv).
    Csv,
}

impl Format {
    /// A short lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

/// Size limits for input files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest size one archive member may inflate to, in bytes.
    pub max_inflated_bytes: u64,
}

impl Default for Limits {
    /// 1 GiB files; 2 GiB per inflated member (a million-row sheet of
    /// fifteen columns is about 0.5 GiB of XML).
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_inflated_bytes: 2 << 30,
        }
    }
}

/// Reads a file whole, refusing one over the size limit before reading it.
pub fn read_bytes(path: &Path, name: &str, limits: &Limits) -> Result<Vec<u8>, IngestError> {
    let io = |source| IngestError::Io {
        path: name.to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(IngestError::NotSpreadsheet {
            path: name.to_string(),
            detail: "it is a folder".into(),
        });
    }
    if meta.len() > limits.max_file_bytes {
        return Err(IngestError::TooLarge {
            path: name.to_string(),
            size: meta.len(),
            limit: limits.max_file_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limits.max_file_bytes + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(IngestError::TooLarge {
            path: name.to_string(),
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    Ok(bytes)
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Sniffs and checks a file's bytes; see the module documentation.
pub fn check(
    name: &str,
    path: &Path,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Format, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            path: name.to_string(),
        });
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return check_zip(name, bytes, limits);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return check_cfb(name, bytes);
    }
    check_text(name, path, bytes)
}

/// Checks an OLE compound file: not encrypted, and no sheet claiming more
/// than an .xls file can hold.
fn check_cfb(name: &str, bytes: &[u8]) -> Result<Format, IngestError> {
    if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
        return Err(IngestError::Encrypted {
            path: name.to_string(),
        });
    }
    if let Some((rows, cols)) = oversized_xls_dimensions(bytes) {
        return Err(IngestError::Corrupt {
            path: name.to_string(),
            detail: format!(
                "a sheet claims {rows} rows × {cols} columns, more than an .xls file can hold (65,536 × 256)"
            ),
        });
    }
    Ok(Format::Xls)
}

/// Checks a file that is neither a zip archive nor an OLE compound file:
/// CSV text by its extension, without binary content; any other
/// extension is refused, saying what its content should have been.
fn check_text(name: &str, path: &Path, bytes: &[u8]) -> Result<Format, IngestError> {
    let not_sheet = |detail: &str| IngestError::NotSpreadsheet {
        path: name.to_string(),
        detail: detail.to_string(),
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => {
            if bytes.contains(&0) {
                return Err(not_sheet("binary content in a text file"));
            }
            Ok(Format::Csv)
        }
        "xlsx" | "xlsm" | "xlsb" | "ods" => Err(not_sheet(&format!(
            "the content is not a zip archive, as every .{ext} file is"
        ))),
        "xls" => Err(not_sheet(
            "the content is not an OLE compound file, as every .xls file is",
        )),
        _ => Err(not_sheet(
            "expected .xlsx, .xlsm, .xlsb, .xls, .ods or .csv content",
        )),
    }
}

/// A BIFF8 DIMENSIONS record (type 0x0200, 14 bytes) claiming more rows or
/// columns than the format allows. calamine reserves rows × columns cells
/// from this record before reading any, so a lying one would exhaust memory
/// and abort the process. Returns the claimed size.
fn oversized_xls_dimensions(bytes: &[u8]) -> Option<(u64, u64)> {
    const HEADER: [u8; 4] = [0x00, 0x02, 0x0E, 0x00];
    bytes.windows(18).find_map(|w| {
        if w[..4] != HEADER {
            return None;
        }
        let first_row = u32::from_le_bytes([w[4], w[5], w[6], w[7]]) as u64;
        let last_row = u32::from_le_bytes([w[8], w[9], w[10], w[11]]) as u64;
        let first_col = u16::from_le_bytes([w[12], w[13]]) as u64;
        let last_col = u16::from_le_bytes([w[14], w[15]]) as u64;
        let rows = last_row.saturating_sub(first_row);
        let cols = last_col.saturating_sub(first_col);
        (last_row > 65_536 || last_col > 256).then_some((rows, cols))
    })
}

/// Whether `bytes` hold `needle` in UTF-16LE (as a compound file's
/// directory names its streams).
fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// A zip archive's member: its name in lower case, as written, and its
/// inflated size.
type Member = (String, String, u64);

/// Checks a zip archive: every member inflates within the limit, it holds
/// a workbook, and an .xlsx shared-string table claims no more entries than
/// its size allows.
fn check_zip(name: &str, bytes: &[u8], limits: &Limits) -> Result<Format, IngestError> {
    let corrupt = |detail: String| IngestError::Corrupt {
        path: name.to_string(),
        detail,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("the zip archive is damaged or truncated ({e})")))?;
    let members = zip_members(name, &mut archive, limits)?;
    let find = |wanted: &str| members.iter().find(|(lower, _, _)| lower == wanted);
    let format = if find("xl/workbook.xml").is_some() {
        Format::Xlsx
    } else if find("xl/workbook.bin").is_some() {
        Format::Xlsb
    } else if find("content.xml").is_some() {
        Format::Ods
    } else {
        return Err(IngestError::NotSpreadsheet {
            path: name.to_string(),
            detail: "a zip archive without a workbook in it".into(),
        });
    };
    if format == Format::Xlsx
        && let Some(member) = find("xl/sharedstrings.xml")
    {
        check_shared_strings(name, &mut archive, member)?;
    }
    Ok(format)
}

/// The members of a zip archive, refusing one that inflates past the
/// limit.
fn zip_members(
    name: &str,
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<Vec<Member>, IngestError> {
    let mut members = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| IngestError::Corrupt {
            path: name.to_string(),
            detail: format!("the zip archive is damaged ({e})"),
        })?;
        let entry_name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        if entry.size() > limits.max_inflated_bytes {
            return Err(IngestError::Inflates {
                path: name.to_string(),
                entry: entry_name,
                size: entry.size(),
                limit: limits.max_inflated_bytes,
            });
        }
        members.push((entry_name.to_ascii_lowercase(), entry_name, entry.size()));
    }
    Ok(members)
}

/// Refuses a shared-string table that claims more entries than its size
/// allows (calamine would reserve memory for every one).
fn check_shared_strings(
    name: &str,
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    (_, real, size): &Member,
) -> Result<(), IngestError> {
    let head = read_head(archive, real, 64 * 1024).map_err(|e| IngestError::Corrupt {
        path: name.to_string(),
        detail: format!("cannot read the shared-string table ({e})"),
    })?;
    if let Some(claimed) = xml_attr_number(&head, "uniqueCount") {
        // The smallest entry, <si><t/></si>, takes 13 bytes.
        if claimed > size / 10 + 64 {
            return Err(IngestError::SharedStrings {
                path: name.to_string(),
                claimed,
                bytes: *size,
            });
        }
    }
    Ok(())
}

/// The first `limit` bytes of an archive member (what a damaged member
/// gives before its damage).
fn read_head(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, String> {
    let entry = archive.by_name(name).map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    let result = entry.take(limit).read_to_end(&mut head);
    match result {
        Ok(_) => Ok(head),
        // A short read of a damaged member still shows its head.
        Err(_) if !head.is_empty() => Ok(head),
        Err(e) => Err(e.to_string()),
    }
}

/// Finds `attr="digits"` (or `attr = 'digits'`) in the head of an XML
/// part; anything but digits after it reads as the largest number.
fn xml_attr_number(head: &[u8], attr: &str) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let mut from = 0;
    let value = loop {
        let at = from + text[from..].find(attr)?;
        from = at + attr.len();
        let rest = text[from..].trim_start();
        if let Some(rest) = rest.strip_prefix('=')
            && let Some(value) = rest.trim_start().strip_prefix(['"', '\''])
        {
            break value;
        }
    };
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().or(Some(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_numbers() {
        assert_eq!(
            xml_attr_number(b"<sst count=\"5\" uniqueCount=\"3\">", "uniqueCount"),
            Some(3)
        );
        assert_eq!(xml_attr_number(b"<sst>", "uniqueCount"), None);
        assert_eq!(
            xml_attr_number(
                b"<sst uniqueCount=\"99999999999999999999999\">",
                "uniqueCount"
            ),
            Some(u64::MAX)
        );
        // Single quotes and spaces around `=` (a huge count so written
        // aborted the process: found by the ninth round's hunt).
        assert_eq!(
            xml_attr_number(b"<sst uniqueCount = '100000000000000000'>", "uniqueCount"),
            Some(100_000_000_000_000_000)
        );
        assert_eq!(
            xml_attr_number(b"<sst uniqueCount='+5'>", "uniqueCount"),
            Some(u64::MAX)
        );
    }

    #[test]
    fn sniffing_by_content() {
        let limits = Limits::default();
        let p = Path::new("x.xlsx");
        assert!(matches!(
            check("x", p, b"", &limits),
            Err(IngestError::Empty { .. })
        ));
        assert!(matches!(
            check("x", p, b"hello", &limits),
            Err(IngestError::NotSpreadsheet { .. })
        ));
        assert!(matches!(
            check("x", Path::new("x.pdf"), b"%PDF-1.4", &limits),
            Err(IngestError::NotSpreadsheet { .. })
        ));
        assert!(matches!(
            check("x", Path::new("x.csv"), b"a,b\0", &limits),
            Err(IngestError::NotSpreadsheet { .. })
        ));
        assert_eq!(
            check("x", Path::new("x.csv"), "文件编号,标题".as_bytes(), &limits).unwrap(),
            Format::Csv
        );
    }
}
