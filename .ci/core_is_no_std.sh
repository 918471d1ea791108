#!/usr/bin/env bash
# The no_std core stays no_std: no file under src/core/ may mention
# `crate::host`, `std::` or `extern crate std` outside its test module.
#
# How test modules are handled: a file is checked up to its first
# `#[cfg(test)]` (or `#[cfg(all(test, …))]`) line, and that line must be
# followed (after further attributes) by a `mod` item: the crate keeps unit
# tests in one module at the end of each file, so everything after it is
# test code. A `#[cfg(test)]` that guards anything but a module fails the
# check, so test-only code cannot hide in the middle of a file. Comments are
# checked too (a doc line naming `std::` is treated like code: use "`std`").
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
while IFS= read -r -d '' f; do
  out="$(awk -v file="$f" '
    /^[[:space:]]*#\[cfg\((all\()?test[,)]/ { intest = NR; next }
    intest && /^[[:space:]]*#\[/ { next }
    intest {
      if ($0 !~ /^[[:space:]]*(pub(\([a-z]+\))? )?mod [a-z_]+/) {
        printf "%s:%d: #[cfg(test)] guards something other than a module\n", file, intest
      }
      exit
    }
    /crate::host|(^|[^a-z_])std::|extern crate std/ {
      printf "%s:%d: %s\n", file, NR, $0
    }
  ' "$f")"
  if [ -n "$out" ]; then
    echo "$out"
    status=1
  fi
done < <(find src/core -name '*.rs' -print0 | sort -z)

if [ "$status" -ne 0 ]; then
  echo "FAILED: src/core/ must not use std or the host side outside #[cfg(test)] modules" >&2
else
  echo "ok: src/core/ uses neither std nor crate::host outside its test modules"
fi
exit "$status"
