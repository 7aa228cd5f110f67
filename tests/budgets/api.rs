//! Budgets through the HTTP API: recorded, revised, read back as budget vs actual, and each
//! attempt to rewrite history refused in words naming the field, leaving no entry.

use crate::helpers::app::spawn_app;
use crate::{budgeted_campaign, line, pay, record_budget};

#[tokio::test]
async fn a_budget_and_its_revision_show_planned_against_paid_per_line() {
    let app = spawn_app().await;
    let first = budgeted_campaign(&app, "flood-2026").await;
    pay(&app, "flood-2026", "3000000", Some("rice")).await.seq();
    pay(&app, "flood-2026", "200000", None).await.seq();

    let revision = record_budget(
        &app,
        "flood-2026",
        vec![
            line("rice", "Gạo cho 500 hộ", "food", "8000000"),
            line("water", "Lọc nước", "water", "2000000"),
        ],
        Some(first),
    )
    .await
    .seq();
    let budget = app.get_json("/campaigns/flood-2026/budget").await;

    assert_eq!(budget["in_force"], revision);
    assert_eq!(budget["budgets"], 2);
    assert_eq!(budget["lines"][0]["id"], "rice");
    assert_eq!(budget["lines"][0]["planned"], "8000000");
    assert_eq!(budget["lines"][0]["paid"], "3000000");
    assert_eq!(budget["lines"][1]["paid"], "0");
    assert_eq!(budget["planned"], "10000000");
    assert_eq!(budget["paid"], "3000000");
    assert_eq!(budget["unbudgeted"], "200000");
    let entry = app.get_json(&format!("/entries/{revision}")).await;
    assert_eq!(entry["entry"]["kind"], "budget");
}

#[tokio::test]
async fn a_revision_that_rewrites_history_is_refused_naming_the_field_and_appends_nothing() {
    let app = spawn_app().await;
    let first = budgeted_campaign(&app, "flood-2026").await;
    pay(&app, "flood-2026", "3000000", Some("rice")).await.seq();
    let size = app.checkpoint_size().await;

    let below = record_budget(
        &app,
        "flood-2026",
        vec![line("rice", "Gạo cho 500 hộ", "food", "2000000")],
        Some(first),
    )
    .await;
    let dropped = record_budget(
        &app,
        "flood-2026",
        vec![line("boats", "Sửa thuyền", "x-boat-repair", "5000000")],
        Some(first),
    )
    .await;
    let renamed = record_budget(
        &app,
        "flood-2026",
        vec![line("rice", "Mì tôm", "food", "8000000")],
        Some(first),
    )
    .await;
    let unnamed = record_budget(
        &app,
        "flood-2026",
        vec![line("rice", "Gạo cho 500 hộ", "food", "8000000")],
        None,
    )
    .await;

    assert_eq!(below.status(), 409, "{}", below.text());
    assert_eq!(below.json()["error"], "planned_below_paid");
    assert_eq!(below.json()["field"], "lines.amount");
    assert_eq!(
        below.json()["message"],
        "line \"rice\" plans 2000000 minor units, below the 3000000 already paid against it"
    );
    assert_eq!(dropped.json()["error"], "paid_line_dropped");
    assert_eq!(renamed.json()["error"], "paid_line_renamed");
    assert_eq!(unnamed.json()["error"], "revision_unnamed");
    assert_eq!(unnamed.json()["field"], "revises");
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_revision_of_a_budget_no_longer_in_force_is_refused() {
    let app = spawn_app().await;
    let first = budgeted_campaign(&app, "flood-2026").await;
    let lines = || vec![line("rice", "Gạo", "food", "1000000")];
    record_budget(&app, "flood-2026", lines(), Some(first))
        .await
        .seq();

    let stale = record_budget(&app, "flood-2026", lines(), Some(first)).await;

    assert_eq!(stale.status(), 409);
    assert_eq!(stale.json()["error"], "not_the_budget_in_force");
}

#[tokio::test]
async fn a_payment_naming_a_line_the_budget_lacks_is_refused_naming_budget_line() {
    let app = spawn_app().await;
    app.open_campaign("school", "VND").await;
    app.donate("school", "1000000").await.seq();

    let without_budget = pay(&app, "school", "1000", Some("rice")).await;
    budgeted_campaign(&app, "flood-2026").await;
    let missing = pay(&app, "flood-2026", "1000", Some("tents")).await;

    assert_eq!(without_budget.status(), 422, "{}", without_budget.text());
    assert_eq!(without_budget.json()["error"], "no_budget");
    assert_eq!(missing.status(), 422);
    assert_eq!(missing.json()["error"], "unknown_budget_line");
    assert_eq!(missing.json()["field"], "budget_line");
}

#[tokio::test]
async fn budget_fields_are_checked_in_words_before_anything_is_appended() {
    let app = spawn_app().await;
    budgeted_campaign(&app, "flood-2026").await;
    let size = app.checkpoint_size().await;

    let category = record_budget(
        &app,
        "flood-2026",
        vec![line("tents", "Lều", "Tents", "1")],
        Some(2),
    )
    .await;
    let twice = record_budget(
        &app,
        "flood-2026",
        vec![line("a", "A", "food", "1"), line("a", "B", "food", "1")],
        Some(2),
    )
    .await;
    let amount = record_budget(
        &app,
        "flood-2026",
        vec![line("a", "A", "food", "1,5")],
        Some(2),
    )
    .await;

    assert_eq!(category.status(), 422);
    assert_eq!(category.json()["field"], "lines.category");
    assert_eq!(twice.json()["field"], "lines.id");
    assert_eq!(amount.json()["field"], "lines.amount");
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn the_rules_hold_after_a_restart_when_the_budget_is_folded_again_from_the_store() {
    let app = spawn_app().await;
    let first = budgeted_campaign(&app, "flood-2026").await;
    pay(&app, "flood-2026", "3000000", Some("rice")).await.seq();
    let app = app.stop().await.restart().await;

    let below = record_budget(
        &app,
        "flood-2026",
        vec![line("rice", "Gạo cho 500 hộ", "food", "1")],
        Some(first),
    )
    .await;
    let reversed_payment = pay(&app, "flood-2026", "1000000", Some("boats"))
        .await
        .seq();
    app.reverse(reversed_payment).await.seq();
    let budget = app.get_json("/campaigns/flood-2026/budget").await;

    assert_eq!(below.json()["error"], "planned_below_paid");
    assert_eq!(budget["lines"][1]["paid"], "0");
}
