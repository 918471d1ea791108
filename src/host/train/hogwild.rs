//! Hogwild!-style lock-free sharing of the weight matrices between training
//! threads (feature `std`). **The trainer's only `unsafe` code lives here**
//! (the crate's other is the prefetch hint in `core::prefetch`).
//!
//! Hogwild! (Recht, Ré, Wright & Niu 2011) runs SGD on several threads over
//! one set of weights without any locking: each step touches a handful of
//! rows out of tens of thousands, collisions are rare, and a collision only
//! loses or mixes one small update. word2vec C and gensim train exactly this
//! way, on plain `float` arrays shared between pthreads.
//!
//! In Rust terms this is a deliberate data race: every worker gets a
//! `&mut [f32]` view of the *same* two matrices. Under the Rust memory model
//! concurrent unsynchronised writes are undefined behaviour, whatever the
//! hardware does; we accept that, as every Hogwild implementation in C, C++
//! and Rust does, for the reasons and within the limits below. What keeps
//! the damage bounded in practice:
//!
//! - the views have a fixed length and never reallocate, so all indexing is
//!   bounds-checked against memory that stays valid for the whole run;
//! - the workers only do plain `f32` loads and stores (the SIMD kernels in
//!   [`crate::core::kernels`]); aligned 4-byte accesses are never torn on the
//!   supported targets, so a racing read sees an old or a new value, and no
//!   invariant of any other type depends on these floats;
//! - the views cannot outlive [`run`]: the worker is a higher-ranked
//!   `Fn(usize, &mut [f32], &mut [f32])`, so it cannot store them, and the
//!   threads are scoped and joined before [`run`] returns and the caller's
//!   exclusive borrow ends.
//!
//! With one thread there is no sharing at all: the single worker receives the
//! caller's own `&mut` borrows and no `unsafe` code runs. That is the path
//! the bit-for-bit reproducibility guarantee of the trainer rests on.

use std::prelude::rust_2024::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::Thread;
use std::time::Duration;

/// Tracks the running workers, for the monitor that runs on the calling
/// thread while they train.
#[derive(Debug)]
pub struct Running {
    left: AtomicUsize,
    caller: Thread,
}

impl Running {
    /// True once every worker has returned (or panicked).
    pub fn finished(&self) -> bool {
        self.left.load(Ordering::Acquire) == 0
    }

    /// Sleeps up to `timeout`, waking early when a worker finishes. Call it
    /// from the monitor (it parks the thread that called [`run`]).
    pub fn wait(&self, timeout: Duration) {
        if !self.finished() {
            std::thread::park_timeout(timeout);
        }
    }
}

/// Counts a worker out and wakes the monitor, also when the worker panics.
struct Finish<'a>(&'a Running);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.left.fetch_sub(1, Ordering::Release);
        self.0.caller.unpark();
    }
}

/// A matrix shared between the worker threads.
#[derive(Clone, Copy)]
struct SharedRows {
    ptr: *mut f32,
    len: usize,
}

// SAFETY: `SharedRows` is only created in `run` from a `&mut [f32]` that `run`
// holds for its whole duration, and only used by threads scoped inside `run`.
// Sending or sharing the pointer is what Hogwild is; see the module docs for
// why the resulting unsynchronised accesses are accepted.
unsafe impl Send for SharedRows {}
// SAFETY: as for `Send`.
unsafe impl Sync for SharedRows {}

impl SharedRows {
    fn new(rows: &mut [f32]) -> Self {
        Self {
            ptr: rows.as_mut_ptr(),
            len: rows.len(),
        }
    }

    /// A mutable view of the whole matrix.
    ///
    /// # Safety
    /// The `&mut [f32]` this was made from must outlive the returned view,
    /// and nothing but other views from the same `SharedRows` may access the
    /// matrix meanwhile (the Hogwild contract of the module docs: views
    /// alias each other on purpose, and are used only for plain `f32` loads
    /// and stores).
    unsafe fn view<'a>(self) -> &'a mut [f32] {
        // SAFETY: `ptr` and `len` come from a live `&mut [f32]` (caller's
        // contract), so they describe one valid, aligned, initialised
        // allocation of `len` floats.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

/// Runs `worker(t, a, b)` on `threads` threads (`t = 0..threads`), all of
/// them training the same matrices `a` and `b` lock-free, while `monitor`
/// runs on the calling thread (to report progress; it should loop with
/// [`Running::wait`] until [`Running::finished`]). Returns the workers'
/// results in thread order once all have finished.
///
/// With `threads ≤ 1` a single worker gets `a` and `b` themselves.
///
/// # Errors
/// The operating system's error if a thread cannot be started; the workers
/// already started run to completion (the monitor still sees them) first.
///
/// # Panics
/// Re-raises a worker's panic after all threads have stopped.
pub fn run<R, W, M>(
    a: &mut [f32],
    b: &mut [f32],
    threads: usize,
    worker: W,
    monitor: M,
) -> std::io::Result<Vec<R>>
where
    R: Send,
    W: Fn(usize, &mut [f32], &mut [f32]) -> R + Sync,
    M: FnOnce(&Running),
{
    let threads = threads.max(1);
    let running = Running {
        left: AtomicUsize::new(threads),
        caller: std::thread::current(),
    };
    std::thread::scope(|s| {
        let (running, worker) = (&running, &worker);
        let mut handles = Vec::with_capacity(threads);
        let mut failed = None;
        if threads == 1 {
            let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                let _finish = Finish(running);
                worker(0, a, b)
            });
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => failed = Some(e),
            }
        } else {
            let (sa, sb) = (SharedRows::new(a), SharedRows::new(b));
            for t in 0..threads {
                let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                    let _finish = Finish(running);
                    // SAFETY: `a` and `b` stay mutably borrowed by `run`
                    // until the scope has joined this thread; the views
                    // cannot escape `worker` (higher-ranked lifetime) and
                    // are only shared with the other workers of this
                    // scope — the Hogwild contract of the module docs.
                    let (va, vb) = unsafe { (sa.view(), sb.view()) };
                    worker(t, va, vb)
                });
                match spawned {
                    Ok(h) => handles.push(h),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
        }
        // Count out the workers that never started, so the monitor ends.
        running
            .left
            .fetch_sub(threads - handles.len(), Ordering::Release);
        monitor(running);
        let results: Vec<R> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect();
        match failed {
            Some(e) => Err(e),
            None => Ok(results),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    #[test]
    fn workers_share_the_matrices_and_the_monitor_sees_them_finish() {
        let mut a = vec![0.0f32; 64];
        let mut b = vec![0.0f32; 8];
        let mut polls = 0;
        let out = run(
            &mut a,
            &mut b,
            4,
            |t, a, b| {
                // Disjoint writes: thread t owns a[16t..16t+16] and b[2t..2t+2].
                for x in &mut a[16 * t..16 * (t + 1)] {
                    *x = t as f32 + 1.0;
                }
                b[2 * t] = 10.0 * t as f32;
                assert_eq!(a.len(), 64);
                t * 2
            },
            |r| {
                while !r.finished() {
                    polls += 1;
                    r.wait(Duration::from_millis(5));
                }
            },
        )
        .unwrap();
        assert_eq!(out, [0, 2, 4, 6]);
        for t in 0..4 {
            assert!(a[16 * t..16 * (t + 1)].iter().all(|&x| x == t as f32 + 1.0));
            assert_eq!(b[2 * t], 10.0 * t as f32);
        }
        let _ = polls;
        // One thread: the caller's own slices.
        let out = run(&mut a, &mut b, 1, |t, a, _| a[0] + t as f32, |_| {}).unwrap();
        assert_eq!(out, [1.0]);
    }

    #[test]
    fn a_worker_panic_is_reraised_after_all_threads_stop() {
        let mut a = vec![0.0f32; 4];
        let mut b = vec![0.0f32; 4];
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(
                &mut a,
                &mut b,
                2,
                |t, _, _| {
                    if t == 1 {
                        std::panic::panic_any("boom");
                    }
                },
                |r| {
                    while !r.finished() {
                        r.wait(Duration::from_millis(5));
                    }
                },
            )
        }));
        assert!(r.is_err());
    }
}
