//! The canonical statement line (SPEC.md §16.2): its bytes, its leaf hash, the published file
//! of all lines of one statement, and the Merkle root and proofs over them.

use crate::entry::{
    date_field, opt_long_text, opt_short_text, short_text, FieldError, SignedMinor,
};
use crate::hash::{leaf_hash, Hash};
use crate::merkle::{self, ProofError};
use serde::{Deserialize, Serialize};

/// One line of a bank statement, as published. Fields are declared in key order, so
/// `serde_json` writes the canonical JSON (SPEC.md §3.1) directly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementLine {
    /// Signed minor units: positive money in (a credit), negative money out (a debit).
    pub amount: SignedMinor,
    /// The other party's name, when the charity may publish it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub counterparty: Option<String>,
    /// Instead of the name: a donor commitment (SPEC.md §2.4) to it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub counterparty_commitment: Option<Hash>,
    /// The booking day, `YYYY-MM-DD`.
    pub date: String,
    /// The bank's transaction id, which ledger entries name (`reference`).
    pub id: String,
    /// The transfer message, when published.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memo: Option<String>,
}

/// Why bytes are not a published statement line or file of lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Line `line` (from 1) is not JSON of the line's shape.
    #[error("line {line}: not a statement line: {problem}")]
    Malformed { line: u64, problem: String },
    /// Line `line` is valid JSON for a line, but not its one canonical encoding.
    #[error("line {line}: not the canonical encoding of the line (SPEC.md §16.2)")]
    NotCanonical { line: u64 },
    /// Line `line` has a field with an unacceptable value.
    #[error("line {line}: field {field}")]
    Field { line: u64, field: FieldError },
    /// The file does not end with a newline after its last line.
    #[error("the file of lines must end with a newline")]
    MissingFinalNewline,
}

impl StatementLine {
    /// Whether money came in.
    pub fn is_credit(&self) -> bool {
        self.amount.get() > 0
    }

    /// Checks the line's fields, naming the first bad one.
    ///
    /// # Errors
    /// A [`FieldError`] whose `field` is the line's JSON key.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.amount.get() == 0 {
            return Err(FieldError::new(
                "amount",
                "a statement line never moves zero",
            ));
        }
        if self.counterparty.is_some() && self.counterparty_commitment.is_some() {
            return Err(FieldError::new(
                "counterparty_commitment",
                "a line publishes the counterparty or a commitment to it, not both",
            ));
        }
        opt_short_text("counterparty", &self.counterparty)?;
        date_field("date", &self.date)?;
        short_text("id", &self.id)?;
        opt_long_text("memo", &self.memo)
    }

    /// The canonical bytes of the line, without a newline.
    pub fn encode(&self) -> Vec<u8> {
        // Serializing a plain struct of strings into a Vec cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The line's RFC 6962 leaf hash, SHA-256(0x00 || canonical bytes).
    pub fn leaf_hash(&self) -> Hash {
        leaf_hash(&self.encode())
    }
}

/// Parses one line (number `line`, for messages), requiring its canonical bytes and valid
/// fields.
///
/// # Errors
/// [`LineError`] naming the line and what is wrong.
pub fn decode_line(bytes: &[u8], line: u64) -> Result<StatementLine, LineError> {
    let parsed: StatementLine =
        serde_json::from_slice(bytes).map_err(|e| LineError::Malformed {
            line,
            problem: e.to_string(),
        })?;
    if parsed.encode() != bytes {
        return Err(LineError::NotCanonical { line });
    }
    parsed
        .validate()
        .map_err(|field| LineError::Field { line, field })?;
    Ok(parsed)
}

/// The published file of a statement's lines: each canonical line followed by `\n`.
pub fn encode_lines(lines: &[StatementLine]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(&l.encode());
        out.push(b'\n');
    }
    out
}

/// Parses a published file of lines.
///
/// # Errors
/// The first [`LineError`].
pub fn decode_lines(file: &[u8]) -> Result<Vec<StatementLine>, LineError> {
    if file.is_empty() {
        return Ok(Vec::new());
    }
    let body = file
        .strip_suffix(b"\n")
        .ok_or(LineError::MissingFinalNewline)?;
    body.split(|b| *b == b'\n')
        .zip(1u64..)
        .map(|(bytes, n)| decode_line(bytes, n))
        .collect()
}

/// The Merkle root over the lines' leaf hashes, in order (the empty tree's root for none).
pub fn lines_root(lines: &[StatementLine]) -> Hash {
    merkle::root_of(&line_hashes(lines))
}

/// The leaf hashes of the lines, in order.
pub fn line_hashes(lines: &[StatementLine]) -> Vec<Hash> {
    lines.iter().map(StatementLine::leaf_hash).collect()
}

/// The inclusion proof of line `index` (from 0) in the root over `lines`.
///
/// # Errors
/// [`ProofError::OutOfRange`] when there is no such line.
pub fn line_proof(lines: &[StatementLine], index: usize) -> Result<Vec<Hash>, ProofError> {
    merkle::inclusion_proof(&line_hashes(lines), index)
}
