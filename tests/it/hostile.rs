//! Hostile and broken files, each made by the test itself: a clear one-line
//! error naming the file, exit 1, no panic, nothing written. And a stray
//! cell in XFD1048576, which must be read without allocating the grid.

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::Workbook;

use super::util::{Workdir, stderr, stdout};

/// A small valid register workbook.
fn register_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["文件编号", "文件标题", "密级", "份数"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..4u32 {
        sheet.write_string(r, 0, format!("D-{r}")).unwrap();
        sheet.write_string(r, 1, format!("标题{r}")).unwrap();
        sheet.write_string(r, 2, "秘密").unwrap();
        sheet.write_number(r, 3, 1.0).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// Rebuilds a zip archive, replacing the named members' contents.
fn replace_members(archive: &[u8], replacements: &[(&str, &[u8])]) -> Vec<u8> {
    let mut input = zip::ZipArchive::new(Cursor::new(archive)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..input.len() {
        let name = input.by_index_raw(i).unwrap().name().unwrap().into_owned();
        match replacements.iter().find(|(n, _)| *n == name) {
            Some((_, bytes)) => {
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .large_file(true);
                out.start_file(name, options).unwrap();
                out.write_all(bytes).unwrap();
            }
            None => {
                let raw = input.by_index_raw(i).unwrap();
                out.raw_copy_file(raw).unwrap();
            }
        }
    }
    out.finish().unwrap().into_inner()
}

/// Runs validate on one file with `--out out`, and checks the promises for
/// an unreadable file: exit 1, the file and the cause named on one line,
/// no panic, nothing written.
fn assert_unreadable(w: &Workdir, name: &str, cause: &str, extra: &[&str]) {
    let mut args = vec!["validate", name, "--out", "out"];
    args.extend_from_slice(extra);
    let out = w.run(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{name}: {err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("{name}: no error line in {err}"));
    assert!(
        line.contains(name),
        "{name}: the error does not name the file: {line}"
    );
    assert!(line.contains(cause), "{name}: expected {cause:?} in {line}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(
        !w.path("out").exists(),
        "{name}: an output folder was written"
    );
}

#[test]
fn empty_file() {
    let w = Workdir::new();
    w.write("empty.xlsx", b"");
    assert_unreadable(&w, "empty.xlsx", "empty", &[]);
}

#[test]
fn file_that_is_not_a_spreadsheet() {
    let w = Workdir::new();
    w.write("notes.xlsx", "这不是表格，只是一段文字。".as_bytes());
    assert_unreadable(&w, "notes.xlsx", "not a zip archive", &[]);
    w.write("scan.pdf", b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    assert_unreadable(&w, "scan.pdf", "not a spreadsheet", &[]);
    // A zip that holds no workbook.
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"hello").unwrap();
    w.write("archive.xlsx", &z.finish().unwrap().into_inner());
    assert_unreadable(&w, "archive.xlsx", "without a workbook", &[]);
}

#[test]
fn truncated_workbook() {
    let w = Workdir::new();
    let bytes = register_xlsx();
    w.write("cut.xlsx", &bytes[..bytes.len() / 2]);
    assert_unreadable(&w, "cut.xlsx", "damaged", &[]);
}

/// A compound file (the container Office uses for a password-protected
/// workbook) holding the given streams, each at least 4096 bytes so that
/// no mini stream is needed. Version 3: 512-byte sectors; sector 0 is the
/// FAT, sector 1 the directory, the streams follow.
fn compound_file(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // FAT sectors
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // first directory sector
    header[56..60].copy_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    header[60..64].copy_from_slice(&END.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&END.to_le_bytes()); // no DIFAT sectors
    header[76..80].copy_from_slice(&0u32.to_le_bytes()); // DIFAT[0]: FAT at sector 0
    for i in 1..109 {
        header[76 + 4 * i..80 + 4 * i].copy_from_slice(&FREE.to_le_bytes());
    }
    let mut fat = vec![0xFFFF_FFFDu32, END];
    let mut data = Vec::new();
    let mut starts = Vec::new();
    for (_, bytes) in streams {
        assert!(bytes.len() >= 4096 && bytes.len() % 512 == 0);
        let first = fat.len() as u32;
        starts.push(first);
        let n = bytes.len() / 512;
        for k in 0..n as u32 {
            fat.push(if k + 1 == n as u32 {
                END
            } else {
                first + k + 1
            });
        }
        data.extend_from_slice(bytes);
    }
    assert!(fat.len() <= 128);
    fat.resize(128, FREE);
    let entry = |name: &str, kind: u8, child: u32, right: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&FREE.to_le_bytes()); // left sibling
        e[72..76].copy_from_slice(&right.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut dir = entry("Root Entry", 5, 1, FREE, END, 0);
    for (i, (name, bytes)) in streams.iter().enumerate() {
        let right = if i + 1 < streams.len() {
            i as u32 + 2
        } else {
            FREE
        };
        dir.extend(entry(name, 2, FREE, right, starts[i], bytes.len() as u32));
    }
    dir.resize(512, 0);
    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(dir);
    out.extend(data);
    out
}

#[test]
fn password_protected_workbook() {
    // Office saves an encrypted workbook as a compound file holding
    // EncryptionInfo and EncryptedPackage streams.
    let w = Workdir::new();
    let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
    info.resize(4096, 0);
    let file = compound_file(&[
        ("EncryptionInfo", info),
        ("EncryptedPackage", vec![0x5A; 8192]),
    ]);
    w.write("locked.xlsx", &file);
    assert_unreadable(&w, "locked.xlsx", "password-protected", &[]);
    // Named .xls, the same container is still refused as encrypted.
    w.write("locked.xls", &file);
    assert_unreadable(&w, "locked.xls", "password-protected", &[]);
}

#[test]
fn shared_string_table_claiming_billions_of_entries() {
    let w = Workdir::new();
    let sst = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
        <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4000000000\" uniqueCount=\"4000000000\">\
        <si><t>文件编号</t></si><si><t>文件标题</t></si></sst>";
    let bytes = replace_members(
        &register_xlsx(),
        &[("xl/sharedStrings.xml", sst.as_bytes())],
    );
    w.write("sst.xlsx", &bytes);
    assert_unreadable(
        &w,
        "sst.xlsx",
        "shared-string table claims 4000000000 entries",
        &[],
    );
}

#[test]
fn sheet_that_inflates_past_the_limit() {
    // 64 MiB of XML that deflates to a few dozen KiB, read with a 16 MiB cap.
    let w = Workdir::new();
    let mut xml = Vec::with_capacity(64 << 20);
    xml.extend_from_slice(
        b"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    xml.resize(64 << 20, b' ');
    xml.extend_from_slice(b"</sheetData></worksheet>");
    let bytes = replace_members(&register_xlsx(), &[("xl/worksheets/sheet1.xml", &xml)]);
    assert!(
        bytes.len() < 1 << 20,
        "the bomb should be small: {}",
        bytes.len()
    );
    w.write("bomb.xlsx", &bytes);
    assert_unreadable(
        &w,
        "bomb.xlsx",
        "over the limit of 16777216 bytes",
        &["--max-inflated-mib", "16"],
    );
}

#[test]
fn sheet_that_claims_gigabytes() {
    // The archive's directory says the sheet inflates to 3.75 GiB: refused
    // under the default limit without inflating anything.
    let w = Workdir::new();
    let mut bytes = register_xlsx();
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = false;
    let mut i = 0;
    while i + 46 + name.len() <= bytes.len() {
        if bytes[i..i + 4] == [0x50, 0x4B, 0x01, 0x02]
            && &bytes[i + 46..i + 46 + name.len()] == name
        {
            bytes[i + 24..i + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
            patched = true;
        }
        i += 1;
    }
    assert!(patched, "central directory entry not found");
    w.write("huge.xlsx", &bytes);
    assert_unreadable(&w, "huge.xlsx", "would inflate to 4026531840 bytes", &[]);
}

#[test]
fn stray_value_in_cell_xfd1048576() {
    let w = Workdir::new();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["文件编号", "文件标题", "密级"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..4u32 {
        sheet.write_string(r, 0, format!("D-{r}")).unwrap();
        sheet.write_string(r, 1, format!("标题{r}")).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    w.write("stray.xlsx", &wb.save_to_buffer().unwrap());
    let out = w.run(&["validate", "stray.xlsx", "--out", "out"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("数据 4 行（其中无法识别 1 行），跳过 1048571 行"),
        "{text}"
    );
    assert!(text.contains("XFD "), "the stray column is listed: {text}");
    let mut validation = Vec::new();
    std::fs::File::open(w.path("out/validation.xlsx"))
        .unwrap()
        .read_to_end(&mut validation)
        .unwrap();
    assert!(!validation.is_empty());
    let book = super::util::read_workbook(&w.path("out/validation.xlsx"));
    let skipped = &book["跳过的行"];
    assert_eq!(
        skipped.len(),
        2,
        "one entry for the run of blank rows: {skipped:?}"
    );
    assert_eq!(
        skipped[1][2..],
        [
            "5".to_string(),
            "1048571".into(),
            "blank rows 5–1048575".into()
        ]
    );
    let rejected = &book["拒收的行"];
    assert_eq!(rejected[1][2], "1048576");
}

#[test]
fn xls_whose_dimensions_claim_billions_of_cells() {
    // calamine reserves rows × columns cells from a sheet's DIMENSIONS
    // record; a lying one used to abort the process (memory allocation of
    // 2.9 TB failed). Patch LibreOffice's .xls to claim 4 billion rows.
    let w = Workdir::new();
    let mut bytes = std::fs::read(super::util::generated("register-lo.xls")).unwrap();
    let header = [0x00u8, 0x02, 0x0E, 0x00];
    let at: Vec<usize> = (0..bytes.len() - 18)
        .filter(|i| bytes[*i..*i + 4] == header)
        .collect();
    assert!(!at.is_empty(), "no DIMENSIONS record found");
    for i in at {
        bytes[i + 8..i + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    }
    w.write("huge.xls", &bytes);
    assert_unreadable(&w, "huge.xls", "more than an .xls file can hold", &[]);
}

/// Damaged copies of every fixture (cut short at many points, or with bytes
/// flipped) must give a result or an error — never a panic that escapes, and
/// never an abort, which would kill this test process.
#[test]
fn damaged_copies_of_every_fixture_never_crash() {
    let w = Workdir::new();
    let policy = clearance::policy::Policy::default_policy().unwrap();
    let limits = clearance::ingest::Limits::default();
    let fixtures = [
        "register-1904.xlsx",
        "register-base.xlsx",
        "register-lo.xls",
        "register-lo.ods",
        "register-gb18030.csv",
    ];
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for fixture in fixtures {
        let bytes = std::fs::read(super::util::generated(fixture)).unwrap();
        let ext = fixture.rsplit('.').next().unwrap();
        for k in 0..40 {
            let mut damaged = bytes.clone();
            if k % 2 == 0 {
                damaged.truncate(next() % bytes.len());
            } else {
                for _ in 0..1 + k / 8 {
                    let at = next() % damaged.len();
                    damaged[at] ^= 1 << (next() % 8);
                }
            }
            let path = w.write(&format!("damaged-{k}.{ext}"), &damaged);
            // Either outcome is fine; reaching the next line is the test.
            let _ = clearance::ingest::read_file(&path, &policy.vocabulary, &limits);
        }
    }
}

#[test]
fn sheet_that_lies_about_its_inflated_size() {
    // The archive says the sheet is 200 bytes; it inflates to 4.8 MB of real
    // cells. The guard passes it (200 bytes is under any limit), and the zip
    // reader stops at the declared size: what is inflated never exceeds
    // what the directory claimed, which the guard did check.
    let w = Workdir::new();
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    xml.push_str("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>文件编号</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>文件标题</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>密级</t></is></c></row>");
    for r in 2..100_000 {
        xml.push_str(&format!(
            "<row r=\"{r}\"><c r=\"A{r}\"><v>{r}</v></c></row>"
        ));
    }
    xml.push_str("</sheetData></worksheet>");
    let mut bytes = replace_members(
        &register_xlsx(),
        &[("xl/worksheets/sheet1.xml", xml.as_bytes())],
    );
    // Rewrite the declared size in the central directory to 200 bytes.
    let name = b"xl/worksheets/sheet1.xml";
    let mut i = 0;
    let mut patched = false;
    while i + 46 + name.len() <= bytes.len() {
        if bytes[i..i + 4] == [0x50, 0x4B, 0x01, 0x02]
            && &bytes[i + 46..i + 46 + name.len()] == name
        {
            bytes[i + 24..i + 28].copy_from_slice(&200u32.to_le_bytes());
            patched = true;
        }
        i += 1;
    }
    assert!(patched);
    w.write("liar.xlsx", &bytes);
    assert_unreadable(
        &w,
        "liar.xlsx",
        "larger than its declared uncompressed size",
        &[],
    );
}
