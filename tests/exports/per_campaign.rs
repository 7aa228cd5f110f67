//! A campaign's exports: they hold only the entries touching the campaign, and read only its
//! entries and those of its transfer partners.

use crate::helpers::app::{spawn_app, TestApp};
use crate::{busy_ledger, final_balances, with_iati_org_id};

#[tokio::test]
async fn a_campaign_csv_holds_only_the_entries_touching_that_campaign() {
    let app = spawn_app().await;
    let (_, kits) = busy_ledger(&app).await;

    let csv = app.get_text(&format!("/export/csv?campaign={kits}")).await;

    let kinds: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).expect("kind"))
        .collect();
    assert_eq!(kinds, ["campaign.open", "donation", "transfer"]);
    assert_eq!(final_balances(&csv)["school-kits"], "300000");
    assert_eq!(app.get("/export/csv?campaign=nope").await.status(), 404);
}

/// `GET /api/v1{path}` read to its end: the body, or why it could not be read whole.
async fn read_whole(app: &TestApp, path: &str) -> Result<String, String> {
    let response = app
        .client
        .get(format!("{}/api/v1{path}", app.address))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != 200 {
        return Err(format!("status {}", response.status()));
    }
    response.text().await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_campaigns_exports_read_only_its_entries_and_those_of_its_transfer_partners() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("school-kits", "VND").await;
    let other = app.open_campaign("clinic", "VND").await;
    app.donate(&flood, "500000").await.seq();
    let unrelated = app.donate(&other, "300000").await.seq();
    app.transfer(&flood, &kits, "100000").await.seq();
    app.donate(&kits, "200000").await.seq();
    let app = with_iati_org_id(app, "VN-COA-12345").await;
    let before = app.get_text(&format!("/export/csv?campaign={flood}")).await;
    // Make the other campaign's donation unreadable behind the server's back.
    let stopped = app.stop().await;
    stopped
        .execute("drop trigger entries_are_never_updated")
        .await
        .expect("trigger dropped");
    let changed = stopped
        .execute(&format!(
            "update entries set leaf = cast('not an entry' as blob) where seq = {unrelated}"
        ))
        .await
        .expect("leaf replaced");
    assert_eq!(changed, 1);
    let app = stopped.restart().await;

    let flood_csv = read_whole(&app, &format!("/export/csv?campaign={flood}")).await;
    let kits_csv = read_whole(&app, &format!("/export/csv?campaign={kits}")).await;
    let flood_iati = read_whole(&app, &format!("/export/iati?campaign={flood}")).await;
    let other_csv = read_whole(&app, &format!("/export/csv?campaign={other}")).await;
    let whole_csv = read_whole(&app, "/export/csv").await;

    assert_eq!(flood_csv.as_deref(), Ok(before.as_str()));
    assert!(kits_csv
        .is_ok_and(|c| c.contains(",transfer,flood-2026,Campaign flood-2026,school-kits,out,")));
    assert!(flood_iati.is_ok_and(|x| x.ends_with("</iati-activities>\n")));
    assert!(
        other_csv.is_err(),
        "the unreadable entry is the other campaign's"
    );
    assert!(whole_csv.is_err(), "the whole export reads every entry");
}
