#!/usr/bin/env python3
"""Golden values for tests/golden.rs, computed independently in float64 numpy.

Run from the repository root:   python3 tests/golden/make_golden.py
It rewrites tests/golden/golden.txt (deterministic: fixed seed).

Every input is drawn in float64 and rounded to float32, so the Rust side (f32)
reads exactly the same numbers; every loss and gradient is then computed here
in float64 straight from its textbook formula, with plain loops over the
pairs/terms (no shared code with the Rust implementation).

File format: blocks that start with `[case]`, then `key = v1 v2 ...` lines
(numbers in Python's repr: shortest round-trip float64, or integers).
Matrices are written flat, row-major.
"""

import heapq
import os

import numpy as np

rng = np.random.RandomState(20240611)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.txt")


def f32(a):
    """Round to float32 and back: the inputs both sides use."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def rand(*shape, scale=1.0):
    return f32(rng.uniform(-scale, scale, size=shape))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def logsumexp(x):
    m = x.max()
    return m + np.log(np.exp(x - m).sum())


# ---------------------------------------------------------------- losses


def full_softmax(v_c, o, U):
    theta = U @ v_c
    y_hat = softmax(theta)
    J = logsumexp(theta) - theta[o]
    delta = y_hat.copy()
    delta[o] -= 1.0
    return J, U.T @ delta, np.outer(delta, v_c)


def negative_sampling(v_c, o, negatives, U):
    J = -log_sigmoid(U[o] @ v_c)
    g_v = (sigmoid(U[o] @ v_c) - 1.0) * U[o]
    g_U = np.zeros_like(U)
    g_U[o] += (sigmoid(U[o] @ v_c) - 1.0) * v_c
    for k in negatives:  # a repeated negative is a repeated term
        s = U[k] @ v_c
        J += -log_sigmoid(-s)
        g_v += sigmoid(s) * U[k]
        g_U[k] += sigmoid(s) * v_c
    return J, g_v, g_U


def hierarchical_softmax(h, code, points, syn1):
    J = 0.0
    g_h = np.zeros_like(h)
    g_syn1 = np.zeros_like(syn1)
    for c, n in zip(code, points):
        x = syn1[n] @ h
        t = 1.0 - c  # word2vec.c: label = 1 - code
        J += -(t * log_sigmoid(x) + (1.0 - t) * log_sigmoid(-x))
        g = sigmoid(x) - t
        g_h += g * syn1[n]
        g_syn1[n] += g * h
    return J, g_h, g_syn1


def cross_entropy(y, logits):
    y_hat = softmax(logits)
    onehot = np.zeros_like(logits)
    onehot[y] = 1.0
    J = -np.sum(onehot * (logits - logsumexp(logits)))
    return J, y_hat, y_hat - onehot


# ---------------------------------------------------------------- Huffman


def word2vec_c_tree(counts):
    """Transliteration of word2vec.c CreateBinaryTree (1e15 sentinel and all)."""
    V = len(counts)
    count = [0] * (2 * V + 1)
    binary = [0] * (2 * V + 1)
    parent = [0] * (2 * V + 1)
    for a in range(V):
        count[a] = counts[a]
    for a in range(V, 2 * V):
        count[a] = 10**15
    pos1, pos2 = V - 1, V
    for a in range(V - 1):
        mins = []
        for _ in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                mins.append(pos1)
                pos1 -= 1
            else:
                mins.append(pos2)
                pos2 += 1
        count[V + a] = count[mins[0]] + count[mins[1]]
        parent[mins[0]] = V + a
        parent[mins[1]] = V + a
        binary[mins[1]] = 1
    codes, points = [], []
    for a in range(V):
        code, point = [], []
        b = a
        while True:
            code.append(binary[b])
            point.append(b)
            b = parent[b]
            if b == 2 * V - 2:
                break
        L = len(code)
        # vocab[a].point[0] = V - 2; point[L - b] = point[b] - V
        vp = [0] * (L + 1)
        vp[0] = V - 2
        vc = [0] * L
        for i in range(L):
            vc[L - i - 1] = code[i]
            vp[L - i] = point[i] - V
        codes.append(vc)
        points.append(vp[:L])  # vp[L] is the leaf itself (negative), unused
    return codes, points


def check_tree(counts, codes, points):
    """Independent checks: a consistent binary tree, prefix-free, and optimal
    (its weighted path length equals that of a heapq Huffman code)."""
    V = len(counts)
    child = {}
    for w in range(V):
        assert points[w][0] == V - 2, "root first"
        for d, (c, n) in enumerate(zip(codes[w], points[w])):
            assert c in (0, 1) and 0 <= n < V - 1
            nxt = ("node", points[w][d + 1]) if d + 1 < len(codes[w]) else ("leaf", w)
            assert child.setdefault((n, c), nxt) == nxt, "inconsistent tree"
    assert len(child) == 2 * (V - 1), "every inner node has two children"
    strings = ["".join(map(str, c)) for c in codes]
    for i, a in enumerate(strings):
        for j, b in enumerate(strings):
            assert i == j or not b.startswith(a), "prefix-free"
    heap = list(counts)
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        s = heapq.heappop(heap) + heapq.heappop(heap)
        cost += s
        heapq.heappush(heap, s)
    assert cost == sum(c * len(code) for c, code in zip(counts, codes)), "optimal"


# ---------------------------------------------------------------- cases

cases = []


def case(name, **kv):
    cases.append((name, kv))


# Full softmax, one pair. D = 10: one SIMD register plus a tail.
V, D = 6, 10
v_c, U = rand(D), rand(V, D)
J, g_v, g_U = full_softmax(v_c, 3, U)
case("full_softmax", vocab=V, dim=D, o=3, v_c=v_c, u=U, loss=J, grad_v_c=g_v, grad_u=g_U)

# Negative sampling, one pair, with a repeated negative and the outside word
# among the negatives.
negs = [2, 4, 2, 1, 5]
J, g_v, g_U = negative_sampling(v_c, 1, negs, U)
case(
    "negative_sampling", vocab=V, dim=D, o=1, negatives=negs, v_c=v_c, u=U,
    loss=J, grad_v_c=g_v, grad_u=g_U,
)

# Huffman trees: counts sorted descending, with ties.
huff_counts = [
    [4, 3, 2, 1],
    [30, 20, 12, 12, 7, 4, 4],
    sorted(rng.randint(1, 1000, size=25).tolist(), reverse=True),
    [5, 5, 5, 5, 5, 5, 5, 5],
]
trees = []
for i, counts in enumerate(huff_counts):
    codes, points = word2vec_c_tree(counts)
    check_tree(counts, codes, points)
    trees.append((codes, points))
    case(
        f"huffman_{i}", counts=counts, lengths=[len(c) for c in codes],
        codes=[b for c in codes for b in c], points=[p for q in points for p in q],
    )
codes7, points7 = trees[1]  # the V = 7 tree, used below

# Window cases: V = 7 words, D = 10.
V, D = 7, 10
Vm, U, syn1 = rand(V, D), rand(V, D), rand(V - 1, D)
center, outside = 2, [0, 5, 3, 5]
K = 2
sg_negs = [[1, 4], [6, 6], [0, 2], [4, 1]]

# Skip-gram, full softmax: J = Σ_o J_softmax(v_c, o).
J, g_V, g_U = 0.0, np.zeros_like(Vm), np.zeros_like(U)
for o in outside:
    j, gv, gu = full_softmax(Vm[center], o, U)
    J, g_V[center], g_U = J + j, g_V[center] + gv, g_U + gu
case(
    "skipgram_softmax", vocab=V, dim=D, center=center, outside=outside, v=Vm, u=U,
    loss=J, grad_v=g_V, grad_u=g_U,
)

# Skip-gram, negative sampling.
J, g_V, g_U = 0.0, np.zeros_like(Vm), np.zeros_like(U)
for o, negs in zip(outside, sg_negs):
    j, gv, gu = negative_sampling(Vm[center], o, negs, U)
    J, g_V[center], g_U = J + j, g_V[center] + gv, g_U + gu
case(
    "skipgram_ns", vocab=V, dim=D, center=center, outside=outside, k=K,
    negatives=[n for r in sg_negs for n in r], v=Vm, u=U, loss=J, grad_v=g_V, grad_u=g_U,
)

# Skip-gram, hierarchical softmax over the V = 7 tree.
J, g_V, g_S = 0.0, np.zeros_like(Vm), np.zeros_like(syn1)
for o in outside:
    j, gv, gs = hierarchical_softmax(Vm[center], codes7[o], points7[o], syn1)
    J, g_V[center], g_S = J + j, g_V[center] + gv, g_S + gs
case(
    "skipgram_hs", vocab=V, dim=D, center=center, outside=outside,
    counts=huff_counts[1], v=Vm, u=syn1, loss=J, grad_v=g_V, grad_u=g_S,
)

# Hierarchical softmax of one word (the deepest one) given h.
h = rand(D)
w = max(range(V), key=lambda i: len(codes7[i]))
J, g_h, g_S = hierarchical_softmax(h, codes7[w], points7[w], syn1)
case(
    "hierarchical_softmax", vocab=V, dim=D, counts=huff_counts[1], word=w, h=h,
    syn1=syn1, loss=J, grad_h=g_h, grad_syn1=g_S,
)

# CBOW: h = mean of the context rows (a repeated context word counts twice);
# each context occurrence gets ∂J/∂h / m.
c_center, context = 3, [1, 5, 1, 6]
cbow_negs = [0, 2, 2, 3]
m = len(context)
h = sum(Vm[w] for w in context) / m
for name, fn, out in [
    ("cbow_softmax", lambda: full_softmax(h, c_center, U), U),
    ("cbow_ns", lambda: negative_sampling(h, c_center, cbow_negs, U), U),
    ("cbow_hs", lambda: hierarchical_softmax(h, codes7[c_center], points7[c_center], syn1), syn1),
]:
    J, g_h, g_out = fn()
    g_V = np.zeros_like(Vm)
    for w in context:
        g_V[w] += g_h / m
    extra = {}
    if name == "cbow_ns":
        extra["negatives"] = cbow_negs
    if name == "cbow_hs":
        extra["counts"] = huff_counts[1]
    case(
        name, vocab=V, dim=D, center=c_center, context=context, v=Vm, u=out,
        loss=J, grad_v=g_V, grad_u=g_out, **extra,
    )

# Softmax cross-entropy.
logits = rand(7, scale=3.0)
J, y_hat, g = cross_entropy(4, logits)
case("cross_entropy", y=4, logits=logits, loss=J, probs=y_hat, grad_logits=g)

# One-hidden-layer classifier: h = σ(x W1 + b1), ŷ = softmax(h W2 + b2).
dx, H, dy = 9, 10, 4
x = rand(dx)
W1, b1, W2, b2 = rand(dx, H), rand(H, scale=0.5), rand(H, dy), rand(dy, scale=0.5)
y = 2
z1 = x @ W1 + b1
hid = sigmoid(z1)
theta = hid @ W2 + b2
J, y_hat, d2 = cross_entropy(y, theta)
g_W2 = np.outer(hid, d2)
g_b2 = d2
g_hid = W2 @ d2
d1 = g_hid * hid * (1.0 - hid)
g_W1 = np.outer(x, d1)
g_b1 = d1
g_x = W1 @ d1
params = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])
grads = np.concatenate([g_W1.ravel(), g_b1, g_W2.ravel(), g_b2])
assert len(params) == H * (dx + dy + 1) + dy
case(
    "nn", dx=dx, h=H, dy=dy, y=y, x=x, params=params, loss=J, probs=y_hat,
    hidden=hid, grads=grads, grad_x=g_x,
)


# Skip-gram with a subword input (Bojanowski et al. 2017), negative
# sampling: the center's vector is the mean of its rows of a (V + B)×D
# syn0 (its own row, then n-gram rows V + b, one listed twice).
V, B, D, K = 5, 4, 6, 3
Vm, U = rand(V + B, D), rand(V, D)
sub_rows = [2, V + 1, V + 3, V + 1]
sub_outside = [0, 4]
sub_negs = [[int(t) for t in rng.randint(0, V, size=K)] for _ in sub_outside]
h = sum(Vm[r] for r in sub_rows) / len(sub_rows)
J, g_h, g_U = 0.0, np.zeros(D), np.zeros_like(U)
for o, negs in zip(sub_outside, sub_negs):
    j, gh, gu = negative_sampling(h, o, negs, U)
    J, g_h, g_U = J + j, g_h + gh, g_U + gu
g_V = np.zeros_like(Vm)
for r in sub_rows:
    g_V[r] += g_h / len(sub_rows)
case(
    "skipgram_subwords_ns", vocab=V, bucket=B, dim=D, rows=sub_rows, outside=sub_outside,
    k=K, negatives=[n for r in sub_negs for n in r], v=Vm, u=U, loss=J, grad_v=g_V,
    grad_u=g_U,
)


def fmt(v):
    a = np.asarray(v)
    if a.dtype.kind in "iu":
        return " ".join(str(int(t)) for t in a.ravel())
    return " ".join(repr(float(t)) for t in a.ravel())


with open(OUT, "w") as f:
    f.write("# Golden values for tests/golden.rs. Generated by make_golden.py\n")
    f.write(f"# (numpy {np.__version__}, float64); do not edit by hand.\n")
    for name, kv in cases:
        f.write(f"\n[{name}]\n")
        for k, v in kv.items():
            if isinstance(v, (list, tuple)) and len(v) == 0:
                f.write(f"{k} =\n")
            else:
                f.write(f"{k} = {fmt(v)}\n")
print(f"wrote {len(cases)} cases to {OUT}")
