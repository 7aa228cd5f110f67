//! `fundtrail verify` as people type it and read it: a server's address without `http://`,
//! a verifier key with a mistyped key id named as such, totals per campaign, and numbers with
//! thousands separators.

use crate::helpers::app::spawn_app;
use crate::helpers::binary::{fundtrail, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_address_without_a_scheme_is_verified_with_totals_per_campaign_and_grouped_numbers(
) {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "1250000").await.seq();
    app.donate(&kits, "1234.50").await.seq();
    app.disburse(&flood, "250000").await.seq();
    let address = app.address.trim_start_matches("http://").to_string();

    let out = tokio::task::spawn_blocking(move || fundtrail(&["verify", &address]))
        .await
        .expect("ran");

    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("VND: donated 1,250,000, disbursed 250,000"),
        "{report}"
    );
    assert!(report.contains("USD: donated 1,234.50"), "{report}");
    assert!(
        report.contains(
            "flood-2026 (Campaign flood-2026, VND, open): donated 1,250,000 (1 gifts), disbursed 250,000"
        ),
        "{report}"
    );
    assert!(report.contains("balance 1,000,000"), "{report}");
    assert!(
        report.contains("medical-kits (Campaign medical-kits, USD, open)"),
        "{report}"
    );
}

#[test]
fn a_key_whose_id_does_not_match_it_is_refused_saying_so() {
    let bundle = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/demo/bundle.txt");
    let mistyped =
        "demo.fundtrail.example/ledger+c33ff524+AUN6ZtSQwAXLO2Zgl4oRlOdm8PZvURlku0x4IHStvHx2";

    let out = fundtrail(&["verify", bundle, "--key", mistyped]);

    assert_eq!(out.status.code(), Some(2));
    let words = text(&out.stderr);
    assert!(
        words.contains("the key id c33ff524 does not match the key's name"),
        "{words}"
    );
    assert!(words.contains("they give c33ff523"), "{words}");
}

#[test]
fn a_file_that_does_not_exist_says_how_to_name_a_server() {
    let out = fundtrail(&["verify", "no-such-bundle.txt"]);

    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("to verify a server, give its address"),
        "{}",
        text(&out.stderr)
    );
}
