//! `GET /api/v1/feed` and `GET /api/v1/campaigns/{id}/feed`: Atom documents (RFC 4287) read
//! with a real XML parser (quick-xml): the required elements, each item's id naming its
//! entry's leaf hash, `updated` the entry's recorded time, links to the page; hostile text
//! escaped.

use crate::helpers::app::{spawn_app, TestApp};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::json;

/// One `<entry>` as read: its id, title, updated, published and alternate link.
#[derive(Debug, Default)]
struct Item {
    id: String,
    title: String,
    updated: String,
    link: String,
}

/// A feed as read: its own elements and its items, in document order.
#[derive(Debug, Default)]
struct Feed {
    namespace: String,
    id: String,
    title: String,
    updated: String,
    self_link: String,
    author: String,
    items: Vec<Item>,
}

/// Parses `xml` with quick-xml, failing on any malformed XML.
fn parse(xml: &str) -> Feed {
    let mut reader = Reader::from_str(xml);
    let mut feed = Feed::default();
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("UTF-8");
                if name == "feed" {
                    let ns = e.try_get_attribute("xmlns").expect("attr").expect("xmlns");
                    feed.namespace = ns.unescape_value().expect("text").into_owned();
                }
                if name == "entry" {
                    feed.items.push(Item::default());
                }
                path.push(name);
            }
            Event::Empty(e) => {
                let name = e.name();
                if name.as_ref() == b"link" {
                    let attr = |k: &str| {
                        e.try_get_attribute(k)
                            .expect("attr")
                            .map(|a| a.unescape_value().expect("text").into_owned())
                            .unwrap_or_default()
                    };
                    let in_entry = path.last().is_some_and(|p| p == "entry");
                    match (in_entry, attr("rel").as_str()) {
                        (true, "alternate") => {
                            feed.items.last_mut().expect("an entry").link = attr("href")
                        }
                        (false, "self") => feed.self_link = attr("href"),
                        _ => {}
                    }
                }
            }
            Event::Text(t) => {
                let text = t.decode().expect("text").into_owned();
                let text = quick_xml::escape::unescape(&text)
                    .expect("entities")
                    .into_owned();
                let here: Vec<&str> = path.iter().map(String::as_str).collect();
                match here.as_slice() {
                    ["feed", "id"] => feed.id.push_str(&text),
                    ["feed", "title"] => feed.title.push_str(&text),
                    ["feed", "updated"] => feed.updated.push_str(&text),
                    ["feed", "author", "name"] => feed.author.push_str(&text),
                    ["feed", "entry", field] => {
                        let item = feed.items.last_mut().expect("an entry");
                        match *field {
                            "id" => item.id.push_str(&text),
                            "title" => item.title.push_str(&text),
                            "updated" => item.updated.push_str(&text),
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Event::GeneralRef(r) => {
                // An entity inside text (quick-xml reports `&lt;` apart): keep it as text.
                let name = String::from_utf8(r.to_vec()).expect("UTF-8");
                let ch = quick_xml::escape::unescape(&format!("&{name};"))
                    .expect("entity")
                    .into_owned();
                let here: Vec<&str> = path.iter().map(String::as_str).collect();
                if here == ["feed", "entry", "title"] {
                    feed.items.last_mut().expect("an entry").title.push_str(&ch);
                }
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    feed
}

async fn feed_text(app: &TestApp, path: &str) -> String {
    let r = app
        .client
        .get(format!("{}/api/v1{path}", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 200);
    let media = r.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .to_string();
    assert!(media.starts_with("application/atom+xml"), "{media}");
    r.text().await.expect("text")
}

#[tokio::test]
async fn the_ledger_feed_names_each_entry_by_its_leaf_hash_with_its_recorded_time_newest_first() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    app.donate("flood-2026", "250000").await;
    let rows = [
        app.get_json("/entries/1").await,
        app.get_json("/entries/0").await,
    ];

    let feed = parse(&feed_text(&app, "/feed").await);

    assert_eq!(feed.namespace, "http://www.w3.org/2005/Atom");
    assert!(!feed.id.is_empty() && !feed.title.is_empty() && !feed.author.is_empty());
    assert!(
        feed.self_link.ends_with("/api/v1/feed"),
        "{}",
        feed.self_link
    );
    assert_eq!(feed.items.len(), 2);
    for (item, row) in feed.items.iter().zip(rows.iter()) {
        let hash = row["leaf_hash"].as_str().expect("leaf_hash");
        assert_eq!(item.id, format!("urn:fundtrail:leaf:{hash}"));
        let leaf: serde_json::Value =
            serde_json::from_str(row["leaf"].as_str().expect("leaf")).expect("JSON");
        assert_eq!(
            item.updated,
            leaf["recorded_at"].as_str().expect("recorded_at")
        );
        chrono::DateTime::parse_from_rfc3339(&item.updated).expect("RFC 3339");
        let seq = leaf["seq"].as_u64().expect("seq");
        assert!(
            item.link.ends_with(&format!("/#/entry/{seq}")),
            "{}",
            item.link
        );
    }
    assert_eq!(feed.updated, feed.items[0].updated);
    assert!(feed.items[0].title.contains("250,000") || feed.items[0].title.contains("250000"));
}

#[tokio::test]
async fn a_campaign_feed_holds_only_that_campaigns_entries_and_escapes_hostile_titles() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    app.open_campaign("school-roofs", "VND").await;
    let r = app
        .post(
            "/updates",
            &json!({"campaign": "flood-2026", "title": "<script>alert(1)</script> & co", "text": "Đã giao."}),
            app.recorder(),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text());

    let xml = feed_text(&app, "/campaigns/flood-2026/feed").await;
    let feed = parse(&xml);

    assert!(!xml.contains("<script>"), "{xml}");
    assert_eq!(feed.items.len(), 2, "{xml}");
    assert!(
        feed.items[0]
            .title
            .contains("<script>alert(1)</script> & co"),
        "{:?}",
        feed.items[0]
    );
    assert!(feed.items.iter().all(|i| !i.title.contains("school-roofs")));
}

#[tokio::test]
async fn the_feed_of_a_campaign_never_opened_is_404() {
    let app = spawn_app().await;

    let r = app.get("/campaigns/nowhere/feed").await;

    assert_eq!(r.status(), 404);
}
