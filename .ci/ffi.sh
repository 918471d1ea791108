#!/usr/bin/env bash
# The C ABI (feature `ffi`, src/ffi/) in CI:
#   1. header: regenerates include/tiny_word2vec.h with cbindgen (version
#      $CBINDGEN_VERSION, `cargo install`ed if missing) and fails if the
#      committed header differs (`bash .ci/ffi.sh header` rewrites it);
#   2. host C test: builds the static library (ffi/, crate-type staticlib)
#      for the host and ffi/test/host_test.c with gcc
#      -fsanitize=address,undefined, and runs it on the firmware's model;
#   3. C firmware: builds the library for thumbv7em-none-eabihf and
#      examples/firmware-c with arm-none-eabi-gcc (Debian's
#      gcc-arm-none-eabi, apt-installed if missing), runs it under QEMU
#      mps2-an386 (semihosting output and exit status);
#   4. no panic: links the firmware again without `tw2v_rust_panic`, the
#      function the library's panic handler calls, with --gc-sections: the
#      link fails if any panic path of the library survived optimisation.
#      While some do, the step lists the library functions that call a panic
#      entry point and fails on any not documented, with its reason, in
#      examples/firmware-c/panic-paths.txt.
#
# The model is examples/firmware/model.bin, the int8 Moby-Dick model that
# .ci/firmware.sh exports (exported here the same way if missing).
# Idempotent; needs root only to install packages.
# Usage: bash .ci/ffi.sh            (all checks)
#        bash .ci/ffi.sh header     (regenerate the header only)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CBINDGEN_VERSION=0.29.4
HEADER=include/tiny_word2vec.h
LIB_DIR="$ROOT/ffi"
FW_DIR="$ROOT/examples/firmware-c"
BUILD="$ROOT/target/ffi"
MODEL="$ROOT/examples/firmware/model.bin"
FW_TARGET=thumbv7em-none-eabihf
export DEBIAN_FRONTEND=noninteractive

START=$SECONDS
step() { printf '\n==> [ffi %3ss] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '\nffi.sh: ERROR: %s\n' "$*" >&2; exit 1; }
cd "$ROOT"
mkdir -p "$BUILD"

# ---------------------------------------------------------------------------
ensure_cbindgen() {
    if cbindgen --version 2>/dev/null | grep -qx "cbindgen $CBINDGEN_VERSION"; then
        return 0
    fi
    echo "installing cbindgen $CBINDGEN_VERSION (cargo install --locked)"
    timeout 900 cargo install --quiet --locked --version "$CBINDGEN_VERSION" cbindgen \
        || die "cargo install cbindgen $CBINDGEN_VERSION failed (exit $?)"
}

generate_header() {
    # cbindgen reads src/ffi/ (following its `mod` items); its warnings
    # about private items it skips are noise.
    cbindgen --quiet --config cbindgen.toml --output "$1" src/ffi/mod.rs \
        || die "cbindgen failed"
}

step "1/4 header $HEADER (cbindgen $CBINDGEN_VERSION)"
ensure_cbindgen
if [ "${1:-}" = header ]; then
    generate_header "$HEADER"
    echo "wrote $HEADER"
    exit 0
fi
generate_header "$BUILD/tiny_word2vec.h"
if ! diff -u "$HEADER" "$BUILD/tiny_word2vec.h"; then
    die "$HEADER is not the header cbindgen generates from src/ffi/: run 'bash .ci/ffi.sh header' and commit it"
fi
echo "ok: $HEADER is current"

# ---------------------------------------------------------------------------
step "2/4 host C test (gcc -fsanitize=address,undefined)"
if [ ! -s "$MODEL" ]; then
    timeout 1200 cargo run --release --features std --example export_model -- --out "$MODEL" \
        || die "model export failed"
fi
(cd "$LIB_DIR" && timeout 900 cargo build --release --quiet) || die "host staticlib build failed"
HOST_LIB="$LIB_DIR/target/release/libtiny_word2vec_c.a"
gcc -std=c11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all \
    -Iinclude ffi/test/host_test.c "$HOST_LIB" -lm -o "$BUILD/host_test" \
    || die "host C test build failed"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    timeout 300 "$BUILD/host_test" "$MODEL" || die "host C test failed"

# ---------------------------------------------------------------------------
step "3/4 C firmware (arm-none-eabi-gcc) under QEMU mps2-an386"
if ! command -v arm-none-eabi-gcc >/dev/null; then
    [ "$(id -u)" = 0 ] || die "arm-none-eabi-gcc is missing and installing it needs root"
    timeout 300 apt-get update -q || echo "warning: apt-get update reported errors (exit $?); going on" >&2
    timeout 600 apt-get install -y -q --no-install-recommends gcc-arm-none-eabi \
        || die "apt-get install gcc-arm-none-eabi failed (exit $?)"
fi
arm-none-eabi-gcc --version | head -n 1
command -v qemu-system-arm >/dev/null \
    || die "qemu-system-arm is missing (.ci/firmware.sh installs it; run that first)"
timeout 300 rustup target add "$FW_TARGET" >/dev/null || die "rustup target add $FW_TARGET failed"
(cd "$LIB_DIR" && timeout 900 cargo build --release --quiet --target "$FW_TARGET") \
    || die "$FW_TARGET staticlib build failed"
FW_LIB="$LIB_DIR/target/$FW_TARGET/release/libtiny_word2vec_c.a"
FW_BUILD="$BUILD/firmware-c"
mkdir -p "$FW_BUILD"
CFLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -g -std=c11
    -Wall -Wextra -Werror -ffreestanding -ffunction-sections -fdata-sections
    -Iinclude -I"$FW_DIR")
LDFLAGS=(-nostdlib -nostartfiles -Wl,--gc-sections -Wl,-z,noexecstack -Wl,-T,"$FW_DIR/link.ld")
for src in startup.c main.c panic.c model.S; do
    arm-none-eabi-gcc "${CFLAGS[@]}" -DMODEL_PATH="\"$MODEL\"" -c "$FW_DIR/$src" \
        -o "$FW_BUILD/${src%.*}.o" || die "arm-none-eabi-gcc failed on $src"
done
OBJS=("$FW_BUILD/startup.o" "$FW_BUILD/main.o" "$FW_BUILD/model.o")
FW_ELF="$FW_BUILD/firmware-c.elf"
arm-none-eabi-gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "${OBJS[@]}" "$FW_BUILD/panic.o" "$FW_LIB" -lgcc \
    -o "$FW_ELF" || die "firmware link failed"
arm-none-eabi-size "$FW_ELF"
qemu_cmd=(qemu-system-arm -machine mps2-an386 -nographic
    -semihosting-config enable=on,target=native -kernel "$FW_ELF")
echo "+ timeout 120 ${qemu_cmd[*]}"
set +e
timeout 120 "${qemu_cmd[@]}" </dev/null
status=$?
set -e
case $status in
    0) echo "C firmware exited 0 under QEMU" ;;
    124) die "C firmware timed out under QEMU (120 s)" ;;
    *) die "C firmware exited with status $status under QEMU" ;;
esac

# ---------------------------------------------------------------------------
step "4/4 no panic path: link the firmware without tw2v_rust_panic"
# The functions of the library that still call a panic (relocations to
# core's panic entry points in the archive's code), for the report.
panic_callers() {
    local dir
    dir=$(mktemp -d)
    (cd "$dir" && arm-none-eabi-ar x "$FW_LIB")
    for o in "$dir"/*.o; do
        arm-none-eabi-objdump -dr -C "$o" 2>/dev/null | awk '
            /^[0-9a-f]+ <.*>:$/ { fn = substr($0, index($0, "<") + 1); sub(/>:$/, "", fn) }
            /R_ARM_THM_(CALL|JUMP24)/ && /(panicking|slice_index_fail|len_mismatch_fail|unwrap_failed|expect_failed)/ \
                && fn !~ /^core::/ { print "  " fn }'
    done | sort | uniq -c
    rm -rf "$dir"
}
ALLOWED="$FW_DIR/panic-paths.txt"
if arm-none-eabi-gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "${OBJS[@]}" "$FW_LIB" -lgcc \
    -o "$FW_BUILD/firmware-c-no-panic.elf" 2>"$FW_BUILD/no-panic.log"; then
    echo "ok: no panic path of the library survives in the Cortex-M4F image (linked without tw2v_rust_panic)"
else
    grep -q "undefined reference to .tw2v_rust_panic" "$FW_BUILD/no-panic.log" \
        || { cat "$FW_BUILD/no-panic.log"; die "the no-panic link failed for another reason"; }
    echo "the link needs tw2v_rust_panic: panic paths survive. Library functions calling a panic entry point (calls, function):"
    callers=$(panic_callers)
    printf '%s\n' "$callers"
    new=$(printf '%s\n' "$callers" | awk '{ $1 = ""; sub(/^ +/, ""); print }' | while read -r fn; do
        awk -v fn="$fn" '!/^#/ && substr($0, 1, length(fn)) == fn && substr($0, length(fn) + 1, 1) ~ /^[ \t]?$/ { found = 1 } END { exit !found }' "$ALLOWED" || echo "$fn"
    done)
    [ -z "$new" ] || die "panic paths not documented in ${ALLOWED#"$ROOT"/}: $new"
    gone=$(grep -v '^#' "$ALLOWED" | awk 'NF { print $1 }' | while read -r fn; do
        printf '%s\n' "$callers" | grep -qF " $fn" || echo "$fn"
    done)
    [ -z "$gone" ] || echo "note: listed in ${ALLOWED#"$ROOT"/} but no longer calling a panic (remove them): $gone"
    echo "ok: every surviving panic path is one documented in ${ALLOWED#"$ROOT"/}"
fi

step "done: C ABI checks passed in $((SECONDS - START)) s"
