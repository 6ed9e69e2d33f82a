//! The decision table read back by column name, as text: what the printed
//! lists and the destruction manifests are made from.

use std::borrow::Cow;
use std::collections::BTreeMap;

use polars::prelude::*;

use super::frame::BLOCK_ROWS;
use crate::codes::TextColumn;

/// Columns of a decision table, each read as text
/// ([`crate::codes::TextColumn`]), looked up by name.
pub struct DecisionText {
    columns: BTreeMap<&'static str, TextColumn>,
    height: usize,
    /// The columns read (sharing the table's buffers), for copies of some
    /// of their rows ([`DecisionText::in_blocks`]).
    table: DataFrame,
    names: Vec<&'static str>,
}

impl DecisionText {
    /// Reads `names` from `decisions`; a missing column is an error.
    pub fn new(decisions: &DataFrame, names: &[&'static str]) -> PolarsResult<DecisionText> {
        let mut columns = BTreeMap::new();
        for name in names {
            columns.insert(*name, TextColumn::new(decisions.column(name)?)?);
        }
        Ok(DecisionText {
            columns,
            height: decisions.height(),
            table: decisions.select(names.iter().copied())?,
            names: names.to_vec(),
        })
    }

    /// Rows `rows`, in that order, read a block at a time
    /// ([`RowBlocks`]).
    pub fn in_blocks<'a>(&'a self, rows: &'a [usize]) -> RowBlocks<'a> {
        RowBlocks {
            whole: self,
            rows,
            block: std::cell::RefCell::new(None),
        }
    }

    /// The value of column `name` in row `i`; `None` when it is null or
    /// the column was not read.
    pub fn get(&self, name: &str, i: usize) -> Option<Cow<'_, str>> {
        self.columns.get(name).and_then(|c| c.get(i))
    }

    /// The value of column `name` in row `i` as a number, `None` when it is
    /// not one ([`TextColumn::number`]) or the column was not read.
    pub fn number(&self, name: &str, i: usize) -> Option<f64> {
        self.columns.get(name).and_then(|c| c.number(i))
    }

    /// The value of column `name` in row `i`, blank when there is none.
    pub fn text(&self, name: &str, i: usize) -> Cow<'_, str> {
        self.get(name, i).unwrap_or(Cow::Borrowed(""))
    }

    /// The copies of row `i` on hand: 现存份数, else 份数 when it is blank,
    /// else 1. What a manifest destroys and a list hands over: a missing
    /// copy is a loss to report, not a copy to sign for. Needs both
    /// columns read.
    pub fn copies_on_hand(&self, i: usize) -> i64 {
        self.get("copies_on_hand", i)
            .filter(|c| !c.is_empty())
            .or_else(|| self.get("copies", i))
            .and_then(|c| c.parse().ok())
            .unwrap_or(1)
    }

    /// The rows whose column `name` holds `value`, in table order.
    pub fn rows_where(&self, name: &str, value: &str) -> Vec<usize> {
        let Some(column) = self.columns.get(name) else {
            return Vec::new();
        };
        if let TextColumn::Codes(codes) = column {
            return codes.rows_with(value);
        }
        (0..self.height)
            .filter(|i| column.get(*i).as_deref() == Some(value))
            .collect()
    }
}

/// Some rows of a decision table, in a given order, read from copies of a
/// block of them at a time. A list's rows are spread over the table (the
/// archived holdings among all), and each line reads a dozen columns: read
/// in place, each value would be a cache miss. The copy is taken a column
/// at a time (text stays where it is: only its 16-byte views are copied).
pub struct RowBlocks<'a> {
    whole: &'a DecisionText,
    rows: &'a [usize],
    /// The block copied last (by number), if it could be copied.
    block: std::cell::RefCell<Option<(usize, Option<DecisionText>)>>,
}

impl RowBlocks<'_> {
    /// `f` of the `k`-th row given: called with a [`DecisionText`] and the
    /// row's index in it. Fastest when `k` goes up one at a time.
    pub fn with<R>(&self, k: usize, f: impl FnOnce(&DecisionText, usize) -> R) -> R {
        let number = k / BLOCK_ROWS;
        let mut block = self.block.borrow_mut();
        if block.as_ref().is_none_or(|(at, _)| *at != number) {
            let start = number * BLOCK_ROWS;
            let rows = &self.rows[start..(start + BLOCK_ROWS).min(self.rows.len())];
            *block = Some((number, self.copy(rows).ok()));
        }
        match block.as_ref().and_then(|(_, copy)| copy.as_ref()) {
            Some(copy) => f(copy, k % BLOCK_ROWS),
            // Not copied (it cannot fail on rows of the table): read in place.
            None => f(self.whole, self.rows[k]),
        }
    }

    /// The text of `rows`, copied.
    fn copy(&self, rows: &[usize]) -> PolarsResult<DecisionText> {
        let (offset, len, indexes) = super::frame::span_of(rows);
        let copy = self.whole.table.slice(offset, len).take(&indexes)?;
        DecisionText::new(&copy, &self.whole.names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows picked from anywhere, in any order, over several blocks, read
    /// through the blocks as in place.
    #[test]
    fn rows_read_in_blocks_read_as_in_place() {
        let n = 2 * BLOCK_ROWS + 5;
        let df = DataFrame::new(
            n,
            vec![
                Column::new(
                    "doc_id".into(),
                    (0..n)
                        .map(|i| (!i.is_multiple_of(3)).then(|| format!("文{i}")))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "copies".into(),
                    (0..n).map(|i| i as i64).collect::<Vec<_>>(),
                ),
            ],
        )
        .unwrap();
        // Two chunks, as a table of two registers holds.
        let df = df
            .slice(0, n / 2)
            .vstack(&df.slice((n / 2) as i64, n))
            .unwrap();
        let text = DecisionText::new(&df, &["doc_id", "copies"]).unwrap();
        let rows: Vec<usize> = (0..n).rev().step_by(2).collect();
        let blocks = text.in_blocks(&rows);
        for (k, i) in rows.iter().enumerate() {
            let got = blocks.with(k, |t, j| {
                (
                    t.get("doc_id", j).map(|v| v.into_owned()),
                    t.number("copies", j),
                )
            });
            let want = (
                text.get("doc_id", *i).map(|v| v.into_owned()),
                text.number("copies", *i),
            );
            assert_eq!(got, want, "row {i}");
        }
        // Going back to an earlier block copies it again.
        assert_eq!(
            blocks.with(0, |t, j| t.text("doc_id", j).into_owned()),
            text.text("doc_id", rows[0])
        );
    }
}
