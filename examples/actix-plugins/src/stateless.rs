use claimkit::Stateless;
use claimkit_actix::Plugin;

/// The `Stateless` preset: `200 {}` for every genuine call. The extractor
/// has already refused any call without the right secret. This plugin reads
/// no inputs: `()` skips them without building anything.
pub async fn stateless(_request: Plugin<()>) -> Stateless {
    Stateless
}
