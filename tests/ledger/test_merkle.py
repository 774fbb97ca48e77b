"""RFC 6962 Merkle tree: reference vectors, proofs for every (m, n) up to 64, rejection."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.lib import merkle

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

LEAVES = [bytes.fromhex(h) for h in
          ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
           "606162636465666768696a6b6c6d6e6f"]]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

BIG = [f"entry {i}".encode() for i in range(64)]
BIG_SOURCE = merkle.ListSource([merkle.leaf_hash(d) for d in BIG])


@pytest.mark.parametrize("n", range(9))
def test_reference_roots(n):
    assert merkle.mth(LEAVES[:n]).hex() == ROOTS[n]
    source = merkle.ListSource([merkle.leaf_hash(d) for d in LEAVES[:n]])
    assert merkle.root(n, source).hex() == ROOTS[n]


def test_rfc_audit_path_example():
    # RFC 6962 §2.1.3: the audit path for d0 in the 7-leaf tree is [b, h, l].
    d = LEAVES[:7]
    expected = [merkle.leaf_hash(d[1]), merkle.mth(d[2:4]), merkle.mth(d[4:7])]
    assert merkle.path(0, d) == expected


def test_rfc_consistency_example():
    # RFC 6962 §2.1.3: PROOF(3, D[7]) = [c, d, g, l].
    d = LEAVES[:7]
    expected = [merkle.leaf_hash(d[2]), merkle.leaf_hash(d[3]), merkle.mth(d[0:2]),
                merkle.mth(d[4:7])]
    assert merkle.proof(3, d) == expected


def test_all_inclusion_proofs_up_to_64():
    for n in range(1, 65):
        root = merkle.root(n, BIG_SOURCE)
        assert root == merkle.mth(BIG[:n])
        for m in range(n):
            hashes = merkle.inclusion_proof(m, n, BIG_SOURCE)
            assert hashes == merkle.path(m, BIG[:n])
            assert merkle.verify_inclusion(merkle.leaf_hash(BIG[m]), m, n, hashes, root)


def test_all_consistency_proofs_up_to_64():
    for n in range(0, 65):
        second = merkle.root(n, BIG_SOURCE)
        for m in range(0, n + 1):
            hashes = merkle.consistency_proof(m, n, BIG_SOURCE)
            assert hashes == merkle.proof(m, BIG[:n])
            first = merkle.root(m, BIG_SOURCE)
            assert merkle.verify_consistency(m, n, first, second, hashes), (m, n)


def test_lookups_are_logarithmic():
    # At a million leaves a proof touches at most ~log² n stored subtrees.
    n = 1_000_003
    for m in (0, 1, 524_287, 999_999, 1_000_002):
        nodes = merkle.needed_nodes(lambda get: merkle.inclusion_proof(m, n, get))
        assert len(nodes) <= 20 * 20
    nodes = merkle.needed_nodes(lambda get: merkle.consistency_proof(333_333, n, get))
    assert len(nodes) <= 20 * 20


class _Shape:
    """A hash source for computing a proof's shape only."""

    def __call__(self, level, index):
        return b"\0" * 32


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_wrong_inclusion_inputs_are_rejected(data):
    n = data.draw(st.integers(1, 64))
    m = data.draw(st.integers(0, n - 1))
    root = merkle.root(n, BIG_SOURCE)
    leaf = merkle.leaf_hash(BIG[m])
    hashes = merkle.inclusion_proof(m, n, BIG_SOURCE)
    kind = data.draw(st.sampled_from(["leaf", "root", "index", "size", "hash", "drop", "extra"]))
    if kind == "leaf":
        assert not merkle.verify_inclusion(_flip(leaf), m, n, hashes, root)
    elif kind == "root":
        assert not merkle.verify_inclusion(leaf, m, n, hashes, _flip(root))
    elif kind == "index":
        other = data.draw(st.integers(0, 130).filter(lambda i: i != m))
        assert not merkle.verify_inclusion(leaf, other, n, hashes, root)
    elif kind == "size":
        # The verifier binds the size only through the proof's shape (the checkpoint signs
        # size and root together): a size whose proof has another length must fail.
        other = data.draw(st.integers(0, 130).filter(
            lambda s: s != n and not (m < s and len(merkle.inclusion_proof(m, s, _Shape())) == len(hashes))))
        assert not merkle.verify_inclusion(leaf, m, other, hashes, root)
    elif kind == "hash" and hashes:
        i = data.draw(st.integers(0, len(hashes) - 1))
        bad = hashes[:i] + [_flip(hashes[i])] + hashes[i + 1:]
        assert not merkle.verify_inclusion(leaf, m, n, bad, root)
    elif kind == "drop" and hashes:
        assert not merkle.verify_inclusion(leaf, m, n, hashes[:-1], root)
    elif kind == "extra":
        assert not merkle.verify_inclusion(leaf, m, n, hashes + [root], root)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_wrong_consistency_inputs_are_rejected(data):
    n = data.draw(st.integers(2, 64))
    m = data.draw(st.integers(1, n - 1))
    first, second = merkle.root(m, BIG_SOURCE), merkle.root(n, BIG_SOURCE)
    hashes = merkle.consistency_proof(m, n, BIG_SOURCE)
    kind = data.draw(st.sampled_from(["first", "second", "m", "n", "hash", "drop", "fork"]))
    if kind == "first":
        assert not merkle.verify_consistency(m, n, _flip(first), second, hashes)
    elif kind == "second":
        assert not merkle.verify_consistency(m, n, first, _flip(second), hashes)
    elif kind == "m":
        other = data.draw(st.integers(1, n).filter(lambda x: x != m))
        assert not merkle.verify_consistency(other, n, first, second, hashes)
    elif kind == "n":
        other = data.draw(st.integers(m, 130).filter(
            lambda x: x != n and len(merkle.consistency_proof(m, x, _Shape())) != len(hashes)))
        assert not merkle.verify_consistency(m, other, first, second, hashes)
    elif kind == "hash":
        i = data.draw(st.integers(0, len(hashes) - 1))
        bad = hashes[:i] + [_flip(hashes[i])] + hashes[i + 1:]
        assert not merkle.verify_consistency(m, n, first, second, bad)
    elif kind == "drop":
        assert not merkle.verify_consistency(m, n, first, second, hashes[:-1])
    elif kind == "fork":
        # A history that differs in one early leaf has a different root at n.
        forked = list(BIG[:n])
        forked[data.draw(st.integers(0, m - 1))] = b"rewritten"
        source = merkle.ListSource([merkle.leaf_hash(d) for d in forked])
        assert not merkle.verify_consistency(m, n, first, merkle.root(n, source),
                                             merkle.consistency_proof(m, n, source))


def test_empty_tree_root_is_sha256_of_nothing():
    assert merkle.root(0, BIG_SOURCE) == hashlib.sha256(b"").digest()
