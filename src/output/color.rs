//! The colour policy, resolved once per run: `--color always|never` wins; otherwise
//! `NO_COLOR` (non-empty) turns colour off, `CLICOLOR_FORCE` (not `0`) turns it on, and
//! else colour follows whether standard output is a terminal (and `TERM` is not `dumb`).
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::ColorChoice;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Decide from the flag and the environment.
pub fn decide(choice: ColorChoice, env: impl Fn(&str) -> Option<String>, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                true
            } else {
                is_tty && env("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// Resolve the policy for this process and apply it to owo-colors.
pub fn init(choice: ColorChoice) {
    let on = decide(
        choice,
        |k| std::env::var(k).ok(),
        super::sink::stdout_is_terminal(),
    );
    ENABLED.store(on, Ordering::Relaxed);
    owo_colors::set_override(on);
}

/// Turn colour off for this run (machine formats, files).
pub fn disable() {
    ENABLED.store(false, Ordering::Relaxed);
    owo_colors::set_override(false);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Style `value` when colour is on for this run; plain text otherwise.
pub fn paint(value: impl std::fmt::Display, style: owo_colors::Style) -> String {
    painted(value, style).to_string()
}

/// [`paint`] without making a string: formatted where it is written (a lint report of 100,000
/// findings paints a million pieces).
pub fn painted<T: std::fmt::Display>(value: T, style: owo_colors::Style) -> Painted<T> {
    Painted(value, style)
}

/// A value [`paint`]ed: `Display` writes it styled or plain as the run's colour setting says.
pub struct Painted<T>(T, owo_colors::Style);

impl<T: std::fmt::Display> std::fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if enabled() {
            owo_colors::OwoColorize::style(&self.0, self.1).fmt(f)
        } else {
            self.0.fmt(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn precedence() {
        assert!(decide(
            ColorChoice::Always,
            env(&[("NO_COLOR", "1")]),
            false
        ));
        assert!(!decide(
            ColorChoice::Never,
            env(&[("CLICOLOR_FORCE", "1")]),
            true
        ));
        assert!(!decide(
            ColorChoice::Auto,
            env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]),
            true
        ));
        assert!(decide(
            ColorChoice::Auto,
            env(&[("CLICOLOR_FORCE", "1")]),
            false
        ));
        assert!(!decide(
            ColorChoice::Auto,
            env(&[("CLICOLOR_FORCE", "0")]),
            false
        ));
        assert!(decide(ColorChoice::Auto, env(&[]), true));
        assert!(!decide(ColorChoice::Auto, env(&[("TERM", "dumb")]), true));
        assert!(decide(ColorChoice::Auto, env(&[("NO_COLOR", "")]), true));
    }
}
