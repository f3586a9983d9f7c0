//! What a plugin's code relies on from its registration: the flags its
//! preset and its handler need, each with the reason.

use std::fmt;

use super::{PluginVersionConfig, StateFunctionPreset};

/// Something a plugin's code relies on the platform doing, which a flag of
/// its version config decides.
///
/// ```
/// use claimkit::registration::{Need, PluginVersionConfig, StateFunctionPreset};
///
/// let needs = Need::of(StateFunctionPreset::ClaimNumbers, false);
/// let bare = PluginVersionConfig::new(StateFunctionPreset::ClaimNumbers);
/// let unmet: Vec<_> = needs.iter().filter(|need| !need.is_met(&bare)).collect();
/// assert_eq!(unmet, [&Need::StatusWebhooks, &Need::KnownClaimant]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Need {
    /// `receiveStatusWebhook`: the plugin acts when the claim ends. A
    /// `ClaimNumbers` plugin confirms a reserved number on `success` and
    /// releases it on `failure`; without the webhook a reservation only
    /// lapses after its hold, and every failed claim leaves a gap until
    /// then. A plugin with post-claim work does that work on `success`.
    StatusWebhooks,
    /// `ignoreSimulations` or `passAddress`: under the 2026 call model
    /// the platform may call once per attempt, with a simulation that has
    /// no `claimAttemptId`, then replay its answer. A claim-number plugin
    /// must then know who claims: with `ignoreSimulations` the one call is
    /// the executing one, with its attempt id; with `passAddress` a
    /// simulation holds its number for the claiming address. Without
    /// either, simultaneous simulations preview the same number, and every
    /// claim after the first fails with "Claim number already used".
    KnownClaimant,
    /// `ignoreSimulations`: a `ClaimToken` plugin issues a throwaway token
    /// to a simulation and stores only the executing attempt's token; the
    /// platform must make the executing call, so that the token it marks
    /// used is the one the plugin stored.
    ExecutingCall,
    /// No `skipProcessingWebhook`: the preset's answer (a token, a claim
    /// number) is read from the call made while the claim runs, which that
    /// flag turns off.
    ProcessingCall,
}

impl Need {
    /// What a handler of `preset` relies on; with `post_claim_work`, the
    /// handler also acts on status webhooks.
    pub fn of(preset: StateFunctionPreset, post_claim_work: bool) -> Vec<Need> {
        let mut needs = match preset {
            StateFunctionPreset::ClaimNumbers => {
                vec![
                    Need::StatusWebhooks,
                    Need::KnownClaimant,
                    Need::ProcessingCall,
                ]
            }
            StateFunctionPreset::ClaimToken => vec![Need::ExecutingCall, Need::ProcessingCall],
            StateFunctionPreset::Usernames => vec![Need::ProcessingCall],
            _ => Vec::new(),
        };
        if post_claim_work && !needs.contains(&Need::StatusWebhooks) {
            needs.push(Need::StatusWebhooks);
        }
        needs
    }

    /// The flags that meet this need, as the config names them.
    pub fn flags(self) -> &'static str {
        match self {
            Need::StatusWebhooks => "receiveStatusWebhook",
            Need::KnownClaimant => "ignoreSimulations or verificationCall.passAddress",
            Need::ExecutingCall => "ignoreSimulations",
            Need::ProcessingCall => "skipProcessingWebhook unset",
        }
    }

    /// Why the plugin relies on it, in one sentence.
    pub fn reason(self) -> &'static str {
        match self {
            Need::StatusWebhooks => {
                "the plugin acts when the claim ends (a claim number is confirmed on success and released on failure; post-claim work runs on success)"
            }
            Need::KnownClaimant => {
                "under the 2026 call model a simulation may be the only call; without an attempt id or an address, simultaneous claims get the same number"
            }
            Need::ExecutingCall => {
                "the plugin stores the executing attempt's token; a replayed simulation's token is one it never stored"
            }
            Need::ProcessingCall => {
                "the preset's answer comes from the call made while the claim runs"
            }
        }
    }

    /// Whether `config` meets this need.
    pub fn is_met(self, config: &PluginVersionConfig) -> bool {
        let ignore_simulations = config.ignore_simulations == Some(true);
        let pass_address = config
            .verification_call
            .as_ref()
            .is_some_and(|call| call.pass_address == Some(true));
        match self {
            Need::StatusWebhooks => config.receive_status_webhook,
            Need::KnownClaimant => ignore_simulations || pass_address,
            Need::ExecutingCall => ignore_simulations,
            Need::ProcessingCall => config.skip_processing_webhook != Some(true),
        }
    }

    /// The needs of `needs` that `config` does not meet.
    pub fn unmet(needs: &[Need], config: &PluginVersionConfig) -> Vec<Need> {
        needs
            .iter()
            .copied()
            .filter(|need| !need.is_met(config))
            .collect()
    }
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.flags(), self.reason())
    }
}
