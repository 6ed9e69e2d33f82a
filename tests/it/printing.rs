//! Every workbook the tool writes, printed by LibreOffice: the plan (in
//! Chinese and in English), its draft manifests and lists, validation.xlsx,
//! diff.xlsx, the review summary and final manifests, and the records of a
//! destruction and a return.
//!
//! Each sheet is printed on its own (a copy of its workbook with every
//! other sheet hidden, which LibreOffice does not print), so that its pages
//! are known. LibreOffice prints a sheet down, then across: a sheet two
//! pages wide has pages holding only its right-hand columns. So every page
//! of every sheet must show the first and the last cell of its header row
//! (repeated on every page), be A4 landscape and be numbered in the
//! workbook's language; and the plan's overview must be one page.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, open_workbook_auto};

use super::util::{Workdir, libreoffice_convert, pdf_text};

/// The plan folder, in Chinese and in English.
const RUN: &str = "run";
const RUN_EN: &str = "run-en";

/// Writes every kind of workbook into the folder; returns their paths.
fn every_workbook(w: &Workdir) -> Vec<PathBuf> {
    w.copy_sample();
    w.run_ok(&["plan", "sample.xlsx", "--as-of", "2024-12-31", "--out", RUN]);
    w.run_ok(&[
        "--lang",
        "en",
        "plan",
        "sample.xlsx",
        "--as-of",
        "2024-12-31",
        "--out",
        RUN_EN,
    ]);
    w.run_ok(&["validate", "sample.xlsx", "--out", "validation"]);
    // A plan under a policy that keeps 内部刊物, to compare with.
    w.run_ok(&["policy", "init", "p.toml"]);
    let policy = std::fs::read_to_string(w.path("p.toml")).unwrap();
    let line = "\"内部刊物\" = \"不归档\"";
    assert!(policy.contains(line), "the shipped [schedule] changed");
    w.write(
        "p.toml",
        policy.replace(line, "\"内部刊物\" = \"永久\"").as_bytes(),
    );
    w.run_ok(&[
        "plan",
        "sample.xlsx",
        "--as-of",
        "2024-12-31",
        "--out",
        "other",
        "--policy",
        "p.toml",
    ]);
    w.run_ok(&["diff", RUN, "other", "--out", "diff.xlsx"]);
    // The committee approves one batch and rejects another.
    let reviewed = w.path("reviewed");
    std::fs::create_dir_all(&reviewed).unwrap();
    let mut review = vec!["review".to_string()];
    for (batch, edit) in [
        ("2024-D-001", "6=不同意|涉及未结案件"),
        ("2024-D-003", "6=同意"),
    ] {
        let copy = reviewed.join(format!("{batch}.xlsx"));
        std::fs::copy(w.path(&format!("{RUN}/manifests/{batch}.xlsx")), &copy).unwrap();
        w.python("review_manifests.py", &[copy.to_str().unwrap(), edit]);
        review.push(copy.to_str().unwrap().to_string());
    }
    review.extend(["--run", RUN, "--out", "review", "--ledger", "ledger.jsonl"].map(String::from));
    w.run_ok(&review.iter().map(String::as_str).collect::<Vec<_>>());
    w.run_ok(&[
        "confirm",
        "review/final/2024-D-003-final.xlsx",
        "--date",
        "2025-01-15",
        "--site",
        "市保密局销毁中心",
        "--witness",
        "张三",
        "--witness",
        "李四",
        "--ledger",
        "ledger.jsonl",
        "--out",
        "records",
    ]);
    w.run_ok(&[
        "confirm",
        &format!("{RUN}/lists/清退清单-市委办公室.xlsx"),
        "--date",
        "2025-01-10",
        "--receiver",
        "王五",
        "--ledger",
        "ledger.jsonl",
        "--out",
        "records",
    ]);
    let mut books = Vec::new();
    for folder in [RUN, RUN_EN, "validation", "review", "records"] {
        books.extend(xlsx_under(&w.path(folder)));
    }
    books.push(w.path("diff.xlsx"));
    books
}

/// The .xlsx files in a folder and its sub-folders, sorted.
fn xlsx_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(xlsx_under(&path));
        } else if path.extension().is_some_and(|e| e == "xlsx") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A sheet of a workbook as it should print.
#[derive(Debug)]
struct Sheet {
    /// The workbook.
    book: PathBuf,
    /// Its name.
    name: String,
    /// Its place among the workbook's sheets.
    index: usize,
    /// The first and last cell of its header row, the row repeated on
    /// every page; none for the overview, which has no header.
    header: Option<(String, String)>,
    /// Whether the workbook is written in English.
    english: bool,
}

impl Sheet {
    fn is_overview(&self) -> bool {
        self.name == "总览" || self.name == "Overview"
    }
}

/// A part of an .xlsx archive, as text.
fn part(book: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{}: {name}: {e}", book.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The value of attribute `name` in an XML start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The `<sheet …/>` tags of xl/workbook.xml, in order.
fn sheet_tags(workbook_xml: &str) -> Vec<&str> {
    workbook_xml
        .match_indices("<sheet ")
        .map(|(at, _)| {
            let end = workbook_xml[at..].find("/>").unwrap();
            &workbook_xml[at..at + end + 2]
        })
        .collect()
}

/// The visible sheets of a workbook, each with its repeated header row's
/// first and last cell. Every sheet but the overview must repeat one: one
/// that does not is a problem, and its first row is taken as its header.
fn printed_sheets(book: &Path, english: bool, problems: &mut Vec<String>) -> Vec<Sheet> {
    let xml = part(book, "xl/workbook.xml");
    // The row repeated on every page (1-based), by sheet index.
    let mut titles: BTreeMap<usize, u32> = BTreeMap::new();
    for (at, _) in xml.match_indices("<definedName name=\"_xlnm.Print_Titles\"") {
        let tag_end = xml[at..].find('>').unwrap();
        let tag = &xml[at..at + tag_end];
        let index: usize = attribute(tag, "localSheetId").unwrap().parse().unwrap();
        let body = &xml[at + tag_end + 1..];
        let body = &body[..body.find('<').unwrap()];
        let rows = body.rsplit('!').next().unwrap();
        let (first, last) = rows.split_once(':').unwrap();
        assert_eq!(first, last, "{}: one header row repeated", book.display());
        titles.insert(index, first.trim_start_matches('$').parse().unwrap());
    }
    let mut workbook = open_workbook_auto(book).unwrap();
    let mut sheets = Vec::new();
    for (index, tag) in sheet_tags(&xml).into_iter().enumerate() {
        if attribute(tag, "state").is_some_and(|s| s != "visible") {
            continue;
        }
        let name = unescape(attribute(tag, "name").unwrap());
        let mut sheet = Sheet {
            book: book.to_path_buf(),
            name: name.clone(),
            index,
            header: None,
            english,
        };
        if sheet.is_overview() {
            sheets.push(sheet);
            continue;
        }
        let row = match titles.get(&index) {
            Some(row) => row - 1,
            None => {
                problems.push(format!(
                    "{} [{name}]: no header row repeated on every page",
                    book.display()
                ));
                0
            }
        };
        let range = workbook.worksheet_range(&name).unwrap();
        let (_, last_column) = range.end().unwrap();
        let cells: Vec<String> = (0..=last_column)
            .filter_map(|c| match range.get_value((row, c)) {
                None | Some(Data::Empty) => None,
                Some(v) => Some(v.to_string()),
            })
            .collect();
        assert!(
            !cells.is_empty(),
            "{} [{name}]: the repeated row {} is empty",
            book.display(),
            row + 1
        );
        sheet.header = Some((cells[0].clone(), cells[cells.len() - 1].clone()));
        sheets.push(sheet);
    }
    sheets
}

/// A copy of `book` in which only sheet `index` is visible (and active).
fn only_sheet(book: &Path, index: usize, to: &Path) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if file.name().unwrap() != "xl/workbook.xml" {
            out.raw_copy_file(file).unwrap();
            continue;
        }
        let mut xml = String::new();
        file.read_to_string(&mut xml).unwrap();
        let mut changed = xml.clone();
        for (k, tag) in sheet_tags(&xml).into_iter().enumerate() {
            if k != index && attribute(tag, "state").is_none() {
                let hidden = tag.replacen("<sheet ", "<sheet state=\"hidden\" ", 1);
                changed = changed.replacen(tag, &hidden, 1);
            }
        }
        // The visible sheet is the active one (rust_xlsxwriter names no
        // active tab when it is the first).
        assert!(!changed.contains("activeTab="), "{}", book.display());
        changed = changed.replacen(
            "<workbookView ",
            &format!("<workbookView activeTab=\"{index}\" "),
            1,
        );
        out.start_file(
            "xl/workbook.xml",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        out.write_all(changed.as_bytes()).unwrap();
    }
    out.finish().unwrap();
}

/// Every page's size in points (width, height).
fn page_sizes(pdf: &Path) -> Vec<(f64, f64)> {
    let out = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "9999"])
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler) is installed by scripts/test");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("Page ") && l.contains(" size:"))
        .map(|l| {
            let size = l.split("size:").nth(1).unwrap();
            let mut numbers = size.split_whitespace();
            let width = numbers.next().unwrap().parse().unwrap();
            assert_eq!(numbers.next(), Some("x"), "{l}");
            let height = numbers.next().unwrap().parse().unwrap();
            (width, height)
        })
        .collect()
}

fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_workbook_prints_one_page_wide_and_the_overview_on_one_page() {
    let w = Workdir::new();
    let books = every_workbook(&w);
    let names: Vec<String> = books
        .iter()
        .map(|b| b.strip_prefix(w.dir.path()).unwrap().display().to_string())
        .collect();
    for expected in [
        "run/plan.xlsx",
        "run-en/plan.xlsx",
        "run/manifests/2024-D-001.xlsx",
        "run/lists/归档移交清单.xlsx",
        "run/lists/鉴定清单.xlsx",
        "validation/validation.xlsx",
        "diff.xlsx",
        "review/review-summary.xlsx",
        "review/final/2024-D-003-final.xlsx",
        "records/销毁记录-2024-D-003.xlsx",
        "records/清退交接记录-2024-R-002.xlsx",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }

    // One copy per sheet, only that sheet visible, all converted at once.
    let copies = w.path("copies");
    let pdfs = w.path("pdf");
    std::fs::create_dir_all(&copies).unwrap();
    std::fs::create_dir_all(&pdfs).unwrap();
    let mut problems = Vec::new();
    let mut sheets = Vec::new();
    for book in &books {
        let english = book.starts_with(w.path(RUN_EN));
        sheets.extend(printed_sheets(book, english, &mut problems));
    }
    let mut inputs = Vec::new();
    for (k, sheet) in sheets.iter().enumerate() {
        let copy = copies.join(format!("sheet-{k:03}.xlsx"));
        only_sheet(&sheet.book, sheet.index, &copy);
        inputs.push(copy);
    }
    libreoffice_convert(&inputs, "pdf", &pdfs);

    for (k, sheet) in sheets.iter().enumerate() {
        let pdf = pdfs.join(format!("sheet-{k:03}.pdf"));
        problems.extend(check_printed(sheet, &pdf));
    }
    let overviews = sheets.iter().filter(|s| s.is_overview()).count();
    assert_eq!(overviews, 2, "the overview of both plans was printed");
    assert!(
        problems.is_empty(),
        "{} problem(s) printing {} sheets:\n{}",
        problems.len(),
        sheets.len(),
        problems.join("\n")
    );
}

/// What is wrong with the printed `pdf` of `sheet`: pages that are not A4
/// landscape, not numbered in the workbook's language, or not one page
/// wide; an overview that is not one page or lacks part of its content.
fn check_printed(sheet: &Sheet, pdf: &Path) -> Vec<String> {
    let what = format!("{} [{}]", sheet.book.display(), sheet.name);
    if !pdf.exists() {
        return vec![format!("{what}: not printed")];
    }
    let sizes = page_sizes(pdf);
    let pages = sizes.len();
    if pages == 0 {
        return vec![format!("{what}: no pages")];
    }
    let mut problems = Vec::new();
    for (p, (width, height)) in sizes.iter().enumerate() {
        if (width - 841.89).abs() > 1.0 || (height - 595.28).abs() > 1.0 {
            problems.push(format!(
                "{what}: page {} of {pages} is {width} x {height} pt, not A4 landscape",
                p + 1
            ));
        }
    }
    for p in 1..=pages {
        let text = squeezed(&pdf_text(pdf, p));
        let number = if sheet.english {
            format!("Page{p}of{pages}")
        } else {
            format!("第{p}页共{pages}页")
        };
        if !text.contains(&number) {
            problems.push(format!(
                "{what}: page {p} of {pages} is not numbered {number}"
            ));
        }
        // Both ends of the header on every page: no page holds only the
        // left- or the right-hand columns.
        if let Some((first, last)) = &sheet.header
            && !(text.contains(&squeezed(first)) && text.contains(&squeezed(last)))
        {
            problems.push(format!(
                "{what}: page {p} of {pages} does not show both {first:?} and {last:?}, \
                 the first and last columns' headers: not one page wide, or the \
                 header is not repeated"
            ));
        }
    }
    if sheet.is_overview() {
        if pages != 1 {
            problems.push(format!(
                "{what}: the overview prints on {pages} pages, not one"
            ));
        }
        let text = squeezed(&pdf_text(pdf, 1));
        let wanted: &[&str] = if sheet.english {
            &[
                "clearance plan",
                "Holdings by disposition",
                "By department",
                "Reconciliation",
                "Notes",
                "no register header found",
                "shipped example",
            ]
        } else {
            &[
                "年度清理计划",
                "各处置件数",
                "按部门",
                "核对：每个来源读入与处置的行数",
                "说明",
                "no register header found",
                "软件自带示例",
            ]
        };
        for want in wanted {
            if !text.contains(&squeezed(want)) {
                problems.push(format!("{what}: the overview's page lacks {want:?}"));
            }
        }
    }
    problems
}
