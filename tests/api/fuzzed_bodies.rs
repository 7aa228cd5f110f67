//! Generated request bodies: random JSON objects over every append route, invalid UTF-8 and
//! truncated JSON never cause a server error or an append.

use crate::helpers::app::spawn_app;
use proptest::prelude::*;

/// 150 requests to the append routes in turn: JSON objects of up to five members whose keys
/// the routes know (or not) and whose values are random, from a deterministic generator.
fn random_requests() -> Vec<(&'static str, String)> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let value = proptest::collection::vec(
        prop_oneof![
            Just("\"flood-2026\"".to_string()),
            Just("\"-1\"".to_string()),
            Just("\"1e9\"".to_string()),
            Just("1.5".to_string()),
            Just("null".to_string()),
            Just("[]".to_string()),
            Just("{}".to_string()),
            Just("\"\\u0000\"".to_string()),
            Just("18446744073709551616".to_string()),
            "\"[^\"\\\\]{0,12}\"".prop_map(|s| s),
        ],
        0..6,
    );
    let keys = [
        "campaign",
        "amount",
        "currency",
        "reference",
        "donor",
        "channel",
        "reverses",
        "reason",
        "from",
        "to",
        "recipient",
        "purpose",
        "evidence",
        "zzz",
    ];
    let routes = [
        "/donations",
        "/disbursements",
        "/transfers",
        "/reversals",
        "/campaigns",
    ];
    (0..150)
        .map(|case| {
            let values = value.new_tree(&mut runner).expect("values").current();
            let body = format!(
                "{{{}}}",
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("\"{}\":{v}", keys[(i * 7 + case) % keys.len()]))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            (routes[case % 5], body)
        })
        .collect()
}

/// Random JSON bodies against every append route: never a 5xx, never a panic, nothing appended.
#[tokio::test]
async fn random_json_bodies_never_cause_a_server_error_or_an_append() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    let before = app.checkpoint_size().await;

    for (route, body) in random_requests() {
        let r = app
            .post_with(
                route,
                body.clone().into_bytes(),
                Some(&app.admin_token),
                None,
            )
            .await;
        assert!(
            r.status() < 500,
            "{route} {body}: {} {}",
            r.status(),
            r.text()
        );
    }
    for garbage in [
        &b"\xff\xfe"[..],
        b"{",
        b"[1,2",
        b"\"x\"",
        b"",
        b"{\"amount\":\"1\"}",
    ] {
        let r = app
            .post_with(
                "/donations",
                garbage.to_vec(),
                Some(&app.recorder_token),
                None,
            )
            .await;
        assert!(
            r.status() < 500 && r.status() >= 400,
            "{:?}: {}",
            garbage,
            r.status()
        );
    }
    assert_eq!(app.checkpoint_size().await, before);
}
