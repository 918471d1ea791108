//! tiny-word2vec on a Cortex-M4F: inference and on-device fine-tuning.
//!
//! Runs under `qemu-system-arm -machine mps2-an386` (see `.ci/firmware.sh`).
//! The model blob (`../model.bin`, int8, exported on the host by
//! `cargo run --release --features std --example export_model`) is embedded
//! in flash and opened in place. The firmware then
//!
//! 1. prints the nearest neighbours of a few words (int8 top-k, no RAM copy),
//! 2. fine-tunes the vectors of the words of a few new sentences (SGNS on a
//!    RAM working set) and prints how a chosen pair's similarity changed,
//! 3. trains a one-hidden-layer classifier head on averaged word vectors of a
//!    tiny labelled set and prints its loss falling,
//! 4. opens a second, subword model (`../model-subword.bin`: word rows plus
//!    hashed character n-gram rows, exported by `export_model --minn 3
//!    --maxn 6 --bucket 20000`), prints the nearest neighbours of words that
//!    are not in its vocabulary (from their n-gram rows) with the stack the
//!    lookup took, and fine-tunes the new sentences' words together with
//!    their n-gram rows (`subword_demo.rs`),
//! 5. reports its peak stack use (the stack is painted at start-up).
//!
//! Output goes to the host through semihosting, and the process exit status
//! is set with semihosting `SYS_EXIT`: 0 when every check passes, non-zero
//! when a check fails, on panic, or on a fault. Nothing allocates: there is
//! no heap at all.
//!
//! Everything that uses the library is in `demo.rs`. `--features baseline`
//! builds the same firmware without it (board support, semihosting output,
//! checks, stack painting only): `.ci/firmware.sh` compares the two builds'
//! sizes to measure the library's share of the image.

#![no_std]
#![no_main]

use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, hprintln};
// Panic handler: prints the panic message via semihosting and exits non-zero
// (its `exit` feature).
use panic_semihosting as _;

#[cfg(not(feature = "baseline"))]
mod demo;
#[cfg(not(feature = "baseline"))]
mod subword_demo;

/// System Control Block: Coprocessor Access Control Register.
const SCB_CPACR: *const u32 = 0xE000_ED88 as *const u32;

#[entry]
fn main() -> ! {
    let painted = stack::paint();
    hprintln!("tiny-word2vec firmware on thumbv7em-none-eabihf (Cortex-M4F, QEMU mps2-an386)");

    let mut failures = 0u32;

    // cortex-m-rt's reset handler grants full access to CP10/CP11 on -eabihf
    // targets; without it the first FPU instruction would fault.
    // SAFETY: CPACR is an always-present, word-aligned SCB register.
    let cpacr = unsafe { core::ptr::read_volatile(SCB_CPACR) };
    failures += check(
        "FPU enabled (CPACR CP10/CP11 = full access)",
        (cpacr >> 20) & 0xF == 0xF,
    );

    #[cfg(not(feature = "baseline"))]
    {
        failures += demo::run();
        failures += subword_demo::run();
    }
    #[cfg(feature = "baseline")]
    {
        // The same board support, printing (floats included) and checks,
        // without the library: the size reference.
        let x = core::hint::black_box(0.25f32);
        hprintln!("baseline build: no tiny-word2vec code; a float: {:.2}", x);
    }

    match stack::used(painted) {
        Some(used) => hprintln!(
            "\npeak stack use: {} bytes (measured by painting {} bytes below main)",
            used,
            painted.1 - painted.0
        ),
        None => failures += check("stack stayed within the painted area", false),
    }

    if failures == 0 {
        hprintln!("firmware: all checks passed");
        exit(true)
    } else {
        hprintln!("firmware: {} check(s) FAILED", failures);
        exit(false)
    }
}

/// Prints the outcome of one check; returns 1 on failure, 0 on success.
pub(crate) fn check(name: &str, ok: bool) -> u32 {
    hprintln!("[{}] {}", if ok { "ok" } else { "FAIL" }, name);
    u32::from(!ok)
}

/// Ends the QEMU process with status 0 (`ok`) or 1.
fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Only reached without a semihosting host (e.g. on real hardware with no
    // debugger attached).
    loop {
        cortex_m::asm::wfi();
    }
}

/// Stack painting: fill the free stack below the current frame with a
/// pattern at start-up, and find the lowest overwritten word at the end.
mod stack {
    use core::sync::atomic::{AtomicUsize, Ordering};

    const PATTERN: u32 = 0x5EED_C0DE;
    /// The range [`paint`] painted (low, high), for [`measure`].
    static PAINTED: (AtomicUsize, AtomicUsize) = (AtomicUsize::new(0), AtomicUsize::new(0));
    /// How much of the stack below `main`'s frame to paint.
    const PAINT_BYTES: usize = 256 * 1024;

    unsafe extern "C" {
        /// Top of the stack (cortex-m-rt's link.x: the end of RAM).
        static _stack_start: u32;
        /// Lowest address the stack may use: the end of .bss/.uninit.
        static __sheap: u32;
    }

    fn stack_top() -> usize {
        (&raw const _stack_start) as usize
    }

    /// Paints the stack below the caller; returns the painted range.
    #[inline(never)]
    pub fn paint() -> (usize, usize) {
        let marker = 0u32;
        // Stay clear of this function's own frame.
        let hi = (core::ptr::addr_of!(marker) as usize - 64) & !3;
        let lo = hi
            .saturating_sub(PAINT_BYTES)
            .max((&raw const __sheap) as usize);
        fill(lo, hi);
        PAINTED.0.store(lo, Ordering::Relaxed);
        PAINTED.1.store(hi, Ordering::Relaxed);
        (lo, hi)
    }

    /// Paints `[lo, hi)`.
    #[inline(never)]
    fn fill(lo: usize, hi: usize) {
        let mut a = lo;
        while a < hi {
            // SAFETY: [lo, hi) is RAM between the end of .bss and a live
            // stack frame (the caller's): unused by anything, word-aligned.
            unsafe { core::ptr::write_volatile(a as *mut u32, PATTERN) };
            a += 4;
        }
    }

    /// Runs `f` and returns its result with the stack it used below the
    /// caller's frame, in bytes: the painted area below this frame is
    /// painted again first (after noting the peak so far, which is restored
    /// afterwards so that [`used`] still reports the whole run's peak).
    #[cfg(not(feature = "baseline"))]
    #[inline(never)]
    pub fn measure<R>(f: impl FnOnce() -> R) -> (R, usize) {
        let painted = (
            PAINTED.0.load(Ordering::Relaxed),
            PAINTED.1.load(Ordering::Relaxed),
        );
        let peak = lowest(painted);
        let marker = 0u32;
        let hi = (core::ptr::addr_of!(marker) as usize - 64) & !3;
        let lo = painted.0.min(hi);
        fill(lo, hi);
        let r = f();
        let reached = lowest((lo, hi));
        if peak < reached && peak >= lo {
            // SAFETY: a word-aligned address in the painted range, below
            // every live frame: marks the earlier peak again.
            unsafe { core::ptr::write_volatile(peak as *mut u32, 0) };
        }
        (r, hi.saturating_sub(reached))
    }

    /// The lowest overwritten word of the painted range `[lo, hi)` (`hi` if none).
    #[cfg(not(feature = "baseline"))]
    fn lowest((lo, hi): (usize, usize)) -> usize {
        let mut a = lo;
        // SAFETY: reads of the painted, word-aligned RAM range.
        while a < hi && unsafe { core::ptr::read_volatile(a as *const u32) } == PATTERN {
            a += 4;
        }
        a
    }

    /// Peak stack use in bytes: from the top of RAM down to the lowest
    /// painted word that was overwritten; `None` if even the lowest painted
    /// word was (the stack may have gone deeper than the painted area).
    #[inline(never)]
    pub fn used(painted: (usize, usize)) -> Option<usize> {
        let mut a = painted.0;
        // SAFETY: reads of the painted, word-aligned RAM range.
        while a < painted.1 && unsafe { core::ptr::read_volatile(a as *const u32) } == PATTERN {
            a += 4;
        }
        (a > painted.0).then(|| stack_top() - a)
    }
}

// cortex-m-rt's default HardFault and DefaultHandler spin forever, which under
// QEMU would only show up as a time-out. Report and exit non-zero instead.

#[exception]
unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
    hprintln!("HardFault: {:?}", ef);
    exit(false)
}

#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    hprintln!("unexpected exception or interrupt: IRQn = {}", irqn);
    exit(false)
}
