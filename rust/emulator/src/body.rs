//! Response body that holds the in-flight guard: the request stops counting as in flight only
//! when hyper drops the body, i.e. after the response has been written.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use crate::stats::InFlightGuard;

pub struct EmuBody {
    data: Option<Bytes>,
    len: u64,
    _guard: Option<InFlightGuard>,
}

impl EmuBody {
    pub fn new(data: Bytes, guard: Option<InFlightGuard>) -> Self {
        let len = data.len() as u64;
        Self { data: Some(data).filter(|d| !d.is_empty()), len, _guard: guard }
    }
}

impl Body for EmuBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().data.take().map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |_| self.len))
    }
}
