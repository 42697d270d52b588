//! One tokio runtime per process, shared by every runspace and job. Created on first use, so
//! importing the module starts no threads.

use std::sync::OnceLock;
use tokio::runtime::{Builder, Handle, Runtime};

pub fn handle() -> Handle {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8)))
                .thread_name("entra-rs-io")
                .enable_all()
                .build()
                .expect("the tokio runtime starts")
        })
        .handle()
        .clone()
}
