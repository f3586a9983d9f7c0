//! The 2026 platform's settings: signed requests and the developer
//! portal's CORS origins, read from the environment.

use claimkit::signature::SignatureMode;
use claimkit::{RouteOptions, PORTAL_ORIGIN};

/// `BITBADGES_SIGNATURES`: `off` (the default: the scheme is unconfirmed),
/// `verify` (check the signature headers when present) or `require`.
///
/// # Errors
/// For any other value.
pub fn signature_mode(value: Option<&str>) -> Result<SignatureMode, claimkit::Error> {
    value.map_or(Ok(SignatureMode::Off), str::parse)
}

/// `CORS_ORIGINS`: the browser origins allowed to call the plugin routes,
/// comma-separated; by default only the developer portal,
/// `https://bitbadges.io`. An empty value allows none.
///
/// # Errors
/// When an entry is not an origin (`*` included).
pub fn route_options(cors_origins: Option<&str>) -> Result<RouteOptions, claimkit::Error> {
    let origins = cors_origins.unwrap_or(PORTAL_ORIGIN);
    RouteOptions::new().with_cors_origins(
        origins
            .split(',')
            .map(str::trim)
            .filter(|origin| !origin.is_empty()),
    )
}
