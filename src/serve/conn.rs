//! Connection-level bounds for the operator server: at most [`MAX_CONNECTIONS`] open connections (further
//! ones wait in the kernel's accept queue), a connection that makes no read or write progress for the
//! idle limit is closed, and so is one whose request is not answered (no byte written back) within the
//! answer deadline from the request's first byte. axum 0.8's `serve` has no header-read timeout, so this
//! is what stops a client that never finishes its headers, even one that trickles a byte at a time
//! (slow-loris) to look alive.
//!
//! Transport only; must not look at HTTP.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Open connections served at once.
pub const MAX_CONNECTIONS: usize = 128;

/// A listener that caps open connections and closes idle ones.
pub struct BoundedListener {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    idle: Duration,
    answer_within: Duration,
}

impl BoundedListener {
    /// Wrap `inner`; connections idle longer than `idle` are closed, and so are those not answered within
    /// `idle` of a request's first byte until [`with_answer_deadline`](Self::with_answer_deadline) says.
    pub fn new(inner: TcpListener, idle: Duration) -> Self {
        Self { inner, slots: Arc::new(Semaphore::new(MAX_CONNECTIONS)), idle, answer_within: idle }
    }

    /// Close a connection when `answer_within` passes between a request's first byte read and the first
    /// byte written back. It must cover reading the headers plus the handler's own time limit.
    pub fn with_answer_deadline(mut self, answer_within: Duration) -> Self {
        self.answer_within = answer_within;
        self
    }
}

impl axum::serve::Listener for BoundedListener {
    type Io = BoundedConn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            // The semaphore is never closed, so acquiring only waits.
            let Ok(permit) = self.slots.clone().acquire_owned().await else {
                continue;
            };
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let conn = BoundedConn {
                        stream,
                        idle: Box::pin(tokio::time::sleep(self.idle)),
                        idle_for: self.idle,
                        answer: Box::pin(tokio::time::sleep(self.answer_within)),
                        answer_within: self.answer_within,
                        awaiting_answer: false,
                        _permit: permit,
                    };
                    return (conn, addr);
                }
                Err(e) => {
                    // Typically EMFILE or a reset before accept; back off briefly instead of spinning.
                    tracing::debug!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// One accepted connection: its slot is released when it is dropped.
pub struct BoundedConn {
    stream: TcpStream,
    idle: Pin<Box<Sleep>>,
    idle_for: Duration,
    /// Armed by the first byte read after an answer (or at the start); disarmed by a byte written.
    answer: Pin<Box<Sleep>>,
    answer_within: Duration,
    awaiting_answer: bool,
    _permit: OwnedSemaphorePermit,
}

impl BoundedConn {
    fn progressed(&mut self) {
        let deadline = Instant::now() + self.idle_for;
        self.idle.as_mut().reset(deadline);
    }

    fn read_some(&mut self) {
        self.progressed();
        if !self.awaiting_answer {
            self.awaiting_answer = true;
            let deadline = Instant::now() + self.answer_within;
            self.answer.as_mut().reset(deadline);
        }
    }

    fn wrote_some(&mut self) {
        self.progressed();
        self.awaiting_answer = false;
    }

    fn check_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        if self.awaiting_answer && self.answer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "request not answered in time"));
        }
        match self.idle.as_mut().poll(cx) {
            Poll::Ready(()) => {
                Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "connection idle too long"))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for BoundedConn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    this.read_some();
                } else {
                    this.progressed();
                }
                Poll::Ready(r)
            }
            Poll::Pending => this.check_idle(cx).map(Err),
        }
    }
}

impl AsyncWrite for BoundedConn {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_write(cx, buf) {
            Poll::Ready(r) => {
                if matches!(r, Ok(n) if n > 0) {
                    this.wrote_some();
                } else {
                    this.progressed();
                }
                Poll::Ready(r)
            }
            Poll::Pending => this.check_idle(cx).map(Err),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_write_vectored(cx, bufs) {
            Poll::Ready(r) => {
                if matches!(r, Ok(n) if n > 0) {
                    this.wrote_some();
                } else {
                    this.progressed();
                }
                Poll::Ready(r)
            }
            Poll::Pending => this.check_idle(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
