#!/usr/bin/env python3
"""Golden character n-grams and hashes for src/core/subword.rs's tests.

Run from the repository root:   python3 tests/golden/subword_golden.py
It prints Rust array literals to paste into the tests (deterministic).

Written from the published description of the subword model's rules, with
no code shared with the Rust side:
- the word is wrapped as "<" + word + ">" and walked over its UTF-8 bytes;
  a character starts at every byte that is not a continuation byte
  (0b10xxxxxx), and spans the continuation bytes after it;
- from every character start, n-grams of n = 1, 2, ... characters grow to the
  right while characters remain and n <= maxn; one is kept when n >= minn,
  except the 1-grams "<" (at the start) and ">" (at the end);
- the hash is 32-bit FNV-1a whose XOR step takes each byte as a signed
  8-bit value widened to 32 bits (so 0xC3 is XORed as 0xFFFFFFC3), and the
  bucket is hash mod bucket.
"""

M32 = 0xFFFFFFFF


def fnv1a_signed(data: bytes) -> int:
    h = 2166136261
    for b in data:
        signed = b - 256 if b >= 128 else b
        h ^= signed & M32
        h = (h * 16777619) & M32
    return h


def ngrams(word: str, minn: int, maxn: int):
    s = ("<" + word + ">").encode("utf-8")
    out = []
    for i in range(len(s)):
        if s[i] & 0xC0 == 0x80:
            continue
        j, n = i, 0
        while j < len(s) and n < maxn:
            j += 1
            while j < len(s) and s[j] & 0xC0 == 0x80:
                j += 1
            n += 1
            if n >= minn and not (n == 1 and (i == 0 or j == len(s))):
                out.append(s[i:j])
    return out


CASES = [
    ("where", 3, 3, 2_000_000),
    ("where", 3, 6, 2_000_000),
    ("a", 3, 6, 2_000_000),
    ("", 1, 3, 2_000_000),
    ("ab", 1, 2, 1000),
    ("été", 3, 6, 2_000_000),
    ("日本語", 2, 4, 20_000),
    ("naïve🐋", 3, 5, 20_000),
]

if __name__ == "__main__":
    for word, minn, maxn, bucket in CASES:
        print(f"// {word!r} minn={minn} maxn={maxn} bucket={bucket}")
        for g in ngrams(word, minn, maxn):
            h = fnv1a_signed(g)
            text = g.decode("utf-8").replace("\\", "\\\\").replace('"', '\\"')
            print(f'("{text}", {h:#010x}, {h % bucket}),')
