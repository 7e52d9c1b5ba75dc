//! Where a build's time and memory go, and how far it has got.
//!
//! A build passes through named phases (load, graph, markdown, search,
//! render, write); [`Meter::phase`] closes the running one, noting its
//! wall time and the process's peak memory so far. Inside a phase, work
//! that counts units (pages rendered) moves [`Meter::tick`], which a
//! progress display reads from another thread. The library never prints:
//! the binary shows the phases (`--timings`) and the progress.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One finished phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    pub name: &'static str,
    pub elapsed: Duration,
    /// The process's peak resident memory at the end of the phase, in
    /// bytes, where the system tells it (Linux).
    pub peak_rss: Option<u64>,
    /// CPU time of every thread during the phase (Linux).
    pub cpu: Option<Duration>,
}

#[derive(Debug)]
struct Running {
    name: &'static str,
    started: Instant,
    cpu: Option<Duration>,
}

/// Phases of one run, and the progress of the running one.
#[derive(Debug, Default)]
pub struct Meter {
    finished: Mutex<Vec<Phase>>,
    running: Mutex<Option<Running>>,
    done: AtomicUsize,
    total: AtomicUsize,
}

/// What a progress display shows: the running phase and its count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub phase: &'static str,
    pub done: usize,
    pub total: usize,
}

impl Meter {
    /// Ends the running phase, if any, and starts `name`, counting `total`
    /// units (0 when it does not count).
    pub fn phase(&self, name: &'static str, total: usize) {
        self.finish();
        self.count(total);
        *lock(&self.running) = Some(Running {
            name,
            started: Instant::now(),
            cpu: cpu_time(),
        });
    }

    /// Counts `total` units in the running phase, from zero.
    pub fn count(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// Ends the running phase.
    pub fn finish(&self) {
        if let Some(r) = lock(&self.running).take() {
            lock(&self.finished).push(Phase {
                name: r.name,
                elapsed: r.started.elapsed(),
                peak_rss: peak_rss(),
                cpu: cpu_time()
                    .zip(r.cpu)
                    .map(|(now, then)| now.saturating_sub(then)),
            });
        }
    }

    /// One more unit of the running phase done.
    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// The running phase and how far it is, if one is running.
    pub fn progress(&self) -> Option<Progress> {
        let name = lock(&self.running).as_ref()?.name;
        Some(Progress {
            phase: name,
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
        })
    }

    /// The phases finished so far, in order.
    pub fn phases(&self) -> Vec<Phase> {
        lock(&self.finished).clone()
    }
}

/// A poisoned lock still holds valid data here: counts and names.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The peak resident memory of this process so far, in bytes (`VmHWM`).
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// User and system CPU time of this process so far (`/proc/self/stat`,
/// in clock ticks of 1/100 s, the value on every Linux platform).
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ').skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_recorded_in_order_with_their_counts() {
        let m = Meter::default();
        assert_eq!(m.progress(), None);
        m.phase("load", 0);
        m.count(3);
        m.tick();
        m.tick();
        assert_eq!(
            m.progress(),
            Some(Progress {
                phase: "load",
                done: 2,
                total: 3
            })
        );
        m.phase("render", 0);
        assert_eq!(m.progress().map(|p| (p.phase, p.done)), Some(("render", 0)));
        m.finish();
        assert_eq!(m.progress(), None);
        let names: Vec<&str> = m.phases().iter().map(|p| p.name).collect();
        assert_eq!(names, ["load", "render"]);
        if cfg!(target_os = "linux") {
            assert!(m.phases().iter().all(|p| p.peak_rss.unwrap_or(0) > 0));
        }
    }
}
