//! The load's clients: plain keep-alive HTTP/1.1 connections, each client task on a runtime
//! and thread of the load generator's own.

use std::time::Duration;

/// A pooled client for the few setup and check requests (not the load itself).
pub fn http_client(connections: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client")
}

/// One client's body for `POST /api/v1/donations`.
#[derive(serde::Serialize)]
pub struct DonationRequest<'a> {
    pub campaign: &'a str,
    pub amount: &'a str,
    pub donor: &'a str,
    pub reference: &'a str,
    pub memo: &'a str,
    pub received_at: &'a str,
}

/// One client's keep-alive HTTP/1.1 connection (hyper's plain client: no pool, no URL
/// parsing per request), so that the load generator, which shares the server's two cores,
/// spends about as little of them as a real client on another machine would.
pub struct ClientConnection {
    pub sender: hyper::client::conn::http1::SendRequest<http_body_util::Full<bytes::Bytes>>,
    pub host: hyper::header::HeaderValue,
}

impl ClientConnection {
    /// Connects to `addr` and completes the HTTP/1.1 handshake.
    pub async fn open(addr: std::net::SocketAddr) -> Result<ClientConnection, String> {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| e.to_string())?;
        tokio::spawn(connection);
        Ok(ClientConnection {
            sender,
            host: addr
                .to_string()
                .parse()
                .map_err(|_| "bad address".to_string())?,
        })
    }

    /// Posts `body` (JSON) to `path` with `auth` (and `Idempotency-Key: key` when given)
    /// and reads the whole answer.
    pub async fn post(
        &mut self,
        path: &str,
        auth: &hyper::header::HeaderValue,
        key: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(hyper::StatusCode, bytes::Bytes), String> {
        let mut request = hyper::Request::post(path)
            .header(hyper::header::AUTHORIZATION, auth.clone())
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let request = request.body(http_body_util::Full::new(bytes::Bytes::from(body)));
        self.send(request).await
    }

    /// GETs `path` and reads the whole answer.
    pub async fn get(&mut self, path: &str) -> Result<(hyper::StatusCode, bytes::Bytes), String> {
        let request = hyper::Request::get(path).body(http_body_util::Full::default());
        self.send(request).await
    }

    /// Sends `request` with this connection's `Host` and reads the whole answer.
    async fn send(
        &mut self,
        request: Result<hyper::Request<http_body_util::Full<bytes::Bytes>>, hyper::http::Error>,
    ) -> Result<(hyper::StatusCode, bytes::Bytes), String> {
        use http_body_util::BodyExt;
        let mut request = request.map_err(|e| e.to_string())?;
        request
            .headers_mut()
            .insert(hyper::header::HOST, self.host.clone());
        self.sender.ready().await.map_err(|e| e.to_string())?;
        let answer = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = answer.status();
        let body = answer
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, body))
    }
}

/// Runs the future `clients` makes on a current-thread runtime of its own, on a thread
/// of its own: no wake-ups across the load generator's threads, and at most one core
/// taken from the server.
pub async fn on_client_thread<T, F>(clients: impl FnOnce() -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: std::future::Future<Output = T>,
{
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime")
            .block_on(clients())
    })
    .await
    .expect("client thread")
}
