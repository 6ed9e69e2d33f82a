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
    for (column, more) in columns.iter_mut().zip(second) {
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

    #[test]
    fn a_panic_in_the_second_part_goes_on_as_itself() {
        let caught = std::panic::catch_unwind(|| both(|| 1, || -> u8 { panic!("second part") }));
        let panic = caught.expect_err("the panic goes on");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"second part"));
    }
}
