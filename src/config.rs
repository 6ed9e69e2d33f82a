//! Turning raw command-line flags and the policy file into a validated
//! configuration, once, before any work starts.
//!
//! The pipeline sees only these types. A bad policy or a bad limit fails
//! here, with a message naming the key or flag.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::cli::{InputArgs, LangArg, ValidateArgs};
use crate::ingest::Limits;
use crate::policy::Policy;

/// Language of labels, sheet names and reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the label for this language.
    ///
    /// ```
    /// use clearance::config::Lang;
    /// assert_eq!(Lang::En.pick("文件", "File"), "File");
    /// ```
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// What every register-reading command needs.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// Register files, as given.
    pub files: Vec<PathBuf>,
    /// The loaded policy.
    pub policy: Policy,
    /// Input size limits.
    pub limits: Limits,
    /// Output language.
    pub lang: Lang,
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

fn input_config(args: InputArgs) -> Result<InputConfig> {
    let policy = match &args.policy {
        Some(path) => Policy::load(path).with_context(|| "loading the policy")?,
        None => Policy::default_policy().context("loading the shipped policy")?,
    };
    if args.max_file_mib == 0 {
        bail!("--max-file-mib must be at least 1");
    }
    if args.max_inflated_mib == 0 {
        bail!("--max-inflated-mib must be at least 1");
    }
    Ok(InputConfig {
        files: args.files,
        policy,
        limits: Limits {
            max_file_bytes: args.max_file_mib.saturating_mul(1 << 20),
            max_inflated_bytes: args.max_inflated_mib.saturating_mul(1 << 20),
        },
        lang: match args.lang {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        },
    })
}

/// Builds `validate`'s configuration.
pub fn validate_config(args: ValidateArgs) -> Result<ValidateConfig> {
    Ok(ValidateConfig {
        input: input_config(args.input)?,
        out: args.out,
        show: args.show,
    })
}
