//! Atom feeds (RFC 4287) of the ledger and of one campaign (SPEC.md §20.2): one `<entry>`
//! per ledger entry, newest first. The generator is pure: it takes decoded entries with their
//! leaf hashes and returns the document.
//!
//! Guarantees: an entry's `<id>` is `urn:fundtrail:leaf:<leaf hash hex>`, so a reader can
//! check the item against the ledger; `<updated>` is the entry's `recorded_at` (RFC 3339 as
//! it stands); every text goes through the XML writer, so hostile text in the ledger is
//! escaped, never markup.

use crate::ledger::entry::{Body, Entry};
use crate::ledger::hash::Hash;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// The media type of an Atom document.
pub const ATOM_MEDIA_TYPE: &str = "application/atom+xml; charset=utf-8";

/// What a feed is about, for its head.
#[derive(Debug, Clone)]
pub struct FeedHead {
    /// The feed's own URL (its `rel="self"` link and its id).
    pub self_url: String,
    /// The page it mirrors (its `rel="alternate"` link).
    pub page_url: String,
    /// The feed's title.
    pub title: String,
    /// The organisation (the feed's author).
    pub author: String,
}

/// One ledger entry of a feed: the entry and its leaf hash.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// The decoded entry.
    pub entry: Entry,
    /// Its leaf hash (SPEC.md §4).
    pub leaf_hash: Hash,
}

/// The id of the feed item of the entry whose leaf hash is `leaf_hash` (SPEC.md §20.2).
pub fn item_id(leaf_hash: &Hash) -> String {
    format!("urn:fundtrail:leaf:{}", leaf_hash.to_hex())
}

/// The Atom document of `items` (newest first) under `head`; `base` is the page's base URL
/// (without a trailing `/`), for each item's link to `#/entry/<seq>`.
pub fn feed(head: &FeedHead, base: &str, items: &[FeedItem]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    // Writing into a Vec cannot fail; the `let _` keeps that explicit without unwrap.
    let _ = write_feed(&mut w, head, base, items);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

type Out = Writer<Vec<u8>>;
type Written = std::io::Result<()>;

fn write_feed(w: &mut Out, head: &FeedHead, base: &str, items: &[FeedItem]) -> Written {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.write_event(Event::Start(
        BytesStart::new("feed").with_attributes([("xmlns", "http://www.w3.org/2005/Atom")]),
    ))?;
    text(w, "id", &head.self_url)?;
    text(w, "title", &head.title)?;
    // A feed without entries is as new as the epoch: nothing in it has changed.
    let updated = items
        .first()
        .map_or("1970-01-01T00:00:00Z", |i| i.entry.recorded_at.as_str());
    text(w, "updated", updated)?;
    link(w, "self", "application/atom+xml", &head.self_url)?;
    link(w, "alternate", "text/html", &head.page_url)?;
    w.write_event(Event::Start(BytesStart::new("author")))?;
    text(w, "name", &head.author)?;
    w.write_event(Event::End(BytesEnd::new("author")))?;
    text(w, "generator", "fundtrail")?;
    for item in items {
        write_item(w, base, item)?;
    }
    w.write_event(Event::End(BytesEnd::new("feed")))
}

fn write_item(w: &mut Out, base: &str, item: &FeedItem) -> Written {
    let e = &item.entry;
    w.write_event(Event::Start(BytesStart::new("entry")))?;
    text(w, "id", &item_id(&item.leaf_hash))?;
    text(w, "title", &title(e))?;
    text(w, "updated", &e.recorded_at)?;
    text(w, "published", &e.recorded_at)?;
    link(
        w,
        "alternate",
        "text/html",
        &format!("{base}/#/entry/{}", e.seq),
    )?;
    w.write_event(Event::Empty(
        BytesStart::new("category").with_attributes([("term", e.body.kind())]),
    ))?;
    w.write_event(Event::Start(
        BytesStart::new("summary").with_attributes([("type", "text")]),
    ))?;
    w.write_event(Event::Text(BytesText::new(&summary(e))))?;
    w.write_event(Event::End(BytesEnd::new("summary")))?;
    w.write_event(Event::End(BytesEnd::new("entry")))
}

fn text(w: &mut Out, name: &str, value: &str) -> Written {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(value)))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn link(w: &mut Out, rel: &str, media_type: &str, href: &str) -> Written {
    w.write_event(Event::Empty(BytesStart::new("link").with_attributes([
        ("rel", rel),
        ("type", media_type),
        ("href", href),
    ])))
}

/// A one-line title: the entry's number, what it is and its amount.
fn title(e: &Entry) -> String {
    let n = e.seq;
    match &e.body {
        Body::CampaignOpen(o) => format!("#{n} Campaign opened: {}", o.title),
        Body::CampaignClose(c) => format!("#{n} Campaign closed: {}", c.campaign),
        Body::Donation(d) => format!(
            "#{n} Donation {} {} to {}",
            d.amount.to_decimal(d.currency),
            d.currency,
            d.campaign
        ),
        Body::Disbursement(d) => format!(
            "#{n} Payment {} {} from {} to {}",
            d.amount.to_decimal(d.currency),
            d.currency,
            d.campaign,
            d.recipient
        ),
        Body::Transfer(t) => format!(
            "#{n} Transfer {} {} from {} to {}",
            t.amount.to_decimal(t.currency),
            t.currency,
            t.from,
            t.to
        ),
        Body::Reversal(r) => format!("#{n} Reversal of entry {}", r.reverses),
        Body::Statement(s) => format!(
            "#{n} Bank statement {} {} to {}",
            s.account.number, s.from, s.to
        ),
        Body::Update(u) => format!("#{n} Update on {}: {}", u.campaign, u.title),
        #[allow(unreachable_patterns)]
        _ => format!("#{n} {}", e.body.kind()),
    }
}

/// The item's text: the entry's words (purpose, memo, update text), or its kind.
fn summary(e: &Entry) -> String {
    match &e.body {
        Body::CampaignOpen(o) => o.purpose.clone(),
        Body::CampaignClose(c) => c.note.clone().unwrap_or_default(),
        Body::Donation(d) => format!("{}: {}", d.donor, d.memo.as_deref().unwrap_or("")),
        Body::Disbursement(d) => d.purpose.clone(),
        Body::Transfer(t) => t.reason.clone(),
        Body::Reversal(r) => r.note.clone().unwrap_or_default(),
        Body::Update(u) => u.text.clone(),
        _ => e.body.kind().to_string(),
    }
}
