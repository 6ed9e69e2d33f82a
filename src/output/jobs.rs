//! Writing on every core. The files of a run folder are independent, and
//! so are the sheets of one large workbook once they are set up: each is a
//! job, and the jobs run on every core, each worker taking the next job as
//! it finishes one. Every job runs under [`super::guard_temp_folder`], so
//! that a full temporary folder is reported as an error on whichever
//! thread met it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use anyhow::Result;

/// A piece of writing (a file, a sheet) that can run on any thread.
pub type Job<'j> = Box<dyn Fn() -> Result<()> + Send + Sync + 'j>;

/// Runs independent `jobs` on every core (at least two threads): each
/// worker takes the next job in order as it finishes one, so jobs given
/// longest first keep the cores busy to the end. Returns the first error
/// in job order, so the same failure is reported whatever finished first.
/// A job that stops because the temporary folder could not take a sheet
/// (itself, or jobs it ran in turn) fails with an error saying so
/// ([`super::guard_temp_folder`]), and no further job is started: every one
/// would fail the same way. A job that panics otherwise panics the caller
/// once every worker has stopped.
///
/// ```
/// use clearance::output::jobs::{Job, run_on_every_core};
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// let done = AtomicUsize::new(0);
/// let count = || {
///     done.fetch_add(1, Ordering::Relaxed);
///     Ok(())
/// };
/// let jobs: Vec<Job<'_>> = vec![Box::new(count), Box::new(count), Box::new(count)];
/// run_on_every_core(&jobs).unwrap();
/// assert_eq!(done.load(Ordering::Relaxed), 3);
/// ```
pub fn run_on_every_core(jobs: &[Job<'_>]) -> Result<()> {
    let next = AtomicUsize::new(0);
    let temp_folder_failed = AtomicBool::new(false);
    let results: Vec<Mutex<Option<Result<()>>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    std::thread::scope(|scope| {
        for _ in 0..workers.min(jobs.len()) {
            scope.spawn(|| {
                while !temp_folder_failed.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(k) else {
                        break;
                    };
                    let result = super::guard_temp_folder(job).unwrap_or_else(Err);
                    // Met here or by a job's own jobs (sheets written on
                    // every core), inside the error's chain.
                    if let Err(e) = &result
                        && e.downcast_ref::<super::temp_folder::TempFileFailed>()
                            .is_some()
                    {
                        temp_folder_failed.store(true, Ordering::Relaxed);
                    }
                    *results[k].lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .filter_map(|r| r.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever finishes first, the error reported is the first job's in
    /// order, and every other job still runs.
    #[test]
    fn the_error_reported_is_the_first_in_job_order() {
        let ran = AtomicUsize::new(0);
        let jobs: Vec<Job<'_>> = (0..6)
            .map(|k| -> Job<'_> {
                let ran = &ran;
                Box::new(move || {
                    ran.fetch_add(1, Ordering::Relaxed);
                    if k == 1 {
                        // The first failure in order finishes last.
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    match k {
                        1 | 4 => anyhow::bail!("job {k} failed"),
                        _ => Ok(()),
                    }
                })
            })
            .collect();
        let error = run_on_every_core(&jobs).unwrap_err();
        assert_eq!(error.to_string(), "job 1 failed");
        assert_eq!(ran.load(Ordering::Relaxed), 6);
    }

    /// A full temporary folder met by a job's own jobs (a workbook's
    /// sheets written on every core) stops the outer jobs too: no further
    /// one is started, and the error names where it was met.
    #[test]
    fn a_full_temp_folder_met_inside_a_job_stops_further_jobs() {
        let ran = AtomicUsize::new(0);
        let inner = || -> Result<()> {
            Err(anyhow::Error::new(
                super::super::temp_folder::TempFileFailed("full".into()),
            ))
        };
        let jobs: Vec<Job<'_>> = (0..40)
            .map(|k| -> Job<'_> {
                let ran = &ran;
                Box::new(move || {
                    ran.fetch_add(1, Ordering::Relaxed);
                    if k == 0 {
                        let sheets: Vec<Job<'_>> = vec![Box::new(inner), Box::new(|| Ok(()))];
                        return run_on_every_core(&sheets).map_err(|e| e.context("sheet 销毁"));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    Ok(())
                })
            })
            .collect();
        let error = run_on_every_core(&jobs).unwrap_err();
        assert_eq!(format!("{error:#}"), "sheet 销毁: full");
        // Job 0, and the few started beside it on the other workers while
        // its sheets failed (one each, unless the machine is so busy that
        // starting job 0's threads takes longer than a job): far from all
        // 40.
        assert!(ran.load(Ordering::Relaxed) <= 12, "{ran:?}");
    }

    #[test]
    fn no_jobs_is_nothing_to_do() {
        run_on_every_core(&[]).unwrap();
    }
}
