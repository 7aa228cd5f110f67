//! "Check an account before you transfer": the account check finds a registered account
//! (however it is typed) with the registry entry listing it and a proof that verifies, and
//! answers `registered: false` for any other; a campaign may name only registered
//! accounts; the index lists open campaigns across organisations.

use crate::harness::{account, spawn_platform, REGISTRY_ORIGIN};
use fundtrail::ledger::hash::leaf_hash;
use fundtrail::ledger::merkle::verify_inclusion;
use fundtrail::ledger::{verify_checkpoint, Hash};
use serde_json::{json, Value};

fn hash(v: &Value) -> Hash {
    let bytes = hex::decode(v.as_str().expect("hex text")).expect("hex");
    Hash(bytes.try_into().expect("32 bytes"))
}

#[tokio::test]
async fn the_account_check_finds_a_registered_account_with_a_registry_proof_that_verifies() {
    let platform = spawn_platform().await;
    let a = platform
        .create_org("ngo-a", json!([account("Vietcombank", "0011 0022-33")]))
        .await;
    platform
        .create_org("ngo-b", json!([account("BIDV", "12345")]))
        .await;
    let opened = platform
        .open_campaign(&a, "flood", json!([account("VIETCOMBANK", "0011002233")]))
        .await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
    let registry_key = platform.get("/api/v1/platform").await.json()["verifier_key"]
        .as_str()
        .expect("key")
        .to_string();

    let answer = platform
        .get("/api/v1/platform/check-account?number=00110022%2033&bank=%20vietcombank")
        .await;

    assert_eq!(answer.status(), 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["registered"], true);
    assert_eq!(body["org"]["slug"], "ngo-a");
    assert_eq!(body["org"]["status"], "active");
    assert_eq!(body["campaigns"][0]["id"], "flood");
    assert_eq!(body["campaigns"][0]["open"], true);
    let registry = &body["registry"];
    let leaf = registry["leaf"].as_str().expect("leaf text");
    assert!(
        leaf.contains("\"org.register\"") && leaf.contains("\"ngo-a\""),
        "{leaf}"
    );
    let checkpoint = verify_checkpoint(
        registry["checkpoint"].as_str().expect("checkpoint"),
        &registry_key,
    )
    .expect("the registry's checkpoint is signed by its key");
    assert_eq!(checkpoint.origin, REGISTRY_ORIGIN);
    assert_eq!(checkpoint.size, registry["size"].as_u64().expect("size"));
    assert_eq!(checkpoint.root, hash(&registry["root"]));
    let proof: Vec<Hash> = registry["proof"]
        .as_array()
        .expect("proof")
        .iter()
        .map(hash)
        .collect();
    verify_inclusion(
        registry["seq"].as_u64().expect("seq"),
        checkpoint.size,
        &leaf_hash(leaf.as_bytes()),
        &proof,
        &checkpoint.root,
    )
    .expect("the entry is in the signed registry");
}

#[tokio::test]
async fn an_unknown_account_is_not_registered_and_a_missing_number_is_refused_naming_it() {
    let platform = spawn_platform().await;
    platform
        .create_org("ngo-a", json!([account("Vietcombank", "0011002233")]))
        .await;

    let unknown = platform
        .get("/api/v1/platform/check-account?number=0011002234&bank=Vietcombank")
        .await;
    let other_bank = platform
        .get("/api/v1/platform/check-account?number=0011002233&bank=BIDV")
        .await;
    let any_bank = platform
        .get("/api/v1/platform/check-account?number=0011-002233")
        .await;
    let missing = platform
        .get("/api/v1/platform/check-account?bank=BIDV")
        .await;

    assert_eq!(unknown.status(), 200);
    assert_eq!(unknown.json(), json!({ "registered": false }));
    assert_eq!(other_bank.json(), json!({ "registered": false }));
    assert_eq!(any_bank.json()["org"]["slug"], "ngo-a");
    assert_eq!(missing.status(), 400, "{}", missing.text());
    assert_eq!(missing.json()["field"], "number");
}

#[tokio::test]
async fn a_campaign_naming_an_unregistered_account_is_refused_and_appends_nothing() {
    let platform = spawn_platform().await;
    let a = platform
        .create_org("ngo-a", json!([account("Vietcombank", "0011002233")]))
        .await;
    let b = platform
        .create_org("ngo-b", json!([account("BIDV", "12345")]))
        .await;
    let size = platform.size_of("ngo-a").await;

    let unregistered = platform
        .open_campaign(
            &a,
            "flood",
            json!([account("Vietcombank", "0011002233"), account("ACB", "777")]),
        )
        .await;
    let anothers = platform
        .open_campaign(&a, "flood", json!([account("BIDV", "12345")]))
        .await;
    let own = platform
        .open_campaign(&b, "flood", json!([account("bidv", "123-45")]))
        .await;

    assert_eq!(unregistered.status(), 409, "{}", unregistered.text());
    assert_eq!(unregistered.json()["error"], "account_not_registered");
    assert_eq!(unregistered.json()["field"], "accounts");
    assert_eq!(anothers.status(), 409, "{}", anothers.text());
    assert_eq!(platform.size_of("ngo-a").await, size);
    assert_eq!(own.status(), 201, "{}", own.text());
}

#[tokio::test]
async fn an_account_added_by_org_accounts_may_then_be_named_and_is_found() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    assert_eq!(
        platform
            .open_campaign(&a, "flood", json!([account("ACB", "777")]))
            .await
            .status(),
        409
    );

    let set = platform
        .post(
            "/api/v1/platform/orgs/ngo-a/accounts",
            &platform.admin_token,
            &json!({ "accounts": [account("ACB", "777")], "note": "New account at ACB." }),
        )
        .await;
    let opened = platform
        .open_campaign(&a, "flood", json!([account("ACB", "777")]))
        .await;
    let found = platform
        .get("/api/v1/platform/check-account?number=777&bank=ACB")
        .await
        .json();

    assert_eq!(set.status(), 200, "{}", set.text());
    assert_eq!(opened.status(), 201, "{}", opened.text());
    assert_eq!(found["org"]["slug"], "ngo-a");
    assert_eq!(found["registry"]["seq"], set.json()["registry_seq"]);
}

#[tokio::test]
async fn an_account_held_by_another_organisation_cannot_be_registered_again() {
    let platform = spawn_platform().await;
    platform
        .create_org("ngo-a", json!([account("Vietcombank", "0011002233")]))
        .await;

    let response = platform
        .post(
            "/api/v1/platform/orgs",
            &platform.admin_token,
            &json!({ "slug": "ngo-b", "name": "B", "kind": "individual",
                     "accounts": [account(" VIETCOMBANK ", "0011-0022-33")] }),
        )
        .await;

    assert_eq!(response.status(), 409, "{}", response.text());
    assert_eq!(response.json()["error"], "account_held");
    assert_eq!(response.json()["field"], "accounts");
    assert_eq!(platform.get("/o/ngo-b/api/v1/info").await.status(), 404);
}

#[tokio::test]
async fn the_campaign_index_lists_open_campaigns_of_active_organisations_ignoring_accents() {
    let platform = spawn_platform().await;
    let a = platform.create_org("ngo-a", json!([])).await;
    let b = platform.create_org("ngo-b", json!([])).await;
    let c = platform.create_org("ngo-c", json!([])).await;
    for (org, id) in [
        (&a, "lu-mien-trung"),
        (&b, "lu-quang-binh"),
        (&c, "lu-ha-tinh"),
    ] {
        assert_eq!(
            platform.open_campaign(org, id, json!([])).await.status(),
            201
        );
    }
    let closed = platform
        .post(
            "/o/ngo-b/api/v1/campaigns/lu-quang-binh/close",
            &b.admin_token,
            &json!({}),
        )
        .await;
    assert_eq!(closed.status(), 201, "{}", closed.text());
    let suspended = platform
        .post(
            "/api/v1/platform/orgs/ngo-c/suspend",
            &platform.admin_token,
            &json!({ "reason": "x" }),
        )
        .await;
    assert_eq!(suspended.status(), 200);

    let all = platform.get("/api/v1/platform/campaigns").await.json();
    let searched = platform
        .get("/api/v1/platform/campaigns?q=CUU%20TRO%20LU")
        .await
        .json();
    let none = platform
        .get("/api/v1/platform/campaigns?q=hurricane")
        .await
        .json();

    let ids = |v: &Value| -> Vec<String> {
        v["campaigns"]
            .as_array()
            .expect("campaigns")
            .iter()
            .map(|c| {
                format!(
                    "{}/{}",
                    c["org"].as_str().unwrap_or(""),
                    c["id"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    assert_eq!(ids(&all), ["ngo-a/lu-mien-trung"]);
    assert_eq!(ids(&searched), ["ngo-a/lu-mien-trung"]);
    assert!(ids(&none).is_empty());
    assert_eq!(
        all["campaigns"][0]["url"],
        "/o/ngo-a/#/campaign/lu-mien-trung"
    );
    assert_eq!(all["campaigns"][0]["currency"], "VND");
}
