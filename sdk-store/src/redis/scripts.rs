//! The Lua scripts (`lua/*.lua`), one per operation, loaded once per
//! server and run by `EVALSHA` (loaded again when a restarted server has
//! forgotten them). A claim's scripts start with `claim_prelude.lua`, the
//! queue's with `queue_prelude.lua`.

use std::sync::LazyLock;

use redis::Script;

/// Every script of the backend.
pub(super) struct Scripts {
    pub(super) reserve: Script,
    pub(super) lowest_free: Script,
    pub(super) confirm: Script,
    pub(super) release: Script,
    pub(super) take_over: Script,
    pub(super) assign: Script,
    pub(super) issue: Script,
    pub(super) read_token: Script,
    pub(super) forget_token: Script,
    pub(super) begin: Script,
    pub(super) complete: Script,
    pub(super) abandon: Script,
    pub(super) enqueue: Script,
    pub(super) take_due: Script,
    pub(super) renew: Script,
    pub(super) succeed: Script,
    pub(super) fail: Script,
    pub(super) dead: Script,
    pub(super) retry: Script,
    pub(super) purge: Script,
    pub(super) feed_position: Script,
    pub(super) advance_feed: Script,
}

macro_rules! claim {
    ($file:literal) => {
        Script::new(concat!(
            include_str!("lua/claim_prelude.lua"),
            include_str!(concat!("lua/", $file))
        ))
    };
}

macro_rules! queue {
    ($file:literal) => {
        Script::new(concat!(
            include_str!("lua/queue_prelude.lua"),
            include_str!(concat!("lua/", $file))
        ))
    };
}

pub(super) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    reserve: claim!("reserve.lua"),
    lowest_free: claim!("lowest_free.lua"),
    confirm: claim!("confirm.lua"),
    release: claim!("release.lua"),
    take_over: claim!("take_over.lua"),
    assign: claim!("assign.lua"),
    issue: Script::new(include_str!("lua/issue.lua")),
    read_token: Script::new(include_str!("lua/read_token.lua")),
    forget_token: Script::new(include_str!("lua/forget_token.lua")),
    begin: Script::new(include_str!("lua/begin.lua")),
    complete: Script::new(include_str!("lua/complete.lua")),
    abandon: Script::new(include_str!("lua/abandon.lua")),
    enqueue: queue!("enqueue.lua"),
    take_due: queue!("take_due.lua"),
    renew: queue!("renew.lua"),
    succeed: queue!("succeed.lua"),
    fail: queue!("fail.lua"),
    dead: queue!("dead.lua"),
    retry: queue!("retry.lua"),
    purge: queue!("purge.lua"),
    feed_position: Script::new(include_str!("lua/feed_position.lua")),
    advance_feed: Script::new(include_str!("lua/advance_feed.lua")),
});
