//! The dev server's connections: accept them, and serve each with hyper's
//! HTTP/1 and a time limit on reading a request's line and headers, so a
//! client that never finishes its request cannot hold a connection forever
//! (`axum::serve` sets no such limit). Responses, the reload event stream
//! included, are not limited: only the wait for a request's head is.

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};

/// How long a client may take to send a request's line and headers, and
/// how long an idle kept-alive connection stays open.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The header timeout. FAULTBOOK_HEADER_TIMEOUT_MS (milliseconds) shortens
/// it so the integration tests need not wait 10 s; it is not a user-facing
/// setting and is not documented elsewhere.
fn header_timeout() -> Duration {
    std::env::var("FAULTBOOK_HEADER_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(HEADER_TIMEOUT, Duration::from_millis)
}

/// Accepts connections until the process stops, each served on its own task.
pub async fn serve(listener: TcpListener, router: Router) {
    let timeout = header_timeout();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(connection(stream, router.clone(), timeout));
            }
            // Out of file descriptors and the like: the same error comes back
            // at once, so wait before accepting again, as axum::serve does.
            Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

async fn connection(stream: TcpStream, router: Router, timeout: Duration) {
    // Small responses and reload events go out at once.
    let _ = stream.set_nodelay(true);
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(router))
        .await;
    // A client that left, or timed out, ends its own connection: nothing to
    // report, and nothing else is affected.
    drop(served);
}
