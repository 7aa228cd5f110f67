//! The `update` entry (SPEC.md §20.1): a campaign's narrative update — a title, a short text
//! and optional evidence files (photos of delivered goods, a report) — so that what was done
//! with the money is part of the signed record.
//!
//! An update moves no money. Its one ledger rule is that it names a campaign that was opened
//! (open or closed: a report after the campaign closed is the usual case).

use crate::entry::{date_field, evidence_list, long_text, short_text, slug_field};
use crate::entry::{Evidence, FieldError};
use serde::{Deserialize, Serialize};

/// `update`: a campaign's narrative update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    /// The campaign the update is about.
    pub campaign: String,
    /// The day the update reports on, `YYYY-MM-DD`.
    pub date: String,
    /// Photos, reports, delivery lists: by hash, like a disbursement's; may be empty.
    pub evidence: Vec<Evidence>,
    /// The update itself (long text, newlines allowed).
    pub text: String,
    /// A short headline.
    pub title: String,
}

impl Update {
    /// Checks the field rules of SPEC.md §20.1, in key order.
    ///
    /// # Errors
    /// A [`FieldError`] naming the first bad field.
    pub fn validate(&self) -> Result<(), FieldError> {
        slug_field("campaign", &self.campaign)?;
        date_field("date", &self.date)?;
        evidence_list(&self.evidence)?;
        long_text("text", &self.text)?;
        short_text("title", &self.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Body;

    fn update() -> Update {
        Update {
            campaign: "flood-2026".into(),
            date: "2026-11-10".into(),
            evidence: vec![],
            text: "120 families received rice.\nPhotos attached.".into(),
            title: "Rice delivered".into(),
        }
    }

    #[test]
    fn an_update_with_text_and_no_evidence_is_valid() {
        assert_eq!(Body::Update(update()).validate(), Ok(()));
    }

    #[test]
    fn an_update_without_a_title_names_the_title() {
        let u = Update {
            title: "  ".into(),
            ..update()
        };
        let e = Body::Update(u).validate().expect_err("empty title");
        assert_eq!(e.field, "title");
    }

    #[test]
    fn an_update_with_a_bad_date_names_the_date() {
        let u = Update {
            date: "2026-02-30".into(),
            ..update()
        };
        assert_eq!(Body::Update(u).validate().expect_err("date").field, "date");
    }
}
