"""RFC 6962 §2.1 Merkle tree hash, audit paths and consistency proofs (SHA-256).

Two forms of the same mathematics:

* the literal RFC 6962 definitions over a list of leaf inputs (`mth`, `path`, `proof`), used as
  the reference in tests;
* `root`, `inclusion_proof` and `consistency_proof` over a *hash source*: a callable
  `get(level, index) -> bytes` returning the hash of the complete aligned subtree covering leaves
  `[index * 2**level, (index + 1) * 2**level)`. The ledger backs it with stored nodes, so proofs
  for any size need O(log² n) lookups and no rescan. `needed_nodes` lists the lookups a call will
  make, so a database source can fetch them all in one query.

The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 and use nothing but the proof.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HashSource = Callable[[int, int], bytes]

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


# --- RFC 6962 §2.1, literally, over leaf inputs ---------------------------------------------

def mth(leaves: Sequence[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hash(leaves[0])
    k = _split(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if not 0 <= m < n:
        raise ValueError("leaf index out of range")
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if not 0 <= m <= n:
        raise ValueError("first size out of range")
    if m == 0 or m == n:
        return []
    return _subproof(m, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = _split(n)
    if m <= k:
        return _subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


# --- The same over a hash source of complete aligned subtrees --------------------------------

def range_hash(lo: int, hi: int, get: HashSource) -> bytes:
    """MTH of leaves [lo, hi), where lo is aligned to the largest power of two ≤ hi - lo."""
    size = hi - lo
    if size <= 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return get(level, lo >> level)
    k = _split(size)
    return node_hash(range_hash(lo, lo + k, get), range_hash(lo + k, hi, get))


def root(n: int, get: HashSource) -> bytes:
    return range_hash(0, n, get)


def inclusion_proof(m: int, n: int, get: HashSource) -> list[bytes]:
    if not 0 <= m < n:
        raise ValueError("leaf index out of range")
    out: list[bytes] = []
    lo, hi = 0, n
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < lo + k:
            out.append(range_hash(lo + k, hi, get))
            hi = lo + k
        else:
            out.append(range_hash(lo, lo + k, get))
            lo = lo + k
    out.reverse()
    return out


def consistency_proof(m: int, n: int, get: HashSource) -> list[bytes]:
    if not 0 <= m <= n:
        raise ValueError("first size out of range")
    if m == 0 or m == n:
        return []
    out: list[bytes] = []
    lo, hi, b = 0, n, True
    while True:
        if m == hi - lo:
            if not b:
                out.append(range_hash(lo, hi, get))
            break
        k = _split(hi - lo)
        if m <= k:
            out.append(range_hash(lo + k, hi, get))
            hi = lo + k
        else:
            out.append(range_hash(lo, lo + k, get))
            m -= k
            lo, b = lo + k, False
    out.reverse()
    return out


def needed_nodes(call: Callable[[HashSource], object]) -> set[tuple[int, int]]:
    """The (level, index) lookups `call(get)` makes; the proofs' lookups depend only on sizes."""
    seen: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return EMPTY_ROOT

    call(record)
    return seen


class ListSource:
    """A hash source over leaf hashes held in memory (tests, tools)."""

    def __init__(self, leaf_hashes: Sequence[bytes]):
        self.leaves = list(leaf_hashes)
        self._memo: dict[tuple[int, int], bytes] = {}

    def __call__(self, level: int, index: int) -> bytes:
        if level == 0:
            return self.leaves[index]
        key = (level, index)
        if key not in self._memo:
            self._memo[key] = node_hash(self(level - 1, 2 * index), self(level - 1, 2 * index + 1))
        return self._memo[key]


# --- Verifiers (RFC 9162) --------------------------------------------------------------------

def verify_inclusion(leaf: bytes, index: int, size: int, hashes: Sequence[bytes],
                     root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `leaf` (a leaf hash) sit at `index` of the tree `root_hash`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in hashes:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes,
                       hashes: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (second, second_hash) an append-only extension of
    (first, first_hash)?"""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not hashes and first_hash == second_hash
    if first == 0:
        return not hashes and first_hash == EMPTY_ROOT
    if not hashes:
        return False
    path_ = list(hashes)
    if first & (first - 1) == 0:
        path_.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path_[0]
    for c in path_[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0
