//! Progress on the terminal: one spinner line per stage of a long command
//! (reading the registers, deciding, writing the outputs), with the time
//! spent and, while reading, the rows read so far — so that a million-row
//! plan is never silent for half a minute.
//!
//! Drawn on stderr only when stderr is a terminal and `--quiet` was not
//! given: nothing, not even an escape code, reaches a pipe or a log file.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::config::Lang;
use crate::ingest::ROWS_READ;

/// The progress line of one command.
pub struct Progress {
    bar: ProgressBar,
    lang: Lang,
}

impl Progress {
    /// A progress line, hidden when `quiet` or when stderr is not a
    /// terminal.
    pub fn new(quiet: bool, lang: Lang) -> Progress {
        let shown = !quiet && std::io::stderr().is_terminal();
        let bar = if shown {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar, lang }
    }

    /// Shows the reading stage: the message and the rows read so far.
    pub fn reading(&self, files: usize) {
        let rows = self.lang.pick("行", "rows").to_string();
        let style = ProgressStyle::with_template("{spinner} {msg} {rows} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key(
                "rows",
                move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let n = ROWS_READ.load(std::sync::atomic::Ordering::Relaxed);
                    let _ = write!(w, "{n} {rows}");
                },
            );
        self.bar.set_style(style);
        self.bar.set_message(match self.lang {
            Lang::Zh => format!("读取 {files} 个登记簿："),
            Lang::En => format!("reading {files} register(s):"),
        });
    }

    /// Shows a later stage ("deciding", "writing …").
    pub fn stage(&self, zh: &str, en: &str) {
        let style = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        self.bar.set_style(style);
        self.bar.set_message(self.lang.pick(zh, en).to_string());
    }

    /// Removes the line (before the summary is printed).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
