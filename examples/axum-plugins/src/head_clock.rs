//! hyper's timer for the head timeout of one connection, at a keep-alive
//! call's cost.
//!
//! hyper asks its timer for a new sleep each time it starts reading a
//! request head, and drops it once the head is in: with `hyper-util`'s
//! `TokioTimer`, a Tokio timer registered and removed again on every call
//! (1,250 instructions a call, BENCHMARKS.md). A [`HeadClock`] keeps one
//! Tokio sleep for its connection. It moves the sleep only when it fires
//! before the deadline of the head being read (it was set for an earlier
//! head), so a connection re-arms it about once per [`HEAD_TIMEOUT`]
//! instead of once per call. Once the sleep holds the connection's waker, a
//! head still arriving looks at the sleep's state instead of polling it
//! again.
//!
//! [`HEAD_TIMEOUT`]: crate::HEAD_TIMEOUT

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};

/// The timer of one connection (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct HeadClock {
    sleep: Arc<Mutex<Shared>>,
}

/// The connection's one sleep, and the waker it was last polled with.
#[derive(Debug)]
struct Shared {
    sleep: Pin<Box<tokio::time::Sleep>>,
    waker: Option<Waker>,
}

impl HeadClock {
    /// A clock for a new connection, its sleep set `timeout` from now.
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            sleep: Arc::new(Mutex::new(Shared {
                sleep: Box::pin(tokio::time::sleep(timeout)),
                waker: None,
            })),
        }
    }
}

impl Timer for HeadClock {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(self.now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        Box::pin(HeadSleep {
            sleep: Arc::clone(&self.sleep),
            deadline: deadline.into(),
        })
    }

    fn now(&self) -> Instant {
        tokio::time::Instant::now().into()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<HeadSleep>() {
            Some(mut head) => head.deadline = new_deadline.into(),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// One head's deadline on its connection's sleep.
struct HeadSleep {
    sleep: Arc<Mutex<Shared>>,
    deadline: tokio::time::Instant,
}

impl Future for HeadSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self.deadline;
        // Only this connection's task polls it: the lock is never contended.
        let mut shared = self.sleep.lock().unwrap_or_else(PoisonError::into_inner);
        let Shared { sleep, waker } = &mut *shared;
        if sleep.deadline() > deadline {
            sleep.as_mut().reset(deadline);
        } else if !sleep.is_elapsed() && waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            // Set for this head or an earlier one, not fired, and it wakes
            // this task when it fires: nothing to do.
            return Poll::Pending;
        }
        loop {
            if sleep.as_mut().poll(cx).is_pending() {
                if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    *waker = Some(cx.waker().clone());
                }
                return Poll::Pending;
            }
            if sleep.deadline() >= deadline {
                return Poll::Ready(());
            }
            // Set for an earlier head: on to this one's deadline.
            sleep.as_mut().reset(deadline);
        }
    }
}

impl Sleep for HeadSleep {}
