//! The columns the stores index entries by, derived here from each entry so that both
//! databases index alike and no writer has to know them: the kind, the campaign (a
//! transfer's source), a transfer's destination, a donation's bank reference and the entry
//! a reversal reverses. A reversal is indexed under the campaigns of the entry it reverses,
//! so a campaign's reads find the corrections of its money too.

use super::queries::Queries;
use super::{NewEntry, Store, StoreError};
use crate::ledger::entry::Body;
use std::borrow::Cow;

/// The index columns of one new entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Indexed<'a> {
    /// The entry's kind.
    pub(crate) kind: &'static str,
    /// The campaign (a transfer's source).
    pub(crate) campaign: Option<Cow<'a, str>>,
    /// A transfer's destination.
    pub(crate) campaign_to: Option<Cow<'a, str>>,
    /// A donation's bank reference.
    pub(crate) reference: Option<&'a str>,
    /// The entry a reversal reverses.
    pub(crate) reverses: Option<u64>,
}

impl<'a> Indexed<'a> {
    /// The columns of `row`; a reversal takes `reversed`, the campaign columns of the
    /// entry it reverses.
    fn of(row: &'a NewEntry, reversed: (Option<Cow<'a, str>>, Option<Cow<'a, str>>)) -> Self {
        let body = &row.entry.body;
        let (campaign, campaign_to) = match body {
            Body::Transfer(t) => (Some(t.from.as_str().into()), Some(t.to.as_str().into())),
            Body::Reversal(_) => reversed,
            // A bank statement is about an account, not a campaign (SPEC.md §16.1).
            Body::Statement(_) => (None, None),
            // A key rotation is about no campaign (SPEC.md §23).
            Body::KeyRotate(_) => (None, None),
            // A ledger-wide approval rule is about no campaign (SPEC.md §17).
            Body::ApprovalPolicy(p) => (p.campaign.as_deref().map(Cow::from), None),
            other => (Some(other.campaign().into()), None),
        };
        Indexed {
            kind: body.kind(),
            campaign,
            campaign_to,
            reference: match body {
                Body::Donation(d) => d.reference.as_deref(),
                _ => None,
            },
            reverses: match body {
                Body::Reversal(r) => Some(r.reverses),
                _ => None,
            },
        }
    }
}

impl Store {
    /// The index columns of each of `rows` (consecutive entries, in order). A reversal of
    /// an entry written earlier in `rows` takes that entry's columns; of an entry already
    /// stored, its stored columns (one read each); of neither, no campaign.
    ///
    /// # Errors
    /// [`StoreError`] when a reversed entry's columns cannot be read.
    pub(crate) async fn index_columns<'a>(
        &self,
        rows: &'a [NewEntry],
    ) -> Result<Vec<Indexed<'a>>, StoreError> {
        let mut out: Vec<Indexed<'a>> = Vec::with_capacity(rows.len());
        for row in rows {
            let reversed = match &row.entry.body {
                Body::Reversal(r) => self.campaigns_of(rows, &out, r.reverses).await?,
                _ => (None, None),
            };
            out.push(Indexed::of(row, reversed));
        }
        Ok(out)
    }

    /// The campaign columns of entry `seq`: from `indexed` (the columns of the first rows
    /// of `rows`) when it is among them, else as stored.
    async fn campaigns_of<'a>(
        &self,
        rows: &[NewEntry],
        indexed: &[Indexed<'a>],
        seq: u64,
    ) -> Result<(Option<Cow<'a, str>>, Option<Cow<'a, str>>), StoreError> {
        if let Ok(i) = rows.binary_search_by_key(&seq, |r| r.entry.seq) {
            if let Some(earlier) = indexed.get(i) {
                return Ok((earlier.campaign.clone(), earlier.campaign_to.clone()));
            }
            return Ok((None, None));
        }
        let stored = on_pool!(self, pool => Queries::campaigns_of_entry(pool, seq).await)?;
        let (campaign, campaign_to) = stored.unwrap_or_default();
        Ok((campaign.map(Cow::Owned), campaign_to.map(Cow::Owned)))
    }
}
