//! A progress line on stderr for long lint runs: `atlcheck: 1234 files scanned…`, redrawn in
//! place with `\r` and erased at the end.
//!
//! Shown only when stderr is a terminal, the report is human and goes to standard output, and
//! the run takes longer than [`DELAY`]: short runs, pipes, CI logs and machine formats never see
//! it. No dependency: the scanners count what they read with [`tick`] and a thread reads the
//! counter ten times a second.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Files (or blobs) read so far by this process.
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Count one more file read, for the progress line (`lint`, `lint --staged`, `lint
/// --history`, `inventory`).
pub fn tick() {
    COUNT.fetch_add(1, Ordering::Relaxed);
}

/// Runs shorter than this show nothing.
pub const DELAY: Duration = Duration::from_millis(700);
const TICK: Duration = Duration::from_millis(100);

/// A running progress line; [`Progress::finish`] erases it.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start the progress line if `wanted` (human output to stdout, not `--quiet`) and stderr is
    /// a terminal whose `TERM` is not `dumb`; otherwise a no-op.
    pub fn start(wanted: bool) -> Progress {
        Progress::start_counting(wanted, "files")
    }

    /// [`Progress::start`], counting `noun` (`lint --history` counts blobs, not files).
    pub fn start_counting(wanted: bool, noun: &'static str) -> Progress {
        let on = wanted
            && super::sink::stderr_is_terminal()
            && std::env::var("TERM").map_or(true, |t| t != "dumb");
        let stop = Arc::new(AtomicBool::new(false));
        if !on {
            return Progress { stop, thread: None };
        }
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::park_timeout(TICK);
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if started.elapsed() >= DELAY {
                    let n = COUNT.load(Ordering::Relaxed);
                    let _ = super::sink::stderr()
                        .terminal_control(&format!("\ratlcheck: {n} {noun} scanned…"));
                    shown = true;
                }
            }
            if shown {
                let _ = super::sink::stderr().terminal_control("\r\x1b[2K");
            }
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }

    /// Stop and erase the line (before the report is printed).
    pub fn finish(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_thread();
    }
}
