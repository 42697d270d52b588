//! Accept loop: hyper 1 with HTTP/1.1 and HTTP/2 (prior knowledge) on one port, graceful
//! shutdown on request.

use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::body::EmuBody;
use crate::graph::{self, Dropped};
use crate::{control, identity, state::AppState};

/// How long open connections get to finish their responses at shutdown.
const DRAIN: Duration = Duration::from_secs(2);

async fn route(state: Arc<AppState>, req: Request<Incoming>) -> Result<Response<EmuBody>, Dropped> {
    if control::is_control(req.uri().path()) {
        Ok(control::handle(state, req).await)
    } else if identity::is_identity(req.uri().path()) {
        Ok(identity::handle(state, req).await)
    } else {
        graph::handle(state, req).await
    }
}

pub async fn serve(listener: TcpListener, state: Arc<AppState>, mut shutdown: watch::Receiver<bool>) {
    let builder = auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Typically out of file descriptors under a benchmark: back off briefly
                        // instead of spinning.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&state);
                let service = service_fn(move |req| route(Arc::clone(&state), req));
                let conn = builder.serve_connection(TokioIo::new(stream), service).into_owned();
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    // Errors here are clients going away or injected drops: nothing to report.
                    let _ = conn.await;
                });
            }
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}
