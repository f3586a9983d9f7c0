use claimkit::{Reject, Stateless};
use claimkit_actix::Plugin;
use schemars::JsonSchema;
use serde::Deserialize;

/// The access-code plugin's inputs. The handler decodes this type and
/// [`registration`](crate::registration) derives the input schemas the
/// platform registers from it, so a key or a required field cannot differ
/// between the two.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessCodeInputs {
    /// Access code
    ///
    /// The code printed on your ticket.
    pub code: String,
    /// Accepted codes
    ///
    /// The codes that pass. Kept private: claiming users never see them.
    pub accepted_codes: Vec<String>,
    /// Ignore case
    ///
    /// Whether `ABC` and `abc` are the same code.
    #[serde(default)]
    pub ignore_case: bool,
}

/// A `Stateless` plugin with inputs: it passes when the code the claiming
/// user typed is one the claim creator accepts.
pub async fn access_code(request: Plugin<AccessCodeInputs>) -> Result<Stateless, Reject> {
    let inputs = request.inputs();
    let matches = |accepted: &String| {
        if inputs.ignore_case {
            accepted.eq_ignore_ascii_case(&inputs.code)
        } else {
            *accepted == inputs.code
        }
    };
    if inputs.accepted_codes.iter().any(matches) {
        Ok(Stateless)
    } else {
        Err(Reject::forbidden("this access code is not accepted"))
    }
}
