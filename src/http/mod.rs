//! The HTTP API under `/api/v1` and the public page at `/`. Thin: handlers parse, call the
//! sequencer or the store, and map errors in one place ([`error::ApiError`]).
//!
//! One file per resource, each holding its public and staff routes: [`log`] (info, key,
//! checkpoint, entries, totals), [`search`], [`proofs`], [`campaigns`], [`donations`],
//! [`disbursements`], [`transfers`], [`reversals`], [`corrections`], [`evidence`], [`statements`],
//! [`receipts`], [`donors`], [`exports`], [`sessions`] (the staff console's sign-in),
//! [`tokens`] and [`web`] (the page). [`router`] lists every route; [`openapi`] makes the
//! document of them. Staff routes take a [`auth::Staff`] typed by the role they need.

mod acknowledgement;
mod appends;
mod approvals;
pub mod auth;
mod budgets;
mod campaigns;
pub mod client;
mod corrections;
mod deadline;
mod disbursements;
mod donations;
mod donor_statements;
mod donors;
pub mod error;
mod evidence;
mod exports;
mod feeds;
pub mod json_body;
pub mod limits;
mod log;
pub mod openapi;
pub mod origin;
pub mod platform;
mod pledges;
mod proofs;
mod proposals;
mod receipt_status;
mod receipts;
mod reversals;
mod reversed;
mod router;
mod schema;
mod search;
pub mod server;
mod sessions;
mod sorted;
mod statement_files;
mod statement_lines;
mod statement_reads;
mod statements;
pub mod tiles;
mod tlog_proofs;
mod tokens;
mod transfers;
mod updates;
mod vietqr;
mod web;
mod webhooks;
mod widget;
pub mod witness;
mod witnessed;

pub use router::{api_document, router};

use crate::sequencer::SequencerHandle;
use crate::store::Store;
use axum::extract::FromRequestParts;
use error::ApiError;
use std::sync::Arc;
use std::time::Duration;

/// The largest request body accepted (JSON appends are small).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Time limit for one request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler can reach, behind one `Arc`: axum clones the state for every
/// request, and this makes that one counter instead of one per shared part.
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl AppState {
    /// The state made of `parts`.
    pub fn new(parts: AppParts) -> AppState {
        AppState(Arc::new(parts))
    }

    /// The parts, to change before serving (cloned first if the state is already shared).
    pub fn parts_mut(&mut self) -> &mut AppParts {
        Arc::make_mut(&mut self.0)
    }
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// The parts of [`AppState`].
#[derive(Clone)]
pub struct AppParts {
    /// Reads.
    pub store: Store,
    /// Appends and the published view.
    pub sequencer: SequencerHandle,
    /// Organisation and key facts.
    pub site: Arc<Site>,
    /// Rate limits and failed-authentication tracking.
    pub guard: Arc<limits::Guard>,
    /// Evidence files for disbursements.
    pub evidence: crate::evidence::EvidenceStore,
    /// How long staff console sessions live.
    pub sessions: crate::auth::session::SessionPolicy,
    /// The latest checkpoint with the witness cosignatures gathered so far.
    pub cosigned: Arc<crate::witness::cosigned::Cosigned>,
    /// The published witness policy (C2SP tlog-policy text), when there is one; a key
    /// rotation points its `log` line at the new key in place.
    pub policy: Arc<crate::witness::published::PublishedPolicy>,
    /// The witnesses the server sends its checkpoints to.
    pub witnesses: Vec<crate::witness::client::Target>,
    /// Full tiles already served.
    pub tile_cache: Arc<crate::tiles::TileCache>,
    /// What the statement read routes keep between requests.
    pub statement_reads: Arc<statement_reads::StatementReads>,
}

/// Facts about this deployment shown on the page.
#[derive(Debug, Clone)]
pub struct Site {
    /// The organisation's name.
    pub name: String,
    /// Checkpoint origin.
    pub origin: String,
    /// Verifier key.
    pub verifier_key: String,
    /// IATI organisation identifier, when configured (for `/export/iati`).
    pub iati_org_id: Option<String>,
    /// The public base URL (`serve --public-url`), without a trailing `/`, when configured;
    /// else sign-in links and receipt QR codes are made from each request's `Host`.
    pub public_url: Option<String>,
    /// Tiles prefixes mirroring this ledger (canonical, ending in `/`), offered on the page
    /// and allowed by the Content-Security-Policy's `connect-src`.
    pub tiles_mirrors: Vec<String>,
}

pub use json_body::ApiJson;

/// Query extractor whose rejections are [`ApiError`]s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path extractor whose rejections are [`ApiError`]s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The Content-Security-Policy of every response: same-origin only, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
