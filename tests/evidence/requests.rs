//! Evidence upload requests as a whole: at most ten files, refused whole with nothing left
//! behind, and the formats phones and spreadsheets produce (HEIC photos, XLSX workbooks)
//! recognised by their content.

use crate::helpers::app::{spawn_app, TestApp};
use crate::helpers::multipart::{upload, FilePart, Uploaded};
use fundtrail::ledger::hash::sha256;

const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFFThis program cannot be run in DOS mode";
const WORKBOOK: &[u8] = include_bytes!("../data/evidence/budget.xlsx");
const PLAIN_ZIP: &[u8] = include_bytes!("../data/evidence/photos.zip");
/// The start of a photo as an iPhone writes it: an `ftyp` box with the `heic` brand.
const HEIC_PHOTO: &[u8] =
    b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\x01\x0Dmeta\0\0\0\0\0\0\0\x21hdlr\0\0\0\0\0\0\0\0pict";

async fn send(app: &TestApp, files: &[FilePart<'_>]) -> Uploaded {
    upload(&app.client, &app.address, &app.recorder_token, files).await
}

/// Whether `GET /evidence/{hash of bytes}` finds the file.
async fn is_stored(app: &TestApp, bytes: &[u8]) -> bool {
    let path = format!("/evidence/{}", sha256(bytes).to_hex());
    app.get(&path).await.status() == 200
}

/// Ten different small PDFs and more.
fn pdfs(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("%PDF-1.7\n% invoice {i}\n%%EOF\n").into_bytes())
        .collect()
}

#[tokio::test]
async fn eleven_files_are_refused_whole_with_413_naming_the_file_field_and_none_is_stored() {
    let app = spawn_app().await;
    let files = pdfs(11);
    let parts: Vec<FilePart<'_>> = files
        .iter()
        .map(|f| ("invoice.pdf", "application/pdf", f.as_slice()))
        .collect();

    let refused = send(&app, &parts).await;
    let mut left_behind = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if is_stored(&app, f).await {
            left_behind.push(i);
        }
    }
    let ten = send(&app, &parts[..10]).await;

    assert_eq!(refused.status, 413, "{}", refused.json);
    assert_eq!(refused.json["error"], "too_many_files");
    assert_eq!(refused.json["field"], "file");
    assert_eq!(
        left_behind,
        Vec::<usize>::new(),
        "files of the refused request"
    );
    assert_eq!(ten.status, 201, "{}", ten.json);
}

#[tokio::test]
async fn a_refused_file_takes_the_files_sent_before_it_in_the_request_along_but_not_older_ones() {
    let app = spawn_app().await;
    let [older, new] = [
        b"%PDF-1.7\n% older invoice\n".as_slice(),
        b"%PDF-1.7\n% new\n",
    ];
    assert_eq!(
        send(&app, &[("older.pdf", "application/pdf", older)])
            .await
            .status,
        201
    );

    let refused = send(
        &app,
        &[
            ("older.pdf", "application/pdf", older),
            ("new.pdf", "application/pdf", new),
            ("setup.pdf", "application/pdf", EXE),
        ],
    )
    .await;

    assert_eq!(refused.status, 422, "{}", refused.json);
    assert_eq!(refused.json["field"], "file");
    assert!(
        is_stored(&app, older).await,
        "a file stored by an earlier request stays"
    );
    assert!(
        !is_stored(&app, new).await,
        "a file only this request stored is removed"
    );
    let folder = app.data_dir().join("evidence");
    let hex = sha256(new).to_hex();
    assert!(!folder.join(&hex[..2]).join(format!("{hex}.type")).exists());
}

#[tokio::test]
async fn a_workbook_is_accepted_as_xlsx_whatever_the_client_declares_and_a_plain_zip_is_not() {
    let app = spawn_app().await;

    let undeclared = send(
        &app,
        &[("budget.xlsx", "application/octet-stream", WORKBOOK)],
    )
    .await;
    let declared = send(
        &app,
        &[(
            "budget.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            WORKBOOK,
        )],
    )
    .await;
    let zip_as_xlsx = send(
        &app,
        &[(
            "photos.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            PLAIN_ZIP,
        )],
    )
    .await;

    assert_eq!(undeclared.status, 201, "{}", undeclared.json);
    assert_eq!(
        undeclared.json["evidence"][0]["media_type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(declared.status, 201, "{}", declared.json);
    assert_eq!(zip_as_xlsx.status, 422, "{}", zip_as_xlsx.json);
    assert_eq!(zip_as_xlsx.json["error"], "media_type_mismatch");
}

#[tokio::test]
async fn a_phone_photo_in_heic_is_accepted_and_downloads_as_heic() {
    let app = spawn_app().await;

    let declared = send(&app, &[("IMG_0042.HEIC", "image/heic", HEIC_PHOTO)]).await;
    let undeclared = send(
        &app,
        &[("IMG_0042.HEIC", "application/octet-stream", HEIC_PHOTO)],
    )
    .await;
    let download = app
        .client
        .get(format!(
            "{}/api/v1/evidence/{}",
            app.address,
            sha256(HEIC_PHOTO).to_hex()
        ))
        .send()
        .await
        .expect("sent");

    assert_eq!(declared.status, 201, "{}", declared.json);
    assert_eq!(declared.json["evidence"][0]["media_type"], "image/heic");
    assert_eq!(undeclared.status, 201, "{}", undeclared.json);
    assert_eq!(download.headers()["content-type"], "image/heic");
    let disposition = download.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.ends_with(".heic\""), "{disposition}");
}
