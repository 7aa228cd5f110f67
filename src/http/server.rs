//! The connection loop: accepts TCP connections, serves HTTP/1.1 on each, and stops
//! gracefully.
//!
//! Two defences apply before a request reaches the router:
//! - a header read timeout: a client gets [`Limits::header_read_timeout`] to send a request's
//!   headers, counted from the moment the server starts waiting for them (so an idle
//!   keep-alive connection is closed after it too); a client that drips a header line now and
//!   then is disconnected instead of holding a connection for ever;
//! - a cap on open connections per TCP peer address ([`Limits::max_connections_per_address`]):
//!   a connection over the cap is closed as soon as it is accepted, and logged. Connections
//!   from a trusted proxy are not counted: the proxy carries many clients, and the per-client
//!   limits still apply to each of them by the address it forwards.
//!
//! [`Limits::header_read_timeout`]: super::limits::Limits::header_read_timeout
//! [`Limits::max_connections_per_address`]: super::limits::Limits::max_connections_per_address

use super::limits::Guard;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt as _;

/// Serves `router` on `listener` under `guard`'s connection limits until `shutdown`
/// resolves; then accepts no more connections, lets every open one finish the request it is
/// serving, and returns once all are closed.
///
/// # Errors
/// None in practice: a failed `accept` is logged and the loop goes on (the `Result` matches
/// what callers of `axum::serve` expect).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    guard: Arc<Guard>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let open = Arc::new(OpenConnections::new(
        guard.limits.max_connections_per_address,
    ));
    let header_read_timeout = guard.limits.header_read_timeout;
    // Every connection task holds a receiver of `stop` (to hear the shutdown) and of `done`
    // (so that the loop can wait until the last one is dropped).
    let (stop_tx, stop_rx) = watch::channel(());
    let (done_tx, done_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    pause_after_accept_error(&e).await;
                    continue;
                }
            },
            () = stop_tx.closed() => break,
        };
        let slot = if guard.trusted_proxies.contains(peer.ip()) {
            None
        } else if let Some(slot) = open.admit(peer.ip()) {
            Some(slot)
        } else {
            // Over the cap: dropping the stream closes the connection.
            drop(stream);
            continue;
        };
        let connection = Connection {
            stream,
            peer,
            router: router.clone(),
            header_read_timeout,
            stop: stop_tx.clone(),
            done: done_rx.clone(),
            _slot: slot,
        };
        tokio::spawn(connection.run());
    }
    drop(listener);
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}

/// Waits a little after a failed `accept`: at once for errors about one connection, a second
/// for the others (e.g. out of file descriptors), so the loop does not spin.
async fn pause_after_accept_error(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// One accepted connection and what serving it needs.
struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    header_read_timeout: Duration,
    stop: watch::Sender<()>,
    done: watch::Receiver<()>,
    _slot: Option<Slot>,
}

impl Connection {
    async fn run(self) {
        let peer = self.peer;
        let service = self
            .router
            .map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        let connection =
            builder.serve_connection(TokioIo::new(self.stream), TowerToHyperService::new(service));
        tokio::pin!(connection);
        let stop = self.stop.closed();
        tokio::pin!(stop);
        let mut stopping = false;
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, error = %e, "connection closed with an error");
                    }
                    break;
                }
                () = &mut stop, if !stopping => {
                    stopping = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
        drop(self.done);
    }
}

/// Counts open connections per peer address.
struct OpenConnections {
    max_per_address: u32,
    by_address: Mutex<HashMap<IpAddr, Count>>,
}

#[derive(Default)]
struct Count {
    open: u32,
    refusal_logged: bool,
}

/// One counted connection; dropping it gives the place back.
struct Slot {
    open: Arc<OpenConnections>,
    address: IpAddr,
}

impl OpenConnections {
    fn new(max_per_address: u32) -> Self {
        OpenConnections {
            max_per_address,
            by_address: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a new connection from `address`; `None` when that would pass the cap (the
    /// connection must then be closed).
    fn admit(self: &Arc<Self>, address: IpAddr) -> Option<Slot> {
        let address = address.to_canonical();
        if self.max_per_address != 0 && !self.count_in(address) {
            return None;
        }
        Some(Slot {
            open: Arc::clone(self),
            address,
        })
    }

    /// Counts one more connection from `address` unless it is at the cap. The first refusal
    /// while an address is at the cap is logged as a warning, later ones at debug level, so a
    /// flood does not flood the log.
    fn count_in(&self, address: IpAddr) -> bool {
        let Ok(mut by_address) = self.by_address.lock() else {
            return true;
        };
        let count = by_address.entry(address).or_default();
        if count.open < self.max_per_address {
            count.open += 1;
            return true;
        }
        if count.refusal_logged {
            tracing::debug!(%address, "connection refused: too many open connections");
        } else {
            count.refusal_logged = true;
            tracing::warn!(
                %address,
                limit = self.max_per_address,
                "connections refused: this address already has the most open connections allowed (serve --max-connections-per-address)"
            );
        }
        false
    }

    fn release(&self, address: IpAddr) {
        if self.max_per_address == 0 {
            return;
        }
        if let Ok(mut by_address) = self.by_address.lock() {
            if let Some(count) = by_address.get_mut(&address) {
                count.open = count.open.saturating_sub(1);
                count.refusal_logged = false;
                if count.open == 0 {
                    by_address.remove(&address);
                }
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.open.release(self.address);
    }
}
