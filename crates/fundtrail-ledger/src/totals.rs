//! Published totals (SPEC.md §8): per campaign and per currency, as served at
//! `/api/v1/totals` and recomputed by every verifier.

use super::money::Total;
use super::state::LedgerState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Totals of one campaign. Amounts are decimal strings of minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSummary {
    /// Slug.
    pub id: String,
    /// Title.
    pub title: String,
    /// ISO 4217 code.
    pub currency: String,
    /// `open` or `closed`.
    pub status: String,
    /// Goal in minor units, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Total>,
    /// Net donations.
    pub donated: Total,
    /// Net disbursements.
    pub disbursed: Total,
    /// Net transfers in.
    pub transferred_in: Total,
    /// Net transfers out.
    pub transferred_out: Total,
    /// Gross amount reversed.
    pub reversed: Total,
    /// What the campaign holds.
    pub balance: Total,
    /// Donations not reversed.
    pub donations: u64,
    /// Disbursements not reversed.
    pub disbursements: u64,
}

/// Totals of one currency over all campaigns. Transfers cancel out, so they are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyTotals {
    /// Net donations.
    pub donated: Total,
    /// Net disbursements.
    pub disbursed: Total,
    /// Gross reversed (transfer reversals count on both sides).
    pub reversed: Total,
    /// Sum of campaign balances.
    pub balance: Total,
}

/// All published totals after `size` entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// Number of entries these totals cover.
    pub size: u64,
    /// Campaigns in opening order.
    pub campaigns: Vec<CampaignSummary>,
    /// Per currency code.
    pub currencies: BTreeMap<String, CurrencyTotals>,
}

/// Why claimed totals differ from the entries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotalsMismatch {
    /// The claimed totals are for a different number of entries.
    #[error("totals: claimed for {claimed} entries, the ledger has {computed}")]
    Size { claimed: u64, computed: u64 },
    /// A campaign is missing from the claim, or extra in it.
    #[error("totals: campaign {0} is missing or extra in the claimed totals")]
    Campaigns(String),
    /// One campaign figure differs.
    #[error(
        "campaign {campaign} {currency}: claimed {field} {claimed}, entries add up to {computed}"
    )]
    Campaign {
        campaign: String,
        currency: String,
        field: &'static str,
        claimed: String,
        computed: String,
    },
    /// One currency figure differs.
    #[error("currency {currency}: claimed {field} {claimed}, entries add up to {computed}")]
    Currency {
        currency: String,
        field: &'static str,
        claimed: String,
        computed: String,
    },
}

impl Totals {
    /// The totals of `state`. Per-currency sums use checked arithmetic; they cannot
    /// overflow u128 for sums of at most 2^64 u64 amounts.
    pub fn of(state: &LedgerState) -> Totals {
        let mut currencies: BTreeMap<String, CurrencyTotals> = BTreeMap::new();
        let campaigns = state
            .campaigns()
            .iter()
            .map(|c| {
                let t = &c.totals;
                let cur = currencies.entry(c.currency.code().to_string()).or_default();
                let plus = |a: Total, b: Total| Total(a.0.saturating_add(b.0));
                cur.donated = plus(cur.donated, t.donated);
                cur.disbursed = plus(cur.disbursed, t.disbursed);
                cur.reversed = plus(cur.reversed, t.reversed);
                cur.balance = plus(cur.balance, t.balance);
                CampaignSummary {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    currency: c.currency.code().to_string(),
                    status: if c.closed { "closed" } else { "open" }.to_string(),
                    goal: c.goal.map(|g| Total(u128::from(g.get()))),
                    donated: t.donated,
                    disbursed: t.disbursed,
                    transferred_in: t.transferred_in,
                    transferred_out: t.transferred_out,
                    reversed: t.reversed,
                    balance: t.balance,
                    donations: t.donations,
                    disbursements: t.disbursements,
                }
            })
            .collect();
        Totals {
            size: state.size(),
            campaigns,
            currencies,
        }
    }

    /// Compares claimed totals (`self`) with the computed ones, naming the first difference.
    ///
    /// # Errors
    /// The first [`TotalsMismatch`].
    pub fn check_against(&self, computed: &Totals) -> Result<(), TotalsMismatch> {
        if self.size != computed.size {
            return Err(TotalsMismatch::Size {
                claimed: self.size,
                computed: computed.size,
            });
        }
        let claimed: BTreeMap<&str, &CampaignSummary> =
            self.campaigns.iter().map(|c| (c.id.as_str(), c)).collect();
        for c in &computed.campaigns {
            let Some(k) = claimed.get(c.id.as_str()) else {
                return Err(TotalsMismatch::Campaigns(c.id.clone()));
            };
            let fields: [(&'static str, String, String); 11] = [
                ("currency", k.currency.clone(), c.currency.clone()),
                ("status", k.status.clone(), c.status.clone()),
                ("title", k.title.clone(), c.title.clone()),
                ("donated", k.donated.to_string(), c.donated.to_string()),
                (
                    "disbursed",
                    k.disbursed.to_string(),
                    c.disbursed.to_string(),
                ),
                (
                    "transferred_in",
                    k.transferred_in.to_string(),
                    c.transferred_in.to_string(),
                ),
                (
                    "transferred_out",
                    k.transferred_out.to_string(),
                    c.transferred_out.to_string(),
                ),
                ("reversed", k.reversed.to_string(), c.reversed.to_string()),
                ("balance", k.balance.to_string(), c.balance.to_string()),
                (
                    "donations",
                    k.donations.to_string(),
                    c.donations.to_string(),
                ),
                (
                    "disbursements",
                    k.disbursements.to_string(),
                    c.disbursements.to_string(),
                ),
            ];
            for (field, claimed, computed_value) in fields {
                if claimed != computed_value {
                    return Err(TotalsMismatch::Campaign {
                        campaign: c.id.clone(),
                        currency: c.currency.clone(),
                        field,
                        claimed,
                        computed: computed_value,
                    });
                }
            }
            if k.goal != c.goal {
                return Err(TotalsMismatch::Campaign {
                    campaign: c.id.clone(),
                    currency: c.currency.clone(),
                    field: "goal",
                    claimed: format!("{:?}", k.goal.map(|g| g.0)),
                    computed: format!("{:?}", c.goal.map(|g| g.0)),
                });
            }
        }
        if self.campaigns.len() != computed.campaigns.len() {
            let known: std::collections::BTreeSet<&str> =
                computed.campaigns.iter().map(|c| c.id.as_str()).collect();
            let extra = self
                .campaigns
                .iter()
                .find(|c| !known.contains(c.id.as_str()))
                .map_or("?", |c| c.id.as_str());
            return Err(TotalsMismatch::Campaigns(extra.to_string()));
        }
        for (code, c) in &computed.currencies {
            let k = self.currencies.get(code).cloned().unwrap_or_default();
            for (field, claimed, computed_value) in [
                ("donated", k.donated, c.donated),
                ("disbursed", k.disbursed, c.disbursed),
                ("reversed", k.reversed, c.reversed),
                ("balance", k.balance, c.balance),
            ] {
                if claimed != computed_value {
                    return Err(TotalsMismatch::Currency {
                        currency: code.clone(),
                        field,
                        claimed: claimed.to_string(),
                        computed: computed_value.to_string(),
                    });
                }
            }
        }
        if let Some(extra) = self
            .currencies
            .keys()
            .find(|c| !computed.currencies.contains_key(*c))
        {
            return Err(TotalsMismatch::Currency {
                currency: extra.clone(),
                field: "presence",
                claimed: "present".into(),
                computed: "no campaign in this currency".into(),
            });
        }
        Ok(())
    }
}
