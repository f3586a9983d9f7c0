//! The memory store's "schema": the maps it keeps and how an entry
//! expires, by this process's monotonic clock.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) claims: HashMap<String, Claim>,
    pub(super) tokens: HashMap<String, (String, Instant)>,
    pub(super) deliveries: HashMap<String, Delivery>,
    pub(super) actions: HashMap<String, Action>,
    /// Each watched claim's feed position: one per claim, never expiring.
    pub(super) feeds: HashMap<String, String>,
    /// Pending actions by due time and running ones by lease expiry: what
    /// `take_due` takes first.
    pub(super) queue: BTreeSet<(Instant, String)>,
    /// Every expiring entry, by deadline: what makes room.
    pub(super) deadlines: BTreeSet<(Instant, Entry)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Entry {
    Reservation { claim: String, attempt: String },
    Token(String),
    Delivery(String),
    Action(String),
}

#[derive(Debug, Default)]
pub(super) struct Claim {
    /// The lowest number never handed out.
    pub(super) next: u64,
    /// Numbers below `next` that are free again.
    pub(super) free: BTreeSet<u64>,
    /// Attempt → its number, and the deadline of a pending reservation
    /// (`None` once confirmed).
    pub(super) held: HashMap<String, (u64, Option<Instant>)>,
}

#[derive(Debug)]
pub(super) struct Action {
    pub(super) payload: String,
    pub(super) attempts: u32,
    pub(super) since: Instant,
    pub(super) phase: Phase,
    /// What the last failed try failed with, kept when retried by hand.
    pub(super) last_error: Option<String>,
}

#[derive(Debug)]
/// An action's state, with what that state keeps.
pub(super) enum Phase {
    Pending { due: Instant },
    Running { token: String, until: Instant },
    Done { until: Instant },
    Dead { error: String, until: Instant },
}

#[derive(Debug)]
pub(super) enum Delivery {
    InFlight { token: String, until: Instant },
    Done,
}

impl State {
    /// Forgets what is due at `now`; answers how many entries it forgot.
    pub(super) fn expire(&mut self, now: Instant) -> u64 {
        let mut forgotten = 0;
        while let Some((deadline, _)) = self.deadlines.first() {
            if *deadline > now {
                break;
            }
            let Some((deadline, entry)) = self.deadlines.pop_first() else {
                break;
            };
            forgotten += 1;
            match entry {
                Entry::Reservation { claim, attempt } => {
                    if let Some(pool) = self.claims.get_mut(&claim) {
                        if let Some(&(number, Some(until))) = pool.held.get(&attempt) {
                            if until == deadline {
                                pool.held.remove(&attempt);
                                pool.free.insert(number);
                            }
                        }
                    }
                }
                Entry::Token(attempt) => {
                    self.tokens.remove(&attempt);
                }
                Entry::Delivery(key) => {
                    self.deliveries.remove(&key);
                }
                Entry::Action(key) => {
                    if let Some(Action {
                        phase: Phase::Done { until } | Phase::Dead { until, .. },
                        ..
                    }) = self.actions.get(&key)
                    {
                        if *until == deadline {
                            self.actions.remove(&key);
                        }
                    }
                }
            }
        }
        forgotten
    }
}

impl Claim {
    /// The lowest number no attempt holds.
    pub(super) fn lowest_free(&self) -> u64 {
        self.free.first().copied().unwrap_or(self.next)
    }
}
