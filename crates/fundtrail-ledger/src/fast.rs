//! The fast path of [`super::canonical::decode`]: a parser for exactly the canonical bytes of
//! a valid entry (SPEC.md §3), written against the grammar `serde_json` produces for our
//! structs, so it needs no re-encoding to know the bytes are canonical.
//!
//! It answers `Some(entry)` only when the general decoder would answer `Ok(entry)` for the
//! same bytes, and `None` for anything it is not sure of (any escape other than `\"`, `\\`
//! and `\n`, a missing or extra key, a non-canonical number, a field that fails
//! validation...). The caller then runs the general decoder, which finds the precise error,
//! so the accepted leaves and every error message are the general decoder's. Debug builds
//! check every fast answer against the general decoder.

use super::canonical::validate_envelope;
use super::entry::{
    Account, Body, CampaignClose, CampaignOpen, Channel, Disbursement, Donation, Entry, Evidence,
    InKind, Reversal, ReversalReason, Transfer, FORMAT_VERSION,
};
use super::hash::Hash;
use super::money::{Currency, Minor};

/// Decodes `leaf` if it is the canonical encoding of a valid entry; `None` when unsure.
pub(crate) fn decode(leaf: &[u8]) -> Option<Entry> {
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
        self.lit(b"}")?;
        Some(Disbursement {
            amount,
            campaign,
            currency,
            evidence,
            paid_at,
            purpose,
            recipient,
        })
    }

    /// After `{"amount":"…","currency":`.
    fn transfer(&mut self, amount: Minor) -> Option<Transfer> {
        let currency = self.currency()?;
        self.lit(b",\"from\":")?;
        let from = self.text()?;
        self.lit(b",\"reason\":")?;
        let reason = self.text()?;
        self.lit(b",\"to\":")?;
        let to = self.text()?;
        self.lit(b"}")?;
        Some(Transfer {
            amount,
            currency,
            from,
            reason,
            to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::{decode_general, encode};
    use crate::hash::sha256;

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn chance(&mut self, one_in: u64) -> bool {
            self.below(one_in) == 0
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len() as u64) as usize]
        }
    }

    const PIECES: &[&str] = &[
        "a", "Nguyễn", " ", "\"", "\\", "\n", "\t", "\r", "\u{1}", "\u{7f}", "\u{85}", "/", "<b>",
        "😀", "\u{2028}", "0", "-", "x-1", "Z", "",
    ];

    fn text(rng: &mut Rng) -> String {
        if rng.chance(3) {
            return rng
                .pick(&["Lan", "Quỹ Cứu trợ", "flood-2026", "a b"])
                .to_string();
        }
        (0..rng.below(6)).map(|_| rng.pick(PIECES)).collect()
    }

    fn slug(rng: &mut Rng) -> String {
        if rng.chance(8) {
            text(rng)
        } else {
            rng.pick(&["flood-2026", "medical-kits", "a", "0-x"])
                .to_string()
        }
    }

    fn date(rng: &mut Rng) -> String {
        rng.pick(&["2026-11-02", "2024-02-29", "2023-02-29", "2026-13-01", "x"])
            .to_string()
    }

    fn opt<T>(rng: &mut Rng, f: impl FnOnce(&mut Rng) -> T) -> Option<T> {
        if rng.chance(2) {
            Some(f(rng))
        } else {
            None
        }
    }

    fn currency(rng: &mut Rng) -> Currency {
        Currency::parse(rng.pick(&["VND", "USD", "KWD"])).unwrap()
    }

    fn minor(rng: &mut Rng) -> Minor {
        let max = if rng.chance(4) { u64::MAX } else { 10_000 };
        Minor::new(1 + rng.below(max)).unwrap()
    }

    fn hash(rng: &mut Rng) -> Hash {
        sha256(&rng.next().to_le_bytes())
    }

    fn body(rng: &mut Rng) -> Body {
        match rng.below(6) {
            0 => Body::CampaignOpen(CampaignOpen {
                accounts: (0..rng.below(3))
                    .map(|_| Account {
                        bank: text(rng),
                        holder: text(rng),
                        number: text(rng),
                    })
                    .collect(),
                currency: currency(rng),
                ends_on: opt(rng, date),
                goal: opt(rng, minor),
                id: slug(rng),
                purpose: text(rng),
                title: text(rng),
            }),
            1 => Body::CampaignClose(CampaignClose {
                campaign: slug(rng),
                note: opt(rng, text),
            }),
            2 => {
                let channel = [
                    Channel::BankTransfer,
                    Channel::Cash,
                    Channel::Card,
                    Channel::MobileMoney,
                    Channel::InKind,
                    Channel::Other,
                ][rng.below(6) as usize];
                Body::Donation(Donation {
                    amount: minor(rng),
                    campaign: slug(rng),
                    channel,
                    commitment: opt(rng, hash),
                    currency: currency(rng),
                    donor: text(rng),
                    in_kind: if (channel == Channel::InKind) != rng.chance(10) {
                        Some(InKind {
                            description: text(rng),
                        })
                    } else {
                        None
                    },
                    memo: opt(rng, text),
                    received_at: date(rng),
                    reference: opt(rng, text),
                })
            }
            3 => Body::Disbursement(Disbursement {
                amount: minor(rng),
                campaign: slug(rng),
                currency: currency(rng),
                evidence: (0..rng.below(3))
                    .map(|_| Evidence {
                        media_type: rng.pick(&["application/pdf", "image/png", "x"]).into(),
                        name: opt(rng, text),
                        sha256: hash(rng),
                        size: rng.next() >> rng.below(64),
                    })
                    .collect(),
                paid_at: date(rng),
                purpose: text(rng),
                recipient: text(rng),
            }),
            4 => Body::Transfer(Transfer {
                amount: minor(rng),
                currency: currency(rng),
                from: slug(rng),
                reason: text(rng),
                to: slug(rng),
            }),
            _ => Body::Reversal(Reversal {
                note: opt(rng, text),
                reason: [
                    ReversalReason::Refund,
                    ReversalReason::Duplicate,
                    ReversalReason::Error,
                ][rng.below(3) as usize],
                reverses: rng.next() >> rng.below(64),
            }),
        }
    }

    fn entry(rng: &mut Rng) -> Entry {
        Entry {
            seq: rng.next() >> rng.below(64),
            prev: hash(rng),
            recorded_at: rng
                .pick(&[
                    "2026-11-24T10:00:00.000000Z",
                    "2024-02-29T23:59:60.999999Z",
                    "2026-11-24T10:00:00Z",
                ])
                .into(),
            recorded_by: text(rng),
            body: body(rng),
        }
    }

    /// Bytes that make interesting mutations of leaves.
    const NOISE: &[&[u8]] = &[
        b"\"",
        b"\\",
        b",",
        b":",
        b"{",
        b"}",
        b"[",
        b"]",
        b" ",
        b"0",
        b"1",
        b"a",
        b"A",
        b"-",
        b".",
        b"e",
        b"null",
        b"\\n",
        b"\\u0041",
        b"\\/",
        b"\xff",
        b"\xc3",
        b"\"x\":1,",
    ];

    fn mutate(rng: &mut Rng, leaf: &[u8]) -> Vec<u8> {
        let mut b = leaf.to_vec();
        for _ in 0..=rng.below(2) {
            let at = rng.below(b.len() as u64 + 1) as usize;
            let noise = NOISE[rng.below(NOISE.len() as u64) as usize];
            match rng.below(3) {
                0 if at < b.len() => {
                    b.remove(at);
                }
                1 if at < b.len() => {
                    b.splice(at..at + 1, noise.iter().copied());
                }
                _ => {
                    b.splice(at..at, noise.iter().copied());
                }
            }
        }
        b
    }

    /// The contract: the fast path accepts only what the general decoder accepts, with the
    /// same entry.
    fn check(leaf: &[u8]) -> bool {
        let fast = decode(leaf);
        if let Some(e) = &fast {
            assert_eq!(
                decode_general(leaf).as_ref(),
                Ok(e),
                "{}",
                String::from_utf8_lossy(leaf)
            );
        }
        fast.is_some()
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_decoder() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let (mut valid, mut fast) = (0, 0);
        for _ in 0..30_000 {
            let e = entry(&mut rng);
            let leaf = encode(&e);
            let general = decode_general(&leaf);
            let accepted = check(&leaf);
            if general.is_ok() {
                valid += 1;
                let escapes = leaf
                    .windows(2)
                    .any(|w| w[0] == b'\\' && !matches!(w[1], b'"' | b'\\' | b'n'));
                // Every valid leaf takes the fast path, but for rare escapes.
                assert!(accepted || escapes, "{}", String::from_utf8_lossy(&leaf));
                fast += usize::from(accepted);
            } else {
                assert!(!accepted);
            }
            for _ in 0..4 {
                check(&mutate(&mut rng, &leaf));
            }
        }
        assert!(valid > 1_000 && fast > 1_000, "{valid} valid, {fast} fast");
    }
}
