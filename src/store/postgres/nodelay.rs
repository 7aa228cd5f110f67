//! Nagle's algorithm off on this process's connections to the PostgreSQL server.
//!
//! sqlx 0.9.0 opens its TCP connections without `TCP_NODELAY` (launchbadge/sqlx#4335,
//! fixed upstream by #4336, not yet released) and gives no access to its sockets. A group
//! commit is one message of tens of kilobytes: when the kernel takes it in two writes, the
//! second waits for the acknowledgement of the first, which the server delays by up to
//! 40 ms (it has nothing to answer yet). So after the writing connection is opened, every
//! TCP socket of this process connected to the server's port gets `TCP_NODELAY` (on any
//! other socket the option is harmless). Remove this module once sqlx sets it itself.

/// Sets `TCP_NODELAY` on every open TCP socket of this process whose peer port is `port`.
/// Best effort: a socket that cannot be read or changed is left as it is.
#[cfg(target_os = "linux")]
pub(super) fn on_sockets_to(port: u16) {
    use std::os::fd::FromRawFd;
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    for fd in fds.flatten() {
        let is_socket = std::fs::read_link(fd.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        let Ok(raw) = fd.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if !is_socket {
            continue;
        }
        // SAFETY: the descriptor is only borrowed: `ManuallyDrop` never closes it, and on a
        // descriptor that is not (or no longer) a TCP socket every call below fails harmlessly.
        let stream = std::mem::ManuallyDrop::new(unsafe { std::net::TcpStream::from_raw_fd(raw) });
        if stream.peer_addr().is_ok_and(|peer| peer.port() == port) {
            let _ = stream.set_nodelay(true);
        }
    }
}

/// Elsewhere sqlx's sockets are left as they are.
#[cfg(not(target_os = "linux"))]
pub(super) fn on_sockets_to(_port: u16) {}
