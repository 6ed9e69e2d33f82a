//! Shared helpers: an isolated working folder, the binary, fixtures, and
//! reading outputs back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder in which the binary runs.
pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Copies a file into the folder under `name`.
    pub fn copy(&self, from: &Path, name: &str) -> PathBuf {
        let to = self.path(name);
        std::fs::copy(from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        to
    }

    /// Copies the shipped sample register in as `sample.xlsx`.
    pub fn copy_sample(&self) -> PathBuf {
        self.copy(&repo().join("data/sample-register.xlsx"), "sample.xlsx")
    }

    /// Copies the sample in as `sample.xlsx` and plans it as of [`SAMPLE_AS_OF`]
    /// into `out` (with `extra` flags); fails the test unless it exits 0.
    pub fn plan_sample(&self, out: &str, extra: &[&str]) -> Output {
        self.copy_sample();
        let mut args = vec!["plan", "sample.xlsx", "--as-of", SAMPLE_AS_OF, "--out", out];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert_eq!(
            run.status.code(),
            Some(0),
            "clearance {args:?}\n{}{}",
            stdout(&run),
            stderr(&run)
        );
        run
    }

    /// Writes bytes to a file in the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let to = self.path(name);
        std::fs::write(&to, bytes).expect("write");
        to
    }

    /// Runs `clearance ARGS` in the folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_env(args, &[])
    }

    /// Runs `clearance ARGS` in the folder with environment variables set.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &Path)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_clearance"))
            .current_dir(self.dir.path())
            .envs(env.iter().copied())
            .args(args)
            .output()
            .expect("run clearance")
    }

    /// Runs `clearance ARGS` in the folder and asserts exit code 0, showing
    /// its output when not.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "clearance {}\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            stdout(&out),
            stderr(&out)
        );
        out
    }

    /// Runs a helper script of tests/fixtures with python3 in the folder,
    /// and asserts that it succeeded.
    pub fn python(&self, script: &str, args: &[&str]) {
        self.run_python(&repo().join("tests/fixtures").join(script), args);
    }

    /// Saves `script` in the folder as `name` and runs it there with
    /// python3, asserting that it succeeded: a register a test makes.
    pub fn python_script(&self, name: &str, script: &str) {
        self.run_python(&self.write(name, script.as_bytes()), &[]);
    }

    fn run_python(&self, script: &Path, args: &[&str]) {
        let out = Command::new("python3")
            .current_dir(self.dir.path())
            .arg(script)
            .args(args)
            .output()
            .expect("python3 (with openpyxl) is installed by scripts/test");
        assert!(
            out.status.success(),
            "{} {args:?}: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Names of everything in the folder, sorted.
    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// The as-of date the tests plan the sample on.
pub const SAMPLE_AS_OF: &str = "2024-12-31";

/// Fails the test, saying `what` and showing both outputs, unless the
/// run exited 0.
pub fn ok(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository root, read when the test runs (cargo sets it), not when
/// it was compiled: a target folder shared between clones must not send the
/// tests to another clone's files.
pub fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::current_dir().expect("current dir"))
}

/// A fixture written by tests/fixtures/make_fixtures.py (openpyxl,
/// LibreOffice, Python codecs).
pub fn generated(name: &str) -> PathBuf {
    let path = repo().join("tests/fixtures/generated").join(name);
    assert!(
        path.exists(),
        "missing fixture {}: run `bash scripts/test` (or python3 tests/fixtures/make_fixtures.py)",
        path.display()
    );
    path
}

/// Reads a CSV written by clearance (UTF-8 with BOM) into rows of
/// column → value.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("CSV starts with a BOM");
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader.headers().expect("headers").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Reads every sheet of a workbook written by clearance as rows of text.
pub fn read_workbook(path: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    use calamine::{Reader, open_workbook_auto};
    let mut wb =
        open_workbook_auto(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet");
        let rows = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        out.insert(name, rows);
    }
    out
}

/// Columns of the canonical table that hold a value on every row.
const ALWAYS: [(&str, &str); 1] = [("secrecy_long", "false")];

/// Compares canonical rows with expectations: every column of every row
/// must equal the expected value, or be empty where none is given.
pub fn assert_rows(
    actual: &[BTreeMap<String, String>],
    file: &str,
    sheet: &str,
    expected: &[&[(&str, &str)]],
) {
    let actual: Vec<_> = actual
        .iter()
        .filter(|r| r["source_file"] == file && r["source_sheet"] == sheet)
        .collect();
    assert_eq!(actual.len(), expected.len(), "{file} [{sheet}]: row count");
    for (row, want) in actual.iter().zip(expected) {
        let want: BTreeMap<&str, &str> = ALWAYS.iter().chain(want.iter()).copied().collect();
        for (column, value) in row.iter() {
            if column == "source_file" || column == "source_sheet" {
                continue;
            }
            let expected = want.get(column.as_str()).copied().unwrap_or("");
            assert_eq!(
                value, expected,
                "{file} [{sheet}] row {}: column {column}",
                row["source_row"]
            );
        }
        for key in want.keys() {
            assert!(row.contains_key(*key), "{file}: no column {key}");
        }
    }
}

/// Converts `files` with LibreOffice (one run, a private profile in `out`)
/// to `format` (`pdf`, `xlsx`) into `out`; panics naming the files if it
/// cannot.
pub fn libreoffice_convert(files: &[PathBuf], format: &str, out: &Path) {
    std::fs::create_dir_all(out).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", out.display());
    let status = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(out)
        .args(files)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("soffice (LibreOffice) is installed by scripts/test");
    assert!(
        status.success(),
        "LibreOffice could not convert {files:?} to {format}"
    );
}

/// Converts one workbook to PDF in `out`; returns the PDF's path.
pub fn to_pdf(xlsx: &Path, out: &Path) -> PathBuf {
    libreoffice_convert(&[xlsx.to_path_buf()], "pdf", out);
    let pdf = out.join(xlsx.file_stem().unwrap()).with_extension("pdf");
    assert!(pdf.exists(), "no PDF for {}", xlsx.display());
    pdf
}

/// A PDF's page count (pdfinfo).
pub fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler) is installed by scripts/test");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .expect("page count")
}

/// The text of one page of a PDF, laid out (pdftotext -layout).
pub fn pdf_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-f", &p, "-l", &p, "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler) is installed by scripts/test");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
