//! Response body that holds the in-flight guard: the request stops counting as in flight only
//! when hyper drops the body, i.e. after the response has been written. It can also misbehave on
//! request (`misbehave`): be padded to an oversized length (streamed, never held in memory, with
//! no Content-Length) or trickle out at a few bytes a second.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::Sleep;

use crate::stats::InFlightGuard;

/// Padding is JSON whitespace, so an oversized answer is still the real answer.
static SPACES: [u8; 64 * 1024] = [b' '; 64 * 1024];

pub struct EmuBody {
    data: Bytes,
    /// Whitespace still to send before `data`.
    padding: u64,
    /// The part of `data` already sent.
    sent: usize,
    /// Trickling: this many bytes per second.
    per_second: Option<usize>,
    sleep: Option<Pin<Box<Sleep>>>,
    exact_len: bool,
    _guard: Option<InFlightGuard>,
}

impl EmuBody {
    pub fn new(data: Bytes, guard: Option<InFlightGuard>) -> Self {
        Self { data, padding: 0, sent: 0, per_second: None, sleep: None, exact_len: true, _guard: guard }
    }

    /// Sends `padding` bytes of whitespace first, without announcing the length.
    pub fn padded(mut self, padding: u64) -> Self {
        self.padding = padding;
        self.exact_len = false;
        self
    }

    /// Sends at most `per_second` bytes each second.
    pub fn trickled(mut self, per_second: u64) -> Self {
        self.per_second = Some(usize::try_from(per_second.max(1)).unwrap_or(usize::MAX));
        self.exact_len = false;
        self
    }

    fn remaining(&self) -> u64 {
        self.padding + (self.data.len() - self.sent) as u64
    }
}

impl Body for EmuBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(sleep) = this.sleep.as_mut() {
            ready!(sleep.as_mut().poll(cx));
            this.sleep = None;
        }
        if this.remaining() == 0 {
            return Poll::Ready(None);
        }
        let limit = this.per_second.unwrap_or(usize::MAX);
        let frame = if this.padding > 0 {
            let n = (this.padding.min(SPACES.len() as u64) as usize).min(limit);
            this.padding -= n as u64;
            Bytes::from_static(&SPACES[..n])
        } else {
            let n = (this.data.len() - this.sent).min(limit);
            let chunk = this.data.slice(this.sent..this.sent + n);
            this.sent += n;
            chunk
        };
        if this.per_second.is_some() && this.remaining() > 0 {
            this.sleep = Some(Box::pin(tokio::time::sleep(Duration::from_secs(1))));
        }
        Poll::Ready(Some(Ok(Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining() == 0
    }

    fn size_hint(&self) -> SizeHint {
        if self.exact_len {
            SizeHint::with_exact(self.remaining())
        } else {
            SizeHint::default()
        }
    }
}
