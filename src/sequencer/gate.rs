//! What a platform (SPEC.md §24) asks of an organisation's appends before they queue: the
//! organisation's standing in the registry (a suspended or closed organisation appends
//! nothing, while every read goes on), and the rule that a `campaign.open` names only
//! accounts the registry lists for the organisation. A ledger served on its own has an
//! open gate with no account rule, so it appends exactly as before.

use super::{AppendError, AppendRequest};
use crate::ledger::entry::{Account, Body};
use crate::ledger::registry::AccountKey;
use std::sync::RwLock;

/// An organisation's standing in the platform's registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Appends are accepted.
    Active,
    /// Appends are refused until the platform resumes the organisation.
    Suspended,
    /// Appends are refused for good.
    Closed,
}

/// The gate's settings: the standing and, on a platform, the registered accounts.
#[derive(Debug, Clone)]
struct Settings {
    standing: Standing,
    /// `None`: no account rule (a ledger served on its own).
    accounts: Option<Vec<AccountKey>>,
}

/// The gate every append of one ledger passes, shared by its handles and the platform.
#[derive(Debug)]
pub struct AppendGate(RwLock<Settings>);

impl Default for AppendGate {
    fn default() -> AppendGate {
        AppendGate(RwLock::new(Settings {
            standing: Standing::Active,
            accounts: None,
        }))
    }
}

impl AppendGate {
    /// Sets the standing; it applies to every append queued afterwards.
    pub fn set_standing(&self, standing: Standing) {
        self.0.write().unwrap_or_else(|p| p.into_inner()).standing = standing;
    }

    /// The standing now.
    pub fn standing(&self) -> Standing {
        self.0.read().unwrap_or_else(|p| p.into_inner()).standing
    }

    /// From now on, a `campaign.open` may name only accounts of `accounts` (compared as
    /// the registry compares them, SPEC.md §22.3).
    pub fn require_accounts(&self, accounts: &[Account]) {
        self.0.write().unwrap_or_else(|p| p.into_inner()).accounts =
            Some(accounts.iter().map(AccountKey::of).collect());
    }

    /// Whether `requests` may queue.
    ///
    /// # Errors
    /// [`AppendError::OrganisationSuspended`], [`AppendError::OrganisationClosed`], or
    /// [`AppendError::AccountNotRegistered`] naming the first account of a `campaign.open`
    /// that the registry does not list for this organisation.
    pub fn admit<'a>(
        &self,
        requests: impl IntoIterator<Item = &'a AppendRequest>,
    ) -> Result<(), AppendError> {
        let settings = self.0.read().unwrap_or_else(|p| p.into_inner());
        match settings.standing {
            Standing::Active => {}
            Standing::Suspended => return Err(AppendError::OrganisationSuspended),
            Standing::Closed => return Err(AppendError::OrganisationClosed),
        }
        let Some(registered) = &settings.accounts else {
            return Ok(());
        };
        for request in requests {
            if let Body::CampaignOpen(open) = &request.body {
                if let Some(unknown) = open
                    .accounts
                    .iter()
                    .find(|a| !registered.contains(&AccountKey::of(a)))
                {
                    return Err(AppendError::AccountNotRegistered {
                        bank: unknown.bank.clone(),
                        number: unknown.number.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}
