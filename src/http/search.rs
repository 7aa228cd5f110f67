//! `GET /search`: a donor finds a gift by what they remember, forgiving case and spaces: a
//! receipt code, a bank reference (whole, or any part of at least
//! [`MIN_PARTIAL`] characters), words of a public memo, or the amount and the day it was
//! received. Answered from the store's search indexes (`store::search`), never by reading
//! the ledger, except the newest entries, which the background indexer may not have reached
//! yet: those are read from their leaves (at most `MAX_UNINDEXED`), so a gift is found as
//! soon as its append is acknowledged. Each result names its campaign, its receipt code and whether it was
//! reversed. No authentication, never personal data.

use super::error::{ApiError, ErrorBody};
use super::reversed::{reversals, ReversedBy};
use super::schema::{LedgerEntrySchema, Sha256Hex};
use super::sorted::Sorted;
use super::{ApiQuery, AppState};
use crate::ledger::entry::Donation;
use crate::ledger::hash::Hash;
use crate::ledger::receipt::{parse_code, receipt_code};
use crate::ledger::{decode, Body};
use crate::statement::{parse_amount, parse_date};
use crate::store::{has_search_key, search_text, StoredEntry, Unindexed, MIN_PARTIAL};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::{IntoParams, ToSchema};

/// The most results one search answers.
pub const MAX_RESULTS: usize = 50;
/// The most candidate entries one search reads (a partial text that many gifts share finds
/// the first of them and says the list is truncated).
const MAX_CANDIDATES: usize = 200;
/// The longest `q`, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// Query of `GET /search`: `q`, or `amount` and `date`, or all three.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A receipt code, a bank reference (whole, or at least 6 characters of it), or words
    /// of a public memo; case and spaces are ignored. 1 to 200 characters.
    q: Option<String>,
    /// The former name of `q` (used when `q` is absent).
    reference: Option<String>,
    /// The amount given, as people write it (`200000`, `200.000`, `200.000 đ`, `12.50`),
    /// read in each campaign's currency. Needs `date`.
    amount: Option<String>,
    /// The day the gift was received (`2026-11-24` or `24/11/2026`). Needs `amount`.
    date: Option<String>,
}

/// How a result matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    /// Its receipt code.
    ReceiptCode,
    /// Its whole bank reference.
    Reference,
    /// Part of its bank reference.
    PartialReference,
    /// Its public memo (whole or part).
    Memo,
    /// Its amount and day received.
    AmountAndDate,
}

/// A campaign named by a result.
#[derive(Serialize, ToSchema)]
pub struct CampaignRef {
    /// Its id.
    id: String,
    /// Its title.
    title: String,
}

impl CampaignRef {
    /// The campaign `id` titled `title`.
    pub(super) fn new(id: String, title: String) -> CampaignRef {
        CampaignRef { id, title }
    }
}

/// Where a donation's receipt is.
#[derive(Serialize, ToSchema)]
pub struct ReceiptRef {
    /// The receipt code, `R-<seq>-<8 hex digits>`.
    code: String,
    /// The page's route to the receipt (`#/receipt/<code>`), relative to the page.
    path: String,
}

/// One entry found.
#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    /// Position in the ledger.
    seq: u64,
    /// SHA-256(0x00 || leaf).
    #[schema(value_type = Sha256Hex)]
    leaf_hash: Hash,
    /// The entry.
    #[schema(value_type = LedgerEntrySchema)]
    entry: Value,
    /// How it matched.
    matched: Matched,
    /// Its campaign.
    campaign: Option<CampaignRef>,
    /// Its receipt (donations only).
    receipt: Option<ReceiptRef>,
    /// The published reversal that undoes it, or `null`.
    reversed_by: Option<ReversedBy>,
}

/// The answer of `GET /search`.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    /// `q` as given, trimmed.
    q: Option<String>,
    /// The same, for clients of the former `reference` parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    /// `amount` as given, trimmed.
    amount: Option<String>,
    /// The day searched for, `YYYY-MM-DD`.
    date: Option<String>,
    /// Whether more entries matched than are listed.
    truncated: bool,
    /// Whether the search index is more than 20,000 entries behind the ledger (after a
    /// burst of appends, or while a large ledger is indexed for the first time): the newest
    /// 20,000 entries were searched, and a gift among the older ones not indexed yet may be
    /// missing until the index catches up.
    indexing: bool,
    /// Up to 50 entries, oldest first.
    results: Vec<SearchHit>,
}

/// A donation found as a candidate: its stored entry and parsed body.
struct Candidate {
    stored: StoredEntry,
    donation: Donation,
}

/// Donations found by `q`, `amount` and `date` (each optional), or entries found by receipt code.
#[utoipa::path(
    get, path = "/search", tag = "log",
    params(SearchQuery),
    responses(
        (status = 200, description = "The entries found", body = SearchResults),
        (status = 400, description = "`q` empty or too long, `amount` without `date` (or the other way round), or either not readable", body = ErrorBody),
    )
)]
pub async fn search(
    State(s): State<AppState>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Sorted<SearchResults>, ApiError> {
    let asked = Asked::read(&s, query)?;
    let size = s.sequencer.view().checkpoint.size;
    // Read before the index: every entry below it is in the index read next.
    let indexed_below = s.store.search_indexed_below().await?;
    let tail = (indexed_below, size);
    let mut indexing = false;
    let mut truncated = false;
    let mut found: BTreeMap<u64, (Candidate, Matched)> = BTreeMap::new();
    if let Some(q) = &asked.text {
        let (by_text, more, behind) = by_text(&s, q, tail).await?;
        truncated |= more;
        indexing |= behind;
        found = by_text;
    }
    if let Some((day, amounts, text)) = &asked.amount_and_day {
        let (seqs, more) = s.store.search_days(day, amounts).await?;
        truncated |= more;
        let wanted =
            |d: &Donation| d.received_at == *day && amounts.contains(&d.amount.to_string());
        let unindexed = s
            .store
            .unindexed_donations(indexed_below, size, wanted, MAX_CANDIDATES)
            .await?;
        truncated |= unindexed.more;
        indexing |= !unindexed.complete;
        let mut from_leaves = unindexed_candidates(unindexed);
        let mut by_amount = BTreeMap::new();
        let seqs = seqs.into_iter().chain(from_leaves.keys().copied());
        let seqs: BTreeSet<u64> = seqs.filter(|&seq| seq < size).collect();
        for (read, seq) in seqs.into_iter().enumerate() {
            if read >= MAX_CANDIDATES {
                truncated = true;
                break;
            }
            let Some(c) = candidate_of(&s, seq, &mut from_leaves).await? else {
                continue;
            };
            let same_amount = parse_amount(text, c.donation.currency)
                .is_ok_and(|(neg, units)| !neg && units == c.donation.amount.get());
            if same_amount && c.donation.received_at == *day {
                by_amount.insert(seq, (c, Matched::AmountAndDate));
            }
        }
        found = if asked.text.is_some() {
            found
                .into_iter()
                .filter(|(seq, _)| by_amount.contains_key(seq))
                .collect()
        } else {
            by_amount
        };
    }
    truncated |= found.len() > MAX_RESULTS;
    let hits: Vec<(Candidate, Matched)> = found.into_values().take(MAX_RESULTS).collect();
    let seqs: Vec<u64> = hits.iter().map(|(c, _)| c.stored.seq).collect();
    let mut marks = reversals(&s, &seqs).await?;
    let view = s.sequencer.view();
    let results = hits
        .into_iter()
        .map(|(c, matched)| {
            let title = view
                .campaigns
                .iter()
                .find(|(_, st)| st.id == c.donation.campaign)
                .map(|(_, st)| st.title.clone())
                .unwrap_or_default();
            let code = receipt_code(c.stored.seq, &c.stored.leaf_hash);
            SearchHit {
                seq: c.stored.seq,
                leaf_hash: c.stored.leaf_hash,
                entry: serde_json::from_slice(&c.stored.leaf).unwrap_or(Value::Null),
                matched,
                campaign: Some(CampaignRef {
                    id: c.donation.campaign.clone(),
                    title,
                }),
                receipt: Some(ReceiptRef {
                    path: format!("#/receipt/{code}"),
                    code,
                }),
                reversed_by: marks.remove(&c.stored.seq),
            }
        })
        .collect();
    Ok(Sorted(SearchResults {
        reference: asked.old_reference,
        q: asked.q,
        amount: asked.amount,
        date: asked.amount_and_day.as_ref().map(|(d, _, _)| d.clone()),
        truncated,
        indexing,
        results,
    }))
}

/// A search request, read and checked.
struct Asked {
    /// `q` (or `reference`) trimmed, as given.
    q: Option<String>,
    /// `reference`, trimmed, when that parameter was used.
    old_reference: Option<String>,
    /// `q` normalised ([`search_text`]).
    text: Option<String>,
    /// `amount` trimmed, as given.
    amount: Option<String>,
    /// The day, the amount's candidate minor units (one per currency it reads in) and the
    /// amount's text.
    amount_and_day: Option<(String, BTreeSet<String>, String)>,
}

impl Asked {
    /// Reads `query`, refusing what cannot be searched.
    fn read(s: &AppState, query: SearchQuery) -> Result<Asked, ApiError> {
        let old_reference = query.reference.map(|r| r.trim().to_string());
        let (q, field) = match (query.q, &old_reference) {
            (Some(q), _) => (Some(q.trim().to_string()), "q"),
            (None, Some(r)) => (Some(r.clone()), "reference"),
            (None, None) => (None, "q"),
        };
        let text = match &q {
            Some(q) => {
                let text = search_text(q);
                if text.is_empty() || q.chars().count() > MAX_QUERY_CHARS {
                    return Err(ApiError::bad_query(
                        field,
                        format!("{field} must be 1 to {MAX_QUERY_CHARS} characters"),
                    ));
                }
                Some(text)
            }
            None => None,
        };
        let amount = query.amount.map(|a| a.trim().to_string());
        let date = query.date.map(|d| d.trim().to_string());
        let amount_and_day = match (&amount, &date) {
            (None, None) => None,
            (Some(a), Some(d)) => Some(read_amount_and_day(s, a, d)?),
            (Some(_), None) => {
                return Err(ApiError::bad_query(
                    "date",
                    "give the day the gift was received (date) with its amount",
                ))
            }
            (None, Some(_)) => {
                return Err(ApiError::bad_query(
                    "amount",
                    "give the amount (amount) with the day the gift was received",
                ))
            }
        };
        if text.is_none() && amount_and_day.is_none() {
            return Err(ApiError::bad_query(
                "q",
                "give q (a receipt code, a bank reference or part of it), or amount and date",
            ));
        }
        Ok(Asked {
            q: q.filter(|_| field == "q"),
            old_reference,
            text,
            amount,
            amount_and_day,
        })
    }
}

/// The day of `date` and the minor units `amount` stands for in each currency of the
/// ledger's campaigns.
fn read_amount_and_day(
    s: &AppState,
    amount: &str,
    date: &str,
) -> Result<(String, BTreeSet<String>, String), ApiError> {
    let day = parse_date(date).map_err(|why| {
        ApiError::bad_query(
            "date",
            format!("date: {why}; write the day the gift was received"),
        )
    })?;
    let currencies: BTreeSet<_> = s
        .sequencer
        .view()
        .campaigns
        .iter()
        .map(|(_, c)| c.currency)
        .collect();
    let mut amounts = BTreeSet::new();
    let mut why = None;
    for currency in currencies {
        match parse_amount(amount, currency) {
            Ok((false, units)) if units > 0 => {
                amounts.insert(units.to_string());
            }
            Ok(_) => why = Some(format!("{amount:?} is not an amount given")),
            Err(e) => why = Some(e),
        }
    }
    if amounts.is_empty() {
        return Err(ApiError::bad_query(
            "amount",
            format!(
                "amount: {}; write it as on the bank statement, e.g. 200000 or 200.000",
                why.unwrap_or_else(|| format!("{amount:?} is not an amount"))
            ),
        ));
    }
    Ok((day, amounts, amount.to_string()))
}

/// The donation at `seq`, when it is one.
async fn candidate(s: &AppState, seq: u64) -> Result<Option<Candidate>, ApiError> {
    let Some(stored) = s.store.entry(seq).await? else {
        return Ok(None);
    };
    let Ok(entry) = decode(&stored.leaf) else {
        return Ok(None);
    };
    Ok(match entry.body {
        Body::Donation(donation) => Some(Candidate { stored, donation }),
        _ => None,
    })
}

/// The donations of `unindexed`, as candidates by seq.
fn unindexed_candidates(unindexed: Unindexed) -> BTreeMap<u64, Candidate> {
    unindexed
        .donations
        .into_iter()
        .map(|(stored, donation)| (stored.seq, Candidate { stored, donation }))
        .collect()
}

/// The donation at `seq`: taken from `read` (donations already read from their leaves)
/// when there, else read from the store.
async fn candidate_of(
    s: &AppState,
    seq: u64,
    read: &mut BTreeMap<u64, Candidate>,
) -> Result<Option<Candidate>, ApiError> {
    match read.remove(&seq) {
        Some(c) => Ok(Some(c)),
        None => candidate(s, seq).await,
    }
}

/// How donation `d` matches the normalised text `q`, if it does.
fn text_match(d: &Donation, q: &str) -> Option<Matched> {
    let partial = q.chars().count() >= MIN_PARTIAL;
    let reference = d.reference.as_deref().map(search_text);
    let memo = d.memo.as_deref().map(search_text);
    match (reference, memo) {
        (Some(r), _) if r == q => Some(Matched::Reference),
        (Some(r), _) if partial && r.contains(q) => Some(Matched::PartialReference),
        (_, Some(m)) if m == q || (partial && m.contains(q)) => Some(Matched::Memo),
        _ => None,
    }
}

/// Donations in the first `size` entries found by the normalised text `q`: by receipt code,
/// by their whole reference or memo, and (for 6 characters or more) by part of either; in
/// the index, and by the same keys among the entries of `tail` (from where the index stops
/// to the size), read from their leaves; with whether more matched than are returned, and
/// whether the tail was too long to read whole.
async fn by_text(
    s: &AppState,
    q: &str,
    tail: (u64, u64),
) -> Result<(BTreeMap<u64, (Candidate, Matched)>, bool, bool), ApiError> {
    let (indexed_below, size) = tail;
    let mut found = BTreeMap::new();
    if let Some(code) = q.strip_prefix("r-").map(|rest| format!("R-{rest}")) {
        if let Some((seq, prefix)) = parse_code(&code) {
            if seq < size {
                if let Some(c) = candidate(s, seq).await? {
                    if c.stored.leaf_hash.to_hex().starts_with(prefix) {
                        found.insert(seq, (c, Matched::ReceiptCode));
                    }
                }
            }
            return Ok((found, false, false));
        }
    }
    let partial = q.chars().count() >= MIN_PARTIAL;
    let (seqs, mut truncated) = s.store.search_keys(q, partial).await?;
    let wanted = |d: &Donation| has_search_key(d, q, partial);
    let unindexed = s
        .store
        .unindexed_donations(indexed_below, size, wanted, MAX_CANDIDATES)
        .await?;
    truncated |= unindexed.more;
    let behind = !unindexed.complete;
    let mut from_leaves = unindexed_candidates(unindexed);
    let seqs = seqs.into_iter().chain(from_leaves.keys().copied());
    let seqs: BTreeSet<u64> = seqs.filter(|&seq| seq < size).collect();
    for (read, seq) in seqs.into_iter().enumerate() {
        if read >= MAX_CANDIDATES {
            truncated = true;
            break;
        }
        if let Some(c) = candidate_of(s, seq, &mut from_leaves).await? {
            if let Some(matched) = text_match(&c.donation, q) {
                found.insert(seq, (c, matched));
            }
        }
    }
    Ok((found, truncated, behind))
}
