//! The plugin version config, from the plugin's code: what an author
//! registers with the platform (`createPlugin`, `updatePlugin`; PROTOCOL
//! §1.9), derived from the same declaration the handler decodes with.
//!
//! A [`PluginDeclaration`] names the preset, the inputs type (the one the
//! handler's extractor decodes) and where each input comes from; its
//! [`version_config`](PluginDeclaration::version_config) is the
//! [`PluginVersionConfig`] to register, serialized with the official SDK's
//! names. The input schemas come from the inputs type through `schemars`,
//! which reads serde's `rename`, `rename_all` and `default`: the key and the
//! `required` of each input are those the `Deserialize` impl expects, so the
//! schema and the decoder cannot disagree. The flags come from what the
//! preset and the handler rely on ([`Need`], each with its reason).
//! [`Plugins`] names every plugin a server serves: its binary prints one's
//! config with one call ([`Plugins::config_command`]).
//!
//! | Rust field type | platform input |
//! |---|---|
//! | `String`, a unit-variant enum (with `options`) | `string` |
//! | `String` with `#[schemars(url)]` | `url` |
//! | integers, floats | `number` |
//! | `bool` | `boolean` |
//! | [`UnixMillis`] | `date` (UNIX milliseconds) |
//! | `Vec<T>` of one of these | `arrayField` |
//! | `Option<T>`, `#[serde(default)]` | not `required` |
//!
//! Anything else (a nested struct, an array of arrays, any JSON value, a
//! map) is an [`ErrorKind::InvalidConfig`](crate::ErrorKind::InvalidConfig)
//! naming the field.

mod date;
mod declare;
mod needs;
mod payload;
mod plugins;
mod sample;
mod schema;

pub use date::{UnixMillis, UNIX_MILLIS_FORMAT};
pub use declare::{InputSource, PluginDeclaration};
pub use needs::Need;
pub use payload::{
    CallMethod, ClaimCreatorRedirect, HardcodedInput, Hyperlink, InputOption, InputSchema,
    InputType, PluginVersionConfig, StateFunctionPreset, UserInputRedirect, VerificationCall,
};
pub use plugins::Plugins;
pub use sample::SampleInput;
