//! Runs one benchmark scenario a given number of times, for counting its
//! instructions with callgrind (`scripts/instructions.sh`): a count that a
//! busy, shared machine cannot disturb.
//!
//! Run with: target/release/deps/counts-* <scenario> <iterations>

use std::hint::black_box;

use claimkit::signature::Verifier;
use claimkit::{PluginConfig, Secret};
use shared::{
    current_bodies, ed25519_delivery, github_delivery, hand_written, raw_hmac, standard_delivery,
    WelcomeInputs, GITHUB_SECRET, SECRET,
};

mod shared;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let (Some(scenario), Some(iterations)) =
        (args.next(), args.next().and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: counts <scenario> <iterations>");
        std::process::exit(2);
    };
    let config = PluginConfig::new(Secret::new(SECRET).unwrap());
    let bodies = current_bodies();
    let body_of = |name: &str| {
        bodies
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    let (body_1k, github, github_headers) = github_delivery(1024);
    let (body_20k, github_20k, github_headers_20k) = github_delivery(20 * 1024);
    let shared::StandardDelivery {
        body: std_body,
        ours,
        headers: std_headers,
        theirs,
        map,
    } = standard_delivery();
    let run: Box<dyn Fn()> = match scenario.as_str() {
        "decode-hand-platform" => {
            let b = body_of("platform order");
            Box::new(move || {
                black_box(hand_written(black_box(&b)).unwrap());
            })
        }
        "decode-claimkit-platform" => {
            let b = body_of("platform order");
            Box::new(move || {
                black_box(config.decode_json::<WelcomeInputs>(black_box(&b)).unwrap());
            })
        }
        "decode-hand-first" => {
            let b = body_of("secret first");
            Box::new(move || {
                black_box(hand_written(black_box(&b)).unwrap());
            })
        }
        "decode-claimkit-first" => {
            let b = body_of("secret first");
            Box::new(move || {
                black_box(config.decode_json::<WelcomeInputs>(black_box(&b)).unwrap());
            })
        }
        "decode-hand-last" => {
            let b = body_of("secret last");
            Box::new(move || {
                black_box(hand_written(black_box(&b)).unwrap());
            })
        }
        "decode-claimkit-last" => {
            let b = body_of("secret last");
            Box::new(move || {
                black_box(config.decode_json::<WelcomeInputs>(black_box(&b)).unwrap());
            })
        }
        "hmac-raw-1k" => {
            let h = github_headers[0].1.clone();
            Box::new(move || {
                assert!(raw_hmac(
                    GITHUB_SECRET.as_bytes(),
                    black_box(&h),
                    black_box(&body_1k)
                ))
            })
        }
        "hmac-claimkit-1k" => Box::new(move || {
            black_box(
                github
                    .verify(black_box(&github_headers), black_box(&body_1k))
                    .unwrap(),
            );
        }),
        "hmac-raw-20k" => {
            let h = github_headers_20k[0].1.clone();
            Box::new(move || {
                assert!(raw_hmac(
                    GITHUB_SECRET.as_bytes(),
                    black_box(&h),
                    black_box(&body_20k)
                ))
            })
        }
        "hmac-claimkit-20k" => Box::new(move || {
            black_box(
                github_20k
                    .verify(black_box(&github_headers_20k), black_box(&body_20k))
                    .unwrap(),
            );
        }),
        "standard-crate" => {
            Box::new(move || theirs.verify(black_box(std_body), black_box(&map)).unwrap())
        }
        "standard-claimkit" => Box::new(move || {
            black_box(
                ours.verify(black_box(&std_headers), black_box(std_body))
                    .unwrap(),
            );
        }),
        "v1a-raw-1k" | "v1a-raw-20k" => {
            let d = ed25519_delivery(if scenario.ends_with("1k") {
                1024
            } else {
                20 * 1024
            });
            Box::new(move || {
                d.key
                    .verify_strict(black_box(&d.message), black_box(&d.signature))
                    .unwrap();
            })
        }
        "v1a-claimkit-1k" | "v1a-claimkit-20k" => {
            let d = ed25519_delivery(if scenario.ends_with("1k") {
                1024
            } else {
                20 * 1024
            });
            Box::new(move || {
                black_box(
                    d.ours
                        .verify(black_box(&d.headers), black_box(&d.body))
                        .unwrap(),
                );
            })
        }
        other => {
            eprintln!("unknown scenario {other}");
            std::process::exit(2);
        }
    };
    for _ in 0..iterations {
        run();
    }
}
