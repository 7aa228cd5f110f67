//! The server's published totals (`GET /totals`, SPEC.md §8): exact after every kind of
//! entry and in every currency's minor unit, and where a currency's figure is not the plain
//! sum of its campaigns': a reversed transfer counts in both campaigns' `reversed` but not in
//! the currency's, as served, after a restart (the campaign states the store keeps), and as
//! every verifier recomputes them from the exported bundle.

use crate::helpers::app::{spawn_app, spawn_app_on_database, TestApp};
use crate::helpers::postgres;
use fundtrail::ledger::{verify_bundle, Totals};

#[tokio::test]
async fn totals_after_donations_a_disbursement_a_transfer_and_a_reversal_are_exact() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "500000").await.seq();
    let mistaken = app.donate(&flood, "200000").await.seq();
    app.disburse(&flood, "150000").await.seq();
    app.transfer(&flood, &schools, "100000").await.seq();
    app.donate(&kits, "12.50").await.seq();
    app.donate(&kits, "7.5").await.seq();

    app.reverse(mistaken).await.seq();

    let flood = app.campaign_totals("flood-2026").await;
    assert_eq!(flood["donated"], "500000");
    assert_eq!(flood["disbursed"], "150000");
    assert_eq!(flood["transferred_out"], "100000");
    assert_eq!(flood["reversed"], "200000");
    assert_eq!(flood["balance"], "250000");
    assert_eq!(flood["donations"], 1);
    assert_eq!(flood["disbursements"], 1);
    let schools = app.campaign_totals("school-roofs").await;
    assert_eq!(schools["transferred_in"], "100000");
    assert_eq!(schools["balance"], "100000");
    let kits = app.campaign_totals("medical-kits").await;
    assert_eq!(kits["donated"], "2000");
    assert_eq!(kits["balance"], "2000");
    let totals = app.get_json("/totals").await;
    assert_eq!(totals["size"], 10);
    assert_eq!(totals["currencies"]["VND"]["donated"], "500000");
    assert_eq!(totals["currencies"]["VND"]["disbursed"], "150000");
    assert_eq!(totals["currencies"]["VND"]["balance"], "350000");
    assert_eq!(totals["currencies"]["USD"]["donated"], "2000");
    assert_eq!(totals["currencies"]["USD"]["balance"], "2000");
}

#[tokio::test]
async fn a_usd_amount_of_twelve_fifty_is_stored_as_1250_cents() {
    let app = spawn_app().await;
    let kits = app.open_campaign("medical-kits", "USD").await;

    let response = app.donate(&kits, "12.50").await;

    assert_eq!(response.status(), 201);
    assert_eq!(response.json()["entry"]["body"]["amount"], "1250");
    assert_eq!(response.json()["entry"]["body"]["currency"], "USD");
}

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

/// Opens two campaigns, moves 200000 from the first to the second, reverses it, and gives
/// the second 30000; answers the served totals.
async fn reverse_a_transfer(app: &TestApp) -> serde_json::Value {
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    app.donate(&flood, "500000").await.seq();
    let transfer = app.transfer(&flood, &schools, "200000").await.seq();
    app.reverse(transfer).await.seq();
    app.donate(&schools, "30000").await.seq();
    app.get_json("/totals").await
}

#[tokio::test]
async fn a_sqlite_ledger_upgraded_from_before_reversed_transfers_were_kept_serves_the_same_totals()
{
    let app = spawn_app().await;
    let served = reverse_a_transfer(&app).await;
    let stopped = app.stop().await;
    // The campaign states as the server wrote them before migration 8.
    let stripped = stopped
        .execute("update campaigns set state = json_remove(state, '$.totals.reversed_transfers')")
        .await
        .expect("states rewritten");
    stopped
        .execute("delete from _sqlx_migrations where version = 8")
        .await
        .expect("migration 8 forgotten");

    let app = stopped.restart().await;
    let upgraded = app.get_json("/totals").await;
    let bundle = app.export().await;
    let claimed: Totals = serde_json::from_value(upgraded.clone()).expect("totals");

    assert_eq!(stripped, 2);
    assert_eq!(upgraded, served);
    assert_eq!(upgraded["currencies"]["VND"]["reversed"], "0");
    assert!(verify_bundle(bundle.as_bytes(), None, Some(&claimed), |_| {}).is_ok());
}

#[tokio::test]
async fn a_postgres_ledger_upgraded_from_before_reversed_transfers_were_kept_serves_the_same_totals(
) {
    use sqlx::Connection;
    let Some(cluster) = postgres::Cluster::start("reversed_transfers_upgrade") else {
        return;
    };
    let url = cluster.new_database().await;
    let app = spawn_app_on_database(&url).await;
    let served = reverse_a_transfer(&app).await;
    let store = app.store.clone();
    drop(app);
    store.close().await;
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    for sql in [
        "update campaigns set state = (state::jsonb #- '{totals,reversed_transfers}')::text",
        "delete from _sqlx_migrations where version = 5",
    ] {
        sqlx::query(sql)
            .execute(&mut conn)
            .await
            .expect("old state");
    }
    conn.close().await.expect("closed");

    let store = fundtrail::store::Store::Postgres(
        fundtrail::store::PostgresStore::open(&url)
            .await
            .expect("upgraded"),
    );
    let upgraded: Vec<String> = store
        .campaigns()
        .await
        .expect("campaigns")
        .iter()
        .map(|c| c.state.totals.reversed_transfers.to_string())
        .collect();

    assert_eq!(served["currencies"]["VND"]["reversed"], "0");
    assert_eq!(upgraded, ["200000", "200000"]);
}
