//! Work on both cores. The machines this tool runs on often have two;
//! reading a register and deciding its holdings split their work into two
//! parts run at once. A panic in either part goes on as that panic, so
//! that the command's guard reports it as it would on one thread.

/// `work` done on the two halves of rows `0..n` at once, on two cores:
/// the first half's result, then the second's. For work where each row
/// depends on its own values only, so that the halves joined are what one
/// pass would give.
///
/// ```
/// let (first, second) = clearance::cores::on_two_cores(5, |rows| rows.sum::<usize>());
/// assert_eq!((first, second), (0 + 1, 2 + 3 + 4));
/// ```
pub fn on_two_cores<T: Send>(
    n: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> (T, T) {
    let half = n / 2;
    both(|| work(0..half), || work(half..n))
}

/// Columns made on two cores, `make` on each half of rows `0..n`, the
/// second half's columns appended to the first's as further chunks (not
/// copied): for columns where each row depends on its own values only.
/// Both halves must give the same columns in the same order; the first
/// error of either half is returned.
///
/// ```
/// use polars::prelude::*;
/// let columns = clearance::cores::columns_on_two_cores(5, |rows| {
///     let values: Vec<u32> = rows.map(|i| i as u32 * 10).collect();
///     Ok(vec![Column::new("tens".into(), values)])
/// })
/// .unwrap();
/// let tens: Vec<Option<u32>> = columns[0].u32().unwrap().iter().collect();
/// assert_eq!(tens, [0, 10, 20, 30, 40].map(Some));
/// ```
pub fn columns_on_two_cores(
    n: usize,
    make: impl Fn(std::ops::Range<usize>) -> polars::prelude::PolarsResult<Vec<polars::prelude::Column>>
    + Sync,
) -> polars::prelude::PolarsResult<Vec<polars::prelude::Column>> {
    let (first, second) = on_two_cores(n, make);
    let (mut columns, second) = (first?, second?);
    polars::prelude::polars_ensure!(
        columns.len() == second.len(),
        ComputeError: "the two halves of the rows gave {} and {} columns",
        columns.len(),
        second.len()
    );
    for (column, more) in columns.iter_mut().zip(second) {
        polars::prelude::polars_ensure!(
            column.name() == more.name(),
            ComputeError: "the two halves of the rows gave columns {} and {}",
            column.name(),
            more.name()
        );
        column.append_owned(more)?;
    }
    Ok(columns)
}

/// `first` on this thread and `second` on another, at once; a panic in
/// either goes on as that panic.
pub fn both<A, B: Send>(first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let second = scope.spawn(second);
        let first = first();
        match second.join() {
            Ok(second) => (first, second),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Work split over two cores covers every row once, in order, for any
    /// number of rows (none and one included).
    #[test]
    fn two_cores_cover_every_row_once_in_order() {
        for n in 0..6 {
            let (first, second) = on_two_cores(n, |rows| rows.collect::<Vec<_>>());
            let all: Vec<usize> = first.into_iter().chain(second).collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }

    /// Columns made in two halves read back as one pass would make them,
    /// for any number of rows (none, one, two and three among them), with
    /// a half all nulls, for text, dates and coded (Enum) columns; halves
    /// that disagree on their columns are an error, not a column lost.
    #[test]
    fn columns_in_two_halves_read_back_whole_in_order() {
        use crate::fields::CodeSet;
        use polars::prelude::*;
        let codes = CodeSet::Site.codes();
        let make = |rows: std::ops::Range<usize>| -> PolarsResult<Vec<Column>> {
            let text: Vec<Option<String>> = rows
                .clone()
                .map(|i| (i % 3 == 1).then(|| format!("t{i}")))
                .collect();
            let days: Vec<Option<i32>> =
                rows.clone().map(|i| (i >= 2).then_some(i as i32)).collect();
            let coded: Vec<Option<&str>> =
                rows.clone().map(|i| Some(codes[i % codes.len()])).collect();
            Ok(vec![
                StringChunked::from_iter_options("text".into(), text.into_iter()).into_column(),
                Int32Chunked::from_iter_options("date".into(), days.into_iter())
                    .into_series()
                    .cast(&DataType::Date)?
                    .into(),
                crate::codes::column("site", CodeSet::Site, coded)?,
            ])
        };
        for n in [0, 1, 2, 3, 4, 7] {
            let halves = columns_on_two_cores(n, make).unwrap();
            let whole = make(0..n).unwrap();
            assert_eq!(halves.len(), whole.len());
            for (h, w) in halves.iter().zip(&whole) {
                assert_eq!(h.dtype(), w.dtype(), "n = {n}, {}", h.name());
                assert_eq!(h.len(), n, "n = {n}, {}", h.name());
                assert!(
                    h.as_materialized_series()
                        .equals_missing(w.as_materialized_series()),
                    "n = {n}, {}: {h:?} against {w:?}",
                    h.name()
                );
            }
        }
        let uneven = columns_on_two_cores(4, |rows| {
            let name = if rows.start == 0 { "a" } else { "b" };
            Ok(vec![Column::new(name.into(), vec![1u32; rows.len()])])
        });
        assert!(uneven.is_err());
        let fewer = columns_on_two_cores(4, |rows| {
            Ok((0..rows.start.min(1))
                .map(|_| Column::new("a".into(), vec![1u32; rows.len()]))
                .collect())
        });
        assert!(fewer.is_err());
    }

    #[test]
    fn a_panic_in_the_second_part_goes_on_as_itself() {
        let caught = std::panic::catch_unwind(|| both(|| 1, || -> u8 { panic!("second part") }));
        let panic = caught.expect_err("the panic goes on");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"second part"));
    }
}
