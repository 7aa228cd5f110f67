//! The public log: what this ledger is (`/info`, `/key`), its latest signed checkpoint
//! (`/checkpoint`), its entries (`/entries`, `/entries/{seq}`) and its totals (`/totals`). No authentication, never personal data.

use super::error::{ApiError, ErrorBody};
use super::proofs::InclusionProof;
use super::reversed::{reversal, reversals, ReversedBy};
use super::schema::{AuditStateSchema, LedgerEntrySchema, Sha256Hex, TotalsSchema};
use super::sorted::Sorted;
use super::{ApiPath, ApiQuery, AppState};
use crate::audit::schedule::AuditState;
use crate::ledger::hash::Hash;
use crate::store::StoredEntry;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// Largest page of `/entries`.
pub const MAX_PAGE: u64 = 1000;

/// `text` as a `content_type` answer that no cache keeps.
fn text(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// An entry as the API lists it: its position, leaf hash and the entry parsed from its
/// leaf (`null` for a leaf that is not JSON, which a verified ledger never holds).
#[derive(Serialize, ToSchema)]
pub struct EntryRow {
    /// Position in the ledger.
    seq: u64,
    /// SHA-256(0x00 || leaf).
    #[schema(value_type = Sha256Hex)]
    leaf_hash: Hash,
    /// The entry.
    #[schema(value_type = LedgerEntrySchema)]
    entry: Value,
    /// The published reversal that undoes this entry, or `null`.
    reversed_by: Option<ReversedBy>,
}

impl EntryRow {
    /// The row of a stored entry (not marked reversed: see [`EntryRow::mark_reversals`]).
    pub(super) fn of(e: &StoredEntry) -> EntryRow {
        EntryRow {
            seq: e.seq,
            leaf_hash: e.leaf_hash,
            entry: serde_json::from_slice(&e.leaf).unwrap_or(Value::Null),
            reversed_by: None,
        }
    }

    /// Marks each of `rows` that a published reversal undoes.
    ///
    /// # Errors
    /// [`ApiError`] when the store fails.
    pub(super) async fn mark_reversals(
        s: &AppState,
        rows: &mut [EntryRow],
    ) -> Result<(), ApiError> {
        let seqs: Vec<u64> = rows.iter().map(|r| r.seq).collect();
        let mut marks = reversals(s, &seqs).await?;
        for row in rows {
            row.reversed_by = marks.remove(&row.seq);
        }
        Ok(())
    }
}

/// A key the ledger has been signed with, and from which size.
#[derive(Serialize, ToSchema)]
pub struct SigningKey {
    /// The size of the first checkpoint it signs: 0 for the first key, the `key.rotate`
    /// entry's `seq + 1` for a later one.
    from: u64,
    /// The verifier key.
    key: String,
}

/// What this ledger is and where it stands.
#[derive(Serialize, ToSchema)]
pub struct Info {
    /// The organisation's name.
    name: String,
    /// The checkpoint origin (SPEC.md §6).
    origin: String,
    /// The verifier key the latest checkpoint is signed with: the key in force.
    key: String,
    /// Every key the ledger has been signed with, first key first (SPEC.md §23): a key
    /// signs the checkpoints of `from` entries and more, until the next one's `from`. One
    /// key when the ledger never rotated its key; a verifier that remembered an earlier one
    /// checks the `key.rotate` entry that handed over from it.
    keys: Vec<SigningKey>,
    /// Entries at the latest checkpoint.
    size: u64,
    /// Merkle root at the latest checkpoint.
    #[schema(value_type = Sha256Hex)]
    root: Hash,
    /// The latest signed checkpoint note.
    checkpoint: String,
    /// `recorded_at` of the last entry; `null` while the ledger is empty.
    last_recorded_at: Option<String>,
    /// Why appends are refused, when they are.
    read_only: Option<String>,
    /// Whether this process sequences appends (with PostgreSQL, one process leads).
    leader: bool,
    /// The background audit of the whole ledger.
    #[schema(value_type = AuditStateSchema)]
    audit: AuditState,
    /// The size in bytes of `GET /export` at this checkpoint, before compression; `null`
    /// for the first moments after a start, while the server counts it.
    bundle_bytes: Option<u64>,
    /// Tiles prefixes mirroring this ledger (SPEC.md §13), which the page may verify it
    /// from besides its own `/log/`.
    tiles_mirrors: Vec<String>,
}

/// The organisation, the signing key and the latest checkpoint.
#[utoipa::path(
    get, path = "/info", tag = "log",
    responses((status = 200, description = "What this ledger is", body = Info))
)]
pub async fn info(State(s): State<AppState>) -> Result<Sorted<Info>, ApiError> {
    let v = s.sequencer.view();
    let bundle_bytes =
        super::exports::bundle_bytes_if_counted(&s, v.checkpoint.size, &v.checkpoint.note).await?;
    Ok(Sorted(Info {
        bundle_bytes,
        name: s.site.name.clone(),
        origin: s.site.origin.clone(),
        key: s.key_at(v.checkpoint.size),
        keys: s
            .key_history()
            .keys()
            .iter()
            .map(|(from, key)| SigningKey {
                from: *from,
                key: key.clone(),
            })
            .collect(),
        size: v.checkpoint.size,
        root: v.checkpoint.root,
        checkpoint: s.cosigned.note_for(&v.checkpoint),
        last_recorded_at: v.last_recorded_at.clone(),
        read_only: v.read_only.clone(),
        leader: s.sequencer.is_leading(),
        audit: s.sequencer.audit().state(),
        tiles_mirrors: s.site.tiles_mirrors.clone(),
    }))
}

/// The latest signed checkpoint note (SPEC.md §6).
#[utoipa::path(
    get, path = "/checkpoint", tag = "log",
    responses((status = 200, description = "The signed note", body = String, content_type = "text/plain; charset=utf-8"))
)]
pub async fn checkpoint(State(s): State<AppState>) -> Response {
    text(
        "text/plain; charset=utf-8",
        s.cosigned.note_for(&s.sequencer.view().checkpoint),
    )
}

/// The verifier key in force, one line (pin it: `fundtrail verify --key`); after a key
/// rotation the earlier ones are in `GET /info`'s `keys` (SPEC.md §23).
#[utoipa::path(
    get, path = "/key", tag = "log",
    responses((status = 200, description = "The verifier key and a newline", body = String, content_type = "text/plain; charset=utf-8"))
)]
pub async fn key(State(s): State<AppState>) -> Response {
    text(
        "text/plain; charset=utf-8",
        format!("{}\n", s.key_at(s.sequencer.view().checkpoint.size)),
    )
}

/// Query of `GET /entries`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// The first entry's position (default 0).
    start: Option<u64>,
    /// How many entries, 1 to 1000 (default 100).
    limit: Option<u64>,
}

/// Entries `start` onwards as exact leaves, one per line, up to the latest checkpoint.
#[utoipa::path(
    get, path = "/entries", tag = "log",
    params(Page),
    responses(
        (status = 200, description = "The leaves, each followed by a newline (none past the end)", body = String, content_type = "application/x-ndjson"),
        (status = 400, description = "`limit` outside 1..1000", body = ErrorBody),
    )
)]
pub async fn entries(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let limit = p.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::bad_query(
            "limit",
            format!("limit must be 1 to {MAX_PAGE}"),
        ));
    }
    let size = s.sequencer.view().checkpoint.size;
    let start = p.start.unwrap_or(0);
    let limit = limit.min(size.saturating_sub(start));
    let rows = if limit == 0 {
        Vec::new()
    } else {
        s.store.entries(start, limit).await?
    };
    let mut body = Vec::with_capacity(rows.iter().map(|r| r.leaf.len() + 1).sum());
    for r in rows {
        body.extend_from_slice(&r.leaf);
        body.push(b'\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}

/// One entry with its exact leaf and its inclusion proof in the latest checkpoint.
#[derive(Serialize, ToSchema)]
pub struct EntryAnswer {
    /// Position in the ledger.
    seq: u64,
    /// SHA-256(0x00 || leaf).
    #[schema(value_type = Sha256Hex)]
    leaf_hash: Hash,
    /// The entry, parsed from `leaf`.
    #[schema(value_type = LedgerEntrySchema)]
    entry: Value,
    /// The exact leaf bytes, as text.
    leaf: String,
    /// The published reversal that undoes this entry, or `null`.
    reversed_by: Option<ReversedBy>,
    /// The checkpoint the proof is against.
    checkpoint: String,
    /// Inclusion proof of the leaf.
    proof: InclusionProof,
}

/// Entry `seq`, proved against the latest checkpoint.
#[utoipa::path(
    get, path = "/entries/{seq}", tag = "log",
    params(("seq" = u64, Path, description = "The entry's position")),
    responses(
        (status = 200, description = "The entry and its proof", body = EntryAnswer),
        (status = 400, description = "`seq` is not a whole number", body = ErrorBody),
        (status = 404, description = "No such entry", body = ErrorBody),
    )
)]
pub async fn entry(
    State(s): State<AppState>,
    ApiPath(seq): ApiPath<u64>,
) -> Result<Sorted<EntryAnswer>, ApiError> {
    let cp = s.sequencer.view().checkpoint.clone();
    if seq >= cp.size {
        return Err(ApiError::not_found(format!(
            "entry {seq} does not exist; the ledger has {} entries",
            cp.size
        )));
    }
    let e = s
        .store
        .entry(seq)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("entry {seq} not found")))?;
    let proof = s.store.inclusion_proof(seq, cp.size).await?;
    let row = EntryRow::of(&e);
    Ok(Sorted(EntryAnswer {
        seq: row.seq,
        leaf_hash: row.leaf_hash,
        entry: row.entry,
        leaf: String::from_utf8_lossy(&e.leaf).into_owned(),
        reversed_by: reversal(&s, seq).await?,
        checkpoint: s.cosigned.note_for(&cp),
        proof: InclusionProof {
            index: seq,
            size: cp.size,
            leaf_hash: e.leaf_hash,
            root: cp.root,
            proof,
        },
    }))
}

/// The totals of every campaign and currency at the latest checkpoint (SPEC.md §8).
#[utoipa::path(
    get, path = "/totals", tag = "log",
    responses((status = 200, description = "The totals", body = TotalsSchema))
)]
pub async fn totals(State(s): State<AppState>) -> Response {
    Sorted(&s.sequencer.view().totals).into_response()
}
