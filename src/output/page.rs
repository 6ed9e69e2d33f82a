//! How every sheet the tool writes prints.
//!
//! The archive committee prints the workbooks, signs them and files them,
//! so every sheet — a plain table of the plan or of validation.xlsx, a
//! manifest, a list, a record — is set up the same way: A4 landscape,
//! fitted to one page wide however many columns it has (and as many pages
//! down as its rows take), its header row repeated on every page, centred,
//! and a footer with a note on the left (the sheet's name, a digest) and
//! "page x of y" on the right in the workbook's language. The plan's
//! overview is fitted to one page. Page setup is per sheet: nothing here
//! is done per row, so a sheet of a million rows streamed in constant
//! memory costs nothing more to print.

use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::config::Lang;

/// A4, in Excel's paper size codes.
const PAPER_A4: u8 = 9;

/// How a sheet is fitted to the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// One page wide, as many pages down as the rows take: tables and
    /// lists.
    OnePageWide,
    /// Everything on one page: the plan's overview.
    OnePage,
}

/// Sets up how `sheet` prints: A4 landscape, centred, fitted as `fit`
/// says, the row `header_row` (0-based) repeated at the top of every page
/// if given, and a footer with `note` on the left and the page number
/// ("第 x 页 共 y 页" / "Page x of y") on the right.
pub fn set_up_page(
    sheet: &mut Worksheet,
    fit: Fit,
    header_row: Option<u32>,
    note: &str,
    lang: Lang,
) -> Result<(), XlsxError> {
    sheet.set_paper_size(PAPER_A4);
    sheet.set_landscape();
    sheet.set_print_center_horizontally(true);
    match fit {
        Fit::OnePageWide => sheet.set_print_fit_to_pages(1, 0),
        Fit::OnePage => sheet.set_print_fit_to_pages(1, 1),
    };
    if let Some(row) = header_row {
        sheet.set_repeat_rows(row, row)?;
    }
    let page = match lang {
        Lang::Zh => "第 &P 页 共 &N 页",
        Lang::En => "Page &P of &N",
    };
    // `&` starts a code in a footer: a literal one is written twice.
    sheet.set_footer(format!("&L&8{}&R{page}", note.replace('&', "&&")));
    Ok(())
}

/// The language a table's labels (its sheet name and headers) are written
/// in: Chinese if any of them holds a CJK character, English otherwise.
/// Every label of a workbook is picked in one language, so this is the
/// workbook's.
pub fn language_of<'a>(labels: impl IntoIterator<Item = &'a str>) -> Lang {
    let cjk = |c: char| (c as u32) >= 0x1100;
    if labels.into_iter().any(|label| label.chars().any(cjk)) {
        Lang::Zh
    } else {
        Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_of_a_table_is_that_of_its_labels() {
        assert_eq!(language_of(["跳过的行", "文件", "工作表"]), Lang::Zh);
        assert_eq!(language_of(["Run", "Item", "SHA-256"]), Lang::En);
        assert_eq!(language_of(["运行信息", "SHA-256"]), Lang::Zh);
        assert_eq!(
            language_of(["Disposition × effective classification"]),
            Lang::En
        );
    }

    #[test]
    fn a_sheet_set_up_prints_a4_landscape_one_page_wide_with_its_header_repeated() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let sheet = wb.add_worksheet();
        sheet.write_string(0, 0, "文件").unwrap();
        set_up_page(sheet, Fit::OnePageWide, Some(0), "R&D", Lang::Zh).unwrap();
        let sheet = wb.add_worksheet();
        sheet.write_string(0, 0, "Overview").unwrap();
        set_up_page(sheet, Fit::OnePage, None, "", Lang::En).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        let table = part("xl/worksheets/sheet1.xml");
        for expected in [
            "paperSize=\"9\"",
            "orientation=\"landscape\"",
            "<pageSetUpPr fitToPage=\"1\"/>",
            "fitToHeight=\"0\"",
            "horizontalCentered=\"1\"",
            "&amp;L&amp;8R&amp;&amp;D&amp;R第 &amp;P 页 共 &amp;N 页",
        ] {
            assert!(table.contains(expected), "{expected} in {table}");
        }
        let overview = part("xl/worksheets/sheet2.xml");
        assert!(
            overview.contains("<pageSetUpPr fitToPage=\"1\"/>"),
            "{overview}"
        );
        assert!(!overview.contains("fitToHeight=\"0\""), "{overview}");
        assert!(overview.contains("Page &amp;P of &amp;N"), "{overview}");
        let workbook = part("xl/workbook.xml");
        assert!(
            workbook.contains("_xlnm.Print_Titles\" localSheetId=\"0\">Sheet1!$1:$1"),
            "{workbook}"
        );
        assert_eq!(workbook.matches("_xlnm.Print_Titles").count(), 1);
    }
}
