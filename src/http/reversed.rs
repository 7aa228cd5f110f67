//! Reversal marks: every answer that shows a parsed entry says whether a published reversal
//! undoes it (`reversed_by`), so a reversed gift never looks valid on its own.

use super::error::ApiError;
use super::AppState;
use crate::ledger::entry::ReversalReason;
use crate::ledger::{decode, Body};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// The published reversal of an entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReversedBy {
    /// The reversal's position.
    pub seq: u64,
    /// Why it was reversed.
    #[schema(value_type = String, example = "refund")]
    pub reason: ReversalReason,
    /// The reversal's note, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The published reversal (in the latest checkpoint) of each of `seqs` that has one.
///
/// # Errors
/// [`ApiError`] when the store fails.
pub async fn reversals(s: &AppState, seqs: &[u64]) -> Result<HashMap<u64, ReversedBy>, ApiError> {
    let size = s.sequencer.view().checkpoint.size;
    let found = s.store.reversals_of(seqs).await?;
    let mut marks = HashMap::with_capacity(found.len());
    for (reversed, entry) in found {
        if entry.seq >= size {
            continue;
        }
        if let Ok(e) = decode(&entry.leaf) {
            if let Body::Reversal(r) = e.body {
                marks.insert(
                    reversed,
                    ReversedBy {
                        seq: entry.seq,
                        reason: r.reason,
                        note: r.note,
                    },
                );
            }
        }
    }
    Ok(marks)
}

/// The published reversal of entry `seq`, if it has one.
///
/// # Errors
/// [`ApiError`] when the store fails.
pub async fn reversal(s: &AppState, seq: u64) -> Result<Option<ReversedBy>, ApiError> {
    Ok(reversals(s, &[seq]).await?.remove(&seq))
}
