"""Public ledger API (公开核验接口): checkpoint, inclusion and consistency proofs; entries with login."""

import base64

from django.http import HttpResponse, JsonResponse
from ninja import Router, Schema

from sanxiang.access.policy import restrict

from . import checkpoints, tree
from .models import LedgerEntry

router = Router(tags=["ledger"])


class ErrorOut(Schema):
    error: str
    code: str


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    hashes: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    hashes: list[str]


class EntryOut(Schema):
    index: int
    entry: str
    leaf_hash: str


def _error(status: int, code: str, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, "code": code, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _int(value, name: str):
    if value is None or value == "":
        raise ValueError(f"缺少参数 {name}")
    text = str(value).strip()
    if not text.isdigit() or len(text) > 18:
        raise ValueError(f"参数 {name} 必须是非负整数")
    return int(text)


@router.get("/checkpoint", response={200: str}, summary="最新的已签名检查点（text/plain）")
def get_checkpoint(request):
    """The latest signed checkpoint (C2SP tlog-checkpoint); signs a new one if none or stale."""
    latest = checkpoints.latest()
    if checkpoints.is_stale(latest, tree.tree_size()):
        latest = checkpoints.take()
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8")


@router.get("/proofs/inclusion", response={200: InclusionOut, 400: ErrorOut},
            summary="包含证明（RFC 6962 审计路径）")
def get_inclusion(request, index: str = None, size: str = None):
    try:
        leaf_index, tree_size = _int(index, "index"), _int(size, "size")
    except ValueError as exc:
        return _error(400, "bad_parameter", str(exc))
    current = tree.tree_size()
    if tree_size < 1 or tree_size > current:
        return _error(400, "bad_size", f"树大小必须在 1 到 {current} 之间", tree_size=current)
    if leaf_index >= tree_size:
        return _error(400, "bad_index", f"条目序号必须小于树大小 {tree_size}")
    hashes = tree.inclusion_proof(leaf_index, tree_size)
    return {"leaf_index": leaf_index, "tree_size": tree_size, "hashes": [h.hex() for h in hashes]}


@router.get("/proofs/consistency", response={200: ConsistencyOut, 400: ErrorOut},
            summary="一致性证明（RFC 6962）")
def get_consistency(request, first: str = None, second: str = None):
    try:
        m, n = _int(first, "first"), _int(second, "second")
    except ValueError as exc:
        return _error(400, "bad_parameter", str(exc))
    current = tree.tree_size()
    if n > current:
        return _error(400, "bad_size", f"second 不能大于当前树大小 {current}", tree_size=current)
    if m < 1 or m > n:
        return _error(400, "bad_size", "first 必须满足 1 ≤ first ≤ second")
    hashes = tree.consistency_proof(m, n)
    return {"first": m, "second": n, "hashes": [h.hex() for h in hashes]}


@router.get("/entries/{index}", response={200: EntryOut, 401: ErrorOut, 404: ErrorOut},
            summary="条目内容（需登录）")
def get_entry(request, index: int):
    if not request.user.is_authenticated:
        return _error(401, "login_required", "请先登录")
    # The payload may name people and addresses: only the agency's administrators, its supervisors
    # and the system administrator read it. Others learn nothing, not even that the entry exists.
    entry = restrict(LedgerEntry.objects.filter(index=index), request.user).first()
    if entry is None:
        return _error(404, "not_found", f"没有第 {index} 条，或您无权查看")
    return {"index": entry.index, "entry": base64.b64encode(entry.entry.encode("utf-8")).decode(),
            "leaf_hash": entry.leaf_hash}
