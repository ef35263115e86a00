//! A deadline on reading each request's headers, which `axum::serve` does not set (hyper
//! has one but axum gives it no timer): a client that trickles its headers, or holds an
//! idle keep-alive connection, is cut off instead of holding a connection for ever.
//!
//! The listener hands out connections whose reads fail once the deadline passes while a
//! request's head is being read. The head ends at the first blank line (`\r\n\r\n`); the
//! body that follows is the request timeout's to bound. The deadline starts again when the
//! answer is written, for the next request on the connection. (HTTP/1 only: browsers do not
//! speak HTTP/2 without TLS, which a proxy in front terminates.)

use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::Pin,
    task::{ready, Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    time::{Instant, Sleep},
};

pub struct HeadDeadlineListener {
    inner: TcpListener,
    limit: Duration,
}

impl HeadDeadlineListener {
    pub fn new(inner: TcpListener, limit: Duration) -> Self {
        HeadDeadlineListener { inner, limit }
    }
}

impl axum::serve::Listener for HeadDeadlineListener {
    type Io = HeadDeadline<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        (HeadDeadline::new(stream, self.limit), addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The peer's address, as handlers see it (`ConnectInfo<ClientAddr>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, HeadDeadlineListener>> for ClientAddr {
    fn connect_info(stream: axum::serve::IncomingStream<'_, HeadDeadlineListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

/// A connection whose reads fail after `limit` while a request head is incomplete.
pub struct HeadDeadline<T> {
    inner: T,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
    /// Reading a head; the last bytes seen, to find a blank line split across reads.
    in_head: bool,
    tail: [u8; 3],
}

impl<T> HeadDeadline<T> {
    pub fn new(inner: T, limit: Duration) -> Self {
        HeadDeadline { inner, limit, deadline: Box::pin(tokio::time::sleep(limit)), in_head: true, tail: [0; 3] }
    }

    /// Watches the bytes read for the blank line that ends the head.
    fn saw(&mut self, bytes: &[u8]) {
        if !self.in_head || bytes.is_empty() {
            return;
        }
        let mut window = Vec::with_capacity(3 + bytes.len());
        window.extend_from_slice(&self.tail);
        window.extend_from_slice(bytes);
        if window.windows(4).any(|w| w == b"\r\n\r\n") {
            self.in_head = false;
        }
        let keep = &window[window.len() - 3..];
        self.tail.copy_from_slice(keep);
    }

    /// The answer is going out: the next bytes read are the next request's head.
    fn answering(&mut self) {
        if !self.in_head {
            self.in_head = true;
            self.tail = [0; 3];
            self.deadline.as_mut().reset(Instant::now() + self.limit);
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for HeadDeadline<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.in_head && this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "request headers took too long")));
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        this.saw(&buf.filled()[before..]);
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for HeadDeadline<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bytes: &[u8]) -> Poll<io::Result<usize>> {
        self.answering();
        Pin::new(&mut self.inner).poll_write(cx, bytes)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.answering();
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_head_ends_at_a_blank_line_even_split_across_reads() {
        let mut conn = HeadDeadline::new((), Duration::from_secs(1));
        conn.saw(b"GET / HTTP/1.1\r\nHost: x\r");
        assert!(conn.in_head);
        conn.saw(b"\n\r");
        assert!(conn.in_head);
        conn.saw(b"\nbody\r\n\r\n");
        assert!(!conn.in_head, "the blank line split over three reads ends the head");
        conn.answering();
        assert!(conn.in_head, "after the answer the next head is timed");
    }
}
