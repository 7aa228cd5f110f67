//! The budget and pledge read routes keep each campaign's fold and bring it up to date from
//! where it stopped (SPEC.md §18, §19): their answers stay exactly those of a fold from the
//! first entry, read between appends of every kind that changes them (a payment against a
//! line, its reversal, a budget revision, a gift fulfilling a pledge, a cancellation).

use crate::helpers::app::TestApp;
use crate::{budgeted_campaign, line, pay};
use serde_json::{json, Value};

/// The budget and the pledges of `flood-2026`, as the read routes answer them.
async fn answers(app: &TestApp) -> (Value, Value) {
    (
        app.get_json("/campaigns/flood-2026/budget").await,
        app.get_json("/campaigns/flood-2026/pledges").await,
    )
}

/// Posts `body` to `path` as recorder; its seq.
async fn record(app: &TestApp, path: &str, body: Value) -> u64 {
    let r = app.post(path, &body, app.recorder()).await;
    assert_eq!(r.status(), 201, "{path}: {}", r.text());
    r.seq()
}

#[tokio::test]
async fn budget_and_pledge_answers_read_between_appends_equal_a_fold_from_the_first_entry() {
    let app = crate::helpers::app::spawn_app().await;
    let first = budgeted_campaign(&app, "flood-2026").await;
    let pledge = |amount: &str| json!({"campaign": "flood-2026", "amount": amount, "donor": "Công ty Hòa Bình"});
    let kept = record(&app, "/pledges", pledge("5000000")).await;
    let dropped = record(&app, "/pledges", pledge("3000000")).await;
    let mut seen = vec![answers(&app).await];
    let paid = pay(&app, "flood-2026", "2000000", Some("rice")).await.seq();
    seen.push(answers(&app).await);

    let appends = [
        ("/reversals", json!({"reverses": paid, "reason": "error"})),
        (
            "/budgets",
            json!({"campaign": "flood-2026", "revises": first, "lines": [
                line("rice", "Gạo cho 800 hộ", "food", "12000000"),
                line("water", "Lọc nước", "water", "2000000"),
            ]}),
        ),
        (
            "/donations",
            json!({"campaign": "flood-2026", "amount": "1500000",
            "donor": "Công ty Hòa Bình", "pledge": kept}),
        ),
        (
            &format!("/pledges/{dropped}/cancel"),
            json!({"reason": "The company withdrew"}),
        ),
        (
            "/disbursements",
            json!({"campaign": "flood-2026", "amount": "700000",
            "recipient": "Hợp tác xã", "purpose": "Lọc nước", "budget_line": "water"}),
        ),
    ];
    for (path, body) in &appends {
        record(&app, path, body.clone()).await;
        seen.push(answers(&app).await);
    }
    let last = seen.last().cloned().expect("answers");
    let fresh = app.stop().await.restart().await;
    let from_the_first_entry = answers(&fresh).await;

    assert_eq!(last, from_the_first_entry);
    let (budget, pledges) = &last;
    assert_eq!(budget["budgets"], 2);
    assert_eq!(budget["lines"][0]["id"], "rice");
    assert_eq!(budget["lines"][0]["paid"], "0", "the payment was reversed");
    assert_eq!(budget["lines"][1]["id"], "water");
    assert_eq!(budget["lines"][1]["paid"], "700000");
    assert_eq!(pledges["received"], "1500000");
    assert_eq!(pledges["cancelled"], "3000000");
    let sizes: Vec<&Value> = seen.iter().map(|(b, _)| &b["size"]).collect();
    assert!(
        sizes.windows(2).all(|w| w[0].as_u64() < w[1].as_u64()),
        "each read saw the appends before it: {sizes:?}"
    );
}
