//! Checked conversions of the C arguments: pointers and lengths into
//! references and slices, or the status that refuses them. Every `unsafe`
//! block of the ABI that makes a reference out of a caller pointer is here.

use super::status::*;
use core::ffi::c_char;
use core::mem::{align_of, size_of};

/// Refuses a NULL or misaligned `ptr` to a `T`.
fn check_ptr<T>(ptr: *const T) -> Result<(), tw2v_status> {
    if ptr.is_null() {
        Err(TW2V_ERR_NULL)
    } else if !(ptr as usize).is_multiple_of(align_of::<T>()) {
        Err(TW2V_ERR_MISALIGNED)
    } else {
        Ok(())
    }
}

/// Refuses a NULL or misaligned `ptr`, or `len` elements of `T` whose size
/// exceeds `isize::MAX` bytes (what `slice::from_raw_parts` requires).
fn check_slice<T>(ptr: *const T, len: usize) -> Result<(), tw2v_status> {
    check_ptr(ptr)?;
    match len.checked_mul(size_of::<T>()) {
        Some(bytes) if bytes <= isize::MAX as usize => Ok(()),
        _ => Err(TW2V_ERR_LENGTH),
    }
}

/// `len` elements at `ptr`, read-only.
///
/// # Safety
/// If `ptr` is not NULL, it points to `len` initialised elements that stay
/// valid and unmodified for `'a`.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], tw2v_status> {
    check_slice(ptr, len)?;
    // SAFETY: non-NULL, aligned, at most isize::MAX bytes (checked above);
    // valid for reads for 'a (the caller's contract).
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// `len` elements at `ptr`, writable.
///
/// # Safety
/// If `ptr` is not NULL, it points to `len` initialised elements that only
/// this reference accesses for `'a`.
pub(crate) unsafe fn slice_mut<'a, T>(ptr: *mut T, len: usize) -> Result<&'a mut [T], tw2v_status> {
    check_slice(ptr, len)?;
    // SAFETY: as in `slice`, plus exclusive access (the caller's contract).
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// UTF-8 text of `len` bytes at `ptr`.
///
/// # Safety
/// As [`slice`].
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, tw2v_status> {
    // SAFETY: the caller's contract.
    let bytes = unsafe { slice(ptr.cast::<u8>(), len)? };
    core::str::from_utf8(bytes).map_err(|_| TW2V_ERR_UTF8)
}

/// An out pointer to a `T`, checked; write it with [`put`] once the call
/// has succeeded.
pub(crate) struct Out<T>(*mut T);

/// Checks an out pointer.
pub(crate) fn out<T>(ptr: *mut T) -> Result<Out<T>, tw2v_status> {
    check_ptr(ptr)?;
    Ok(Out(ptr))
}

/// Writes `value` through a checked out pointer.
///
/// # Safety
/// The pointer given to [`out`] is valid for a write of a `T`.
pub(crate) unsafe fn put<T>(o: Out<T>, value: T) {
    // SAFETY: non-NULL and aligned (checked by `out`); valid for writes
    // (the caller's contract). `write` does not drop the old contents.
    unsafe { o.0.write(value) }
}

/// A handle's state: the storage behind an opaque handle pointer, which
/// starts with a magic word.
pub(crate) trait Handle: Sized {
    /// The opaque handle type of the header.
    type Storage;
    /// The first word of an opened handle.
    const MAGIC: u32;
}

/// The state behind handle `h`, after checking it is not NULL, is aligned
/// and holds `S::MAGIC`; shared, so that read-only queries on one handle may
/// run concurrently.
///
/// # Safety
/// If `h` is not NULL, it points to `S::Storage` that is readable and, when
/// its first word is `S::MAGIC`, holds an `S` written by the handle's
/// open/init function, which nothing writes for `'a`.
pub(crate) unsafe fn state<'a, S: Handle>(h: *const S::Storage) -> Result<&'a S, tw2v_status> {
    let p = h.cast::<S>();
    check_ptr(p)?;
    // SAFETY: non-NULL and aligned for `S` (so for its leading u32), and
    // readable (the caller's contract).
    let magic = unsafe { p.cast::<u32>().read() };
    if magic != S::MAGIC {
        return Err(TW2V_ERR_HANDLE);
    }
    // SAFETY: the magic says an `S` was written here (the caller's contract).
    Ok(unsafe { &*p })
}

/// [`state`], exclusively, for the calls that change the handle.
///
/// # Safety
/// As [`state`], and nothing else accesses the handle for `'a`.
pub(crate) unsafe fn state_mut<'a, S: Handle>(
    h: *mut S::Storage,
) -> Result<&'a mut S, tw2v_status> {
    // SAFETY: the caller's contract.
    unsafe { state::<S>(h)? };
    // SAFETY: checked above; exclusive (the caller's contract).
    Ok(unsafe { &mut *h.cast::<S>() })
}
