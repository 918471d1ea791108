#!/usr/bin/env bash
# Bare-metal checks for tiny-word2vec:
#   1. installs the thumbv7em-none-eabihf / thumbv6m-none-eabi targets (rustup);
#   2. installs qemu-system-arm if missing, from <codename>-backports at the
#      same version as the machine's qemu-utils, refusing any apt removal;
#   3. exports the demo models on the host (examples/export_model: trains on
#      data/moby-dick.txt with a fixed seed, writes examples/firmware/model.bin
#      as int8, and fails unless int8 keeps >= 90% of the f32 top-10 neighbours;
#      then the same for the subword model, minn 3, maxn 6, 20000 n-gram rows,
#      examples/firmware/model-subword.bin);
#   4. builds examples/firmware (release) and runs it under QEMU mps2-an386,
#      failing on a non-zero exit status (semihosting SYS_EXIT) or a time-out;
#      then builds it again with --features baseline (no library code, no model)
#      as the size reference;
#   5. builds the no_std core for thumbv6m-none-eabi and thumbv7em-none-eabihf;
#   6. prints the firmware's footprint: flash (text) and RAM (data + bss + the
#      peak stack the firmware measured), the model's share, and the library's
#      share (the size difference to the baseline build, and the sizes of the
#      tiny_word2vec/libm symbols left after LTO, from llvm-nm).
#
# Idempotent; needs root only when qemu-system-arm is not installed yet.
# Usage: bash .ci/firmware.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FW_DIR="$ROOT/examples/firmware"
FW_TARGET=thumbv7em-none-eabihf
M0_TARGET=thumbv6m-none-eabi
QEMU_MACHINE=mps2-an386
# Our own apt source file (only written when no backports source exists).
BPO_SOURCES=/etc/apt/sources.list.d/tiny-word2vec-backports.sources
export DEBIAN_FRONTEND=noninteractive

START=$SECONDS
step() { printf '\n==> [firmware %3ss] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '\nfirmware.sh: ERROR: %s\n' "$*" >&2; exit 1; }

cd "$ROOT"

# ---------------------------------------------------------------------------
step "1/6 rustup targets: $FW_TARGET $M0_TARGET"
command -v rustup >/dev/null || die "rustup not found"
timeout 300 rustup target add "$FW_TARGET" "$M0_TARGET" \
    || die "rustup target add $FW_TARGET $M0_TARGET failed (exit $?)"

# ---------------------------------------------------------------------------
# Prints "URI SIGNED_BY" (SIGNED_BY may be empty) of the machine's main Debian
# apt source for suite $1, read from the deb822 file or, failing that, from a
# one-line sources.list. Nothing about the mirror is hard-coded here.
debian_mirror() {
    local codename=$1 f
    for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v want="$codename" '
            BEGIN { RS = ""; FS = "\n" }
            {
                types = ""; uris = ""; suites = ""; signed = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    line = $i
                    if (line ~ /^[ \t]*#/) continue
                    key = tolower(line); sub(/:.*/, "", key)
                    val = line; sub(/^[^:]*:[ \t]*/, "", val)
                    if (key == "types") types = val
                    else if (key == "uris") uris = val
                    else if (key == "suites") suites = val
                    else if (key == "signed-by") signed = val
                    else if (key == "enabled") enabled = tolower(val)
                }
                gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites)
                if (enabled == "no" || (" " types " ") !~ / deb /) next
                if ((" " suites " ") !~ (" " want " ")) next
                split(uris, u, /[ \t]+/)
                if (signed ~ /[ \t]/) signed = ""   # inline key: not reusable
                print u[1], signed
                exit
            }' "$f" | grep . && return 0
    done
    if [ -f /etc/apt/sources.list ]; then
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' /etc/apt/sources.list \
            | awk -v want="$codename" '$1 == "deb" && $3 == want { print $2; exit }' \
            | grep . && return 0
    fi
    return 1
}

ensure_qemu() {
    if command -v qemu-system-arm >/dev/null \
        && qemu-system-arm -machine help | grep -qw "$QEMU_MACHINE"; then
        echo "qemu-system-arm already installed: $(qemu-system-arm --version | head -n1)"
        return 0
    fi
    [ "$(id -u)" = 0 ] || die "qemu-system-arm is missing and installing it needs root"
    command -v apt-get >/dev/null || die "qemu-system-arm is missing and apt-get is not available"

    local codename bpo mirror uri signed utils_before utils_after spec sim removals
    # shellcheck disable=SC1091
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || die "cannot tell the Debian codename from /etc/os-release"
    bpo="$codename-backports"

    # The image ships qemu-utils from $bpo; qemu-system-arm from the default
    # suite would make apt remove it. So use $bpo, at the same version.
    if grep -rsqE "^[^#]*[[:space:]]$bpo([[:space:]]|$)" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        echo "apt source for $bpo already configured"
    else
        mirror=$(debian_mirror "$codename") \
            || die "no Debian apt source for '$codename' found to derive $bpo from"
        read -r uri signed <<<"$mirror"
        echo "adding apt source $BPO_SOURCES for $bpo (mirror taken from the existing $codename source)"
        {
            echo "Types: deb"
            echo "URIs: $uri"
            echo "Suites: $bpo"
            echo "Components: main"
            if [ -n "$signed" ]; then echo "Signed-By: $signed"; fi
        } >"$BPO_SOURCES"
    fi

    utils_before=$(dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null || true)
    echo "qemu-utils before: ${utils_before:-not installed}"
    dpkg -l qemu-utils 2>/dev/null | tail -n +6 || true

    timeout 300 apt-get update -q || echo "warning: apt-get update reported errors (exit $?); going on" >&2

    if [ -n "$utils_before" ]; then
        spec="qemu-system-arm=$utils_before"
    else
        spec="qemu-system-arm"
    fi
    # Dry run first: refuse anything that would remove a package.
    sim=$(timeout 300 apt-get -s -q install -y --no-install-recommends -t "$bpo" "$spec" 2>&1) || {
        printf '%s\n' "$sim" >&2
        die "apt-get cannot install $spec from $bpo"
    }
    removals=$(printf '%s\n' "$sim" | grep '^Remv ' || true)
    if [ -n "$removals" ]; then
        printf '%s\n' "$removals" >&2
        die "installing $spec would remove the packages above; refusing"
    fi
    printf '%s\n' "$sim" | grep '^Inst ' || true

    timeout 600 apt-get install -y -q --no-remove --no-install-recommends -t "$bpo" "$spec" \
        || die "apt-get install $spec failed (exit $?)"

    utils_after=$(dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null || true)
    echo "qemu-utils after: ${utils_after:-not installed}"
    dpkg -l qemu-utils 2>/dev/null | tail -n +6 || true
    [ "$utils_before" = "$utils_after" ] \
        || die "qemu-utils changed from '${utils_before}' to '${utils_after}'"
    qemu-system-arm -machine help | grep -qw "$QEMU_MACHINE" \
        || die "installed qemu-system-arm has no $QEMU_MACHINE machine"
    echo "installed: $(qemu-system-arm --version | head -n1)"
}

step "2/6 qemu-system-arm"
ensure_qemu

# ---------------------------------------------------------------------------
step "3/6 export the demo model on the host (int8) and measure int8 vs f32"
MODEL_BIN="$FW_DIR/model.bin"
timeout 1200 cargo run --release --features std --example export_model -- --out "$MODEL_BIN" \
    || die "model export failed (or int8 lost too many f32 neighbours)"
[ -s "$MODEL_BIN" ] || die "no model at $MODEL_BIN"
SUBWORD_BIN="$FW_DIR/model-subword.bin"
timeout 1200 cargo run --release --features std --example export_model -- --out "$SUBWORD_BIN" \
    --minn 3 --maxn 6 --bucket 20000 \
    || die "subword model export failed (or int8 lost too many f32 neighbours)"
[ -s "$SUBWORD_BIN" ] || die "no subword model at $SUBWORD_BIN"

# ---------------------------------------------------------------------------
step "4/6 build examples/firmware (release) and run it under QEMU $QEMU_MACHINE"
# Build from the firmware directory so its .cargo/config.toml (target, linker
# script) applies; ask cargo where the ELF is rather than guessing target/.
build_fw() {
    local json elf
    json=$(cd "$FW_DIR" && timeout 900 cargo build --release --message-format=json-render-diagnostics "$@") \
        || die "firmware build failed ($*)"
    elf=$(printf '%s\n' "$json" \
        | grep -o '"executable":"[^"]*"' | tail -n 1 | sed 's/^"executable":"//; s/"$//')
    [ -n "$elf" ] && [ -f "$elf" ] || die "cannot find the firmware ELF in cargo's output"
    printf '%s\n' "$elf"
}
# Both builds write the same ELF path: keep copies.
FW_ELF="$FW_DIR/target/firmware.elf"
BASE_ELF="$FW_DIR/target/firmware-baseline.elf"
elf=$(build_fw)
cp "$elf" "$FW_ELF"
echo "firmware ELF: $FW_ELF"

qemu_cmd=(qemu-system-arm -machine "$QEMU_MACHINE" -nographic
    -semihosting-config enable=on,target=native -kernel "$FW_ELF")
QEMU_LOG="$FW_DIR/target/qemu.log"
echo "+ timeout 120 ${qemu_cmd[*]}"
set +e
timeout 120 "${qemu_cmd[@]}" </dev/null | tee "$QEMU_LOG"
status=${PIPESTATUS[0]}
set -e
case $status in
    0) echo "firmware exited 0 under QEMU" ;;
    124) die "firmware timed out under QEMU (120 s)" ;;
    *) die "firmware exited with status $status under QEMU" ;;
esac

# The subword model's outputs: neighbours of three out-of-vocabulary words,
# and fine-tuning that moved n-gram rows.
oov_lines=$(grep -c '(not in the vocabulary, [0-9]* n-grams): ' "$QEMU_LOG" || true)
[ "$oov_lines" -ge 3 ] || die "the firmware printed neighbours of $oov_lines out-of-vocabulary words (want 3)"
grep -q '^\[ok\] 3 words not in the vocabulary' "$QEMU_LOG" \
    || die "the out-of-vocabulary neighbour check did not pass"
updated=$(sed -n 's/.*n-gram rows updated: \([0-9]*\) of [0-9]*$/\1/p' "$QEMU_LOG" | tail -n 1)
[ -n "$updated" ] && [ "$updated" -gt 0 ] || die "fine-tuning updated no n-gram rows"
grep -q "^\[ok\] the sentence words' n-gram rows were updated" "$QEMU_LOG" \
    || die "the n-gram fine-tuning check did not pass"
grep -q '^\[ok\] an out-of-vocabulary word sharing' "$QEMU_LOG" \
    || die "fine-tuning did not move the out-of-vocabulary word"
echo "subword checks: $oov_lines out-of-vocabulary neighbour lines, $updated n-gram rows fine-tuned"

echo "+ cargo build --release --features baseline (size reference)"
elf=$(build_fw --features baseline)
cp "$elf" "$BASE_ELF"

# ---------------------------------------------------------------------------
step "5/6 build the no_std core for $M0_TARGET (Cortex-M0) and $FW_TARGET (Cortex-M4F)"
for t in "$M0_TARGET" "$FW_TARGET"; do
    echo "+ cargo build --no-default-features --target $t"
    timeout 900 cargo build --no-default-features --target "$t" \
        || die "core build for $t failed"
done

# ---------------------------------------------------------------------------
step "6/6 firmware footprint"
# llvm-size / llvm-nm from rustup's llvm-tools component; Debian's
# arm-none-eabi binutils as a fall-back.
host=$(rustc -vV | sed -n 's/^host: //p')
tools="$(rustc --print sysroot)/lib/rustlib/$host/bin"
if [ ! -x "$tools/llvm-size" ] || [ ! -x "$tools/llvm-nm" ]; then
    timeout 300 rustup component add llvm-tools || echo "warning: rustup component add llvm-tools failed" >&2
fi
size_tool="$tools/llvm-size"
nm_tool="$tools/llvm-nm"
if [ ! -x "$size_tool" ] || [ ! -x "$nm_tool" ]; then
    if ! command -v arm-none-eabi-size >/dev/null && [ "$(id -u)" = 0 ]; then
        timeout 600 apt-get install -y -q --no-remove --no-install-recommends binutils-arm-none-eabi \
            || die "apt-get install binutils-arm-none-eabi failed"
    fi
    size_tool=$(command -v arm-none-eabi-size || true)
    nm_tool=$(command -v arm-none-eabi-nm || true)
fi
[ -n "$size_tool" ] && [ -x "$size_tool" ] || die "no size tool (llvm-size or arm-none-eabi-size) available"
[ -n "$nm_tool" ] && [ -x "$nm_tool" ] || die "no nm tool (llvm-nm or arm-none-eabi-nm) available"

echo "+ $(basename "$size_tool") $FW_ELF $BASE_ELF"
"$size_tool" "$FW_ELF" "$BASE_ELF"
echo "+ $(basename "$size_tool") -A $FW_ELF"
"$size_tool" -A "$FW_ELF" | grep -E '^(section|\.vector_table|\.text|\.rodata|\.data|\.bss|\.uninit) '

# Berkeley columns: text data bss.
read -r text data bss < <("$size_tool" "$FW_ELF" | awk 'NR == 2 { print $1, $2, $3 }')
read -r btext bdata bbss < <("$size_tool" "$BASE_ELF" | awk 'NR == 2 { print $1, $2, $3 }')
word_model=$(stat -c %s "$MODEL_BIN")
subword_model=$(stat -c %s "$SUBWORD_BIN")
model=$((word_model + subword_model))
oov_stack=$(sed -n 's/^OOV lookup .*: \([0-9]*\) bytes of stack$/\1/p' "$QEMU_LOG" | tail -n 1)
[ -n "$oov_stack" ] || die "the firmware did not report the stack of the OOV lookup"
stack=$(sed -n 's/^peak stack use: \([0-9]*\) bytes.*/\1/p' "$QEMU_LOG" | tail -n 1)
[ -n "$stack" ] || die "the firmware did not report its peak stack use"
# Symbols left after LTO that belong to the library (and libm, which only it
# uses); code the compiler inlined into the firmware's functions is not here.
lib_symbols() {
    local addr size kind name
    "$nm_tool" --print-size --size-sort --reverse-sort --demangle "$FW_ELF" \
        | while read -r addr size kind name; do
            case $kind in t | T | r | R) ;; *) continue ;; esac
            case $name in tiny_word2vec::* | "<tiny_word2vec::"* | libm::*) ;; *) continue ;; esac
            printf '%d %s\n' "$((16#$size))" "$name"
        done
}
lib_list=$(lib_symbols)
lib_syms=$(printf '%s\n' "$lib_list" | awk '{ s += $1 } END { print s + 0 }')
echo "library symbols (tiny_word2vec::*, libm::*) after LTO, largest first:"
# sed, not head: head would close the pipe early and trip pipefail.
printf '%s\n' "$lib_list" | sed -n '1,15s/^\([0-9]*\) /  \1  /p'

cat <<EOF

firmware footprint (thumbv7em-none-eabihf, opt-level s, fat LTO):
  flash (text):        $text B = model blobs $model B (word-only $word_model B + subword $subword_model B) + code and constants $((text - model)) B
  OOV lookup stack:    $oov_stack B (vector_of + nearest_vector of a word not in the subword model's vocabulary)
  RAM:                 data $data B + bss $bss B + peak stack $stack B = $((data + bss + stack)) B
  baseline (no library, no model): text $btext B, data $bdata B, bss $bbss B
  library + demo code: $((text - model - btext)) B of flash (full - model - baseline), $((bss - bbss)) B of bss
  library symbols:     $lib_syms B (tiny_word2vec::* and libm::* functions left after LTO)
EOF

step "done: firmware checks passed in $((SECONDS - START)) s"
