//! One module per subcommand. Each takes its validated configuration,
//! ends with the closing summary every command prints ([`summary`]) and
//! returns whether the run succeeded; `main` maps that to an exit code.

pub mod confirm;
pub mod diff;
pub mod explain;
pub mod help;
pub mod ledger;
pub mod plan;
pub mod policy;
pub mod review;
pub mod status;
pub mod summary;
pub mod validate;
pub mod verify;

/// How a command ended, mapped by `main` to the documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: everything was read and done.
    Success,
    /// Exit 1: some input could not be read, or the data did not allow the
    /// job (the messages say which).
    DataError,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::DataError => 1,
        }
    }
}
