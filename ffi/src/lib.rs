//! tiny-word2vec's C ABI as a static library: `libtiny_word2vec_c.a`, with
//! the header `include/tiny_word2vec.h`. Everything is in the main crate's
//! `ffi` module (feature `ffi`); this crate only makes the archive and
//! supplies the panic handler a `no_std` library needs.
//!
//! The handler calls `tw2v_rust_panic`, which the library does not define.
//! The C ABI checks every argument and the core returns errors instead of
//! panicking, so no panic should be reachable from any `tw2v_*` function:
//! when a program links with `--gc-sections` and does not define
//! `tw2v_rust_panic`, the link succeeds only if the optimiser removed every
//! panic path (`.ci/ffi.sh` links the Cortex-M4F firmware that way). A
//! program that links without section garbage collection defines it (for
//! example to reset the device); it must not return.
#![no_std]

pub use tiny_word2vec::ffi;

unsafe extern "C" {
    /// Supplied by the C program, if any panic path is linked: never
    /// returns.
    fn tw2v_rust_panic() -> !;
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: a C function without arguments that does not return.
    unsafe { tw2v_rust_panic() }
}
