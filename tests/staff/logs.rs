//! Nothing secret in the server's log or its answers.

use crate::*;
use reqwest::Method;
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};

/// A writer collecting everything the server logs, at every level, from every test of this
/// file (tokens are random, so one test's token never appears in another's lines).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;
    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

fn server_log() -> Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Log::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(log.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        log
    })
    .clone()
}

#[tokio::test]
async fn a_token_appears_in_no_log_line_and_in_no_answer_but_the_one_that_creates_it() {
    let log = server_log();
    let app = app_with_campaign().await;
    let created = send(
        request(&app, Method::POST, "/tokens")
            .bearer_auth(&app.admin_token)
            .json(&json!({ "name": "Lan (finance)", "role": "recorder" })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let token = created.json()["token"].as_str().expect("token").to_string();
    let id = created.json()["id"].as_i64().expect("id");

    let signed = sign_in_answer(&app, &token).await;
    let browser = browser_of(&signed);
    let mut answers = vec![
        signed,
        sign_in_answer(&app, &format!("{token}x")).await,
        send(request(&app, Method::POST, "/session").json(&json!({ "token": [token] }))).await,
        send(from_console(&app, &browser, Method::GET, "/session")).await,
        send(from_console(&app, &browser, Method::POST, "/donations").json(&donation())).await,
        send(request(&app, Method::GET, "/tokens").bearer_auth(&app.admin_token)).await,
        send(from_console(&app, &browser, Method::DELETE, "/session")).await,
    ];
    answers.push(
        send(request(&app, Method::DELETE, &format!("/tokens/{id}")).bearer_auth(&app.admin_token))
            .await,
    );

    for answer in &answers {
        assert!(!answer.body.contains(&token), "{}", answer.body);
        for value in answer.headers.values() {
            assert!(!value.to_str().unwrap_or("").contains(&token));
        }
    }
    let lines = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert!(
        lines.contains("staff member signed in") && lines.contains("Lan (finance)"),
        "the server did log this test's requests"
    );
    assert!(!lines.contains(&token), "the token is in the log");
    assert!(!lines.contains(&browser.id), "the session id is in the log");
}
