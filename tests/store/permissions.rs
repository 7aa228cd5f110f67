//! The data folder holds donors' personal data, token hashes and the signing key: nothing in
//! it may be readable by the group or other users, whatever the umask, and a server started
//! on a folder that was left readable repairs it.

use crate::helpers::app::{spawn_app, TestApp};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Every folder and file under `root` (and `root` itself) with its permission bits.
fn modes_under(root: &Path) -> Vec<(PathBuf, u32)> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        if meta.is_dir() {
            for child in std::fs::read_dir(&path).expect("folder listed") {
                pending.push(child.expect("entry").path());
            }
        }
        found.push((path, meta.permissions().mode() & 0o7777));
    }
    found
}

/// Paths under `root` that the group or other users may use.
fn open_to_others(root: &Path) -> Vec<(PathBuf, u32)> {
    modes_under(root)
        .into_iter()
        .filter(|(_, mode)| mode & 0o077 != 0)
        .collect()
}

/// Uploads a small CSV as evidence; panics unless it is stored.
async fn upload_evidence(app: &TestApp) {
    let boundary = "fundtrail-permissions-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"families.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nhousehold,people\nNguyen Van An,5\r\n--{boundary}--\r\n"
    );
    let response = app
        .client
        .post(format!("{}/api/v1/evidence", app.address))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .bearer_auth(&app.recorder_token)
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 201);
}

#[tokio::test]
async fn nothing_in_the_data_folder_is_readable_by_other_users_after_appends_and_an_upload() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;

    app.post(
        "/donations",
        &json!({
            "campaign": campaign, "amount": "500000",
            "donor_private": { "email": "binh@example.vn" }, "publish_name": false,
        }),
        app.recorder(),
    )
    .await
    .seq();
    upload_evidence(&app).await;

    let data = app.data_dir();
    let names: Vec<String> = modes_under(&data)
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    for expected in [
        "ledger.db",
        "ledger.db-wal",
        "ledger.db-shm",
        "signing.key",
        "config.json",
        "evidence",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(expected)),
            "{expected} is missing from {names:?}"
        );
    }
    assert_eq!(open_to_others(&data), vec![]);
    let folder_mode = std::fs::metadata(&data)
        .expect("folder")
        .permissions()
        .mode();
    assert_eq!(folder_mode & 0o777, 0o700);
}

#[tokio::test]
async fn a_server_started_on_a_folder_readable_by_others_takes_their_permissions_away() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "500000").await.seq();
    upload_evidence(&app).await;
    let stopped = app.stop().await;
    for (path, mode) in modes_under(&stopped.data_dir()) {
        let loose = if mode & 0o100 != 0 { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).expect("chmod");
    }
    assert!(!open_to_others(&stopped.data_dir()).is_empty());

    let app = stopped.restart().await;

    assert_eq!(open_to_others(&app.data_dir()), vec![]);
    assert_eq!(app.donate(&campaign, "100000").await.seq(), 2);
    app.stop().await;
}
