//! `fundtrail tiles --out DIR|s3://…`: the same tree as `/log/`, as static files, written
//! incrementally; and `fundtrail verify --tiles PREFIX`, which reads nothing but them.

use crate::helpers::app::{spawn_app, TestApp};
use crate::helpers::binary::{explain, fundtrail, text};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// `fundtrail tiles --data DATA --out OUT`; returns what it printed.
fn write_tiles(app: &TestApp, out: &str, envs: &[(&str, String)]) -> String {
    let data = app.data_dir().display().to_string();
    let mut command = crate::helpers::binary::command();
    command.args(["tiles", "--data", &data, "--out", out]);
    for (k, v) in envs {
        command.env(k, v);
    }
    let output = command.output().expect("fundtrail runs");
    assert!(output.status.success(), "{}", explain(&output));
    text(&output.stdout)
}

async fn served(app: &TestApp, path: &str) -> Vec<u8> {
    let r = app
        .client
        .get(format!("{}/log/{path}", app.address))
        .send()
        .await
        .expect("request sent");
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().await.expect("body").to_vec()
}

/// Every file under `root`, as paths relative to it.
fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).expect("below root");
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

async fn donate(app: &TestApp, n: u64) {
    for i in 0..n {
        let r = app.donate("flood-2026", &format!("{}", 700 + i)).await;
        assert_eq!(r.status(), 201);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_tiles_are_the_servers_bytes_written_incrementally_and_verify_alone() {
    let app = spawn_app().await;
    let key = app.key().await;
    app.open_campaign("flood-2026", "VND").await;
    donate(&app, 299).await;
    let out = app.scratch("tiles");
    let out_text = out.display().to_string();

    let first = write_tiles(&app, &out_text, &[]);
    donate(&app, 3).await;
    let second = write_tiles(&app, &out_text, &[]);
    let third = write_tiles(&app, &out_text, &[]);

    assert!(first.contains("300 entries (was 0), 5 tiles"), "{first}");
    // 300 -> 303: the partial level-0 tile and bundle, wider (the level-1 tile is unchanged).
    assert!(
        second.contains("303 entries (was 300), 2 tiles"),
        "{second}"
    );
    assert!(third.contains("303 entries (was 303), 0 tiles"), "{third}");
    for file in files(&out) {
        let on_disk = std::fs::read(out.join(&file)).expect("file");
        assert_eq!(on_disk, served(&app, &file).await, "{file}");
    }
    let verified = fundtrail(&["verify", "--tiles", &out_text, "--key", &key]);
    assert!(verified.status.success(), "{}", explain(&verified));
    assert!(
        text(&verified.stdout).contains("entries:    303"),
        "{}",
        explain(&verified)
    );

    // A changed leaf in a static bundle is found.
    let bundle = out.join("tile/entries/000");
    let mut bytes = std::fs::read(&bundle).expect("bundle");
    let at = bytes.iter().rposition(|b| *b == b'7').expect("a digit");
    bytes[at] = b'8';
    std::fs::write(&bundle, bytes).expect("written");
    let refused = fundtrail(&["verify", "--tiles", &out_text, "--key", &key]);
    assert_eq!(refused.status.code(), Some(1), "{}", explain(&refused));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_reads_a_ledger_from_the_servers_tiles_without_the_api() {
    let app = spawn_app().await;
    let key = app.key().await;
    app.open_campaign("flood-2026", "VND").await;
    donate(&app, 5).await;

    let verified = fundtrail(&[
        "verify",
        "--tiles",
        &format!("{}/log", app.address),
        "--key",
        &key,
    ]);

    assert!(verified.status.success(), "{}", explain(&verified));
    assert!(
        text(&verified.stdout).contains("entries:    6"),
        "{}",
        explain(&verified)
    );
}

/// A moto S3 server on a free loopback port, killed when dropped.
struct Moto(Child, u16);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The version `.ci/run` installs.
const MOTO_VERSION: &str = "5.2.5";

fn moto_server() -> Option<PathBuf> {
    let home = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    let bin = home.join(format!("fundtrail/moto-{MOTO_VERSION}/bin/moto_server"));
    bin.exists().then_some(bin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_tiles_go_to_an_s3_bucket_and_verify_from_it() {
    let Some(bin) = moto_server() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "moto is not installed: .ci/run installs it before the tests"
        );
        println!("SKIPPED: moto is not installed (.ci/run installs it)");
        return;
    };
    let port = crate::helpers::binary::free_port();
    let moto = Moto(
        Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto starts"),
        port,
    );
    let endpoint = format!("http://127.0.0.1:{}", moto.1);
    let client = reqwest::Client::new();
    crate::eventually("moto answers and has made the bucket", || {
        let (client, endpoint) = (client.clone(), endpoint.clone());
        async move {
            let made = client.put(format!("{endpoint}/ledger-tiles")).send().await;
            made.is_ok_and(|r| r.status().is_success())
        }
    })
    .await;
    let app = spawn_app().await;
    let key = app.key().await;
    app.open_campaign("flood-2026", "VND").await;
    donate(&app, 4).await;
    let envs = [
        ("AWS_ENDPOINT", endpoint.clone()),
        ("AWS_ALLOW_HTTP", "true".to_string()),
        ("AWS_ACCESS_KEY_ID", "test".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ];

    let first = write_tiles(&app, "s3://ledger-tiles/charity", &envs);
    donate(&app, 1).await;
    let second = write_tiles(&app, "s3://ledger-tiles/charity", &envs);

    assert!(first.contains("5 entries (was 0), 2 tiles"), "{first}");
    assert!(second.contains("6 entries (was 5), 2 tiles"), "{second}");
    // Read back through S3's API (moto, like S3, answers anonymous reads with 403).
    use object_store::ObjectStore;
    let s3 = object_store::aws::AmazonS3Builder::new()
        .with_endpoint(&endpoint)
        .with_allow_http(true)
        .with_bucket_name("ledger-tiles")
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .with_region("us-east-1")
        .build()
        .expect("an S3 client");
    let copy = app.scratch("from-s3");
    for path in [
        "checkpoint",
        "tile/0/000.p/5",
        "tile/0/000.p/6",
        "tile/entries/000.p/5",
        "tile/entries/000.p/6",
    ] {
        let got = s3
            .get(&object_store::path::Path::from(format!("charity/{path}")))
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let cache = got
            .attributes
            .get(&object_store::Attribute::CacheControl)
            .map(|v| v.to_string());
        let bytes = got.bytes().await.expect("bytes").to_vec();
        if path == "checkpoint" {
            assert_eq!(cache.as_deref(), Some("public, max-age=2"));
        } else {
            assert_eq!(cache.as_deref(), Some("public, max-age=10"), "{path}");
        }
        assert_eq!(bytes, served(&app, path).await, "{path}");
        let file = copy.join(path);
        std::fs::create_dir_all(file.parent().expect("a folder")).expect("folders");
        std::fs::write(file, bytes).expect("written");
    }
    let verified = fundtrail(&[
        "verify",
        "--tiles",
        &copy.display().to_string(),
        "--key",
        &key,
    ]);
    assert!(verified.status.success(), "{}", explain(&verified));
}
