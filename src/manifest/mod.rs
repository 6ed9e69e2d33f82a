//! Destruction manifests (SPEC §1 steps 4–5, §4, §5): the documents a
//! committee prints, reviews, signs and trusts.
//!
//! DESTROY rows are grouped into batches by destruction site and level code
//! (`2024-D-001`, …), each written as its own workbook with a review column;
//! every line shows the rule and reason that destroy it, since the committee
//! approves on the reason. Every manifest carries a SHA-256 digest over a
//! canonical text form of its heading (unit, batch, as-of date, site, level
//! code, witnesses required) and its line items — not over the xlsx bytes,
//! so that filling in the review columns, or opening and saving the file in
//! Excel, changes nothing — and keeps what was issued in a hidden sheet, so
//! that [`verify`] can name the field or line that was changed, added or
//! removed.
//!
//! A title enters the digest as a keyed SHA-256: the key is derived from the
//! registers' own bytes and the batch, and is kept only in the office's
//! copy. A copy with titles withheld for an outside facility carries the
//! same digest and verifies, yet holds nothing from which a guessed title
//! could be confirmed (SPEC §6).
//!
//! - [`batch`]: the heading, line items and batches, the digest and the
//!   title keys — what a manifest says, as data;
//! - [`draft`]: writing the draft manifests (printable sheet, hidden
//!   `_items` sheet) and `index.csv`;
//! - [`verify`]: reading a manifest back and naming what changed.

pub mod approval;
pub mod batch;
pub mod draft;
pub mod review;
pub mod verify;

pub use batch::{
    Batch, EFFECTIVE_FIELD, FIELD_NAMES, HEADING_FIELDS, Heading, ITEMS_MAGIC, ITEMS_MAGIC_CELLS,
    LineItem, SEGMENT_SEPARATOR, TITLE_FIELD, batch_key, batches, digest, title_hash, title_key,
};
pub use draft::{
    INDEX_FILE, ITEMS_SHEET, ListOptions, REDACTED, Written, write_manifest, write_manifests,
};
