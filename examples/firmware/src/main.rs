//! Bare-metal smoke test for tiny-word2vec on a Cortex-M4F.
//!
//! Runs under `qemu-system-arm -machine mps2-an386` (see `.ci/firmware.sh`).
//! Output goes to the host through semihosting, and the process exit status
//! is set with semihosting `SYS_EXIT`: 0 when every check passes, non-zero
//! when a check fails, on panic, or on a fault.

#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, hprintln};
// Panic handler: prints the panic message via semihosting and exits non-zero
// (its `exit` feature).
use panic_semihosting as _;
// Linked only, for now: proves the no_std core builds and links for this
// target. The real inference path replaces this once the core API is ready.
use tiny_word2vec as _;

// TODO(model): embed the trained model and run a lookup on it here, e.g.
//     static MODEL: &[u8] = include_bytes!("../model.bin");
// (FLASH is 4 MiB in memory.x, so a blob of some hundreds of KB fits.)
const MODEL: Option<&[u8]> = None;

/// System Control Block: Coprocessor Access Control Register.
const SCB_CPACR: *const u32 = 0xE000_ED88 as *const u32;

#[entry]
fn main() -> ! {
    hprintln!("tiny-word2vec firmware: hello from thumbv7em-none-eabihf");

    let mut failures = 0u32;

    // cortex-m-rt's reset handler grants full access to CP10/CP11 on -eabihf
    // targets; without it the first FPU instruction would fault.
    // SAFETY: CPACR is an always-present, word-aligned SCB register.
    let cpacr = unsafe { core::ptr::read_volatile(SCB_CPACR) };
    failures += check("FPU enabled (CPACR CP10/CP11 = full access)", (cpacr >> 20) & 0xF == 0xF);

    // A small dot product on the FPU. black_box keeps the compiler from
    // folding it at build time; all values are exact in f32, so the sum is too.
    let a = black_box([0.5f32, -1.25, 2.0, 3.5, -0.75, 1.0, 4.0, -2.5]);
    let b = black_box([2.0f32, 4.0, -0.5, 1.0, 8.0, -3.0, 0.25, 0.5]);
    let d = dot(&a, &b);
    hprintln!("dot(a, b) = {}", d);
    failures += check("f32 dot product", d == -10.75);

    match MODEL {
        Some(blob) => hprintln!("model: {} bytes", blob.len()),
        None => hprintln!("model: none embedded yet (TODO)"),
    }

    if failures == 0 {
        hprintln!("firmware: all checks passed");
        exit(true)
    } else {
        hprintln!("firmware: {} check(s) FAILED", failures);
        exit(false)
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = 0.0f32;
    for (x, y) in a.iter().zip(b) {
        acc += x * y;
    }
    acc
}

/// Prints the outcome of one check; returns 1 on failure, 0 on success.
fn check(name: &str, ok: bool) -> u32 {
    hprintln!("[{}] {}", if ok { "ok" } else { "FAIL" }, name);
    u32::from(!ok)
}

/// Ends the QEMU process with status 0 (`ok`) or 1.
fn exit(ok: bool) -> ! {
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    // Only reached without a semihosting host (e.g. on real hardware with no
    // debugger attached).
    loop {
        cortex_m::asm::wfi();
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
