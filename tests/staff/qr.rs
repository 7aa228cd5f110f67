//! QR codes of receipt pages.

use crate::helpers::qr::decode_svg_qr as decode_qr;
use crate::*;
use reqwest::Method;

#[tokio::test]
async fn a_receipts_qr_code_is_a_plain_svg_of_its_page_that_may_be_cached_for_ever() {
    let app = app_with_campaign().await;
    let donated = app.donate("relief", "200000").await;
    let code = donated.json()["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let answer = send(request(
        &app,
        Method::GET,
        &format!("/receipts/{code}/qr.svg"),
    ))
    .await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("content-type"), "image/svg+xml");
    assert_eq!(
        answer.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(answer
        .header("content-security-policy")
        .starts_with("default-src 'none'"));
    assert!(answer.body.contains("<svg"));
    for banned in [
        "<script",
        "href",
        "url(",
        "<style",
        "<image",
        "<foreignObject",
    ] {
        assert!(!answer.body.contains(banned), "{banned}");
    }
    assert_eq!(
        decode_qr(&answer.body),
        format!("{}/#/receipt/{code}", app.address)
    );
}

#[tokio::test]
async fn a_qr_code_points_at_the_public_url_when_one_is_configured() {
    let app = app_with(|a| a.with_public_url(Some("https://ledger.example.org".into()))).await;
    let donated = app.donate("relief", "200000").await;
    let code = donated.json()["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let answer = send(request(
        &app,
        Method::GET,
        &format!("/receipts/{code}/qr.svg"),
    ))
    .await;

    assert_eq!(
        decode_qr(&answer.body),
        format!("https://ledger.example.org/#/receipt/{code}")
    );
}

#[tokio::test]
async fn there_is_no_qr_code_for_an_unknown_or_malformed_receipt_code() {
    let app = app_with_campaign().await;
    let donated = app.donate("relief", "200000").await;
    let code = donated.json()["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();
    let wrong_hash = format!("{}-00000000", code.rsplit_once('-').expect("code").0);

    for unknown in [
        "R-99-00000000",
        wrong_hash.as_str(),
        "R-0-00000000",
        "hello",
    ] {
        let answer = send(request(
            &app,
            Method::GET,
            &format!("/receipts/{unknown}/qr.svg"),
        ))
        .await;
        assert_eq!(answer.status, 404, "{unknown}: {}", answer.body);
        assert_eq!(answer.json()["error"], "not_found");
    }
}
