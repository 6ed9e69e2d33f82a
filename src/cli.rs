//! The command line as the user types it (clap derive structs).
//!
//! These structs hold raw flags only; [`crate::config`] turns them, with the
//! policy file, into a validated configuration. Nothing past the config sees
//! a clap type.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Plans the year-end clearance of a confidentiality or records office.
///
/// Exit codes: 0 ok; 1 a data or input error (a file that cannot be read, a
/// bad policy); 2 a usage error.
#[derive(Debug, Parser)]
#[command(name = "clearance", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show how each register was understood, before anything is planned.
    ///
    /// For every sheet: the header row found, each column and the field it
    /// was read as (or "kept as is"), counts of data, skipped and rejected
    /// rows, and the first problems by row.
    ///
    /// Examples:
    ///
    ///   clearance validate data/sample-register.xlsx
    ///
    ///   clearance validate registers/*.xlsx registers/*.csv --out reports/check
    #[command(verbatim_doc_comment)]
    Validate(ValidateArgs),
    /// Plan the clearance: one disposition per holding, with its rule and
    /// reason, written to a run folder.
    ///
    /// Writes plan.xlsx, decisions.csv, decisions.parquet and skipped.csv to
    /// the output folder (default reports/<as-of>/). If any input cannot be
    /// read, nothing is written and the exit code is 1.
    ///
    /// Examples:
    ///
    ///   clearance plan data/sample-register.xlsx
    ///
    ///   clearance plan registers/*.xlsx --as-of 2024-12-31 --out reports/2024 --force
    ///
    ///   clearance plan registers/*.xlsx --policy our-policy.toml --lang en
    #[command(verbatim_doc_comment)]
    Plan(PlanArgs),
    /// Check or write a policy file.
    ///
    /// Examples:
    ///
    ///   clearance policy init my-policy.toml
    ///
    ///   clearance policy check my-policy.toml
    #[command(verbatim_doc_comment, subcommand)]
    Policy(PolicyCommand),
    /// Check that destruction manifests are as issued.
    ///
    /// Reports, line by line, any item changed, added or removed since the
    /// manifest was issued; filling in the review columns is not a change.
    /// Exit 0 when every manifest is intact, 1 otherwise.
    ///
    /// Examples:
    ///
    ///   clearance verify reports/2024-12-31/manifests/
    ///
    ///   clearance verify reviewed/2024-D-001.xlsx
    #[command(verbatim_doc_comment)]
    Verify {
        /// Manifest files, or folders of them.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
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
    ///   clearance review reviewed/*.xlsx
    ///
    ///   clearance review reviewed/*.xlsx --run reports/2024-12-31 --registers registers/*.xlsx
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
    ///   clearance confirm reports/2024-12-31-review/final/2024-D-001.xlsx --date 2025-01-15 --site "市保密局销毁中心" --witness 张三 --witness 李四
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
    ///   clearance status reports/2024-12-31 --ledger reports/ledger.jsonl
    #[command(verbatim_doc_comment)]
    Status(StatusArgs),
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
    /// Language: zh or en.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
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
    /// Language of labels: zh or en (default: the file's).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
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
    /// Language of labels: zh or en (default: the manifests').
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
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
    /// Language of labels: zh or en.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
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
