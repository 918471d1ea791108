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
