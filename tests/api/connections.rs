//! Connections an attacker holds open: headers dripped a line at a time, and more idle
//! connections from one address than the server allows. Raw TCP on loopback, bounded in
//! count and time.

use crate::helpers::app::{spawn_app_configured, spawn_app_with_limits, TestApp};
use crate::helpers::binary::fundtrail;
use fundtrail::http::client::TrustedProxies;
use fundtrail::http::limits::Limits;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A raw connection to `app`.
async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Whether the server closes `socket` (end of stream or reset) within `within`, reading and
/// dropping whatever it sends first.
async fn closed_by_server(socket: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    let read_until_closed = async {
        loop {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read_until_closed)
        .await
        .is_ok()
}

/// Sends `GET /api/v1/info` on `socket` (closing after the answer); returns the answer.
async fn get_info(socket: &mut TcpStream) -> String {
    socket
        .write_all(b"GET /api/v1/info HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n")
        .await
        .expect("request sent");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_client_that_drips_one_header_line_a_second_is_disconnected_after_the_header_read_timeout(
) {
    let app = spawn_app_with_limits(Limits {
        header_read_timeout: Duration::from_secs(2),
        ..Limits::OFF
    })
    .await;
    let socket = connect(&app).await;
    let (mut reader, mut writer) = socket.into_split();
    let closed = tokio::spawn(async move {
        let mut received = Vec::new();
        let _ = reader.read_to_end(&mut received).await;
        String::from_utf8_lossy(&received).into_owned()
    });

    let _ = writer
        .write_all(b"GET /api/v1/info HTTP/1.1\r\nhost: test\r\n")
        .await;
    let mut lines_sent = 0;
    while lines_sent < 15 && !closed.is_finished() {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if writer
            .write_all(format!("x-drip-{lines_sent}: still typing\r\n").as_bytes())
            .await
            .is_err()
        {
            break;
        }
        lines_sent += 1;
    }
    let received = tokio::time::timeout(Duration::from_secs(5), closed).await;

    let received = received
        .expect("the server closed the connection before the client stopped dripping")
        .expect("reader task");
    assert!(
        lines_sent < 15,
        "the connection stayed open for {lines_sent} s"
    );
    assert!(!received.contains(" 200 "), "{received}");
}

#[tokio::test]
async fn connections_over_the_per_address_limit_are_closed_while_the_earlier_ones_still_work() {
    let app = spawn_app_with_limits(Limits {
        max_connections_per_address: 3,
        ..Limits::OFF
    })
    .await;
    let mut allowed = Vec::new();
    for _ in 0..3 {
        allowed.push(connect(&app).await);
    }

    let mut extra = connect(&app).await;
    let extra_closed = closed_by_server(&mut extra, Duration::from_secs(5)).await;
    let mut answers = Vec::new();
    for socket in &mut allowed {
        answers.push(get_info(socket).await);
    }

    assert!(extra_closed, "the fourth connection was left open");
    for answer in &answers {
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    // The three closed after answering: their places are free again.
    let mut after = String::new();
    for _ in 0..50 {
        after = get_info(&mut connect(&app).await).await;
        if after.starts_with("HTTP/1.1 200") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(after.starts_with("HTTP/1.1 200"), "{after}");
}

#[tokio::test]
async fn connections_from_a_trusted_proxy_are_not_capped() {
    let loopback = TrustedProxies::parse("127.0.0.1").expect("address");
    let limits = Limits {
        max_connections_per_address: 2,
        ..Limits::OFF
    };
    let app = spawn_app_configured(limits, |a| a.with_trusted_proxies(loopback)).await;
    let mut sockets = Vec::new();
    for _ in 0..5 {
        sockets.push(connect(&app).await);
    }

    let mut answers = Vec::new();
    for socket in &mut sockets {
        answers.push(get_info(socket).await);
    }

    for answer in &answers {
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}

#[test]
fn serve_refuses_a_trusted_proxy_that_is_not_an_ip_address_naming_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data").display().to_string();

    let out = fundtrail(&[
        "serve",
        "--data",
        &data,
        "--trusted-proxy",
        "127.0.0.1, proxy.internal",
    ]);

    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"proxy.internal\""), "{stderr}");
    assert!(stderr.contains("--trusted-proxy"), "{stderr}");
}
