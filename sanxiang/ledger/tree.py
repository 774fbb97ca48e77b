"""The ledger's Merkle tree in the database (默克尔树): stored subtrees as a hash source."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max, Q

from sanxiang.lib import merkle

from .models import LedgerEntry, MerkleNode


class TreeDamaged(Exception):
    """A stored subtree needed for a proof is missing: run `sanxiang verify`."""


def tree_size() -> int:
    current = LedgerEntry.objects.aggregate(m=Max("index"))["m"]
    return 0 if current is None else current + 1


def fetch(keys) -> dict[tuple[int, int], bytes]:
    """Load the given (level, index) subtree hashes: leaves from entries, the rest from nodes."""
    by_level: dict[int, list[int]] = defaultdict(list)
    for level, index in keys:
        by_level[level].append(index)
    found: dict[tuple[int, int], bytes] = {}
    if by_level.get(0):
        for index, leaf in LedgerEntry.objects.filter(index__in=by_level[0]).values_list(
                "index", "leaf_hash"):
            found[(0, index)] = bytes.fromhex(leaf)
    node_filter = Q()
    for level, indexes in by_level.items():
        if level:
            node_filter |= Q(level=level, index__in=indexes)
    if node_filter:
        for level, index, value in MerkleNode.objects.filter(node_filter).values_list(
                "level", "index", "hash"):
            found[(level, index)] = bytes.fromhex(value)
    return found


def _run(call):
    """Run a merkle function over the stored tree with one batched fetch."""
    keys = merkle.needed_nodes(call)
    found = fetch(keys)
    missing = keys - found.keys()
    if missing:
        level, index = min(missing)
        raise TreeDamaged(f"账本树缺少节点 (层 {level}, 序号 {index})，请运行 sanxiang verify")
    return call(lambda level, index: found[(level, index)])


def root(size: int) -> bytes:
    return _run(lambda get: merkle.root(size, get))


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return _run(lambda get: merkle.inclusion_proof(index, size, get))


def consistency_proof(first: int, second: int) -> list[bytes]:
    return _run(lambda get: merkle.consistency_proof(first, second, get))


def nodes_completed_by(index: int) -> list[tuple[int, int]]:
    """The (level, index) subtrees (level ≥ 1) that leaf `index` completes."""
    n = index + 1
    levels = (n & -n).bit_length() - 1
    return [(level, (n >> level) - 1) for level in range(1, levels + 1)]


def store_nodes_for(index: int, leaf: bytes) -> None:
    """Store the subtrees completed by appending leaf `index` (about one row per append)."""
    completed = nodes_completed_by(index)
    if not completed:
        return
    n = index + 1
    siblings = [(level, (n >> level) - 2) for level in range(len(completed))]
    found = fetch(siblings)
    rows, current = [], leaf
    for (level, sibling), (up_level, up_index) in zip(siblings, completed):
        try:
            current = merkle.node_hash(found[(level, sibling)], current)
        except KeyError:
            raise TreeDamaged(f"账本树缺少节点 (层 {level}, 序号 {sibling})，无法追加") from None
        rows.append(MerkleNode(level=up_level, index=up_index, hash=current.hex()))
    MerkleNode.objects.bulk_create(rows)
