//! Evidence files: upload, list in a disbursement, download; the limits, the media-type checks
//! and the names that must never reach the disk.

use crate::helpers::app::{spawn_app, TestApp, TestResponse};
use crate::helpers::multipart::{self, file, Part};
use fundtrail::ledger::hash::sha256;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const EXE: &[u8] =
    b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0This program cannot be run in DOS mode";
const CSV: &str = "household,people\nNguyễn Văn An,5\nTrần Thị Bình,3\n";

/// `POST /api/v1/evidence` with `parts` as multipart/form-data, as `token`.
async fn upload(app: &TestApp, parts: &[Part<'_>], token: Option<&str>) -> TestResponse {
    TestResponse::read(multipart::post(&app.client, &app.address, token, parts).await).await
}

/// Uploads one file as recorder; panics unless it is stored. Returns its evidence object.
async fn upload_one(app: &TestApp, name: &str, media_type: &str, bytes: &[u8]) -> Value {
    let response = upload(app, &[file(name, media_type, bytes)], app.recorder()).await;
    assert_eq!(response.status(), 201, "{}", response.text());
    response.json()["evidence"][0].clone()
}

async fn disburse_with(app: &TestApp, campaign: &str, evidence: Value) -> TestResponse {
    app.post(
        "/disbursements",
        &json!({
            "campaign": campaign, "amount": "100000",
            "recipient": "Quang Binh commune", "purpose": "Drinking water",
            "evidence": evidence,
        }),
        app.recorder(),
    )
    .await
}

/// `GET /api/v1/evidence/{sha256}`: status, headers and raw bytes.
async fn download(app: &TestApp, sha256: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}/api/v1/evidence/{sha256}", app.address))
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body").to_vec();
    (status, headers, bytes)
}

/// Every file under `root`, as paths relative to it.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Checks that every file of the evidence folder is named by a SHA-256 in its 2-hex folder.
fn assert_only_hash_names(evidence_dir: &Path) {
    for f in files_under(evidence_dir) {
        let text = f.to_string_lossy().into_owned();
        let (folder, name) = text.split_once('/').unwrap_or(("", &text));
        let hash = name.strip_suffix(".type").unwrap_or(name);
        assert!(
            hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && folder == &hash[..2],
            "unexpected file in the evidence folder: {text}"
        );
    }
}

async fn funded_campaign(app: &TestApp) -> String {
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "5000000").await.seq();
    campaign
}

#[tokio::test]
async fn uploaded_files_listed_by_a_disbursement_download_byte_for_byte() {
    let app = spawn_app().await;
    let campaign = funded_campaign(&app).await;

    let response = upload(
        &app,
        &[
            file("hoa-don-0042.pdf", "application/pdf", PDF),
            file("danh-sach.csv", "text/csv; charset=utf-8", CSV.as_bytes()),
        ],
        app.recorder(),
    )
    .await;
    assert_eq!(response.status(), 201, "{}", response.text());
    let evidence = response.json()["evidence"].clone();
    let seq = disburse_with(&app, &campaign, evidence.clone()).await.seq();

    assert_eq!(
        evidence,
        json!([
            {"media_type": "application/pdf", "name": "hoa-don-0042.pdf",
             "sha256": sha256(PDF).to_hex(), "size": PDF.len()},
            {"media_type": "text/csv", "name": "danh-sach.csv",
             "sha256": sha256(CSV.as_bytes()).to_hex(), "size": CSV.len()},
        ])
    );
    let entry = app.get_json(&format!("/entries/{seq}")).await;
    assert_eq!(entry["entry"]["body"]["evidence"], evidence);
    let (status, headers, bytes) = download(&app, &sha256(PDF).to_hex()).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{}.pdf\"", sha256(PDF).to_hex()).as_str()
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    let (_, headers, bytes) = download(&app, &sha256(CSV.as_bytes()).to_hex()).await;
    assert_eq!(bytes, CSV.as_bytes());
    assert_eq!(headers["content-type"], "text/csv");
}

#[tokio::test]
async fn a_file_larger_than_the_limit_is_refused_with_413_and_nothing_is_stored() {
    let app = spawn_app().await;
    let mut big = PDF.to_vec();
    big.resize(
        fundtrail::evidence::DEFAULT_MAX_FILE_BYTES as usize + 1,
        b' ',
    );

    let response = upload(
        &app,
        &[file("scan.pdf", "application/pdf", &big)],
        app.recorder(),
    )
    .await;

    assert_eq!(response.status(), 413, "{}", response.text());
    assert_eq!(response.json()["error"], "too_large");
    assert_eq!(response.json()["field"], "file");
    assert!(files_under(&app.data_dir().join("evidence")).is_empty());
    let (status, _, _) = download(&app, &sha256(&big).to_hex()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_file_at_the_limit_is_accepted() {
    let app = spawn_app().await;
    let mut at_limit = PDF.to_vec();
    at_limit.resize(fundtrail::evidence::DEFAULT_MAX_FILE_BYTES as usize, b' ');

    let stored = upload_one(&app, "scan.pdf", "application/pdf", &at_limit).await;

    assert_eq!(stored["size"], at_limit.len());
}

#[tokio::test]
async fn html_pages_and_executables_are_refused_whatever_they_claim_to_be() {
    let app = spawn_app().await;
    let html = b"<html><script>alert(1)</script></html>";

    let as_html = upload(
        &app,
        &[file("page.html", "text/html", html)],
        app.recorder(),
    )
    .await;
    let exe_as_itself = upload(
        &app,
        &[file("setup.exe", "application/octet-stream", EXE)],
        app.recorder(),
    )
    .await;
    let exe_as_pdf = upload(
        &app,
        &[file("invoice.pdf", "application/pdf", EXE)],
        app.recorder(),
    )
    .await;
    let exe_as_text = upload(
        &app,
        &[file("notes.txt", "text/plain", EXE)],
        app.recorder(),
    )
    .await;

    assert_eq!(as_html.status(), 415, "{}", as_html.text());
    assert_eq!(as_html.json()["error"], "unsupported_media_type");
    assert_eq!(as_html.json()["field"], "file");
    assert_eq!(exe_as_itself.status(), 415, "{}", exe_as_itself.text());
    for refused in [&exe_as_pdf, &exe_as_text] {
        assert_eq!(refused.status(), 422, "{}", refused.text());
        assert_eq!(refused.json()["error"], "media_type_mismatch");
        assert_eq!(refused.json()["field"], "file");
    }
    assert!(files_under(&app.data_dir().join("evidence")).is_empty());
}

#[tokio::test]
async fn a_pdf_claimed_as_png_is_refused_naming_what_its_bytes_are() {
    let app = spawn_app().await;

    let response = upload(&app, &[file("photo.png", "image/png", PDF)], app.recorder()).await;

    assert_eq!(response.status(), 422, "{}", response.text());
    assert_eq!(response.json()["error"], "media_type_mismatch");
    assert_eq!(response.json()["field"], "file");
    let message = response.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("image/png") && message.contains("application/pdf"),
        "{message}"
    );
}

#[tokio::test]
async fn the_leading_bytes_decide_when_the_client_sends_no_useful_type() {
    let app = spawn_app().await;

    let stored = upload_one(&app, "photo", "application/octet-stream", PNG).await;

    assert_eq!(stored["media_type"], "image/png");
}

#[tokio::test]
async fn a_file_name_written_as_html_is_kept_only_as_display_metadata() {
    let app = spawn_app().await;
    let campaign = funded_campaign(&app).await;
    let name = "<img src=x onerror=alert(1)>.pdf";

    let stored = upload_one(&app, name, "application/pdf", PDF).await;
    let seq = disburse_with(&app, &campaign, json!([stored.clone()]))
        .await
        .seq();

    assert_eq!(stored["name"], name);
    let entry = app.get_json(&format!("/entries/{seq}")).await;
    assert_eq!(entry["entry"]["body"]["evidence"][0]["name"], name);
    assert_only_hash_names(&app.data_dir().join("evidence"));
}

#[tokio::test]
async fn path_traversal_names_have_no_effect_on_disk() {
    let app = spawn_app().await;
    let before = files_under(app.data_dir().parent().unwrap());
    let passwd = std::fs::read("/etc/passwd").ok();

    let stored = upload(
        &app,
        &[
            file(
                "../../etc/passwd",
                "text/plain",
                b"root:x:0:0:pwned:/root:/bin/sh\n",
            ),
            file("../../../../tmp/evil.pdf", "application/pdf", PDF),
            file(
                "..\\..\\config.json",
                "text/plain",
                b"{\"name\": \"pwned\"}",
            ),
        ],
        app.recorder(),
    )
    .await;

    assert_eq!(stored.status(), 201, "{}", stored.text());
    let names: Vec<_> = stored.json()["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "../../etc/passwd",
            "../../../../tmp/evil.pdf",
            "..\\..\\config.json"
        ]
    );
    assert_eq!(std::fs::read("/etc/passwd").ok(), passwd);
    assert!(!Path::new("/tmp/evil.pdf").exists());
    let after = files_under(app.data_dir().parent().unwrap());
    let new: Vec<_> = after.iter().filter(|f| !before.contains(f)).collect();
    assert!(
        new.iter().all(|f| f.starts_with("data/evidence")),
        "files written outside the evidence folder: {new:?}"
    );
    assert_eq!(new.len(), 6, "three blobs and their types: {new:?}");
    assert_only_hash_names(&app.data_dir().join("evidence"));
    assert!(std::fs::read_to_string(app.data_dir().join("config.json"))
        .unwrap()
        .contains("Test Relief Fund"));
}

#[tokio::test]
async fn a_blob_changed_on_disk_is_still_served_as_stored_so_the_ledger_hash_exposes_it() {
    let app = spawn_app().await;
    let stored = upload_one(&app, "receipt.pdf", "application/pdf", PDF).await;
    let hex = stored["sha256"].as_str().unwrap().to_string();
    let path = app.data_dir().join("evidence").join(&hex[..2]).join(&hex);
    let mut changed = PDF.to_vec();
    changed[10] ^= 1;

    std::fs::write(&path, &changed).unwrap();
    let (status, _, served) = download(&app, &hex).await;

    assert_eq!(status, 200);
    assert_eq!(served, changed);
    assert_ne!(sha256(&served).to_hex(), hex);
}

#[tokio::test]
async fn a_disbursement_listing_an_unknown_evidence_hash_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let campaign = funded_campaign(&app).await;
    let size = app.checkpoint_size().await;

    let response = disburse_with(
        &app,
        &campaign,
        json!([{"media_type": "application/pdf", "name": "invoice.pdf",
                "sha256": sha256(b"never uploaded").to_hex(), "size": 14}]),
    )
    .await;

    assert_eq!(response.status(), 422, "{}", response.text());
    assert_eq!(response.json()["error"], "unknown_evidence");
    assert_eq!(response.json()["field"], "evidence");
    assert_eq!(app.checkpoint_size().await, size);
}

#[tokio::test]
async fn a_disbursement_listing_a_stored_file_with_another_size_or_type_is_refused() {
    let app = spawn_app().await;
    let campaign = funded_campaign(&app).await;
    let stored = upload_one(&app, "invoice.pdf", "application/pdf", PDF).await;
    let mut wrong_size = stored.clone();
    wrong_size["size"] = json!(PDF.len() + 1);
    let mut wrong_type = stored.clone();
    wrong_type["media_type"] = json!("image/png");

    let size_refused = disburse_with(&app, &campaign, json!([wrong_size])).await;
    let type_refused = disburse_with(&app, &campaign, json!([wrong_type])).await;

    assert_eq!(size_refused.status(), 422, "{}", size_refused.text());
    assert_eq!(size_refused.json()["field"], "evidence.size");
    assert_eq!(type_refused.status(), 422, "{}", type_refused.text());
    assert_eq!(type_refused.json()["field"], "evidence.media_type");
}

#[tokio::test]
async fn uploading_needs_a_staff_token_but_downloading_does_not() {
    let app = spawn_app().await;

    let anonymous = upload(&app, &[file("a.pdf", "application/pdf", PDF)], None).await;
    let admin = upload(&app, &[file("a.pdf", "application/pdf", PDF)], app.admin()).await;
    let (status, _, bytes) = download(&app, &sha256(PDF).to_hex()).await;

    assert_eq!(anonymous.status(), 401);
    assert_eq!(admin.status(), 201, "{}", admin.text());
    assert_eq!((status, bytes.as_slice()), (200, PDF));
}

#[tokio::test]
async fn malformed_uploads_are_refused_naming_the_problem() {
    let app = spawn_app().await;

    let json_body = app
        .post("/evidence", &json!({"file": "x"}), app.recorder())
        .await;
    let no_files = upload(&app, &[], app.recorder()).await;
    let other_field = upload(
        &app,
        &[Part {
            field: "attachment",
            name: "a.pdf",
            media_type: "application/pdf",
            bytes: PDF,
        }],
        app.recorder(),
    )
    .await;
    let empty = upload(
        &app,
        &[file("empty.txt", "text/plain", b"")],
        app.recorder(),
    )
    .await;

    assert_eq!(json_body.status(), 415, "{}", json_body.text());
    assert_eq!(no_files.status(), 422, "{}", no_files.text());
    assert_eq!(no_files.json()["field"], "file");
    assert_eq!(other_field.status(), 422, "{}", other_field.text());
    assert_eq!(other_field.json()["field"], "attachment");
    assert_eq!(empty.status(), 422, "{}", empty.text());
    assert_eq!(empty.json()["field"], "file");
}

#[tokio::test]
async fn unknown_hashes_download_as_404_and_malformed_ones_as_400() {
    let app = spawn_app().await;

    let (unknown, _, _) = download(&app, &sha256(b"nothing").to_hex()).await;
    let (malformed, _, _) = download(&app, "../../config.json").await;
    let (upper, _, _) = download(&app, &"AB".repeat(32)).await;

    assert_eq!(unknown, 404);
    assert!(malformed == 400 || malformed == 404, "{malformed}");
    assert_eq!(upper, 400);
}

#[tokio::test]
async fn the_json_routes_keep_their_small_body_limit() {
    let app = spawn_app().await;
    let campaign = funded_campaign(&app).await;

    let response = app
        .post(
            "/donations",
            &json!({"campaign": campaign, "amount": "1000", "memo": "x".repeat(100 * 1024)}),
            app.recorder(),
        )
        .await;

    assert_eq!(response.status(), 413, "{}", response.text());
}

#[tokio::test]
async fn evidence_files_survive_a_restart() {
    let app = spawn_app().await;
    let stored = upload_one(&app, "receipt.pdf", "application/pdf", PDF).await;

    let app = app.stop().await.restart().await;
    let (status, _, bytes) = download(&app, stored["sha256"].as_str().unwrap()).await;

    assert_eq!((status, bytes.as_slice()), (200, PDF));
}

#[test]
fn every_document_the_demo_lists_is_among_the_files_the_demo_stores() {
    let files: Vec<_> = fundtrail::demo::evidence_files()
        .into_iter()
        .map(|(media_type, bytes)| (media_type.to_string(), sha256(bytes), bytes.len() as u64))
        .collect();

    let mut listed = 0;
    for body in fundtrail::demo::demo_entries() {
        if let fundtrail::ledger::Body::Disbursement(d) = body {
            for e in d.evidence {
                listed += 1;
                assert!(
                    files.contains(&(e.media_type.clone(), e.sha256, e.size)),
                    "{e:?} is not among the demo's evidence files"
                );
            }
        }
    }
    assert_eq!(listed, files.len());
}
