//! The campaign index at many organisations: a measurement, not a check (run it by name with
//! `--ignored --nocapture`; figures go in BENCHMARKS.md).

use crate::harness::{account, spawn_platform};
use std::time::Instant;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: cargo test --test platform campaign_index_is_measured -- --ignored --nocapture"]
async fn the_campaign_index_is_measured_at_many_started_organisations() {
    let orgs = env_or("FUNDTRAIL_INDEX_ORGS", 1000);
    let asks = env_or("FUNDTRAIL_INDEX_ASKS", 20);
    let platform = spawn_platform().await;
    let started = Instant::now();
    for i in 0..orgs {
        let number = format!("{:010}", 1_000_000 + i);
        let org = platform
            .create_org(
                &format!("org-{i}"),
                serde_json::json!([account("Vietcombank", &number)]),
            )
            .await;
        let opened = platform
            .open_campaign(
                &org,
                &format!("lu-{i}"),
                serde_json::json!([account("Vietcombank", &number)]),
            )
            .await;
        assert_eq!(opened.status(), 201, "{}", opened.text());
    }
    eprintln!(
        "{orgs} organisations created and started, one campaign each, in {:.1?}",
        started.elapsed()
    );

    let mut each = Vec::new();
    for ask in 0..asks {
        let query = if ask % 2 == 0 { "" } else { "lu 7" };
        let begun = Instant::now();
        let answer = platform
            .get(&format!("/api/v1/platform/campaigns?q={query}"))
            .await;
        each.push(begun.elapsed());
        assert_eq!(answer.status(), 200, "{}", answer.text());
        if query.is_empty() {
            let found = answer.json()["campaigns"].as_array().map_or(0, Vec::len);
            assert_eq!(found as u64, orgs);
        }
    }
    each.sort();
    let total: std::time::Duration = each.iter().sum();
    eprintln!(
        "campaign index over {orgs} started organisations: {asks} asks, mean {:.2?}, median {:.2?}, max {:.2?}",
        total / u32::try_from(asks).unwrap_or(1),
        each[each.len() / 2],
        each[each.len() - 1]
    );
}
