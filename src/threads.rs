//! How many worker threads the library's parallel steps use: one per core at most.
//!
//! Rayon sizes its global pool from `RAYON_NUM_THREADS` when it is first used, with no
//! upper bound: `RAYON_NUM_THREADS=100000` starts a hundred thousand threads (each with
//! its stack) and turns a 0.05 s run into minutes. [`bound_global_pool`] builds the
//! global pool first, with [`count`] threads: the cores this process may run on
//! ([`std::thread::available_parallelism`]), or fewer when `RAYON_NUM_THREADS` asks for
//! fewer. The library's entry point ([`run`](crate::run())) and the command line call it
//! before any parallel work; a host program that built rayon's global pool itself keeps
//! its own.

use std::sync::Once;

/// The environment variable rayon reads its thread count from.
pub const RAYON_NUM_THREADS: &str = "RAYON_NUM_THREADS";

/// The cores this process may run on (1 when that cannot be told).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Worker threads for `cores` cores when `RAYON_NUM_THREADS` is `requested`: the
/// requested number when it is a positive whole number below the cores, else the cores
/// (rayon reads 0, an empty value or text as "one per core" too).
pub fn count_for(cores: usize, requested: Option<&str>) -> usize {
    let cores = cores.max(1);
    match requested.and_then(|r| r.trim().parse::<usize>().ok()) {
        Some(n) if n > 0 => n.min(cores),
        _ => cores,
    }
}

/// Worker threads: the cores, or fewer when `RAYON_NUM_THREADS` asks for fewer.
pub fn count() -> usize {
    count_for(cores(), std::env::var(RAYON_NUM_THREADS).ok().as_deref())
}

/// Builds rayon's global pool with [`count`] threads, once per process. Does nothing
/// when the pool exists already (rayon builds it on first use, or a host program built
/// its own): it cannot be rebuilt.
pub fn bound_global_pool() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(count())
            .build_global();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread count asked for beyond the cores is cut to them; fewer is honoured; a
    /// value rayon reads as "one per core" (0, empty, text) gives the cores.
    #[test]
    fn requested_threads_are_bounded_by_the_cores() {
        assert_eq!(count_for(2, Some("100000")), 2);
        assert_eq!(count_for(8, Some("3")), 3);
        assert_eq!(count_for(8, Some(" 1 ")), 1);
        assert_eq!(count_for(8, None), 8);
        assert_eq!(count_for(8, Some("0")), 8);
        assert_eq!(count_for(8, Some("")), 8);
        assert_eq!(count_for(8, Some("many")), 8);
        assert_eq!(count_for(0, Some("4")), 1);
    }
}
