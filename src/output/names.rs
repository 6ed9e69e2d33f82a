//! File names for outputs: safe on every file system, and never two
//! outputs in one file. The manifests and the lists both name their files
//! after values from the registers (a batch, a department, a destination).

use std::collections::BTreeSet;

/// A name safe for a file: no control characters or characters a file
/// name cannot hold, no leading or trailing dots or spaces, at most 80
/// characters, never empty.
///
/// ```
/// use clearance::output::names::file_safe;
/// assert_eq!(file_safe("省/保密局"), "省_保密局");
/// assert_eq!(file_safe(" .. "), "_");
/// ```
pub fn file_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim().trim_matches('.').to_string();
    if s.is_empty() {
        "_".to_string()
    } else {
        s.chars().take(80).collect()
    }
}

/// File names given out in one folder, so that two outputs whose names map
/// to the same file (two destinations that differ only in a character a
/// file name cannot hold, or in letter case) never overwrite each other.
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    /// A file name for `stem` + `extension` (`.xlsx`), made safe and, if
    /// taken, numbered (`name (2).xlsx`).
    ///
    /// ```
    /// use clearance::output::names::UniqueNames;
    /// let mut names = UniqueNames::default();
    /// assert_eq!(names.file("省/保密局", ".xlsx"), "省_保密局.xlsx");
    /// assert_eq!(names.file("省:保密局", ".xlsx"), "省_保密局 (2).xlsx");
    /// assert_eq!(names.file("A", ".xlsx"), "A.xlsx");
    /// assert_eq!(names.file("a", ".xlsx"), "a (2).xlsx");
    /// ```
    pub fn file(&mut self, stem: &str, extension: &str) -> String {
        let base = file_safe(stem);
        let mut name = format!("{base}{extension}");
        let mut n = 2;
        while !self.taken.insert(name.to_lowercase()) {
            name = format!("{base} ({n}){extension}");
            n += 1;
        }
        name
    }
}
