//! Turning raw command-line flags and the policy file into a validated
//! configuration, once, before any work starts.
//!
//! The pipeline sees only these types. A bad policy or a bad limit fails
//! here, with a message naming the key or flag.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use chrono::{Datelike, NaiveDate};

use crate::cli::{
    ConfirmArgs, DiffArgs, InputArgs, LangArg, LedgerCommand, PlanArgs, PolicyCommand, ReviewArgs,
    StatusArgs, ValidateArgs,
};
use crate::ingest::Limits;
use crate::policy::Policy;

pub use crate::labels::Lang;

/// The flags every command takes: `--lang` and `--quiet`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Globals {
    /// The language asked for, if any.
    pub lang: Option<Lang>,
    /// No progress bars.
    pub quiet: bool,
}

impl Globals {
    /// The global flags as given.
    pub fn new(lang: Option<LangArg>, quiet: bool) -> Globals {
        Globals {
            lang: lang.map(lang_of),
            quiet,
        }
    }

    /// The language: the flag's, else the policy's `[unit] lang`, else
    /// Chinese.
    pub fn lang_with(&self, policy: &Policy) -> Lang {
        self.lang
            .or(match policy.plan.unit_lang.as_deref() {
                Some("en") => Some(Lang::En),
                Some("zh") => Some(Lang::Zh),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The language of a command that reads no policy: the flag's, else
    /// Chinese.
    pub fn lang_without_policy(&self) -> Lang {
        self.lang.unwrap_or_default()
    }
}

/// What every register-reading command needs.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// Register files, as given.
    pub files: Vec<PathBuf>,
    /// The policy file, if one was given (else the shipped policy).
    pub policy_file: Option<PathBuf>,
    /// The loaded policy.
    pub policy: Policy,
    /// Input size limits.
    pub limits: Limits,
    /// Output language.
    pub lang: Lang,
    /// No progress bars.
    pub quiet: bool,
}

/// `clearance validate`'s configuration.
#[derive(Debug, Clone)]
pub struct ValidateConfig {
    /// Inputs and policy.
    pub input: InputConfig,
    /// Where to write validation.xlsx, if anywhere.
    pub out: Option<PathBuf>,
    /// Problems printed per sheet.
    pub show: usize,
}

fn input_config(args: InputArgs, globals: Globals) -> Result<InputConfig> {
    let policy = load_policy(args.policy.as_ref())?;
    // The same register named twice would be counted twice.
    let mut seen = std::collections::HashMap::new();
    for file in &args.files {
        if let Ok(canonical) = std::fs::canonicalize(file)
            && let Some(first) = seen.insert(canonical, file.clone())
        {
            bail!(
                "{} and {} are the same file; give each register once",
                first.display(),
                file.display()
            );
        }
    }
    if args.max_file_mib == 0 {
        bail!("--max-file-mib must be at least 1");
    }
    if args.max_inflated_mib == 0 {
        bail!("--max-inflated-mib must be at least 1");
    }
    Ok(InputConfig {
        files: args.files,
        policy_file: args.policy,
        limits: Limits {
            max_file_bytes: args.max_file_mib.saturating_mul(1 << 20),
            max_inflated_bytes: args.max_inflated_mib.saturating_mul(1 << 20),
        },
        lang: globals.lang_with(&policy),
        policy,
        quiet: globals.quiet,
    })
}

/// Builds `validate`'s configuration.
pub fn validate_config(args: ValidateArgs, globals: Globals) -> Result<ValidateConfig> {
    Ok(ValidateConfig {
        input: input_config(args.input, globals)?,
        out: args.out,
        show: args.show,
    })
}

/// `clearance review`'s configuration.
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    /// Reviewed draft manifests.
    pub files: Vec<PathBuf>,
    /// The run folder of the plan, if given.
    pub run: Option<PathBuf>,
    /// Current registers to re-check holds against.
    pub registers: Vec<PathBuf>,
    /// The policy for reading them.
    pub policy: Policy,
    /// The review folder, if given.
    pub out: Option<PathBuf>,
    /// Whether an earlier review folder may be replaced.
    pub force: bool,
    /// The ledger.
    pub ledger: PathBuf,
    /// The terminal's language: the flag's, else the policy's, else
    /// Chinese.
    pub lang: Lang,
    /// The final manifests' language, if given (else the drafts').
    pub document_lang: Option<Lang>,
}

fn load_policy(path: Option<&PathBuf>) -> Result<Policy> {
    match path {
        Some(path) => Policy::load(path).with_context(|| "loading the policy"),
        None => Policy::default_policy().context("loading the shipped policy"),
    }
}

fn lang_of(arg: LangArg) -> Lang {
    match arg {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    }
}

/// Builds `review`'s configuration.
pub fn review_config(args: ReviewArgs, globals: Globals) -> Result<ReviewConfig> {
    let policy = load_policy(args.policy.as_ref())?;
    Ok(ReviewConfig {
        files: args.files,
        run: args.run,
        registers: args.registers,
        out: args.out,
        force: args.force,
        ledger: args
            .ledger
            .unwrap_or_else(|| PathBuf::from(crate::ledger::DEFAULT_LEDGER)),
        lang: globals.lang_with(&policy),
        document_lang: globals.lang,
        policy,
    })
}

/// `clearance explain`'s configuration.
#[derive(Debug, Clone)]
pub struct ExplainConfig {
    /// Inputs and policy.
    pub input: InputConfig,
    /// The document number asked about.
    pub doc_id: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The ledger of earlier years, if given.
    pub ledger: Option<PathBuf>,
}

/// Validates `clearance explain`'s flags and loads the policy.
pub fn explain_config(args: crate::cli::ExplainArgs, globals: Globals) -> Result<ExplainConfig> {
    let today = chrono::Local::now().date_naive();
    if args.doc_id.trim().is_empty() {
        bail!("DOC_ID is blank: give the document number as written in the register");
    }
    Ok(ExplainConfig {
        as_of: as_of_date(args.as_of.as_deref(), today)?,
        input: input_config(args.input, globals)?,
        doc_id: args.doc_id,
        ledger: args.ledger,
    })
}

/// `clearance diff`'s configuration.
#[derive(Debug, Clone)]
pub struct DiffConfig {
    /// The earlier run folder.
    pub old: PathBuf,
    /// The later run folder.
    pub new: PathBuf,
    /// The workbook to write.
    pub out: PathBuf,
    /// Language.
    pub lang: Lang,
}

/// Validates `clearance diff`'s flags.
pub fn diff_config(args: DiffArgs, globals: Globals) -> DiffConfig {
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "run".into())
    };
    let out = args.out.unwrap_or_else(|| {
        args.new
            .with_file_name(format!("diff-{}-{}.xlsx", name(&args.old), name(&args.new)))
    });
    DiffConfig {
        old: args.old,
        new: args.new,
        out,
        lang: globals.lang_without_policy(),
    }
}

/// `clearance status`'s configuration.
#[derive(Debug, Clone)]
pub struct StatusConfig {
    /// The run folder, if given.
    pub run: Option<PathBuf>,
    /// The ledger.
    pub ledger: PathBuf,
    /// Language.
    pub lang: Lang,
}

/// Validates `clearance status`'s flags.
pub fn status_config(args: StatusArgs, globals: Globals) -> StatusConfig {
    StatusConfig {
        run: args.run,
        ledger: args
            .ledger
            .unwrap_or_else(|| PathBuf::from(crate::ledger::DEFAULT_LEDGER)),
        lang: globals.lang_without_policy(),
    }
}

/// `clearance confirm`'s configuration.
#[derive(Debug, Clone)]
pub struct ConfirmConfig {
    /// The final manifest or handover list.
    pub file: PathBuf,
    /// When it happened.
    pub date: NaiveDate,
    /// Where, if given.
    pub site: Option<String>,
    /// Witnesses, trimmed, each once.
    pub witnesses: Vec<String>,
    /// Receivers, trimmed, each once.
    pub receivers: Vec<String>,
    /// The ledger.
    pub ledger: PathBuf,
    /// Where the record goes.
    pub out: PathBuf,
    /// The terminal's language: the flag's, else Chinese.
    pub lang: Lang,
    /// The record's language, if given (else the document's).
    pub document_lang: Option<Lang>,
    /// Whether a document without its index.csv may be recorded.
    pub without_index: bool,
}

/// Names as given, trimmed, blanks dropped, each once (first spelling).
fn distinct_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim().to_string();
        if !n.is_empty() && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// Validates `clearance confirm`'s flags.
pub fn confirm_config(args: ConfirmArgs, globals: Globals) -> Result<ConfirmConfig> {
    let date = NaiveDate::parse_from_str(args.date.trim(), "%Y-%m-%d")
        .with_context(|| format!("--date {}: expected a date as YYYY-MM-DD", args.date))?;
    let ledger = args
        .ledger
        .unwrap_or_else(|| PathBuf::from(crate::ledger::DEFAULT_LEDGER));
    let out = args.out.unwrap_or_else(|| {
        ledger
            .parent()
            .map_or_else(|| PathBuf::from("records"), |p| p.join("records"))
    });
    Ok(ConfirmConfig {
        file: args.file,
        date,
        site: args
            .site
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        witnesses: distinct_names(args.witnesses),
        receivers: distinct_names(args.receivers),
        ledger,
        out,
        lang: globals.lang_without_policy(),
        document_lang: globals.lang,
        without_index: args.without_index,
    })
}

/// `clearance plan`'s configuration.
#[derive(Debug, Clone)]
pub struct PlanConfig {
    /// Inputs and policy.
    pub input: InputConfig,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// The run folder.
    pub out: PathBuf,
    /// Whether an existing run folder may be replaced.
    pub force: bool,
    /// Write redacted copies of facility manifests.
    pub redact_titles: bool,
    /// Write per-department copies of manifests.
    pub split_by_department: bool,
    /// The ledger of earlier years, if given.
    pub ledger: Option<PathBuf>,
    /// Last year's run folder, if given.
    pub previous: Option<PathBuf>,
}

/// Reads an as-of date; the default is 31 December of `today`'s year.
///
/// ```
/// use chrono::NaiveDate;
/// use clearance::config::as_of_date;
/// let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
/// assert_eq!(as_of_date(None, today).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
/// assert!(as_of_date(Some("2024-02-30"), today).is_err());
/// ```
pub fn as_of_date(text: Option<&str>, today: NaiveDate) -> Result<NaiveDate> {
    match text {
        None => NaiveDate::from_ymd_opt(today.year(), 12, 31).context("no 31 December this year"),
        Some(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
            .with_context(|| format!("--as-of {t}: expected a date as YYYY-MM-DD")),
    }
}

/// Builds `plan`'s configuration.
pub fn plan_config(args: PlanArgs, globals: Globals) -> Result<PlanConfig> {
    let today = chrono::Local::now().date_naive();
    let as_of = as_of_date(args.as_of.as_deref(), today)?;
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("reports").join(as_of.format("%Y-%m-%d").to_string()));
    Ok(PlanConfig {
        input: input_config(args.input, globals)?,
        as_of,
        out,
        force: args.force,
        redact_titles: args.redact_titles,
        split_by_department: args.split_by == Some(crate::cli::SplitBy::Department),
        ledger: args.ledger,
        previous: args.previous,
    })
}

/// `clearance verify`'s configuration.
#[derive(Debug, Clone)]
pub struct VerifyConfig {
    /// Manifest files, or folders of them.
    pub paths: Vec<PathBuf>,
    /// The terminal's language: the flag's, else Chinese.
    pub lang: Lang,
}

/// Builds `verify`'s configuration.
pub fn verify_config(paths: Vec<PathBuf>, globals: Globals) -> VerifyConfig {
    VerifyConfig {
        paths,
        lang: globals.lang_without_policy(),
    }
}

/// What `clearance ledger` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerAction {
    /// Check the hash chain.
    Verify,
    /// List the entries.
    Show,
}

/// `clearance ledger`'s configuration.
#[derive(Debug, Clone)]
pub struct LedgerConfig {
    /// Verify or show.
    pub action: LedgerAction,
    /// The ledger.
    pub file: PathBuf,
    /// The terminal's language: the flag's, else Chinese.
    pub lang: Lang,
}

/// Builds `ledger verify|show`'s configuration.
pub fn ledger_config(command: LedgerCommand, globals: Globals) -> LedgerConfig {
    let (action, file) = match command {
        LedgerCommand::Verify { file } => (LedgerAction::Verify, file),
        LedgerCommand::Show { file } => (LedgerAction::Show, file),
    };
    LedgerConfig {
        action,
        file: file.unwrap_or_else(|| PathBuf::from(crate::ledger::DEFAULT_LEDGER)),
        lang: globals.lang_without_policy(),
    }
}

/// What `clearance policy` does.
#[derive(Debug, Clone)]
pub enum PolicyAction {
    /// Report on a policy file, loaded (a policy that does not load is an
    /// error here).
    Check {
        /// The file.
        file: PathBuf,
        /// The policy it holds.
        policy: Box<Policy>,
    },
    /// Write the shipped policy to a file.
    Init {
        /// Where.
        path: PathBuf,
        /// Whether an existing file may be replaced.
        force: bool,
    },
}

/// `clearance policy`'s configuration.
#[derive(Debug, Clone)]
pub struct PolicyConfig {
    /// Check or init.
    pub action: PolicyAction,
    /// The terminal's language: the flag's, else (for `check`) the checked
    /// policy's, else Chinese.
    pub lang: Lang,
}

/// Builds `policy check|init`'s configuration; `check` loads the policy.
pub fn policy_config(command: PolicyCommand, globals: Globals) -> Result<PolicyConfig> {
    Ok(match command {
        PolicyCommand::Check { file } => {
            let policy = Policy::load(&file)?;
            PolicyConfig {
                lang: globals.lang_with(&policy),
                action: PolicyAction::Check {
                    file,
                    policy: Box::new(policy),
                },
            }
        }
        PolicyCommand::Init { path, force } => PolicyConfig {
            action: PolicyAction::Init { path, force },
            lang: globals.lang_without_policy(),
        },
    })
}
