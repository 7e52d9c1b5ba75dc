//! What a build shows on a terminal while it runs, and its phases after.
//! Both go to stderr: stdout carries only results.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use faultbook::meter::{Meter, Phase};

/// A build shorter than this shows no progress at all
/// (`FAULTBOOK_PROGRESS_AFTER_MS` changes it, for tests).
const QUIET_START: Duration = Duration::from_millis(400);
const TICK: Duration = Duration::from_millis(100);

/// Runs `work`, showing the meter's phase and count on one line of stderr
/// while it runs when `show` (a terminal, not `--quiet`); the line is
/// cleared when `work` returns.
pub fn while_running<T>(meter: &Meter, show: bool, work: impl FnOnce() -> T) -> T {
    if !show {
        return work();
    }
    let quiet_start = std::env::var("FAULTBOOK_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(QUIET_START, Duration::from_millis);
    // Redrawn every TICK; sooner when the quiet start is shorter (a test
    // sets it to 0 so that even a short build draws).
    let tick = TICK.min(quiet_start.max(Duration::from_millis(1)));
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let shown = s.spawn(|| {
            let mut waited = Duration::ZERO;
            let mut drawn = false;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(tick);
                waited += tick;
                if waited < quiet_start {
                    continue;
                }
                if let Some(p) = meter.progress() {
                    let count = if p.total > 0 {
                        format!(" {}/{} ({}%)", p.done, p.total, p.done * 100 / p.total)
                    } else {
                        String::new()
                    };
                    eprint!("\r\x1b[2K{}{count}", p.phase);
                    let _ = std::io::stderr().flush();
                    drawn = true;
                }
            }
            drawn
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        if shown.join().unwrap_or(true) {
            clear();
        }
        result
    })
}

/// Clears the progress line, before something else is printed.
pub fn clear() {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprint!("\r\x1b[2K");
    }
}

/// The phases of a build, one per line, with the total.
/// The phases on one line, in milliseconds: `graph 31 ms, markdown 14 ms`.
pub fn phases_line(phases: &[Phase]) -> String {
    phases
        .iter()
        .map(|p| format!("{} {} ms", p.name, p.elapsed.as_millis()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn print_phases(phases: &[Phase]) {
    let mb =
        |b: Option<u64>| b.map_or_else(|| "-".to_string(), |b| format!("{} MB", b / 1_000_000));
    let cpu = |c: Option<Duration>| {
        c.map_or_else(|| "-".to_string(), |c| format!("{:.2} s", c.as_secs_f64()))
    };
    let mut out = String::from("phase       wall       cpu   peak memory\n");
    let mut line = |name: &str, wall: Duration, c: Option<Duration>, peak: Option<u64>| {
        out.push_str(&format!(
            "{name:<8} {:>7.2} s {:>9} {:>10}\n",
            wall.as_secs_f64(),
            cpu(c),
            mb(peak)
        ));
    };
    for p in phases {
        line(p.name, p.elapsed, p.cpu, p.peak_rss);
    }
    line(
        "total",
        phases.iter().map(|p| p.elapsed).sum(),
        phases.iter().map(|p| p.cpu).sum(),
        phases.iter().filter_map(|p| p.peak_rss).max(),
    );
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}
