//! The questions anyone may ask of the whole platform: "is this bank account registered
//! here, and for whom?" with the registry entry and its proof, and the index of open
//! campaigns across organisations.

use super::index::KnownOpen;
use super::{Platform, PlatformError};
use crate::ledger::canonical::decode;
use crate::ledger::entry::{Body, CampaignOpen};
use crate::ledger::hash::Hash;
use crate::ledger::registry::{normalise_bank, normalise_number, AccountKey, OrgStatus};
use crate::store::StoreError;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// The registry entry listing an account, with its inclusion proof in the registry's latest
/// signed checkpoint.
#[derive(Debug, Clone)]
pub struct RegistryProof {
    /// The entry's seq.
    pub seq: u64,
    /// The entry's exact leaf.
    pub leaf: Vec<u8>,
    /// Its audit path to the checkpoint's root.
    pub proof: Vec<Hash>,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The checkpoint's root.
    pub root: Hash,
    /// The signed checkpoint.
    pub checkpoint: String,
}

/// A campaign of an organisation.
#[derive(Debug, Clone)]
pub struct OrgCampaign {
    /// The organisation's slug.
    pub org: String,
    /// The organisation's name.
    pub org_name: String,
    /// What its `campaign.open` says (shared with the index's memory of it).
    pub known: Arc<KnownOpen>,
    /// Whether it takes money now (not closed).
    pub is_open: bool,
}

impl OrgCampaign {
    /// What its `campaign.open` says.
    pub fn open(&self) -> &CampaignOpen {
        &self.known.open
    }
}

/// The answer of an account check.
#[derive(Debug, Clone)]
pub enum AccountCheck {
    /// No organisation that is not closed lists the account.
    NotRegistered,
    /// Organisation `slug` lists it.
    Registered {
        /// The organisation's slug.
        slug: String,
        /// Its name.
        name: String,
        /// Its standing.
        status: OrgStatus,
        /// Its campaigns naming the account.
        campaigns: Vec<OrgCampaign>,
        /// The registry entry listing the account, proved.
        registry: RegistryProof,
    },
}

impl Platform {
    /// Which organisation (not closed) lists account `number` (at `bank`, or at any bank
    /// when `bank` is empty), its campaigns naming it, and the registry entry listing it
    /// with its proof.
    ///
    /// # Errors
    /// A store failure, or the organisation's ledger failing to start.
    pub async fn check_account(
        &self,
        number: &str,
        bank: Option<&str>,
    ) -> Result<AccountCheck, PlatformError> {
        let bank = bank.map(str::trim).filter(|b| !b.is_empty());
        let found = self.with_book(|book| match bank {
            Some(bank) => book
                .find_account(bank, number)
                .map(|(s, q)| (s.to_string(), q)),
            None => {
                let wanted = normalise_number(number);
                book.orgs()
                    .iter()
                    .filter(|o| o.status != OrgStatus::Closed && !wanted.is_empty())
                    .find(|o| {
                        o.accounts
                            .iter()
                            .any(|a| normalise_number(&a.number) == wanted)
                    })
                    .map(|o| (o.slug.clone(), o.accounts_seq))
            }
        });
        let Some((slug, seq)) = found else {
            return Ok(AccountCheck::NotRegistered);
        };
        let Some((name, status, accounts)) = self.with_book(|b| {
            b.org(&slug)
                .map(|o| (o.name.clone(), o.status, o.accounts.clone()))
        }) else {
            return Ok(AccountCheck::NotRegistered);
        };
        let asked = |key: &AccountKey| {
            normalise_number(number) == key.number
                && bank.is_none_or(|b| normalise_bank(b) == key.bank)
        };
        // The account as registered (its bank, when none was asked).
        let keys: Vec<AccountKey> = accounts
            .iter()
            .map(AccountKey::of)
            .filter(|k| asked(k))
            .collect();
        let campaigns = self
            .campaigns_of(&slug, &name)
            .await?
            .into_iter()
            .filter(|c| {
                c.open()
                    .accounts
                    .iter()
                    .any(|a| keys.contains(&AccountKey::of(a)))
            })
            .collect();
        Ok(AccountCheck::Registered {
            registry: self.registry_proof(seq).await?,
            slug,
            name,
            status,
            campaigns,
        })
    }

    /// Registry entry `seq`, proved in the registry's latest signed checkpoint.
    async fn registry_proof(&self, seq: u64) -> Result<RegistryProof, PlatformError> {
        let state = &self.registry().state;
        let checkpoint = state.sequencer.view().checkpoint.clone();
        let entry = state
            .store
            .entry(seq)
            .await?
            .ok_or(StoreError::Corrupt(format!(
                "registry entry {seq} is missing"
            )))?;
        let proof = state.store.inclusion_proof(seq, checkpoint.size).await?;
        Ok(RegistryProof {
            seq,
            leaf: entry.leaf,
            proof,
            size: checkpoint.size,
            root: checkpoint.root,
            checkpoint: checkpoint.note,
        })
    }

    /// Every campaign of organisation `slug` (named `name`), in opening order. A started
    /// ledger is read as it is now: which campaigns it has and whether each is closed from
    /// its live view, each `campaign.open` from the store only the first time
    /// ([`super::index`]). One not started (so it appended nothing since this process
    /// began) is read once from its store, without starting it, and remembered: the account
    /// check and the index never start an organisation.
    async fn campaigns_of(
        &self,
        slug: &str,
        name: &str,
    ) -> Result<Vec<OrgCampaign>, PlatformError> {
        if let Some(org) = self.started(slug) {
            let states: Vec<(u64, bool)> = {
                let view = org.state.sequencer.view();
                view.campaigns.iter().map(|(s, c)| (*s, c.closed)).collect()
            };
            return self.opened(&org.state.store, slug, name, states).await;
        }
        if let Some(known) = self.idle_campaigns(slug) {
            return Ok(known);
        }
        let store = self.dir().org(slug).store().await?;
        let states = store
            .campaigns()
            .await?
            .into_iter()
            .map(|c| (c.opened_seq, c.state.closed))
            .collect();
        let read = self.opened(&store, slug, name, states).await;
        store.close().await;
        let read = read?;
        self.remember_idle_campaigns(slug, &read);
        Ok(read)
    }

    /// The open campaigns of every active organisation whose title, purpose or
    /// organisation name holds `query` (case and Vietnamese accents ignored; every open
    /// campaign when `query` is empty).
    ///
    /// # Errors
    /// A store failure, or an organisation's ledger failing to start.
    pub async fn open_campaigns(&self, query: &str) -> Result<Vec<OrgCampaign>, PlatformError> {
        let wanted = folded(query);
        let mentions = |c: &OrgCampaign, org_name: &str| {
            wanted.is_empty() || c.known.mentions(&wanted) || org_name.contains(&wanted)
        };
        let active: Vec<(String, String)> = self.with_book(|b| {
            b.orgs()
                .iter()
                .filter(|o| o.status == OrgStatus::Active)
                .map(|o| (o.slug.clone(), o.name.clone()))
                .collect()
        });
        let mut found = Vec::new();
        for (slug, name) in active {
            let org_name = folded(&name);
            for c in self.campaigns_of(&slug, &name).await? {
                if c.is_open && mentions(&c, &org_name) {
                    found.push(c);
                }
            }
        }
        Ok(found)
    }
}

impl Platform {
    /// The campaigns opened at `states` (each `campaign.open` seq and whether it was
    /// closed) in `store`, of organisation `slug` named `name`; each entry read from the
    /// store only if it was not read before.
    async fn opened(
        &self,
        store: &crate::store::Store,
        slug: &str,
        name: &str,
        states: Vec<(u64, bool)>,
    ) -> Result<Vec<OrgCampaign>, PlatformError> {
        let mut campaigns = Vec::with_capacity(states.len());
        for (opened_seq, closed) in states {
            let known = match self.opened.get(slug, opened_seq) {
                Some(known) => known,
                None => match read_open(store, opened_seq).await? {
                    Some(open) => self.opened.remember(slug, opened_seq, open),
                    None => continue,
                },
            };
            campaigns.push(OrgCampaign {
                org: slug.to_string(),
                org_name: name.to_string(),
                known,
                is_open: !closed,
            });
        }
        Ok(campaigns)
    }
}

/// The `campaign.open` at `seq` of `store`, if that entry is one.
async fn read_open(
    store: &crate::store::Store,
    seq: u64,
) -> Result<Option<CampaignOpen>, PlatformError> {
    let Some(stored) = store.entry(seq).await? else {
        return Ok(None);
    };
    Ok(match decode(&stored.leaf).map(|e| e.body) {
        Ok(Body::CampaignOpen(open)) => Some(open),
        _ => None,
    })
}

/// `text` as the campaign index compares it: lower case, without accents (`đ` is `d`),
/// white space runs as one space.
pub fn folded(text: &str) -> String {
    let bare: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect();
    bare.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::folded;

    #[test]
    fn the_index_ignores_case_and_vietnamese_accents() {
        assert_eq!(folded("Cứu trợ  LŨ Đà Nẵng"), "cuu tro lu da nang");
    }
}
