//! The embeddable widget (`/widget/{id}`) and badge (`/badge/{id}.svg`): raised against goal
//! from the published totals, in both languages, no script, framable by any site (and only
//! the widget), hostile titles escaped, JSON-LD as a data block.

use crate::helpers::app::{spawn_app, TestApp};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::json;

async fn get(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let r = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("sent");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.text().await.expect("text"))
}

async fn campaign_with_goal(app: &TestApp, title: &str) {
    let r = app
        .post(
            "/campaigns",
            &json!({"id": "flood-2026", "title": title, "purpose": "Rice", "currency": "VND", "goal": "5000000"}),
            app.admin(),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text());
    app.donate("flood-2026", "1250000").await;
}

#[tokio::test]
async fn the_widget_shows_raised_against_goal_without_script_and_any_site_may_frame_it() {
    let app = spawn_app().await;
    campaign_with_goal(&app, "Lũ <b>2026</b>").await;

    let (status, headers, html) = get(&app, "/widget/flood-2026?lang=vi").await;
    let (_, page_headers, _) = get(&app, "/").await;

    assert_eq!(status, 200);
    let csp = headers["content-security-policy"].to_str().expect("ASCII");
    assert!(
        csp.contains("frame-ancestors *") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let page_csp = page_headers["content-security-policy"]
        .to_str()
        .expect("ASCII");
    assert!(
        page_csp.contains("frame-ancestors 'none'"),
        "the page itself stays unframable"
    );
    assert!(html.contains("1.250.000 VND đã quyên góp"), "{html}");
    assert!(html.contains("25% mục tiêu 5.000.000 VND"), "{html}");
    assert!(html.contains("Lũ &lt;b&gt;2026&lt;/b&gt;"), "{html}");
    let scripts: Vec<&str> = html
        .match_indices("<script")
        .map(|(i, _)| &html[i..])
        .collect();
    assert_eq!(scripts.len(), 1, "only the JSON-LD block");
    assert!(scripts[0].starts_with("<script type=\"application/ld+json\">"));
    let ld = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .expect("JSON-LD");
    let ld: serde_json::Value = serde_json::from_str(ld).expect("JSON");
    assert_eq!(ld["@type"], "NGO");
    assert_eq!(ld["potentialAction"]["@type"], "DonateAction");
    assert_eq!(ld["potentialAction"]["name"], "Lũ <b>2026</b>");
}

#[tokio::test]
async fn the_badge_is_an_svg_of_raised_and_goal_that_parses_and_runs_nothing() {
    let app = spawn_app().await;
    campaign_with_goal(&app, "Flood & <rain>").await;

    let (status, headers, svg) = get(&app, "/badge/flood-2026.svg").await;

    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert!(headers["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .contains("sandbox"));
    assert!(svg.contains("1,250,000 VND / 5,000,000 VND (25%)"), "{svg}");
    assert!(!svg.contains("<script"));
    let mut reader = Reader::from_str(&svg);
    let mut elements = 0;
    loop {
        match reader.read_event().expect("well-formed SVG") {
            Event::Eof => break,
            Event::Start(_) | Event::Empty(_) => elements += 1,
            _ => {}
        }
    }
    assert!(elements > 3);
}

#[tokio::test]
async fn a_widget_or_badge_of_a_campaign_never_opened_is_404() {
    let app = spawn_app().await;

    assert_eq!(get(&app, "/widget/nowhere").await.0, 404);
    assert_eq!(get(&app, "/badge/nowhere.svg").await.0, 404);
}
