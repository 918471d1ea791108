#!/usr/bin/env bash
# Pretrained models as big as users have: a synthetic 3,000,000 x 300
# word2vec binary file (GoogleNews-vectors-negative300.bin's shape, 3.6 GB),
# then side by side, in one run: gensim's
# KeyedVectors.load_word2vec_format(..., binary=True) + most_similar, and
# `w2v similar` on the .bin (memory-mapped) and on an int8 blob of it
# (`w2v export --int8`, streamed). For each: seconds to the first answer,
# CPU seconds (user + system) and peak RSS (`/usr/bin/time -f '%e %M %U %S'`).
#
#   bash benches/big_model.sh [W2V] [PYTHON]
#
# W2V defaults to target/release/w2v; PYTHON to a venv made under $TMPDIR
# with numpy and gensim (pip). Needs about 5 GB free under $TMPDIR (the
# .bin, the blob) and 6 GB of memory (gensim's copy); everything it writes
# is removed at the end. Each query runs twice, the page cache warm (the
# file was just written), the second run reported.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
w2v="$(realpath "${1:-$root/target/release/w2v}")"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/w2v-big.XXXXXX")"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
V=${V:-3000000}
D=${D:-300}
WORD=${WORD:-w1000}

py="${2:-}"
if [ -z "$py" ]; then
  python3 -m venv "$tmp/venv"
  "$tmp/venv/bin/pip" install -q numpy gensim
  py="$tmp/venv/bin/python"
fi

# Random unit vectors; words of realistic lengths (5-15 bytes, as
# GoogleNews' phrases: a prefix, a row number, letters). Rows in word2vec
# C's layout: word, space, D little-endian f32, newline. Written in chunks.
"$py" - "$tmp/big.bin" "$V" "$D" <<'EOF'
import sys, numpy as np
path, v, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
with open(path, "wb") as f:
    f.write(f"{v} {d}\n".encode())
    chunk = 100_000
    for start in range(0, v, chunk):
        n = min(chunk, v - start)
        x = rng.standard_normal((n, d), dtype=np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        tails = rng.integers(0, 26, size=(n, 6))
        lens = rng.integers(0, 7, size=n)
        out = bytearray()
        for i in range(n):
            tail = bytes(letters[tails[i, :lens[i]]])
            out += b"w%d%s " % (start + i, tail if i % 2 else b"")
            out += x[i].astype("<f4").tobytes()
            out += b"\n"
        f.write(out)
EOF
ls -l "$tmp/big.bin"
"$w2v" export --vectors "$tmp/big.bin" --out "$tmp/big.blob" --int8 >/dev/null
ls -l "$tmp/big.blob"

# run NAME COMMAND...: seconds and peak RSS (KB) of the second of two runs
# (gensim also prints its own seconds from the load to the answer, without
# Python's start-up and imports, to stderr).
run() {
  local name="$1"
  shift
  "$@" >/dev/null 2>&1
  /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err"
  read -r secs kb user sys <"$tmp/time"
  local own
  own="$(tail -1 "$tmp/err" | grep -E '^[0-9.]+$' || echo '–')"
  printf '| %s | %s | %.2f | %s | %.2f | %.0f |\n' "$name" "$(head -1 "$tmp/out" | cut -f1)" \
    "$secs" "$own" "$(awk "BEGIN { print $user + $sys }")" "$((kb / 1024))"
}

cat >"$tmp/query_gensim.py" <<'EOF'
import sys, time
from gensim.models import KeyedVectors
t0 = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
for w, s in kv.most_similar(sys.argv[2], topn=10):
    print(f"{w}\t{s:.4f}")
print(f"{time.perf_counter() - t0:.2f}", file=sys.stderr)
EOF
echo
echo "| tool | first neighbour of $WORD | seconds to the first answer | of which load + query | CPU seconds | peak RSS, MB |"
echo "|---|---|---:|---:|---:|---:|"
run "gensim load_word2vec_format + most_similar" "$py" "$tmp/query_gensim.py" "$tmp/big.bin" "$WORD"
run "w2v similar on the .bin (mapped)" "$w2v" similar --vectors "$tmp/big.bin" "$WORD"
run "w2v similar on the int8 blob (mapped)" "$w2v" similar --vectors "$tmp/big.blob" "$WORD"
echo
echo "f32 matrix: $((V * D * 4 / 1024 / 1024)) MB"
