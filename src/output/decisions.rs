//! The decision table read back by column name, as text: what the printed
//! lists and the destruction manifests are made from.

use std::borrow::Cow;
use std::collections::BTreeMap;

use polars::prelude::*;

use crate::codes::TextColumn;

/// Columns of a decision table, each read as text
/// ([`crate::codes::TextColumn`]), looked up by name.
pub struct DecisionText {
    columns: BTreeMap<&'static str, TextColumn>,
    height: usize,
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
        })
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
        (0..self.height)
            .filter(|i| self.get(name, *i).as_deref() == Some(value))
            .collect()
    }
}
