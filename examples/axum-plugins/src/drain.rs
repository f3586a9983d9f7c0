//! The open connections, told to finish their request and close when the
//! server stops.
//!
//! `hyper-util`'s `GracefulShutdown` does this with a `watch` channel whose
//! `changed()` future each connection polls on every poll of the
//! connection: a lock and a waker comparison each time, some 400
//! instructions a call (BENCHMARKS.md, "The plugin route's own cost"). A
//! [`Drain`] registers each connection's waker once, when it is first
//! polled, and a poll after that reads one flag.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use hyper::server::conn::http1::Connection;
use hyper::service::HttpService;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// The server's open connections (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Drain {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    /// Set once, when the server stops.
    closing: AtomicBool,
    /// The waker of each open connection that has been polled, by id.
    open: Mutex<HashMap<u64, Option<Waker>>>,
    next: AtomicU64,
    /// Told when the last open connection closes.
    drained: Notify,
}

impl Shared {
    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Option<Waker>>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drain {
    /// `connection`, told to finish and close when [`Drain::close`] is called.
    pub(crate) fn watch<S>(
        &self,
        connection: Connection<TokioIo<TcpStream>, S>,
    ) -> Watched<Connection<TokioIo<TcpStream>, S>>
    where
        S: HttpService<hyper::body::Incoming>,
    {
        let id = self.shared.next.fetch_add(1, Ordering::Relaxed);
        self.shared.open().insert(id, None);
        Watched {
            connection: Box::pin(connection),
            shared: Arc::clone(&self.shared),
            id,
            waker: None,
            told: false,
        }
    }

    /// Tells every open connection to finish its request and close, and
    /// waits until they all have.
    pub(crate) async fn close(self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        let wakers: Vec<Waker> = self.shared.open().values().flatten().cloned().collect();
        wakers.into_iter().for_each(Waker::wake);
        loop {
            let drained = self.shared.drained.notified();
            if self.shared.open().is_empty() {
                return;
            }
            drained.await;
        }
    }
}

/// A connection of a [`Drain`], as a future.
pub(crate) struct Watched<C> {
    connection: Pin<Box<C>>,
    shared: Arc<Shared>,
    id: u64,
    /// The waker registered for this connection.
    waker: Option<Waker>,
    /// Whether the connection was told to finish.
    told: bool,
}

impl<S> Future for Watched<Connection<TokioIo<TcpStream>, S>>
where
    S: HttpService<hyper::body::Incoming>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    S::ResBody: 'static,
    <S::ResBody as hyper::body::Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Output = hyper::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if !this.told {
            // Registered before the flag is read: `close` sets the flag
            // before it wakes, so a closing is never missed.
            if !this.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                let waker = cx.waker().clone();
                this.shared.open().insert(this.id, Some(waker.clone()));
                this.waker = Some(waker);
            }
            if this.shared.closing.load(Ordering::SeqCst) {
                this.told = true;
                this.connection.as_mut().graceful_shutdown();
            }
        }
        this.connection.as_mut().poll(cx)
    }
}

impl<C> Drop for Watched<C> {
    fn drop(&mut self) {
        let mut open = self.shared.open();
        open.remove(&self.id);
        if open.is_empty() {
            self.shared.drained.notify_one();
        }
    }
}
