//! `clearance` plans the year-end clearance of a confidentiality or records
//! office: it reads the office's registers of held documents, applies a
//! retention and return policy, and writes the lists a committee signs.
//!
//! The crate is organised as the pipeline it runs:
//! [`ingest`] (files → canonical table) → [`policy`] (TOML → validated
//! rules and vocabularies) → outputs ([`output`]). The binary is a thin
//! layer: [`cli`] parses flags, [`config`] validates them once, and each
//! subcommand in [`cmd`] runs the pipeline.

pub mod cli;
pub mod cmd;
pub mod codes;
pub mod compare;
pub mod config;
pub mod cores;
pub mod domain;
pub mod fields;
pub mod files;
pub mod history;
pub mod ingest;
pub mod labels;
pub mod ledger;
pub mod lists;
pub mod manifest;
pub mod output;
pub mod plan;
pub mod policy;
pub mod progress;
pub mod record;
pub mod run_folder;
pub mod text;
pub mod vocabulary;
