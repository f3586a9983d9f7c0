//! Each plugin's version config, printed by the real binary, against its
//! snapshot; and the running plugin accepting what its schema describes
//! (shared with the other example server, in `parity_tests::registration`).

use example_axum_plugins::registration::plugins;
use parity_tests::registration;

const BINARY: &str = env!("CARGO_BIN_EXE_example-axum-plugins");

#[test]
fn prints_each_plugins_config() {
    let plugins = plugins();
    let names: Vec<&str> = plugins.names().collect();
    registration::prints_each_plugins_config(BINARY, &names);
}

#[tokio::test]
async fn the_decoder_accepts_what_the_schema_describes() {
    let plugins = plugins();
    let names: Vec<&str> = plugins.names().collect();
    registration::the_decoder_accepts_what_the_schema_describes(BINARY, &names).await;
}
