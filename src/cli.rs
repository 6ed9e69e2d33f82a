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
