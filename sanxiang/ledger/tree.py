"""The ledger's Merkle tree in the database (默克尔树): stored subtrees as a hash source."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from sanxiang.lib import merkle


class TreeDamaged(Exception):
    """A stored subtree needed for a proof is missing: run `sanxiang verify`."""


def tree_size() -> int:
    # Raw SQL: this runs on every append, where ORM overhead dominates.
    with connection.cursor() as cursor:
        cursor.execute('SELECT MAX("index") FROM ledger_ledgerentry')
        current = cursor.fetchone()[0]
    return 0 if current is None else current + 1


def fetch(keys) -> dict[tuple[int, int], bytes]:
    """Load the given (level, index) subtree hashes: leaves from entries, the rest from nodes."""
    by_level: dict[int, list[int]] = defaultdict(list)
    for level, index in keys:
        by_level[level].append(index)
    found: dict[tuple[int, int], bytes] = {}
    # Raw SQL: proofs are served to the public and must stay in the low milliseconds.
    with connection.cursor() as cursor:
        leaves = by_level.pop(0, None)
        if leaves:
            marks = ", ".join(["%s"] * len(leaves))
            cursor.execute(f'SELECT "index", leaf_hash FROM ledger_ledgerentry WHERE "index" IN ({marks})',
                           leaves)
            for index, leaf in cursor.fetchall():
                found[(0, index)] = bytes.fromhex(leaf)
        if by_level:
            where, params = [], []
            for level, indexes in sorted(by_level.items()):
                where.append(f'(level = %s AND "index" IN ({", ".join(["%s"] * len(indexes))}))')
                params += [level, *indexes]
            cursor.execute(f'SELECT level, "index", hash FROM ledger_merklenode WHERE {" OR ".join(where)}',
                           params)
            for level, index, value in cursor.fetchall():
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


def root_range(lo: int, hi: int) -> bytes:
    return _run(lambda get: merkle.range_hash(lo, hi, get))


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return _run(lambda get: merkle.inclusion_proof(index, size, get))


def consistency_proof(first: int, second: int) -> list[bytes]:
    return _run(lambda get: merkle.consistency_proof(first, second, get))


def nodes_completed_by(index: int) -> list[tuple[int, int]]:
    """The (level, index) subtrees (level ≥ 1) that leaf `index` completes."""
    n = index + 1
    levels = (n & -n).bit_length() - 1
    return [(level, (n >> level) - 1) for level in range(1, levels + 1)]


NODE_INSERT = 'INSERT INTO ledger_merklenode (level, "index", hash) VALUES '


def store_nodes_for(index: int, leaf: bytes, previous_leaf: bytes | None = None) -> None:
    """Store the subtrees completed by appending leaf `index` (about one row per append)."""
    rows = nodes_for(index, leaf, previous_leaf)
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(NODE_INSERT + ", ".join(["(%s, %s, %s)"] * len(rows)),
                           [v for row in rows for v in row])


def nodes_for(index: int, leaf: bytes, previous_leaf: bytes | None = None) -> list[tuple]:
    """The (level, index, hex hash) rows of the subtrees leaf `index` completes, computed from
    their left siblings (one indexed lookup when a subtree of four or more leaves completes)."""
    completed = nodes_completed_by(index)
    if not completed:
        return []
    n = index + 1
    siblings = [(level, (n >> level) - 2) for level in range(len(completed))]
    found: dict[tuple[int, int], bytes] = {}
    with connection.cursor() as cursor:
        if previous_leaf is None:
            cursor.execute('SELECT leaf_hash FROM ledger_ledgerentry WHERE "index" = %s', [index - 1])
            row = cursor.fetchone()
            previous_leaf = bytes.fromhex(row[0]) if row else None
        if previous_leaf is not None:
            found[(0, index - 1)] = previous_leaf
        if len(siblings) > 1:
            where = " OR ".join(['(level = %s AND "index" = %s)'] * (len(siblings) - 1))
            cursor.execute(f'SELECT level, "index", hash FROM ledger_merklenode WHERE {where}',
                           [v for key in siblings[1:] for v in key])
            for level, node_index, value in cursor.fetchall():
                found[(level, node_index)] = bytes.fromhex(value)
        rows, current = [], leaf
        for (level, sibling), (up_level, up_index) in zip(siblings, completed):
            try:
                current = merkle.node_hash(found[(level, sibling)], current)
            except KeyError:
                raise TreeDamaged(f"账本树缺少节点 (层 {level}, 序号 {sibling})，无法追加") from None
            rows.append((up_level, up_index, current.hex()))
    return rows
