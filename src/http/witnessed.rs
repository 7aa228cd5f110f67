//! The `witnesses` member of append acknowledgements and `/proof/*` answers (SPEC.md §14):
//! the newest checkpoint witnesses cosigned that covers what the answer proves, with the
//! proof from the answer's tree to it, or, in so many words, that witnesses have not yet
//! cosigned one (`pending`) or that this ledger has none (`none`).

use super::schema::Sha256Hex;
use super::AppState;
use crate::ledger::hash::Hash;
use crate::witness::cosigned::{CosignedCheckpoint, Witnessed};
use serde::Serialize;
use utoipa::ToSchema;

/// Whether witnesses cosigned a checkpoint covering the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WitnessStatus {
    /// `checkpoint` is cosigned by witnesses and covers the answer; `proof` links the two.
    Cosigned,
    /// Witnesses are configured, but none has cosigned a checkpoint covering the answer
    /// yet (ask again in a few seconds).
    Pending,
    /// This ledger publishes no witness policy: its checkpoints are signed by it alone.
    None,
}

/// See the module docs. Fields in sorted order (the order of the answer's keys).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WitnessesJson {
    /// The cosigned checkpoint: the log's signed note followed by the witnesses'
    /// cosignature lines (only when `status` is `cosigned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub checkpoint: Option<String>,
    /// For an inclusion proof: the entry's audit path in the cosigned tree; for a
    /// consistency proof: the proof from the tree `to` to the cosigned tree (only when
    /// `status` is `cosigned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<Sha256Hex>, required = false)]
    pub proof: Option<Vec<Hash>>,
    /// The cosigned tree's root (only when `status` is `cosigned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Sha256Hex, required = false)]
    pub root: Option<Hash>,
    /// The cosigned tree's size (only when `status` is `cosigned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub size: Option<u64>,
    /// See [`WitnessStatus`].
    pub status: WitnessStatus,
}

impl WitnessesJson {
    /// `cosigned` with `proof` from the answer's tree to it.
    pub fn cosigned(c: CosignedCheckpoint, proof: Vec<Hash>) -> WitnessesJson {
        WitnessesJson {
            checkpoint: Some(c.note),
            proof: Some(proof),
            root: Some(c.root),
            size: Some(c.size),
            status: WitnessStatus::Cosigned,
        }
    }

    /// An answer with no cosigned checkpoint: `pending` or `none`.
    pub fn without(status: WitnessStatus) -> WitnessesJson {
        WitnessesJson {
            checkpoint: None,
            proof: None,
            root: None,
            size: None,
            status,
        }
    }
}

/// What the server knows of cosigned checkpoints covering a tree of `size` leaves.
pub fn covering(s: &AppState, size: u64) -> Witnessed {
    s.cosigned.covering(size, s.policy.is_some())
}

/// The status of an answer that carries no cosigned checkpoint.
pub fn status_of(w: &Witnessed) -> WitnessStatus {
    match w {
        Witnessed::Cosigned(_) => WitnessStatus::Cosigned,
        Witnessed::Pending => WitnessStatus::Pending,
        Witnessed::NoWitnesses => WitnessStatus::None,
    }
}
