//! VietQR codes of an open campaign's official accounts: EMVCo data objects as NAPAS
//! specifies them, the CRC checked here by a separate bitwise implementation, the SVG read
//! back with a QR decoder, unknown banks skipped with the reason, and nothing for a closed
//! campaign or one not in VND.

use crate::helpers::app::{spawn_app, TestApp};
use crate::helpers::qr::decode_svg_qr;
use serde_json::json;

/// CRC-16/CCITT-FALSE, bit by bit (the server's is table-driven).
fn crc16_bitwise(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The top-level EMVCo data objects of `payload` as (ID, value), checking every length.
fn objects(payload: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = payload;
    while !rest.is_empty() {
        let id = &rest[..2];
        let len: usize = rest[2..4].parse().expect("a two-digit length");
        out.push((id.to_string(), rest[4..4 + len].to_string()));
        rest = &rest[4 + len..];
    }
    out
}

/// The value of data object `id` in `payload`.
fn value(payload: &str, id: &str) -> String {
    objects(payload)
        .into_iter()
        .find(|(i, _)| i == id)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no data object {id} in {payload}"))
}

/// Opens `id` in `currency` with a Vietcombank account and one at a bank without a known BIN.
async fn campaign_with_accounts(app: &TestApp, id: &str, currency: &str) {
    let response = app
        .post(
            "/campaigns",
            &json!({
                "id": id, "title": "Flood relief", "purpose": "Rice and water", "currency": currency,
                "accounts": [
                    {"bank": "Vietcombank", "number": "0071 0012 34567", "holder": "QUY CUU TRO"},
                    {"bank": "Ngân hàng Nam Á", "number": "123456789", "holder": "QUY CUU TRO"},
                ],
            }),
            app.admin(),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text());
}

#[tokio::test]
async fn an_open_campaigns_account_gets_a_vietqr_payload_with_the_campaign_code_and_a_valid_crc() {
    let app = spawn_app().await;
    campaign_with_accounts(&app, "flood-2026", "VND").await;

    let codes = app.get_json("/campaigns/flood-2026/vietqr").await;

    assert_eq!(codes["message"], "UNG HO FLOOD2026");
    let account = &codes["accounts"][0];
    assert_eq!(account["bin"], "970436");
    let payload = account["payload"].as_str().expect("payload");
    let (body, crc) = payload.split_at(payload.len() - 4);
    assert!(body.ends_with("6304"), "{payload}");
    assert_eq!(crc, format!("{:04X}", crc16_bitwise(body.as_bytes())));
    assert_eq!(value(payload, "00"), "01");
    assert_eq!(value(payload, "01"), "11", "static: no amount");
    let merchant = value(payload, "38");
    assert_eq!(
        objects(&merchant),
        vec![
            ("00".to_string(), "A000000727".to_string()),
            // 00: the BIN (6 digits), 01: the account number without its spaces (13).
            (
                "01".to_string(),
                format!("0006{}0113{}", "970436", "0071001234567")
            ),
            ("02".to_string(), "QRIBFTTA".to_string()),
        ]
    );
    assert_eq!(value(payload, "53"), "704");
    assert_eq!(value(payload, "58"), "VN");
    assert_eq!(value(payload, "62"), "0816UNG HO FLOOD2026");
    assert!(objects(payload).iter().all(|(id, _)| id != "54"));
    let skipped = &codes["skipped"][0];
    assert_eq!(skipped["index"], 1);
    assert!(
        skipped["reason"]
            .as_str()
            .is_some_and(|r| r.contains("unknown bank")),
        "{skipped}"
    );
}

#[tokio::test]
async fn the_svg_holds_the_payload_and_an_amount_makes_a_dynamic_code() {
    let app = spawn_app().await;
    campaign_with_accounts(&app, "flood-2026", "VND").await;

    let codes = app
        .get_json("/campaigns/flood-2026/vietqr?amount=200000")
        .await;
    let svg = app
        .client
        .get(format!(
            "{}/api/v1/campaigns/flood-2026/vietqr/0/qr.svg?amount=200000",
            app.address
        ))
        .send()
        .await
        .expect("sent");
    let unknown_bank = app.get("/campaigns/flood-2026/vietqr/1/qr.svg").await;
    let bad_amount = app.get("/campaigns/flood-2026/vietqr?amount=200.000").await;

    let payload = codes["accounts"][0]["payload"].as_str().expect("payload");
    assert_eq!(value(payload, "01"), "12");
    assert_eq!(value(payload, "54"), "200000");
    assert_eq!(svg.status().as_u16(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.headers()["content-security-policy"]
        .to_str()
        .is_ok_and(|c| c.starts_with("default-src 'none'")));
    let svg = svg.text().await.expect("svg");
    assert!(!svg.contains("<script"));
    assert_eq!(decode_svg_qr(&svg), payload);
    assert_eq!(unknown_bank.status(), 404);
    assert_eq!(bad_amount.status(), 400);
    assert_eq!(bad_amount.json()["field"], "amount");
}

#[tokio::test]
async fn a_closed_campaign_and_a_campaign_not_in_vnd_have_no_codes() {
    let app = spawn_app().await;
    campaign_with_accounts(&app, "flood-2025", "VND").await;
    campaign_with_accounts(&app, "kits-usd", "USD").await;
    app.close_campaign("flood-2025").await;

    let closed = app.get("/campaigns/flood-2025/vietqr").await;
    let closed_svg = app.get("/campaigns/flood-2025/vietqr/0/qr.svg").await;
    let dollars = app.get("/campaigns/kits-usd/vietqr").await;
    let unknown = app.get("/campaigns/nope/vietqr").await;

    assert_eq!(closed.status(), 410);
    assert_eq!(closed.json()["error"], "campaign_closed");
    assert_eq!(closed_svg.status(), 410);
    assert_eq!(dollars.status(), 422);
    assert_eq!(dollars.json()["error"], "not_vnd");
    assert_eq!(unknown.status(), 404);
}
