//! Each plugin's version config, printed by the real binary, against its
//! snapshot; and the running plugin accepting what its schema describes
//! (shared with the other example server, in `parity_tests::registration`).

use example_actix_plugins::registration::PLUGINS;
use parity_tests::registration;

const BINARY: &str = env!("CARGO_BIN_EXE_example-actix-plugins");

#[test]
fn prints_each_plugins_config() {
    registration::prints_each_plugins_config(BINARY, PLUGINS);
}

#[tokio::test]
async fn the_decoder_accepts_what_the_schema_describes() {
    registration::the_decoder_accepts_what_the_schema_describes(BINARY, PLUGINS).await;
}
