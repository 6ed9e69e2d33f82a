//! The command line as the user types it (clap derive structs).
//!
//! These structs hold raw flags only; [`crate::config`] turns them, with the
//! policy file, into a validated configuration. Nothing past the config sees
//! a clap type.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Plans the year-end clearance of a confidentiality or records office.
///
/// The year, in order (each command's --help has examples):
///
///   clearance policy init my-policy.toml    once: a policy of your own to edit
///   clearance validate REGISTERS…           how every register is read
///   clearance plan REGISTERS…               one disposition per holding; draft
///                                           manifests and lists in reports/<as-of>/
///   clearance verify reviewed/              the committee's copies are as issued
///   clearance review reviewed/*.xlsx        final manifests from the reviewed drafts
///   clearance confirm FILE --date …         record a destruction, return or transfer
///   clearance status                        where the clearance stands
///   clearance explain DOC_ID REGISTERS…     why one holding is decided as it is
///   clearance plan … --ledger … --previous  next year
///
/// Exit codes: 0 done; 1 a data or input error (a file that cannot be read, a
/// bad policy, a changed manifest, a refused confirmation: nothing is
/// written); 2 a usage error. The user's guide is in the docs/ folder.
#[derive(Debug, Parser)]
#[command(name = "clearance", version, verbatim_doc_comment)]
pub struct Cli {
    /// Language of labels and terminal text: zh or en (default: the
    /// policy's `[unit] lang`, else zh).
    #[arg(long, value_enum, global = true)]
    pub lang: Option<LangArg>,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, in the order of the year's work.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a policy file to edit, or check one.
    ///
    /// `init` writes the shipped policy, with comments, for your office to
    /// adapt (aliases of your column headers, your retention schedule, your
    /// rules); `check` reports unknown keys, unknown fields, bad values and
    /// rules that can never match, naming the key and its line.
    ///
    /// Examples:
    ///
    ///   clearance policy init my-policy.toml
    ///
    ///   clearance policy check my-policy.toml
    #[command(verbatim_doc_comment, subcommand)]
    Policy(PolicyCommand),
    /// Show how each register is understood, before anything is planned.
    ///
    /// For every sheet: the header row found, each column and the field it
    /// was read as (or "kept as is", with the closest known header), counts
    /// of data, skipped and rejected rows, and the first problems by row.
    /// Nothing is decided. With --out, validation.xlsx (every problem with
    /// its cell) and canonical.csv (every row as read) are written.
    ///
    /// Examples:
    ///
    ///   clearance validate data/sample-register.xlsx
    ///
    ///   clearance validate data/sample-register.xlsx --out reports/check --show 3
    #[command(verbatim_doc_comment)]
    Validate(ValidateArgs),
    /// Plan the clearance: one disposition per holding, with its rule and
    /// reason, written to a run folder.
    ///
    /// Writes to the run folder (default reports/<as-of>/): plan.xlsx,
    /// decisions.csv and decisions.parquet, skipped.csv, run.json, the
    /// draft destruction manifests (manifests/) and the return, transfer,
    /// recall and appraisal lists (lists/). With --ledger, what the ledger
    /// records as gone is not planned again; with --previous, holdings
    /// held last year and in no register now are reported as missing
    /// (missing.csv). If any input cannot be read, nothing is written and
    /// the exit code is 1.
    ///
    /// Examples:
    ///
    ///   clearance plan data/sample-register.xlsx --as-of 2024-12-31 --force
    ///
    ///   clearance plan data/sample-register.xlsx --as-of 2024-12-31 --policy my-policy.toml --out reports/2024-my-policy --force
    ///
    ///   clearance plan data/sample-register.xlsx --as-of 2024-12-31 --split-by department --redact-titles --out reports/2024-split --lang en --force
    ///
    ///   clearance plan data/sample-register.xlsx --as-of 2025-12-31 --ledger reports/ledger.jsonl --previous reports/2024-12-31 --force
    #[command(verbatim_doc_comment)]
    Plan(PlanArgs),
    /// Check that destruction manifests are as issued.
    ///
    /// Reports, line by line, any item changed, added or removed since the
    /// manifest was issued; filling in the review columns is not a change.
    /// Give files, or folders (a run folder's manifests/, a review folder's
    /// final/). Exit 0 when every manifest is intact, 1 otherwise.
    ///
    /// Examples:
    ///
    ///   clearance verify reports/2024-12-31
    ///
    ///   clearance verify reviewed/
    #[command(verbatim_doc_comment)]
    Verify {
        /// Manifest files, or folders of them.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Read reviewed manifests back and write the final manifests.
    ///
    /// Each reviewed copy (saved by Excel, WPS or LibreOffice) is verified
    /// first: a copy whose heading or lines changed since issue is refused,
    /// naming what changed. Each line's decision is its own 审核意见 cell,
    /// else the whole-batch cell above the review columns; copies of one
    /// batch (split by department) are merged. With --registers, lines whose
    /// holding is now on hold or gone are dropped. Writes, per batch, the
    /// final manifest (approved lines only, renumbered, a new digest naming
    /// the draft's) with an appendix of the lines left out, and a review
    /// summary; records rejections and deferrals in the ledger.
    ///
    /// Examples:
    ///
    ///   clearance review reviewed/*.xlsx --run reports/2024-12-31
    ///
    ///   clearance review reviewed/*.xlsx --run reports/2024-12-31 --registers data/sample-register.xlsx --out reports/2024-recheck
    #[command(verbatim_doc_comment)]
    Review(ReviewArgs),
    /// Record that a batch was destroyed, or a list handed over.
    ///
    /// Give a final manifest (from `clearance review`) after its holdings
    /// were destroyed, or a return or transfer list (from `clearance plan`)
    /// after it was handed over. The file is verified first (a draft, or a
    /// file changed since issue, is refused); then one ledger entry is
    /// appended and a record to print and sign is written: 销毁记录 for a
    /// destruction (every line, date, site, level, each witness with a line
    /// to sign), a handover record for a return or transfer. Refused: fewer
    /// witnesses than the batch requires, a date before the plan's as-of
    /// date or in the future, a batch or list confirmed already.
    ///
    /// Examples:
    ///
    ///   clearance confirm reports/2024-12-31-review/final/2024-D-001-final.xlsx --date 2025-01-15 --site 市保密局销毁中心 --witness 张三 --witness 李四
    ///
    ///   clearance confirm reports/2024-12-31/lists/清退清单-市委办公室.xlsx --date 2025-01-10 --receiver 王五
    #[command(verbatim_doc_comment)]
    Confirm(ConfirmArgs),
    /// Show where this year's clearance stands.
    ///
    /// For the run folder (default: the newest under reports/): each
    /// destruction batch drafted, reviewed, final or confirmed; each return
    /// and transfer list handed over or not; and what is still open, with
    /// the command that closes it.
    ///
    /// Examples:
    ///
    ///   clearance status
    ///
    ///   clearance status reports/2024-12-31 --ledger reports/ledger.jsonl --lang en
    #[command(verbatim_doc_comment)]
    Status(StatusArgs),
    /// Explain why one holding is decided as it is.
    ///
    /// For every row with the document number DOC_ID: the cells as read
    /// (sheet, cell, the text as written and what it was understood as),
    /// the retention and declassification dates with their arithmetic,
    /// each rule case in policy order with the conditions that held or
    /// failed, the disposition (and any safety check or ledger entry that
    /// overruled the rules), the destruction method and why, and the
    /// anomalies. It reads and decides exactly as `plan` does, and writes
    /// nothing.
    ///
    /// Examples:
    ///
    ///   clearance explain 收〔2010〕232号 data/sample-register.xlsx --as-of 2024-12-31
    ///
    ///   clearance explain 机要〔2016〕252号 data/sample-register.xlsx --lang en
    #[command(verbatim_doc_comment)]
    Explain(ExplainArgs),
    /// Check or list the ledger of destructions, returns and transfers.
    ///
    /// The ledger (default reports/ledger.jsonl) has one entry per
    /// confirmation and per committee rejection or deferral, each holding
    /// the SHA-256 of the one before it. `verify` names every entry edited,
    /// deleted, reordered or inserted, and a torn last line; `show` lists
    /// the entries.
    ///
    /// Examples:
    ///
    ///   clearance ledger verify
    ///
    ///   clearance ledger show reports/ledger.jsonl
    #[command(verbatim_doc_comment, subcommand)]
    Ledger(LedgerCommand),
    /// Compare two run folders: what changed, holding by holding.
    ///
    /// For every holding whose disposition, destination or destruction
    /// method differs between the two runs: old → new, with both reasons;
    /// a matrix of old × new dispositions; the holdings found in one run
    /// only. Use it to preview a new retention schedule (plan twice, with
    /// the old and the new policy) or to compare this year with last.
    /// Writes the comparison to a workbook and prints a summary.
    ///
    /// Examples:
    ///
    ///   clearance diff reports/2024-12-31 reports/2024-my-policy
    ///
    ///   clearance diff reports/2024-12-31 reports/2025-12-31 --out year-on-year.xlsx
    #[command(verbatim_doc_comment)]
    Diff(DiffArgs),
    /// Print a shell completion script.
    ///
    /// Examples:
    ///
    ///   clearance completions bash > clearance.bash
    ///
    ///   clearance completions powershell > clearance.ps1
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one per command.
    ///
    /// Examples:
    ///
    ///   clearance man > clearance.1
    ///
    ///   clearance man --out man/
    #[command(verbatim_doc_comment)]
    Man {
        /// Write clearance.1 and one page per command into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// `clearance diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier run folder.
    #[arg(value_name = "OLD_RUN")]
    pub old: PathBuf,
    /// The later run folder.
    #[arg(value_name = "NEW_RUN")]
    pub new: PathBuf,
    /// The workbook to write (default: diff-<OLD>-<NEW>.xlsx beside
    /// NEW_RUN).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `clearance status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The run folder (default: the newest under reports/).
    #[arg(value_name = "RUN_DIR")]
    pub run: Option<PathBuf>,
    /// The ledger (default: reports/ledger.jsonl).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

/// `clearance confirm`.
#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// A final manifest, or a return or transfer list.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// When it was destroyed or handed over (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub date: String,
    /// Where it was destroyed (required for a destruction); for a handover,
    /// the receiving unit when it is not the list's.
    #[arg(long, value_name = "TEXT")]
    pub site: Option<String>,
    /// A witness of the destruction (监销人); repeat for each.
    #[arg(long = "witness", value_name = "NAME")]
    pub witnesses: Vec<String>,
    /// Who received a return or transfer (接收人); repeat for each.
    #[arg(long = "receiver", value_name = "NAME")]
    pub receivers: Vec<String>,
    /// The ledger (default: reports/ledger.jsonl).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// Where to write the record (default: records/ beside the ledger).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Record a document that has no index.csv beside it (moved or copied
    /// out of its folder), checked for internal consistency only.
    #[arg(long)]
    pub without_index: bool,
}

/// `clearance review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Reviewed draft manifests.
    #[arg(required = true, value_name = "REVIEWED")]
    pub files: Vec<PathBuf>,
    /// The plan's run folder the drafts came from (default:
    /// reports/<as-of> of the manifests).
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
    /// The current registers: lines whose holding is now on hold or gone
    /// are dropped.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub registers: Vec<PathBuf>,
    /// Policy file for reading the registers (default: the shipped one).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Where to write the final manifests and the summary (default:
    /// <run>-review).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an earlier review folder.
    #[arg(long)]
    pub force: bool,
    /// The ledger that records rejections and deferrals (default:
    /// reports/ledger.jsonl).
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

/// `clearance ledger …`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check the hash chain and every entry.
    Verify {
        /// The ledger (default: reports/ledger.jsonl).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// List the entries.
    Show {
        /// The ledger (default: reports/ledger.jsonl).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

/// `clearance policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Report unknown keys, unknown fields, bad values and rules that can
    /// never match, naming the key.
    Check {
        /// The policy file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write the default policy to a file, to edit.
    Init {
        /// Where to write it.
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

/// `clearance plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Inputs, policy and limits.
    #[command(flatten)]
    pub input: InputArgs,
    /// The date the plan is made as of (default: 31 December of this year).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// The run folder (default: reports/<as-of>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace an existing run folder.
    #[arg(long)]
    pub force: bool,
    /// Also write facility manifests with titles withheld (the digest, over
    /// the full items, is the same as the office's copy).
    #[arg(long)]
    pub redact_titles: bool,
    /// Also write one copy of each manifest per department, for parallel
    /// review.
    #[arg(long, value_enum, value_name = "FIELD")]
    pub split_by: Option<SplitBy>,
    /// The ledger of earlier years (e.g. reports/ledger.jsonl): what it
    /// records as destroyed, returned or transferred is DONE, or REVIEW
    /// with REAPPEARED when a register still shows it held.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// Last year's run folder: holdings held then that no register holds
    /// now, with no ledger entry to explain it, are listed as missing.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
}

/// What manifests can be split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitBy {
    /// The holding department.
    Department,
}

/// Output language for labels and sheet names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LangArg {
    /// Chinese (default).
    #[default]
    Zh,
    /// English.
    En,
}

/// Flags shared by every command that reads registers.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Register files: .xlsx, .xlsm, .xlsb, .xls, .ods, .csv.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Policy file (default: the shipped data/policy.toml).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Largest input file accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub max_file_mib: u64,
    /// Largest size one part of a workbook archive may inflate to, in MiB
    /// (guards against zip bombs).
    #[arg(long, value_name = "MIB", default_value_t = 2048)]
    pub max_inflated_mib: u64,
}

/// `clearance explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The holding's document number, as written in the register.
    #[arg(value_name = "DOC_ID")]
    pub doc_id: String,
    /// Inputs, policy and limits: the same registers as the plan.
    #[command(flatten)]
    pub input: InputArgs,
    /// The date the plan is made as of (default: 31 December of this year).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// The ledger of earlier years, as given to `plan --ledger`.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
}

/// `clearance validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Inputs, policy and limits.
    #[command(flatten)]
    pub input: InputArgs,
    /// Also write validation.xlsx (every problem, skipped and rejected row)
    /// and canonical.csv (every row as it was read) into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How many problems to print per sheet.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub show: usize,
}
