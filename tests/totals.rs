//! The server's published totals (`GET /totals`, SPEC.md §8) where a currency's figure is not
//! the plain sum of its campaigns': a reversed transfer counts in both campaigns' `reversed`
//! but not in the currency's, as served, after a restart (the campaign states the store
//! keeps), and as every verifier recomputes them from the exported bundle.

mod common;

use common::spawn_app;
use fundtrail::ledger::{verify_bundle, Totals};

#[tokio::test]
async fn a_reversed_transfer_counts_for_both_campaigns_but_not_for_the_currency() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    app.donate(&flood, "500000").await.seq();
    let transfer = app.transfer(&flood, &schools, "200000").await.seq();
    let gift = app.donate(&schools, "30000").await.seq();
    app.reverse(transfer).await.seq();
    app.reverse(gift).await.seq();

    let served = app.get_json("/totals").await;
    let app = app.stop().await.restart().await;
    let after_restart = app.get_json("/totals").await;
    let claimed: Totals = serde_json::from_value(served.clone()).expect("totals");
    let bundle = app.export().await;
    let verified = verify_bundle(bundle.as_bytes(), None, Some(&claimed), |_| {});

    assert_eq!(served["campaigns"][0]["reversed"], "200000");
    assert_eq!(served["campaigns"][1]["reversed"], "230000");
    assert_eq!(served["currencies"]["VND"]["reversed"], "30000");
    assert_eq!(after_restart, served);
    assert!(verified.is_ok(), "{verified:?}");
}
