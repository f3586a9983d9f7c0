//! Simulation holds: what a simulation previews, held for its claim and
//! address until the attempt that replays it takes it over.
//!
//! Under the 2026 call model (see the protocol notes on "simulations may be
//! the only call") the platform may call a plugin once per attempt, as a
//! simulation with an empty `claimAttemptId`, and replay that answer in the
//! execution. A simulation's number or token is then the one the attempt
//! uses, so it is held for the caller's claim and `bitbadgesAddress` (the
//! holder key [`simulation_holder`]) for a short time
//! ([`DEFAULT_SIMULATION_HOLD`]); the executing call or the status webhook of
//! that claim and address takes it over under its attempt id.
//!
//! Without an address there is nothing to key a hold on: the simulation
//! previews without holding, and [`warn_unkeyed`] logs once per claim how to
//! make the plugin safe.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::Context;

/// How long a simulation holds what it previewed when nothing takes it over:
/// 5 minutes, long enough for the platform to execute the attempt it
/// simulated, short enough that an abandoned simulation frees its number
/// soon.
pub const DEFAULT_SIMULATION_HOLD: Duration = Duration::from_secs(5 * 60);

/// The holder key of a simulation's hold: its claim's address, as
/// `"simulation:{address}"`, or `None` when the call carries no
/// `bitbadgesAddress` (nor a legacy `cosmosAddress`).
///
/// Claim numbers are kept per claim already, so the key names the address
/// only; the prefix keeps it apart from attempt ids, which never contain a
/// `:`-separated `simulation` prefix.
///
/// ```
/// use claimkit::store::simulation_holder;
/// use claimkit::Context;
///
/// let mut call = Context::default();
/// assert_eq!(simulation_holder(&call), None);
/// call.bitbadges_address = Some("bb1alice".into());
/// assert_eq!(simulation_holder(&call).as_deref(), Some("simulation:bb1alice"));
/// ```
pub fn simulation_holder(context: &Context) -> Option<String> {
    context
        .address()
        .filter(|address| !address.is_empty())
        .map(|address| format!("simulation:{address}"))
}

/// How many claims [`warn_unkeyed`] remembers having warned about; past
/// that it forgets them all and warns again, so that the memory it keeps is
/// bounded.
const WARNED_CLAIMS: usize = 4096;

/// Logs, once per claim in this process, that a simulation of `claim_id`
/// came without an address, so that what it answers cannot be held for the
/// attempt that replays it, and the two ways out: set `ignoreSimulations`
/// on the plugin version, or pass the address (`passAddress`).
/// `what` names what is previewed (`"claim number"`, `"claim token"`).
pub fn warn_unkeyed(claim_id: &str, what: &str) {
    static WARNED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let mut warned = WARNED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if warned.contains(claim_id) {
        return;
    }
    if warned.len() >= WARNED_CLAIMS {
        warned.clear();
    }
    warned.insert(claim_id.to_owned());
    drop(warned);
    tracing::warn!(
        claim_id,
        "a simulation came without bitbadgesAddress, so its {what} cannot be held for the \
         attempt that replays it, and simultaneous simulations may preview the same one: \
         set ignoreSimulations on the plugin version, or pass the address (passAddress)"
    );
}
