//! Published totals (SPEC.md §8): per campaign and per currency, as served at
//! `/api/v1/totals` and recomputed by every verifier.
//!
//! Claimed totals are read leniently and compared strictly (SPEC.md §9 step 5): members a
//! later version may add are ignored (and so never certified), campaigns are matched by id
//! in any order, and every figure of §8 must equal the computed one.

use super::money::Total;
use super::state::LedgerState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Totals of one campaign. Amounts are decimal strings of minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Totals of one currency over all campaigns. Transfers cancel out, so they are absent, and
/// a reversed transfer moved nothing into or out of the currency, so `reversed` counts only
/// reversed donations and disbursements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyTotals {
    /// Net donations.
    pub donated: Total,
    /// Net disbursements.
    pub disbursed: Total,
    /// Gross amount of reversed donations and disbursements.
    pub reversed: Total,
    /// Sum of campaign balances.
    pub balance: Total,
}

/// All published totals after `size` entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The claim has totals for a currency no campaign uses.
    #[error("currency {0}: claimed totals for a currency no campaign uses")]
    ExtraCurrency(String),
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
    /// The totals of `state`. Per-currency sums saturate rather than wrap, and never need
    /// to: a ledger has fewer than 2^64 entries of less than 2^64 minor units each, so every
    /// sum stays below 2^128.
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
                let reversed_in_or_out = Total(t.reversed.0.saturating_sub(t.reversed_transfers.0));
                cur.reversed = plus(cur.reversed, reversed_in_or_out);
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

    /// Compares claimed totals (`self`) with the computed ones, naming the first difference,
    /// in the order of SPEC.md §9 step 5: size; each computed campaign (opening order), its
    /// presence then its figures; campaigns claimed but not computed; each computed currency
    /// (code order; one the claim lacks counts as all zeros); currencies claimed but unused.
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
            check_campaign(k, c)?;
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
            return Err(TotalsMismatch::ExtraCurrency(extra.clone()));
        }
        Ok(())
    }
}

/// Compares one claimed campaign (`k`) with the computed one (`c`), figure by figure in the
/// order of SPEC.md §9 step 5, `goal` last.
fn check_campaign(k: &CampaignSummary, c: &CampaignSummary) -> Result<(), TotalsMismatch> {
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
        let text = |goal: Option<Total>| goal.map_or("none".to_string(), |g| g.to_string());
        return Err(TotalsMismatch::Campaign {
            campaign: c.id.clone(),
            currency: c.currency.clone(),
            field: "goal",
            claimed: text(k.goal),
            computed: text(c.goal),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::encode;
    use crate::entry::{
        Body, CampaignOpen, Channel, Donation, Entry, Reversal, ReversalReason, Transfer,
    };
    use crate::hash::leaf_hash;
    use crate::money::{Currency, Minor};

    fn vnd() -> Currency {
        Currency::parse("VND").expect("VND")
    }

    fn open(id: &str) -> Body {
        Body::CampaignOpen(CampaignOpen {
            approval: None,
            accounts: vec![],
            currency: vnd(),
            ends_on: None,
            goal: None,
            id: id.into(),
            purpose: "Water".into(),
            title: id.into(),
        })
    }

    fn donation(campaign: &str, amount: u64) -> Body {
        Body::Donation(Donation {
            amount: Minor::new(amount).expect("amount"),
            campaign: campaign.into(),
            channel: Channel::Cash,
            commitment: None,
            currency: vnd(),
            donor: "An".into(),
            in_kind: None,
            memo: None,
            pledge: None,
            received_at: "2026-11-23".into(),
            reference: None,
        })
    }

    fn transfer(from: &str, to: &str, amount: u64) -> Body {
        Body::Transfer(Transfer {
            approval: None,
            amount: Minor::new(amount).expect("amount"),
            currency: vnd(),
            from: from.into(),
            reason: "Roofs first".into(),
            reference: None,
            to: to.into(),
        })
    }

    fn reversal(reverses: u64) -> Body {
        Body::Reversal(Reversal {
            note: None,
            reason: ReversalReason::Error,
            reverses,
        })
    }

    fn totals_of(bodies: Vec<Body>) -> Totals {
        let mut state = LedgerState::new();
        for body in bodies {
            let entry = Entry {
                seq: state.size(),
                prev: state.last_hash(),
                recorded_at: "2026-11-24T10:00:00.000000Z".into(),
                recorded_by: "lan".into(),
                body,
            };
            let hash = leaf_hash(&encode(&entry));
            state.apply(&entry, hash).expect("a valid entry");
        }
        Totals::of(&state)
    }

    /// Two campaigns, 1000 donated to the first, 300 moved to the second, that move undone,
    /// and a donation of 50 to the second undone.
    fn with_reversed_transfer() -> Totals {
        totals_of(vec![
            open("a"),
            open("b"),
            donation("a", 1000),
            transfer("a", "b", 300),
            reversal(3),
            donation("b", 50),
            reversal(5),
        ])
    }

    #[test]
    fn a_reversed_transfer_counts_in_both_campaigns_reversed_but_not_in_the_currencys() {
        let totals = with_reversed_transfer();

        let reversed: Vec<String> = totals
            .campaigns
            .iter()
            .map(|c| c.reversed.to_string())
            .collect();
        assert_eq!(reversed, ["300", "350"]);
        let vnd = &totals.currencies["VND"];
        assert_eq!(vnd.reversed, Total(50));
        assert_eq!((vnd.donated, vnd.balance), (Total(1000), Total(1000)));
    }

    #[test]
    fn claimed_totals_may_list_campaigns_in_any_order_and_carry_unknown_members() {
        let computed = with_reversed_transfer();
        let mut value = serde_json::to_value(&computed).expect("json");
        value["campaigns"]
            .as_array_mut()
            .expect("campaigns")
            .reverse();
        value["campaigns"][0]["goal_reached"] = serde_json::json!(false);
        value["generated_at"] = serde_json::json!("2026-11-24T10:00:00Z");

        let claimed: Totals = serde_json::from_value(value).expect("claimed totals");

        assert_eq!(claimed.check_against(&computed), Ok(()));
    }

    #[test]
    fn a_different_goal_and_an_unused_currency_are_named_in_plain_words() {
        let computed = with_reversed_transfer();
        let mut goal = computed.clone();
        goal.campaigns[1].goal = Some(Total(5));
        let mut unused = computed.clone();
        unused
            .currencies
            .insert("USD".into(), CurrencyTotals::default());

        let goal_error = goal.check_against(&computed).expect_err("goal");
        let unused_error = unused.check_against(&computed).expect_err("unused");

        assert_eq!(
            goal_error.to_string(),
            "campaign b VND: claimed goal 5, entries add up to none"
        );
        assert_eq!(
            unused_error.to_string(),
            "currency USD: claimed totals for a currency no campaign uses"
        );
    }
}
