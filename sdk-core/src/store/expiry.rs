//! A first-in, first-out expiry queue for maps whose entries all live for
//! the same time.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Keys in the order they were inserted, with their deadlines. Because every
/// entry lives for the same `ttl`, deadlines are in order too, and expired
/// entries are always at the front.
#[derive(Debug)]
pub(crate) struct Expiry {
    ttl: Duration,
    queue: VecDeque<(Instant, String)>,
}

impl Expiry {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            queue: VecDeque::new(),
        }
    }

    /// Records `key` as inserted at `now`; returns its deadline.
    pub(crate) fn push(&mut self, key: String, now: Instant) -> Instant {
        let deadline = now + self.ttl;
        self.queue.push_back((deadline, key));
        deadline
    }

    /// Pops every key whose deadline has passed at `now`, oldest first.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<(Instant, String)> {
        match self.queue.front() {
            Some((deadline, _)) if *deadline <= now => self.queue.pop_front(),
            _ => None,
        }
    }

    /// Pops the oldest key, expired or not (to make room).
    pub(crate) fn pop_oldest(&mut self) -> Option<(Instant, String)> {
        self.queue.pop_front()
    }
}
