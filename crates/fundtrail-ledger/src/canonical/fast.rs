//! The fast path of [`super::decode`]: a parser for exactly the canonical bytes of
//! a valid entry (SPEC.md §3), written against the grammar `serde_json` produces for our
//! structs, so it needs no re-encoding to know the bytes are canonical.
//!
//! It answers `Some(entry)` only when the general decoder would answer `Ok(entry)` for the
//! same bytes, and `None` for anything it is not sure of (any escape other than `\"`, `\\`
//! and `\n`, a missing or extra key, a non-canonical number, a field that fails
//! validation...). The caller then runs the general decoder, which finds the precise error,
//! so the accepted leaves and every error message are the general decoder's. Debug builds
//! check every fast answer against the general decoder. Entries with an `approval` key and
//! `approval.policy` entries (SPEC.md §17) are rare, and always left to the general decoder.

use crate::entry::{
    validate_envelope, Account, Body, CampaignClose, CampaignOpen, Channel, Disbursement, Donation,
    Entry, Evidence, InKind, Reversal, ReversalReason, Transfer, FORMAT_VERSION,
};
use crate::hash::Hash;
use crate::money::{Currency, Minor};

/// Decodes `leaf` if it is the canonical encoding of a valid entry; `None` when unsure.
pub(super) fn decode(leaf: &[u8]) -> Option<Entry> {
    let mut c = Cursor { b: leaf, i: 0 };
    c.lit(b"{\"body\":")?;
    let body = c.body()?;
    c.lit(b",\"kind\":\"")?;
    let kind = body.kind().as_bytes();
    if !c.b[c.i..].starts_with(kind) {
        return None;
    }
    c.i += kind.len();
    c.lit(b"\",\"prev\":")?;
    let prev = c.hash()?;
    c.lit(b",\"recorded_at\":")?;
    let recorded_at = c.text()?;
    c.lit(b",\"recorded_by\":")?;
    let recorded_by = c.text()?;
    c.lit(b",\"seq\":")?;
    let seq = c.uint()?;
    c.lit(b",\"v\":")?;
    if c.uint()? != FORMAT_VERSION {
        return None;
    }
    c.lit(b"}")?;
    if c.i != leaf.len() {
        return None;
    }
    let entry = Entry {
        seq,
        prev,
        recorded_at,
        recorded_by,
        body,
    };
    validate_envelope(&entry).ok()?;
    entry.body.validate().ok()?;
    Some(entry)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    /// Consumes `s` if the input continues with it. (Fixed-size arrays compare inline,
    /// where slices of unknown length would call `memcmp`.)
    #[inline(always)]
    fn eat<const N: usize>(&mut self, s: &[u8; N]) -> bool {
        let found = self.peek(s);
        if found {
            self.i += N;
        }
        found
    }

    #[inline(always)]
    fn lit<const N: usize>(&mut self, s: &[u8; N]) -> Option<()> {
        self.eat(s).then_some(())
    }

    #[inline(always)]
    fn peek<const N: usize>(&self, s: &[u8; N]) -> bool {
        self.b.get(self.i..self.i + N).is_some_and(|w| w == s)
    }

    /// A string written without any escape (codes, hashes, amounts, enum names).
    fn token(&mut self) -> Option<&'a [u8]> {
        self.lit(b"\"")?;
        let rest = &self.b[self.i..];
        let n = rest
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if rest[n] != b'"' {
            return None;
        }
        self.i += n + 1;
        Some(&rest[..n])
    }

    /// Any string, as `serde_json` writes it: raw UTF-8, with only `"`, `\` and control
    /// characters escaped. Escapes other than `\"`, `\\` and `\n` are left to the general
    /// decoder (they only ever encode control characters no field accepts).
    fn text(&mut self) -> Option<String> {
        self.lit(b"\"")?;
        let mut out: Option<Vec<u8>> = None;
        loop {
            let rest = &self.b[self.i..];
            let n = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
            let chunk = &rest[..n];
            match rest[n] {
                b'"' => {
                    self.i += n + 1;
                    return match out {
                        None => std::str::from_utf8(chunk).ok().map(str::to_owned),
                        Some(mut v) => {
                            v.extend_from_slice(chunk);
                            String::from_utf8(v).ok()
                        }
                    };
                }
                b'\\' => {
                    let unescaped = match rest.get(n + 1)? {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'n' => b'\n',
                        _ => return None,
                    };
                    let v = out.get_or_insert_with(Vec::new);
                    v.extend_from_slice(chunk);
                    v.push(unescaped);
                    self.i += n + 2;
                }
                _ => return None,
            }
        }
    }

    /// An optional string field: `,"key":"…"` when present.
    fn opt_text<const N: usize>(&mut self, key: &[u8; N]) -> Option<Option<String>> {
        if self.eat(key) {
            self.text().map(Some)
        } else {
            Some(None)
        }
    }

    /// A JSON integer as `serde_json` writes a `u64`: digits without a leading zero.
    fn uint(&mut self) -> Option<u64> {
        let rest = &self.b[self.i..];
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || (n > 1 && rest[0] == b'0') {
            return None;
        }
        let mut v: u64 = 0;
        for &d in &rest[..n] {
            v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        self.i += n;
        Some(v)
    }

    fn hash(&mut self) -> Option<Hash> {
        Hash::from_hex_bytes(self.token()?)
    }

    fn minor(&mut self) -> Option<Minor> {
        Minor::parse_canonical(std::str::from_utf8(self.token()?).ok()?).ok()
    }

    fn currency(&mut self) -> Option<Currency> {
        Currency::parse(std::str::from_utf8(self.token()?).ok()?).ok()
    }

    fn channel(&mut self) -> Option<Channel> {
        Some(match self.token()? {
            b"bank_transfer" => Channel::BankTransfer,
            b"cash" => Channel::Cash,
            b"card" => Channel::Card,
            b"mobile_money" => Channel::MobileMoney,
            b"in_kind" => Channel::InKind,
            b"other" => Channel::Other,
            _ => return None,
        })
    }

    fn reason(&mut self) -> Option<ReversalReason> {
        Some(match self.token()? {
            b"refund" => ReversalReason::Refund,
            b"duplicate" => ReversalReason::Duplicate,
            b"error" => ReversalReason::Error,
            _ => return None,
        })
    }

    /// The body object; which kind it is follows from its first keys.
    fn body(&mut self) -> Option<Body> {
        if self.eat(b"{\"accounts\":[") {
            return self.campaign_open().map(Body::CampaignOpen);
        }
        if self.eat(b"{\"campaign\":") {
            let campaign = self.text()?;
            let note = self.opt_text(b",\"note\":")?;
            self.lit(b"}")?;
            return Some(Body::CampaignClose(CampaignClose { campaign, note }));
        }
        if self.eat(b"{\"amount\":") {
            let amount = self.minor()?;
            if self.eat(b",\"currency\":") {
                return self.transfer(amount).map(Body::Transfer);
            }
            self.lit(b",\"campaign\":")?;
            let campaign = self.text()?;
            if self.eat(b",\"channel\":") {
                return self.donation(amount, campaign).map(Body::Donation);
            }
            self.lit(b",\"currency\":")?;
            return self.disbursement(amount, campaign).map(Body::Disbursement);
        }
        if self.peek(b"{\"note\":") || self.peek(b"{\"reason\":") {
            self.lit(b"{")?;
            let note = if self.eat(b"\"note\":") {
                let note = self.text()?;
                self.lit(b",")?;
                Some(note)
            } else {
                None
            };
            self.lit(b"\"reason\":")?;
            let reason = self.reason()?;
            self.lit(b",\"reverses\":")?;
            let reverses = self.uint()?;
            self.lit(b"}")?;
            return Some(Body::Reversal(Reversal {
                note,
                reason,
                reverses,
            }));
        }
        None
    }

    /// After `{"accounts":[`.
    fn campaign_open(&mut self) -> Option<CampaignOpen> {
        let mut accounts = Vec::new();
        if !self.eat(b"]") {
            loop {
                self.lit(b"{\"bank\":")?;
                let bank = self.text()?;
                self.lit(b",\"holder\":")?;
                let holder = self.text()?;
                self.lit(b",\"number\":")?;
                let number = self.text()?;
                self.lit(b"}")?;
                accounts.push(Account {
                    bank,
                    holder,
                    number,
                });
                if self.eat(b"]") {
                    break;
                }
                self.lit(b",")?;
            }
        }
        self.lit(b",\"currency\":")?;
        let currency = self.currency()?;
        let ends_on = self.opt_text(b",\"ends_on\":")?;
        let goal = if self.eat(b",\"goal\":") {
            Some(self.minor()?)
        } else {
            None
        };
        self.lit(b",\"id\":")?;
        let id = self.text()?;
        self.lit(b",\"purpose\":")?;
        let purpose = self.text()?;
        self.lit(b",\"title\":")?;
        let title = self.text()?;
        self.lit(b"}")?;
        Some(CampaignOpen {
            accounts,
            approval: None,
            currency,
            ends_on,
            goal,
            id,
            purpose,
            title,
        })
    }

    /// After `{"amount":"…","campaign":"…","channel":`.
    fn donation(&mut self, amount: Minor, campaign: String) -> Option<Donation> {
        let channel = self.channel()?;
        let commitment = if self.eat(b",\"commitment\":") {
            Some(self.hash()?)
        } else {
            None
        };
        self.lit(b",\"currency\":")?;
        let currency = self.currency()?;
        self.lit(b",\"donor\":")?;
        let donor = self.text()?;
        let in_kind = if self.eat(b",\"in_kind\":{\"description\":") {
            let description = self.text()?;
            self.lit(b"}")?;
            Some(InKind { description })
        } else {
            None
        };
        let memo = self.opt_text(b",\"memo\":")?;
        self.lit(b",\"received_at\":")?;
        let received_at = self.text()?;
        let reference = self.opt_text(b",\"reference\":")?;
        self.lit(b"}")?;
        Some(Donation {
            amount,
            campaign,
            channel,
            commitment,
            currency,
            donor,
            in_kind,
            memo,
            pledge: None,
            received_at,
            reference,
        })
    }

    /// After `{"amount":"…","campaign":"…","currency":`.
    fn disbursement(&mut self, amount: Minor, campaign: String) -> Option<Disbursement> {
        let currency = self.currency()?;
        self.lit(b",\"evidence\":[")?;
        let mut evidence = Vec::new();
        if !self.eat(b"]") {
            loop {
                self.lit(b"{\"media_type\":")?;
                let media_type = self.text()?;
                let name = self.opt_text(b",\"name\":")?;
                self.lit(b",\"sha256\":")?;
                let sha256 = self.hash()?;
                self.lit(b",\"size\":")?;
                let size = self.uint()?;
                self.lit(b"}")?;
                evidence.push(Evidence {
                    media_type,
                    name,
                    sha256,
                    size,
                });
                if self.eat(b"]") {
                    break;
                }
                self.lit(b",")?;
            }
        }
        self.lit(b",\"paid_at\":")?;
        let paid_at = self.text()?;
        self.lit(b",\"purpose\":")?;
        let purpose = self.text()?;
        self.lit(b",\"recipient\":")?;
        let recipient = self.text()?;
        let reference = self.opt_text(b",\"reference\":")?;
        self.lit(b"}")?;
        Some(Disbursement {
            amount,
            approval: None,
            budget_line: None,
            campaign,
            currency,
            evidence,
            paid_at,
            purpose,
            recipient,
            reference,
        })
    }

    /// After `{"amount":"…","currency":`.
    fn transfer(&mut self, amount: Minor) -> Option<Transfer> {
        let currency = self.currency()?;
        self.lit(b",\"from\":")?;
        let from = self.text()?;
        self.lit(b",\"reason\":")?;
        let reason = self.text()?;
        let reference = self.opt_text(b",\"reference\":")?;
        self.lit(b",\"to\":")?;
        let to = self.text()?;
        self.lit(b"}")?;
        Some(Transfer {
            amount,
            approval: None,
            currency,
            from,
            reason,
            reference,
            to,
        })
    }
}
