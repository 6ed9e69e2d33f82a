//! Destruction manifests and lists: read back against decisions.csv,
//! edited with openpyxl and verified, printed with LibreOffice.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use super::util::{
    Workdir, ok, pdf_pages, pdf_text, read_csv, read_workbook, repo, stderr, stdout, to_pdf,
};

/// A register of `n` briefings (destroyed in-house, one batch) and three
/// secret documents (a facility batch), in English so the printed pages
/// need no CJK font.
fn register(w: &Workdir, n: usize) {
    let mut csv =
        String::from("Doc No,Title,Classification,Category,Medium,Copies,Pages,Department,Date\n");
    for i in 1..=n {
        csv.push_str(&format!(
            "B-{i:03},Weekly briefing number {i},Public,简报,Paper,1,{},Registry,2020-01-{:02}\n",
            i % 7 + 1,
            i % 28 + 1
        ));
    }
    for i in 1..=3 {
        csv.push_str(&format!(
            "S-{i},Secret report {i},机密,内部刊物,Paper,2,10,Security,2023-05-0{i}\n"
        ));
    }
    w.write("register.csv", csv.as_bytes());
}

fn plan(w: &Workdir, extra: &[&str]) {
    let mut args = vec![
        "plan",
        "register.csv",
        "--as-of",
        "2024-12-31",
        "--out",
        "run",
        "--lang",
        "en",
    ];
    args.extend_from_slice(extra);
    ok(&w.run(&args), "plan");
}

fn edit(path: &Path, args: &[&str]) {
    let status = Command::new("python3")
        .arg(repo().join("tests/fixtures/edit_manifest.py"))
        .arg(path)
        .args(args)
        .status()
        .expect("python3");
    assert!(status.success(), "edit {args:?}");
}

fn verify(w: &Workdir, path: &str) -> (i32, String) {
    let out = w.run(&["verify", path, "--lang", "en"]);
    (
        out.status.code().unwrap_or(-1),
        stdout(&out) + &stderr(&out),
    )
}

#[test]
fn manifests_and_lists_hold_exactly_the_decided_rows() {
    let w = Workdir::new();
    register(&w, 20);
    plan(&w, &[]);
    let decisions = read_csv(&w.path("run/decisions.csv"));
    let index = std::fs::read_to_string(w.path("run/manifests/index.csv")).unwrap();
    let mut from_manifests = Vec::new();
    for line in index.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let book = read_workbook(&w.path("run/manifests").join(fields[0]));
        let sheet = &book["Manifest"];
        let header = sheet.iter().position(|r| r[0] == "No").unwrap();
        let lines: Vec<&Vec<String>> = sheet[header + 1..]
            .iter()
            .take_while(|r| r[0] != "Total")
            .collect();
        assert_eq!(lines.len().to_string(), fields[4], "{}", fields[0]);
        for l in &lines {
            let d = decisions
                .iter()
                .find(|r| r["doc_id"] == l[1])
                .expect("line in decisions");
            assert_eq!(d["disposition"], "DESTROY");
            assert_eq!(d["destruction_level"], fields[3]);
            assert_eq!(d["destruction_site"], fields[2]);
            assert_eq!(
                (l[2].as_str(), l[6].as_str()),
                (d["title"].as_str(), d["copies"].as_str())
            );
            from_manifests.push(l[1].clone());
        }
        // The totals row counts lines and copies.
        let total = sheet.iter().find(|r| r[0] == "Total").unwrap();
        assert_eq!(total[1], format!("{} lines", lines.len()));
        assert_eq!(total[6], fields[5]);
    }
    from_manifests.sort();
    let mut destroyed: Vec<String> = decisions
        .iter()
        .filter(|r| r["disposition"] == "DESTROY")
        .map(|r| r["doc_id"].clone())
        .collect();
    destroyed.sort();
    assert_eq!(
        from_manifests, destroyed,
        "every DESTROY row in exactly one manifest"
    );
    assert_eq!(destroyed.len(), 23);
    // The facility batch comes first and needs two witnesses.
    assert!(
        index.lines().nth(1).unwrap().contains(",FACILITY,P-6,3,6,"),
        "{index}"
    );
    let facility = read_workbook(&w.path("run/manifests/2024-D-001.xlsx"));
    let text: String = facility["Manifest"]
        .iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("Witness 2:") && !text.contains("Witness 3:"),
        "{text}"
    );
    let in_house = read_workbook(&w.path("run/manifests/2024-D-002.xlsx"));
    let text: String = in_house["Manifest"]
        .iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("Witness 1:") && !text.contains("Witness 2:"),
        "{text}"
    );
}

#[test]
fn lists_read_back_against_decisions() {
    let w = Workdir::new();
    w.plan_sample("run", &[]);
    let decisions = read_csv(&w.path("run/decisions.csv"));
    let ids_of = |file: &str| -> Vec<String> {
        let book = read_workbook(&w.path("run/lists").join(file));
        let sheet = &book["清单"];
        let header = sheet.iter().position(|r| r[0] == "序号").unwrap();
        sheet[header + 1..]
            .iter()
            .take_while(|r| r[0] != "合计")
            .map(|r| r[1].clone())
            .collect()
    };
    let want = |d: &str| -> Vec<String> {
        decisions
            .iter()
            .filter(|r| r["disposition"] == d)
            .map(|r| r["doc_id"].clone())
            .collect()
    };
    assert_eq!(ids_of("归档移交清单.xlsx"), want("ARCHIVE"));
    assert_eq!(ids_of("鉴定清单.xlsx"), want("APPRAISE"));
    let mut recall = ids_of("收回清单.xlsx");
    let mut recall_want = want("RECALL");
    recall.sort();
    recall_want.sort();
    assert_eq!(recall, recall_want);
    // One return list per destination, holding that destination's rows.
    let mut by_destination: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in decisions.iter().filter(|r| r["disposition"] == "RETURN") {
        by_destination
            .entry(r["destination"].clone())
            .or_default()
            .push(r["doc_id"].clone());
    }
    for (destination, ids) in by_destination {
        // The code `unknown` is named for people in the file name.
        let shown = if destination == "unknown" {
            "去向不明"
        } else {
            destination.as_str()
        };
        assert_eq!(
            ids_of(&format!("清退清单-{shown}.xlsx")),
            ids,
            "{destination}"
        );
    }
    // The recall list puts overdue loans first.
    let book = read_workbook(&w.path("run/lists/收回清单.xlsx"));
    let sheet = &book["清单"];
    let flags: Vec<&str> = sheet[5..]
        .iter()
        .take_while(|r| r[0] != "合计")
        .map(|r| r[8].as_str())
        .collect();
    let first_plain = flags
        .iter()
        .position(|f| f.is_empty())
        .unwrap_or(flags.len());
    assert!(
        flags[first_plain..].iter().all(|f| f.is_empty()),
        "{flags:?}"
    );
}

#[test]
fn verify_catches_each_kind_of_change_and_accepts_review_entries() {
    let w = Workdir::new();
    register(&w, 20);
    plan(&w, &["--redact-titles"]);
    let original = w.path("run/manifests/2024-D-002.xlsx");
    let (code, text) = verify(&w, "run/manifests");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("2024-D-001-redacted.xlsx: intact"),
        "the redacted copy verifies: {text}"
    );
    let d1 = std::fs::read_to_string(w.path("run/manifests/index.csv")).unwrap();
    let digests: Vec<&str> = d1
        .lines()
        .filter(|l| l.contains("2024-D-001"))
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(digests.len(), 2);
    assert_eq!(
        digests[0], digests[1],
        "office copy and redacted copy carry the same digest"
    );

    // Line rows start at Excel row 6 (the header is row 5).
    let copy = |name: &str| {
        let p = w.path(name);
        std::fs::copy(&original, &p).unwrap();
        p
    };
    let reviewed = copy("reviewed.xlsx");
    edit(&reviewed, &["review", "6", "Approve", "checked"]);
    edit(&reviewed, &["review", "7", "Defer", "ask the owner"]);
    let (code, text) = verify(&w, "reviewed.xlsx");
    assert_eq!(code, 0, "review entries are not changes: {text}");

    let copies = copy("copies.xlsx");
    edit(&copies, &["set", "7", "7", "5"]);
    let (code, text) = verify(&w, "copies.xlsx");
    assert_eq!(code, 1);
    assert!(
        text.contains("line 2 (B-002): copies changed to \"5\", issued \"1\""),
        "{text}"
    );

    let deleted = copy("deleted.xlsx");
    edit(&deleted, &["delete", "8"]);
    let (code, text) = verify(&w, "deleted.xlsx");
    assert_eq!(code, 1);
    assert!(text.contains("line 3 (B-003) was removed"), "{text}");

    let added = copy("added.xlsx");
    edit(
        &added,
        &[
            "insert",
            "9",
            "21",
            "B-999",
            "Smuggled in",
            "Public",
            "Unclassified",
            "Paper",
            "1",
            "1",
        ],
    );
    let (code, text) = verify(&w, "added.xlsx");
    assert_eq!(code, 1);
    assert!(text.contains("line \"21\" (B-999) was added"), "{text}");

    let retitled = copy("retitled.xlsx");
    edit(&retitled, &["set", "6", "3", "Something else"]);
    let (code, text) = verify(&w, "retitled.xlsx");
    assert_eq!(code, 1);
    assert!(
        text.contains("line 1 (B-001): title changed to \"Something else\""),
        "{text}"
    );

    let not_a_manifest = w.path("run/plan.xlsx");
    let (code, text) = verify(&w, not_a_manifest.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(text.contains("not a clearance manifest"), "{text}");
}

#[test]
fn every_output_workbook_prints_with_libreoffice() {
    let w = Workdir::new();
    register(&w, 120);
    plan(&w, &["--redact-titles"]);
    let pdfs = w.path("pdf");
    std::fs::create_dir(&pdfs).unwrap();
    let mut books = vec![w.path("run/plan.xlsx")];
    for dir in ["run/manifests", "run/lists"] {
        for e in std::fs::read_dir(w.path(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "xlsx") {
                books.push(p);
            }
        }
    }
    assert!(books.len() >= 6, "{books:?}");
    for book in &books {
        let pdf = to_pdf(book, &pdfs);
        assert!(pdf_pages(&pdf) >= 1);
    }
    // The 120-line manifest: A4 landscape, fitted to one page wide, long
    // text (titles, reasons) wrapped in rows tall enough to show it: about
    // 30 lines a page, 4 pages, with the header row and "Page x of 4" on
    // every page and the digest in the footer.
    let pdf = pdfs.join("2024-D-002.pdf");
    let pages = pdf_pages(&pdf);
    assert_eq!(pages, 4, "pages of the 120-line manifest");
    let index = std::fs::read_to_string(w.path("run/manifests/index.csv")).unwrap();
    let digest = index
        .lines()
        .find(|l| l.starts_with("2024-D-002.xlsx"))
        .unwrap()
        .rsplit(',')
        .next()
        .unwrap()
        .to_string();
    for page in 1..=pages {
        let text = pdf_text(&pdf, page);
        assert!(
            text.contains("Doc No") && text.contains("Classification"),
            "page {page} has no header:\n{text}"
        );
        assert!(
            text.contains(&format!("Page {page} of {pages}")),
            "page {page} footer:\n{text}"
        );
        assert!(text.contains(&digest[..16]), "page {page} has no digest");
    }
    let last = pdf_text(&pdf, pages);
    assert!(
        last.contains("Approved by") && last.contains("120 lines"),
        "{last}"
    );
}

/// The sheet XML of the first worksheet of a workbook.
fn first_sheet_xml(path: &Path) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = z.by_name("xl/worksheets/sheet1.xml").unwrap();
    let mut xml = String::new();
    f.read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn manifests_offer_the_review_choices_and_protect_everything_else() {
    let w = Workdir::new();
    register(&w, 5);
    plan(&w, &[]);
    let xml = first_sheet_xml(&w.path("run/manifests/2024-D-002.xlsx"));
    assert!(
        xml.contains("<formula1>\"Approve,Reject,Defer\"</formula1>"),
        "{xml}"
    );
    assert!(xml.contains("<sheetProtection"), "the sheet is protected");
    assert!(!xml.contains("password"), "without a password");
    let out = w.run(&[
        "plan",
        "register.csv",
        "--as-of",
        "2024-12-31",
        "--out",
        "zh",
    ]);
    assert!(out.status.success());
    let xml = first_sheet_xml(&w.path("zh/manifests/2024-D-002.xlsx"));
    assert!(
        xml.contains("<formula1>\"同意,不同意,暂缓\"</formula1>"),
        "{xml}"
    );
    // The review cells are unlocked, the line cells are not.
    let book = read_workbook(&w.path("zh/manifests/2024-D-002.xlsx"));
    let header = &book["销毁清单"][4];
    assert_eq!(
        header[header.len() - 2..],
        ["审核意见".to_string(), "意见说明".to_string()]
    );
    let styles = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(
            std::fs::File::open(w.path("zh/manifests/2024-D-002.xlsx")).unwrap(),
        )
        .unwrap();
        let mut f = z.by_name("xl/styles.xml").unwrap();
        let mut x = String::new();
        f.read_to_string(&mut x).unwrap();
        x
    };
    let cell_xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let xfs: Vec<&str> = cell_xfs.split("<xf ").skip(1).collect();
    let unlocked = |cell: &str| -> bool {
        let tag = format!("<c r=\"{cell}\" s=\"");
        let at = xml.find(&tag).unwrap_or_else(|| panic!("no cell {cell}"));
        let rest = &xml[at + tag.len()..];
        let style: usize = rest[..rest.find('"').unwrap()].parse().unwrap();
        xfs[style].contains("locked=\"0\"")
    };
    assert!(
        unlocked("O6") && unlocked("P6"),
        "review cells are editable"
    );
    assert!(!unlocked("B6") && !unlocked("G6"), "line cells are locked");
}

fn forge(path: &Path, args: &[&str]) {
    let status = Command::new("python3")
        .arg(repo().join("tests/fixtures/forge_manifest.py"))
        .arg(path)
        .args(args)
        .status()
        .expect("python3");
    assert!(status.success(), "forge {args:?}");
}

/// Issue 7, point 12: the digest covered only the lines — a heading edited
/// from the facility to in-house, or P-6 to P-4, still verified.
#[test]
fn verify_catches_a_heading_edit() {
    let w = Workdir::new();
    register(&w, 5);
    plan(&w, &[]);
    // 2024-D-001 is the facility batch of secret paper (P-6).
    let original = w.path("run/manifests/2024-D-001.xlsx");
    let book = read_workbook(&original);
    let heading = book["Manifest"][1][0].clone();
    assert!(heading.contains("Site: designated facility"), "{heading}");
    for (name, from, to, field) in [
        (
            "site",
            "Site: designated facility",
            "Site: in-house",
            "site",
        ),
        ("level", "Level: P-6", "Level: P-4", "level"),
        ("witnesses", "at least 2", "at least 1", "witnesses"),
    ] {
        let copy = w.path(&format!("run/manifests/{name}.xlsx"));
        std::fs::copy(&original, &copy).unwrap();
        edit(&copy, &["set", "2", "1", &heading.replace(from, to)]);
        let (code, text) = verify(&w, copy.to_str().unwrap());
        assert_eq!(code, 1, "{text}");
        assert!(
            text.contains(&format!("heading: {field} changed")),
            "{name}: {text}"
        );
    }
    let retitled = w.path("run/manifests/unit.xlsx");
    std::fs::copy(&original, &retitled).unwrap();
    edit(
        &retitled,
        &[
            "set",
            "1",
            "1",
            "另一单位 destruction manifest (draft for review)",
        ],
    );
    let (code, text) = verify(&w, retitled.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(text.contains("heading: unit changed"), "{text}");
}

/// Issue 7, point 12: a line edit with every digest inside the workbook
/// rewritten is caught by index.csv; without index.csv, verify says it can
/// check internal consistency only.
#[test]
fn verify_catches_a_forged_workbook_through_the_index_and_says_when_it_cannot() {
    let w = Workdir::new();
    register(&w, 5);
    plan(&w, &[]);
    let original = w.path("run/manifests/2024-D-002.xlsx");
    let forged = w.path("run/manifests/2024-D-002.xlsx");
    let outside = w.path("forged.xlsx");
    std::fs::copy(&original, &outside).unwrap();
    forge(&forged, &["7", "7", "9"]);
    let (code, text) = verify(&w, forged.to_str().unwrap());
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("index.csv records digest"), "{text}");
    // The same forgery outside the run folder: the totals row, which the
    // forger left, still tells.
    let copy = w.path("copy.xlsx");
    std::fs::copy(&outside, &copy).unwrap();
    forge(&copy, &["7", "7", "9"]);
    let (code, text) = verify(&w, "copy.xlsx");
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the totals row: G11 reads \"5\""), "{text}");
    // A forged number outside the run folder: consistent with itself, and
    // the report says that is all it can say.
    forge(&outside, &["7", "2", "X-999"]);
    let (code, text) = verify(&w, "forged.xlsx");
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("internal consistency only"), "{text}");
    // A manifest beside its index.csv is compared with it.
    let (_, text) = verify(&w, "run/manifests/2024-D-001.xlsx");
    assert!(!text.contains("internal consistency only"), "{text}");
}

/// Issue 7, point 13: redacted facility copies kept an unsalted SHA-256 of
/// every title, so anyone could confirm a guessed title.
#[test]
fn a_redacted_copy_holds_nothing_to_confirm_a_guessed_title() {
    use sha2::{Digest, Sha256};
    let w = Workdir::new();
    register(&w, 5);
    plan(&w, &["--redact-titles"]);
    let redacted = w.path("run/manifests/2024-D-001-redacted.xlsx");
    let office = w.path("run/manifests/2024-D-001.xlsx");
    let titles = ["Secret report 1", "Secret report 2", "Secret report 3"];
    // Every part of the redacted workbook, as text.
    let everything = |path: &Path| -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut all = String::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut part = String::new();
            let _ = f.read_to_string(&mut part);
            all.push_str(&part);
        }
        all
    };
    let text = everything(&redacted);
    let office_text = everything(&office);
    for title in titles {
        assert!(!text.contains(title), "the title itself");
        let plain = format!("{:x}", Sha256::digest(title.as_bytes()));
        assert!(!text.contains(&plain), "an unkeyed hash of {title}");
        assert!(
            !office_text.contains(&plain),
            "an unkeyed hash in the office copy"
        );
    }
    // The key under which titles are hashed is in the office copy only.
    let book = read_workbook(&office);
    let key = book["_items"][0][3].clone();
    assert_eq!(key.len(), 64);
    assert!(!text.contains(&key), "the redacted copy holds the key");
    let rbook = read_workbook(&redacted);
    assert_eq!(rbook["_items"][0].get(3).map_or("", |s| s.as_str()), "");
    // Both copies verify and carry the same digest.
    let (code, out) = verify(&w, "run/manifests");
    assert_eq!(code, 0, "{out}");
    assert_eq!(book["_items"][0][1], rbook["_items"][0][1]);
}

/// A manifest and a return list issued before each issued line was one
/// cell (every field in its own cell, `tests/fixtures/issued-in-cells`,
/// written from the sample as of 2024-12-31) are still verified and
/// confirmed, and carry the digest a run of today writes for the same
/// holdings: the digest is of the lines, not of how the hidden sheet lays
/// them out.
#[test]
fn a_manifest_and_a_list_issued_with_a_cell_per_field_are_still_verified_and_confirmed() {
    let w = Workdir::new();
    w.plan_sample("run", &[]);
    let fixtures = repo().join("tests/fixtures/issued-in-cells");
    for (folder, file) in [
        ("manifests", "2024-D-005.xlsx"),
        ("lists", "清退清单-市财政局.xlsx"),
    ] {
        std::fs::create_dir_all(w.path(&format!("old/{folder}"))).unwrap();
        for name in [file, "index.csv"] {
            w.copy(
                &fixtures.join(folder).join(name),
                &format!("old/{folder}/{name}"),
            );
        }
        let old = format!("old/{folder}/{file}");
        // A manifest is verified; a list is confirmed, which checks it.
        let (code, text) = match folder {
            "manifests" => verify(&w, &old),
            _ => {
                let args = [
                    "confirm",
                    &old,
                    "--date",
                    "2025-01-10",
                    "--receiver",
                    "王五",
                ];
                let out = w.run(&[&args[..], &["--lang", "en"]].concat());
                (
                    out.status.code().unwrap_or(-1),
                    stdout(&out) + &stderr(&out),
                )
            }
        };
        assert_eq!(code, 0, "{old}: {text}");
        let checked = if folder == "manifests" {
            "intact"
        } else {
            "RETURN (2025-01-10, 市财政局)  5 holdings"
        };
        assert!(text.contains(checked), "{old}: {text}");
        // The old file's items are in cells, today's in one cell a line.
        let old_items = &read_workbook(&w.path(&old))["_items"];
        let new_items = &read_workbook(&w.path(&format!("run/{folder}/{file}")))["_items"];
        assert!(old_items[4][1].len() > 1, "{old}: a field per cell");
        assert!(
            new_items[4][0].starts_with("[\"1\",")
                && new_items[4][1..].iter().all(String::is_empty),
            "{file}: a line per cell: {:?}",
            new_items[4]
        );
        assert_eq!(old_items[0][1], new_items[0][1], "{file}: the digest");
        // Each names its format: an older clearance refuses today's as
        // made by another version rather than misreading its lines.
        let tags = (old_items[0][0].as_str(), new_items[0][0].as_str());
        assert!(
            [
                ("clearance-manifest v2", "clearance-manifest v3"),
                ("clearance-list v1", "clearance-list v2")
            ]
            .contains(&tags),
            "{tags:?}"
        );
    }
}

/// A register whose sheets are named with spaces around them (" 收文 "),
/// under a policy whose unit name has spaces around it, gives manifests
/// that verify and return lists that confirm as soon as they are written:
/// the issued source sheet keeps its spaces, a printed cell is read
/// without the spaces around it, and the unit's name is used trimmed.
/// Each used to be reported as changed since issue. A batch then goes
/// through review, its final manifest and its confirmation into the
/// ledger.
#[test]
fn sheet_names_with_spaces_around_them_do_not_make_issued_manifests_or_lists_look_changed() {
    let w = Workdir::new();
    let sample = w.copy_sample();
    let policy = std::fs::read_to_string(repo().join("data/policy.toml")).unwrap();
    assert!(policy.contains("name = \"保密办公室\""));
    w.write(
        "p.toml",
        policy
            .replace("name = \"保密办公室\"", "name = \" 保密办公室 \"")
            .as_bytes(),
    );
    let status = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, openpyxl\n\
             wb = openpyxl.load_workbook(sys.argv[1])\n\
             for ws in wb.worksheets: ws.title = ' ' + ws.title + ' '\n\
             wb.save(sys.argv[1])",
        )
        .arg(&sample)
        .status()
        .expect("python3");
    assert!(status.success());
    let args = [
        "plan",
        "sample.xlsx",
        "--as-of",
        "2024-12-31",
        "--out",
        "run",
        "--policy",
        "p.toml",
    ];
    let out = w.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, text) = verify(&w, "run/manifests");
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("CHANGED"), "{text}");
    let items = &read_workbook(&w.path("run/manifests/2024-D-001.xlsx"))["_items"];
    assert!(
        items[4][0].contains(",\" "),
        "the sheet's spaces are issued: {:?}",
        items[4]
    );
    let list = "run/lists/清退清单-市财政局.xlsx";
    let out = w.run(&[
        "confirm",
        list,
        "--date",
        "2025-01-10",
        "--receiver",
        "王五",
    ]);
    ok(&out, "confirm the list");
    // A batch reviewed, approved, made final and confirmed as destroyed:
    // the ledger records the holding's sheet as it was named.
    std::fs::create_dir_all(w.path("reviewed")).unwrap();
    std::fs::copy(
        w.path("run/manifests/2024-D-003.xlsx"),
        w.path("reviewed/2024-D-003.xlsx"),
    )
    .unwrap();
    w.python(
        "review_manifests.py",
        &["reviewed/2024-D-003.xlsx", "6=同意"],
    );
    w.run_ok(&[
        "review",
        "reviewed/2024-D-003.xlsx",
        "--run",
        "run",
        "--out",
        "review",
        "--ledger",
        "ledger.jsonl",
    ]);
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
    let ledger = std::fs::read_to_string(w.path("ledger.jsonl")).unwrap();
    assert!(
        ledger.contains("\"source_sheet\":\" 2024年收文登记 \""),
        "{ledger}"
    );
}

/// Found by a hunt: what a manifest prints around its lines was never
/// compared with what was issued. A row hidden in a reviewer's copy was
/// approved unseen and destroyed; a totals row, a signature block or a
/// line written below the signatures could be changed, and the paper
/// signed differed from what the ledger would record.
#[test]
fn verify_catches_hidden_rows_and_edits_around_the_lines() {
    let w = Workdir::new();
    register(&w, 5);
    plan(&w, &[]);
    w.python_script(
        "edit.py",
        r#"
import shutil
import openpyxl
import openpyxl.styles

def edited(name, edit):
    shutil.copy("run/manifests/2024-D-002.xlsx", name)
    wb = openpyxl.load_workbook(name)
    ws = wb.worksheets[0]
    edit(ws)
    wb.save(name)

def totals_row(ws):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Total")

def unmerged_d2(ws):
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row <= 2 <= rng.max_row:
            ws.unmerge_cells(str(rng))
    ws.cell(2, 4, "also B-999")

def last_text_row(ws):
    return max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value)

edited("hidden-row.xlsx", lambda ws: setattr(ws.row_dimensions[6], "hidden", True))
edited("hidden-column.xlsx", lambda ws: setattr(ws.column_dimensions["B"], "hidden", True))
edited("totals.xlsx", lambda ws: setattr(ws.cell(totals_row(ws), 2), "value", "1 lines"))
edited("signature.xlsx", lambda ws: setattr(ws.cell(last_text_row(ws), 1), "value", None))
edited("below.xlsx", lambda ws: ws.cell(ws.max_row + 2, 2, "B-999"))
edited("above.xlsx", unmerged_d2)
edited("white.xlsx", lambda ws: setattr(ws.cell(6, 3), "font", openpyxl.styles.Font(color="FFFFFFFF")))
edited("format.xlsx", lambda ws: setattr(ws.cell(6, 7), "number_format", '"5"'))
edited("blank-format.xlsx", lambda ws: setattr(ws.cell(7, 2), "number_format", ';;;'))
edited("print-area.xlsx", lambda ws: setattr(ws, "print_area", "A1:N6"))
"#,
    );
    for (file, finding) in [
        ("hidden-row.xlsx", "row 6 is hidden"),
        ("hidden-column.xlsx", "column B hidden"),
        ("totals.xlsx", "the totals row: B"),
        ("signature.xlsx", "the signature block lacks"),
        ("below.xlsx", ": text added: \"B-999\""),
        ("above.xlsx", "D2: text added: \"also B-999\""),
        ("white.xlsx", "do not print their value"),
        ("format.xlsx", "do not print their value"),
        ("blank-format.xlsx", "other text), first B7"),
        ("print-area.xlsx", "a print area is set"),
    ] {
        let (code, text) = verify(&w, file);
        assert_eq!(code, 1, "{file}: {text}");
        assert!(text.contains(finding), "{file}: {text}");
    }
    let (code, text) = verify(&w, "run/manifests");
    assert_eq!(code, 0, "the manifests as issued: {text}");
}
