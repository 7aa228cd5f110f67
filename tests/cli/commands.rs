//! The `fundtrail` binary on ledgers written by a real server: verify, export, import.

use crate::helpers::app::spawn_app;
use crate::helpers::binary::{fundtrail, reported_root, text, verify_data};

#[tokio::test]
async fn verify_of_an_untouched_ledger_exits_0_and_reports_the_checkpoint_root() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("medical-kits", "USD").await;
    app.donate(&flood, "500000").await.seq();
    app.donate(&kits, "12.50").await.seq();
    app.disburse(&flood, "100000").await.seq();
    let root = app.checkpoint().await.root.to_hex();
    let ledger = app.stop().await;

    let verified = verify_data(&ledger.data_dir());

    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );
    assert_eq!(reported_root(&verified), root);
    let report = text(&verified.stdout);
    assert!(report.contains("entries:    5"), "{report}");
    assert!(report.contains("USD: donated 12.50"), "{report}");
}

#[tokio::test]
async fn a_ledger_exported_and_imported_into_a_new_folder_has_the_same_root() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let schools = app.open_campaign("school-roofs", "VND").await;
    let mistaken = app.donate(&flood, "500000").await.seq();
    app.donate(&flood, "300000").await.seq();
    app.transfer(&flood, &schools, "100000").await.seq();
    app.reverse(mistaken).await.seq();
    let root = app.checkpoint().await.root.to_hex();
    let bundle = app.scratch("bundle.txt");
    let copy = app.scratch("copy");
    let ledger = app.stop().await;
    let data = ledger.data_dir().display().to_string();

    let exported = fundtrail(&[
        "export",
        "--data",
        &data,
        "-o",
        &bundle.display().to_string(),
    ]);
    let imported = fundtrail(&[
        "import",
        "--data",
        &copy.display().to_string(),
        &bundle.display().to_string(),
    ]);

    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        text(&exported.stderr)
    );
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        text(&imported.stderr)
    );
    assert!(
        text(&imported.stdout).contains(&root),
        "{}",
        text(&imported.stdout)
    );
    let verified_copy = verify_data(&copy);
    assert_eq!(
        verified_copy.status.code(),
        Some(0),
        "{}",
        text(&verified_copy.stderr)
    );
    assert_eq!(reported_root(&verified_copy), root);
    let verified_bundle = fundtrail(&["verify", &bundle.display().to_string()]);
    assert_eq!(
        verified_bundle.status.code(),
        Some(0),
        "{}",
        text(&verified_bundle.stderr)
    );
    assert_eq!(reported_root(&verified_bundle), root);
}

#[test]
fn verify_of_a_bundle_file_that_does_not_exist_exits_2() {
    let missing = tempfile::tempdir().expect("temporary folder");
    let path = missing.path().join("no-such-bundle.txt");

    let verified = fundtrail(&["verify", &path.display().to_string()]);

    assert_eq!(verified.status.code(), Some(2));
    assert!(text(&verified.stderr).contains("no-such-bundle.txt"));
}

#[test]
fn verify_of_a_folder_without_a_ledger_exits_2() {
    let empty = tempfile::tempdir().expect("temporary folder");

    let verified = verify_data(empty.path());

    assert_eq!(verified.status.code(), Some(2));
    assert!(text(&verified.stderr).contains("holds no fundtrail ledger"));
}

#[test]
fn serve_with_an_audit_interval_it_cannot_read_exits_2_saying_what_it_accepts() {
    let refused = fundtrail(&["serve", "--audit-interval", "soon"]);

    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    let message = text(&refused.stderr);
    assert!(message.contains("--audit-interval"), "{message}");
    assert!(message.contains("24h"), "{message}");
}
