//! A platform on PostgreSQL: every ledger in one database, a schema each, still separate
//! and each verifying on its own.

use crate::harness::{account, spawn_platform_on, spawn_platform_with_budget};
use crate::helpers::binary::fundtrail;
use crate::helpers::postgres::Cluster;
use serde_json::json;

#[tokio::test]
async fn organisations_on_one_postgresql_database_keep_separate_ledgers_that_each_verify() {
    let Some(cluster) = Cluster::start("organisations_on_one_postgresql_database") else {
        return;
    };
    let url = cluster.new_database().await;
    let platform = spawn_platform_on(Some(url.clone())).await;
    let a = platform
        .create_org("ngo-a", json!([account("Vietcombank", "0011002233")]))
        .await;
    let b = platform.create_org("ngo-b", json!([])).await;

    let opened = platform
        .open_campaign(&a, "flood", json!([account("Vietcombank", "0011002233")]))
        .await;
    let donated = platform.donate(&a, "flood", "100000").await;
    let refused = platform
        .send(
            reqwest::Method::GET,
            "/o/ngo-b/api/v1/tokens",
            Some(&a.admin_token),
            None,
        )
        .await;

    assert_eq!(opened.status(), 201, "{}", opened.text());
    assert_eq!(donated.status(), 201, "{}", donated.text());
    assert_eq!(refused.status(), 401);
    assert_eq!(platform.size_of("ngo-a").await, 2);
    assert_eq!(platform.size_of("ngo-b").await, 0);
    assert_ne!(a.verifier_key, b.verifier_key);
    for path in ["o/ngo-a", "o/ngo-b", "registry"] {
        let target = format!("{}/{path}", platform.address);
        let verified = tokio::task::spawn_blocking(move || fundtrail(&["verify", &target]))
            .await
            .expect("verify ran");
        assert!(
            verified.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&verified.stderr)
        );
    }
    let mut admin = {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&url).await.expect("connect")
    };
    let schemas: Vec<String> = sqlx::query_scalar(
        "select schema_name::text from information_schema.schemata \
         where schema_name in ('registry', 'org_ngo_a', 'org_ngo_b') order by 1",
    )
    .fetch_all(&mut admin)
    .await
    .expect("schemas listed");
    assert_eq!(schemas, ["org_ngo_a", "org_ngo_b", "registry"]);
}

#[tokio::test]
async fn an_organisation_the_registry_refuses_leaves_neither_its_folder_nor_its_postgresql_schema()
{
    let Some(cluster) = Cluster::start("an_organisation_the_registry_refuses") else {
        return;
    };
    let url = cluster.new_database().await;
    let platform = spawn_platform_on(Some(url.clone())).await;
    platform.refuse_registry_appends();

    let refused = platform
        .post(
            "/api/v1/platform/orgs",
            &platform.admin_token,
            &json!({ "slug": "ngo-x", "name": "NGO X", "kind": "ngo", "accounts": [] }),
        )
        .await;

    assert!(
        refused.status() >= 400,
        "{}: {}",
        refused.status(),
        refused.text()
    );
    assert!(!platform.root().join("orgs").join("ngo-x").exists());
    let mut admin = {
        use sqlx::Connection;
        sqlx::PgConnection::connect(&url).await.expect("connect")
    };
    let left: Vec<String> = sqlx::query_scalar(
        "select schema_name::text from information_schema.schemata where schema_name = 'org_ngo_x'",
    )
    .fetch_all(&mut admin)
    .await
    .expect("schemas listed");
    assert!(
        left.is_empty(),
        "the refused organisation's schema is still there"
    );
}

#[tokio::test]
async fn a_platform_with_a_budget_of_two_connections_serves_three_organisations_appending_in_turn()
{
    let Some(cluster) = Cluster::start("a_platform_with_a_budget_of_two") else {
        return;
    };
    let url = cluster.new_database().await;
    let platform = spawn_platform_with_budget(Some(url.clone()), 2).await;
    let mut orgs = Vec::new();
    for slug in ["ngo-a", "ngo-b", "ngo-c"] {
        orgs.push(platform.create_org(slug, json!([])).await);
    }

    let mut answers = Vec::new();
    for round in 0..2 {
        for org in &orgs {
            let opened = platform
                .open_campaign(org, &format!("flood-{round}"), json!([]))
                .await;
            answers.push((org.slug.clone(), opened.status(), opened.text().to_string()));
        }
    }
    let writers: i64 = {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&url).await.expect("connect");
        sqlx::query_scalar("select count(*) from pg_stat_activity where application_name = $1")
            .bind(fundtrail::store::WRITER_APPLICATION_NAME)
            .fetch_one(&mut admin)
            .await
            .expect("connections counted")
    };

    for (slug, status, text) in answers {
        assert_eq!(status, 201, "{slug}: {text}");
    }
    for org in &orgs {
        assert_eq!(platform.size_of(&org.slug).await, 2);
    }
    assert!(
        writers <= 2,
        "{writers} writing connections, over the budget of 2"
    );
}

/// The connections to the database at `url` other than the asking one and the process's
/// lock connection (one per process and database, outside the budget).
async fn connections_besides_the_lock(admin: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar(
        "select count(*) from pg_stat_activity where datname = current_database() \
         and pid <> pg_backend_pid() and application_name <> $1",
    )
    .bind(fundtrail::store::LOCKS_APPLICATION_NAME)
    .fetch_one(admin)
    .await
    .expect("connections counted")
}

#[tokio::test]
async fn many_organisations_read_at_once_never_hold_more_connections_than_the_budget() {
    use sqlx::Connection;
    let Some(cluster) = Cluster::start("many_organisations_read_at_once") else {
        return;
    };
    let url = cluster.new_database().await;
    let platform = spawn_platform_with_budget(Some(url.clone()), 6).await;
    let mut orgs = Vec::new();
    for i in 0..8 {
        let number = format!("10000000{i}");
        let org = platform
            .create_org(&format!("ngo-{i}"), json!([account("BIDV", &number)]))
            .await;
        let opened = platform
            .open_campaign(&org, "flood", json!([account("BIDV", &number)]))
            .await;
        assert_eq!(opened.status(), 201, "{}", opened.text());
        orgs.push((org.slug.clone(), number));
    }
    let mut admin = sqlx::PgConnection::connect(&url).await.expect("connect");
    let reading = std::sync::atomic::AtomicBool::new(true);
    let peak = async {
        let mut peak = 0;
        while reading.load(std::sync::atomic::Ordering::Acquire) {
            peak = peak.max(connections_besides_the_lock(&mut admin).await);
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        peak
    };

    let platform = &platform;
    let reads = async {
        let mut requests = Vec::new();
        for _ in 0..3 {
            for (slug, number) in &orgs {
                for path in [
                    format!("/api/v1/platform/check-account?number={number}&bank=BIDV"),
                    "/api/v1/platform/campaigns?q=flood".to_string(),
                    format!("/o/{slug}/api/v1/info"),
                    format!("/o/{slug}/api/v1/campaigns"),
                    format!("/o/{slug}/api/v1/entries?start=0"),
                    format!("/o/{slug}/api/v1/campaigns/flood"),
                ] {
                    requests.push(async move {
                        let answer = platform.get(&path).await;
                        (path, answer)
                    });
                }
            }
        }
        let answers = futures_util::future::join_all(requests).await;
        reading.store(false, std::sync::atomic::Ordering::Release);
        answers
    };
    let (answers, peak) = tokio::join!(reads, peak);

    for (path, answer) in answers {
        assert_eq!(answer.status(), 200, "{path}: {}", answer.text());
    }
    assert!(
        peak <= 6,
        "{peak} connections at once, over the budget of 6"
    );
}

#[tokio::test]
async fn a_budget_of_one_connection_holds_while_one_organisation_is_read_at_once() {
    use sqlx::Connection;
    let Some(cluster) = Cluster::start("a_budget_of_one_connection") else {
        return;
    };
    let url = cluster.new_database().await;
    let platform = spawn_platform_with_budget(Some(url.clone()), 1).await;
    let org = platform.create_org("ngo-a", json!([])).await;
    let opened = platform.open_campaign(&org, "flood", json!([])).await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
    let mut admin = sqlx::PgConnection::connect(&url).await.expect("connect");
    let reading = std::sync::atomic::AtomicBool::new(true);
    let peak = async {
        let mut peak = 0;
        while reading.load(std::sync::atomic::Ordering::Acquire) {
            peak = peak.max(connections_besides_the_lock(&mut admin).await);
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        peak
    };

    let platform = &platform;
    let reads = async {
        let requests = (0..40).map(|i| async move {
            let path = match i % 2 {
                0 => "/o/ngo-a/api/v1/campaigns",
                _ => "/o/ngo-a/api/v1/entries?start=0",
            };
            (path, platform.get(path).await)
        });
        let answers = futures_util::future::join_all(requests).await;
        reading.store(false, std::sync::atomic::Ordering::Release);
        answers
    };
    let (answers, peak) = tokio::join!(reads, peak);

    for (path, answer) in answers {
        assert_eq!(answer.status(), 200, "{path}: {}", answer.text());
    }
    assert!(
        peak <= 1,
        "{peak} connections at once, over the budget of 1"
    );
}
