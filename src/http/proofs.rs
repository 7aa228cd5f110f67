//! Public Merkle proofs (SPEC.md §5): that an entry is in the tree of a published size
//! (`GET /proof/inclusion`), and that a published tree is a prefix of a later one
//! (`GET /proof/consistency`).

use super::error::ApiError;
use super::schema::Sha256Hex;
use super::sorted::Sorted;
use super::witnessed::{covering, status_of, WitnessesJson};
use super::{ApiQuery, AppState};
use crate::ledger::hash::Hash;
use crate::witness::cosigned::Witnessed;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An inclusion proof: the audit path from leaf `index` to the root of the tree of `size`
/// entries.
#[derive(Serialize, ToSchema)]
pub struct InclusionProof {
    /// The entry's position.
    pub index: u64,
    /// The tree size the proof is against.
    pub size: u64,
    /// Leaf hash of the entry.
    #[schema(value_type = Sha256Hex)]
    pub leaf_hash: Hash,
    /// Root of the tree of `size` entries.
    #[schema(value_type = Sha256Hex)]
    pub root: Hash,
    /// The audit path, bottom up.
    #[schema(value_type = Vec<Sha256Hex>)]
    pub proof: Vec<Hash>,
}

/// The answer of `GET /proof/inclusion`: an [`InclusionProof`] and what witnesses cosigned.
#[derive(Serialize, ToSchema)]
pub struct InclusionAnswer {
    /// The entry's position.
    index: u64,
    /// The tree size the proof is against.
    size: u64,
    /// Leaf hash of the entry.
    #[schema(value_type = Sha256Hex)]
    leaf_hash: Hash,
    /// Root of the tree of `size` entries.
    #[schema(value_type = Sha256Hex)]
    root: Hash,
    /// The audit path, bottom up.
    #[schema(value_type = Vec<Sha256Hex>)]
    proof: Vec<Hash>,
    /// The newest cosigned checkpoint that includes the entry, with the entry's audit
    /// path in its tree, or why there is none.
    witnesses: WitnessesJson,
}

/// A consistency proof between the trees of `from` and `to` entries.
#[derive(Serialize, ToSchema)]
pub struct ConsistencyProof {
    /// The smaller tree's size.
    from: u64,
    /// The larger tree's size.
    to: u64,
    /// Root of the tree of `from` entries.
    #[schema(value_type = Sha256Hex)]
    root_from: Hash,
    /// Root of the tree of `to` entries.
    #[schema(value_type = Sha256Hex)]
    root_to: Hash,
    /// The proof's hashes (RFC 6962 §2.1.2); empty when `from` equals `to`.
    #[schema(value_type = Vec<Sha256Hex>)]
    proof: Vec<Hash>,
    /// The newest cosigned checkpoint that covers the tree of `to` entries, with the
    /// consistency proof from `to` to it, or why there is none.
    witnesses: WitnessesJson,
}

/// Query of `GET /proof/inclusion`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// The entry's position.
    index: u64,
    /// The tree size to prove against; the latest checkpoint's when absent.
    size: Option<u64>,
}

/// The inclusion proof of entry `index` in the tree of `size` entries.
#[utoipa::path(
    get, path = "/proof/inclusion", tag = "proofs",
    params(InclusionQuery),
    responses(
        (status = 200, description = "The proof", body = InclusionAnswer),
        (status = 400, description = "`index` not below `size`, or `size` beyond the ledger", body = super::error::ErrorBody),
    )
)]
pub async fn inclusion(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Sorted<InclusionAnswer>, ApiError> {
    let checkpoint = s.sequencer.view().checkpoint.clone();
    let current = checkpoint.size;
    let size = q.size.unwrap_or(current);
    if size > current {
        return Err(ApiError::bad_query(
            "size",
            format!("size {size} is larger than the ledger ({current})"),
        ));
    }
    if q.index >= size {
        return Err(ApiError::bad_query(
            "index",
            format!("index {} is not below size {size}", q.index),
        ));
    }
    let (leaf_hash, proof) = s.store.leaf_and_inclusion_proof(q.index, size).await?;
    let root = if size == current {
        checkpoint.root
    } else {
        s.store.tree_root(size).await?
    };
    let witnesses = match covering(&s, q.index + 1) {
        Witnessed::Cosigned(c) => {
            let path = if c.size == size {
                proof.clone()
            } else {
                s.store.inclusion_proof(q.index, c.size).await?
            };
            WitnessesJson::cosigned(c, path)
        }
        other => WitnessesJson::without(status_of(&other)),
    };
    Ok(Sorted(InclusionAnswer {
        index: q.index,
        size,
        leaf_hash,
        root,
        proof,
        witnesses,
    }))
}

/// Query of `GET /proof/consistency`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The smaller tree's size, at least 1.
    from: u64,
    /// The larger tree's size; the latest checkpoint's when absent.
    to: Option<u64>,
}

/// The consistency proof between the trees of `from` and `to` entries.
#[utoipa::path(
    get, path = "/proof/consistency", tag = "proofs",
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "The proof", body = ConsistencyProof),
        (status = 400, description = "`from` is 0 or above `to`, or `to` beyond the ledger", body = super::error::ErrorBody),
    )
)]
pub async fn consistency(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Sorted<ConsistencyProof>, ApiError> {
    let current = s.sequencer.view().checkpoint.size;
    let to = q.to.unwrap_or(current);
    if to > current {
        return Err(ApiError::bad_query(
            "to",
            format!("to {to} is larger than the ledger ({current})"),
        ));
    }
    if q.from == 0 {
        return Err(ApiError::bad_query(
            "from",
            "from must be at least 1: a consistency proof starts from a tree that was published",
        ));
    }
    if q.from > to {
        return Err(ApiError::bad_query(
            "from",
            format!("from {} is larger than to {to}", q.from),
        ));
    }
    let proof = if q.from == to {
        Vec::new()
    } else {
        s.store.consistency_proof(q.from, to).await?
    };
    let root_from = s.store.tree_root(q.from).await?;
    let root_to = s.store.tree_root(to).await?;
    let witnesses = match covering(&s, to) {
        Witnessed::Cosigned(c) => {
            let onward = if c.size == to {
                Vec::new()
            } else {
                s.store.consistency_proof(to, c.size).await?
            };
            WitnessesJson::cosigned(c, onward)
        }
        other => WitnessesJson::without(status_of(&other)),
    };
    Ok(Sorted(ConsistencyProof {
        from: q.from,
        to,
        root_from,
        root_to,
        proof,
        witnesses,
    }))
}
