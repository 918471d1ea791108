//! The kernel path of this process: detected once from the CPU, or forced
//! with the environment variable `W2V_SIMD=scalar|sse2|avx2|avx512` (for
//! tests and benchmarks), and handed to the core's dispatched kernels
//! ([`crate::kernels::SimdPath`]).
//!
//! The trainer, the vector readers' queries and the `w2v` command call
//! [`init`] before their first kernel; a program that calls the kernels
//! directly calls it itself (until then they run the portable path).
//! Vectors trained on different paths may differ in the last bits (fused
//! multiply-add); one thread on one path is deterministic.

use crate::core::kernels::SimdPath;
use crate::core::kernels::path;
use crate::host::HostError;
use std::string::{String, ToString};
use std::sync::OnceLock;

/// The environment variable that forces a path.
pub const ENV: &str = "W2V_SIMD";

/// Whether this CPU can run `path` (`is_x86_feature_detected!`): Avx2 needs
/// AVX2 and FMA, Avx512 needs AVX-512F as well; the portable and scalar
/// paths run everywhere.
pub fn supports(path: SimdPath) -> bool {
    match path {
        SimdPath::Portable | SimdPath::Scalar => true,
        #[cfg(target_arch = "x86_64")]
        SimdPath::Avx2 => {
            std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
        }
        #[cfg(target_arch = "x86_64")]
        SimdPath::Avx512 => supports(SimdPath::Avx2) && std::is_x86_feature_detected!("avx512f"),
        #[cfg(not(target_arch = "x86_64"))]
        SimdPath::Avx2 | SimdPath::Avx512 => false,
    }
}

/// The fastest path this CPU runs: AVX-512F, else AVX2 + FMA, else the
/// portable one.
pub fn detect() -> SimdPath {
    [SimdPath::Avx512, SimdPath::Avx2]
        .into_iter()
        .find(|&p| supports(p))
        .unwrap_or(SimdPath::Portable)
}

/// Makes the dispatched kernels run `path` in every thread from now on,
/// after checking that this CPU can ([`supports`]). Returns the path.
///
/// # Errors
/// [`HostError::SimdPath`] if the CPU lacks `path`'s instructions; nothing
/// changes then.
pub fn select(path: SimdPath) -> Result<SimdPath, HostError> {
    select_now(path)?;
    // An explicit choice stands: a later `init` (the trainer's) keeps it.
    let _ = CHOSEN.set(Ok(path));
    Ok(path)
}

/// [`init`]'s one look at `W2V_SIMD` and the CPU, or [`select`]'s choice if
/// that came first.
static CHOSEN: OnceLock<Result<SimdPath, (String, String)>> = OnceLock::new();

/// Checks and selects `path`.
fn select_now(path: SimdPath) -> Result<SimdPath, HostError> {
    if !supports(path) {
        return Err(unsupported(path.name()));
    }
    // SAFETY: `supports` just checked the instructions `path` needs.
    #[allow(unsafe_code)]
    unsafe {
        path::select_unchecked(path);
    }
    Ok(path)
}

/// The path `W2V_SIMD` names, or the detected one when it is unset or
/// empty.
///
/// # Errors
/// [`HostError::SimdPath`] for a name that is not a path, or a path this
/// CPU cannot run.
pub fn requested() -> Result<SimdPath, HostError> {
    let Some(name) = std::env::var_os(ENV) else {
        return Ok(detect());
    };
    let name = name.to_string_lossy();
    if name.is_empty() {
        return Ok(detect());
    }
    let names = SimdPath::ALL.map(SimdPath::name).join(", ");
    let path = SimdPath::from_name(&name).ok_or_else(|| HostError::SimdPath {
        requested: String::from(name.as_ref()),
        reason: std::format!("not a kernel path; the paths are {names} (portable also names it)"),
    })?;
    if !supports(path) {
        return Err(unsupported(&name));
    }
    Ok(path)
}

/// The error for a path this CPU cannot run, named as the user wrote it.
fn unsupported(requested: &str) -> HostError {
    HostError::SimdPath {
        requested: requested.to_string(),
        reason: std::format!(
            "this CPU cannot run it; the fastest it runs is {}",
            detect()
        ),
    }
}

/// Selects [`requested`]'s path once per process, unless [`select`] chose
/// one before, and returns the path the kernels run. Later calls do not
/// look at `W2V_SIMD` or the CPU again.
///
/// # Errors
/// As [`requested`] (a bad `W2V_SIMD`), on every call; the kernels stay on
/// the portable path then.
pub fn init() -> Result<SimdPath, HostError> {
    let chosen = CHOSEN.get_or_init(|| {
        requested().and_then(select_now).map_err(|e| match e {
            HostError::SimdPath { requested, reason } => (requested, reason),
            other => (String::new(), other.to_string()),
        })
    });
    match chosen {
        Ok(_) => Ok(active()),
        Err((requested, reason)) => Err(HostError::SimdPath {
            requested: requested.clone(),
            reason: reason.clone(),
        }),
    }
}

/// The path the kernels run now.
pub fn active() -> SimdPath {
    path::active()
}
