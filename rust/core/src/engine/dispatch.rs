//! Takes inputs off the queue and starts them under the job's concurrency limit.

use super::context::JobContext;
use super::work::Work;
use super::{MAX_BATCH_SIZE, WORKS_PER_SLOT};
use super::{batch, single};
use crate::outcome::Failure;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

/// How long a batch waits for more inputs to fill up once it has a first one.
const BATCH_LINGER: Duration = Duration::from_millis(5);

/// Runs every input, then the ones held back for last (the signed-in user's own revocation): they
/// start only once every other outcome has been delivered, so the run does not cut off its own
/// sign-in before it is done with everyone else.
pub(super) async fn dispatch(ctx: Arc<JobContext>, input: mpsc::Receiver<Work>, last: Arc<Mutex<Vec<Work>>>, use_batch: bool, throttle_limit: usize) {
    run(&ctx, input, use_batch, throttle_limit).await;
    let last = std::mem::take(&mut *last.lock());
    if last.is_empty() {
        return;
    }
    let (tx, rx) = mpsc::channel(last.len());
    for work in last {
        // The channel holds them all: it was made for exactly this many.
        let _ = tx.try_send(work);
    }
    drop(tx);
    run(&ctx, rx, use_batch, throttle_limit).await;
}

/// Dispatches `input` until it ends (or the job is cancelled) and every started work delivered.
async fn run(ctx: &Arc<JobContext>, mut input: mpsc::Receiver<Work>, use_batch: bool, throttle_limit: usize) {
    let mut tasks = JoinSet::new();
    let works = Arc::new(Semaphore::new(throttle_limit * WORKS_PER_SLOT));
    loop {
        // Slots first, then the input: while every slot is busy, inputs gather in the queue (and
        // fill batches) instead of being pulled into tasks that could not start anyway. The
        // concurrency slot for a work's first request is taken here, so first requests go out in
        // input order (an admin may list the most urgent accounts first); retries take theirs
        // when their wait is over.
        let permit = tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => break,
            permit = works.clone().acquire_owned() => permit.expect("the work semaphore is never closed"),
        };
        let Some(slot) = ctx.concurrency_slot().await else { break };
        let first = tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => break,
            work = input.recv() => match work {
                Some(work) => work,
                None => break,
            },
        };
        if use_batch {
            let items = fill_batch(first, &mut input).await;
            tasks.spawn(batch::revoke_batch(ctx.clone(), items, permit, slot));
        } else {
            tasks.spawn(single::revoke_one(ctx.clone(), first, permit, slot));
        }
        while tasks.try_join_next().is_some() {}
    }
    if ctx.cancel.is_cancelled() {
        input.close();
        while let Some(work) = input.recv().await {
            ctx.deliver(work.outcome(0, Duration::ZERO, Err(Failure::Cancelled))).await;
        }
    }
    while tasks.join_next().await.is_some() {}
}

async fn fill_batch(first: Work, input: &mut mpsc::Receiver<Work>) -> Vec<Work> {
    let mut items = vec![first];
    let deadline = tokio::time::Instant::now() + BATCH_LINGER;
    while items.len() < MAX_BATCH_SIZE {
        match input.try_recv() {
            Ok(work) => items.push(work),
            Err(mpsc::error::TryRecvError::Disconnected) => break,
            Err(mpsc::error::TryRecvError::Empty) => match tokio::time::timeout_at(deadline, input.recv()).await {
                Ok(Some(work)) => items.push(work),
                Ok(None) | Err(_) => break,
            },
        }
    }
    items
}
