//! What Excel cannot hold. A sheet past 1,048,575 rows continues on a next
//! sheet (tested where the writers are, with a small limit: see
//! `output::tests`, `output::printable::tests`, `manifest::draft::tests`,
//! `lists::tests`); whatever else a workbook writer refuses names the file
//! and the sheet it was writing, and nothing is written.

use super::util::{Workdir, stderr};

#[test]
fn a_write_error_names_the_workbook_and_the_sheet() {
    let w = Workdir::new();
    // A title longer than an Excel cell holds (32,767 characters).
    let title = "长".repeat(40_000);
    let register = format!(
        "文件编号,文件标题,密级,份数,部门,收文日期\nA-1,{title},秘密,1,办公室,2010-01-01\nA-2,会议纪要,秘密,1,办公室,2010-01-01\n"
    );
    w.write("register.csv", register.as_bytes());
    let out = w.run(&[
        "plan",
        "register.csv",
        "--as-of",
        "2024-12-31",
        "--out",
        "run",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("plan.xlsx"), "names the workbook: {err}");
    assert!(err.contains("sheet 待审核"), "names the sheet: {err}");
    assert!(err.contains("32,767"), "says what Excel refused: {err}");
    assert!(
        !err.contains(".clearance-run-"),
        "not the run folder's temporary name: {err}"
    );
    assert!(!w.path("run").exists(), "nothing is written");
}
