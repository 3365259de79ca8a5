//! Security invariants across every command (`cargo test --test trust`; SECURITY.md): canary
//! secrets, hostile output, bounded input, the sink audit, fuzz regressions, red-team cases and
//! the URL differential. A new security test goes into the module of its class, or a new file
//! here with its `mod` line below.
#[path = "../common/mod.rs"]
mod common;

mod adversarial;
mod attacks;
mod bounded_input;
mod bounded_more;
mod canary;
mod error_paths;
mod fuzz_regressions;
mod held_forms;
mod hostile_output;
mod injection;
mod passphrases;
mod sink_audit;
mod sink_fast_path;
mod switched_off;
/// The admin API simulation of `tests/admin`, for the injection and bounded-read attacks.
#[path = "../admin/tokens_sim.rs"]
mod tokens_sim;
mod url_differential;
