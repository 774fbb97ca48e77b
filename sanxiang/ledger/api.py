"""Public ledger API (公开核验接口): checkpoints and their history, inclusion and consistency proofs;
entries with login."""

import base64
import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from ninja import Path, Query, Router, Schema

from sanxiang.access.policy import restrict
from sanxiang.api.errors import ErrorOut, error_responses, request_error_response
from sanxiang.core.errors import NotAuthenticated, NotFound, RuleViolation, SanxiangError

from . import checkpoints, tree
from .models import LedgerEntry

router = Router(tags=["ledger"])


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


# Tree positions: 0 ≤ n < 2^62 (anything else is refused as an invalid request, 422).
MAX_POSITION = 1 << 62


class NoCheckpoint(SanxiangError):
    status = 503
    code = "no_checkpoint"
    default_message = "尚未签发检查点：账本为空，或定时任务（sanxiang worker）尚未运行。请稍后再试。"


_NOTE_RESPONSE = {"description": "C2SP tlog-checkpoint 签名文本（signed note）",
                  "content": {"text/plain": {"schema": {"type": "string"}}}}


def _note(checkpoint) -> HttpResponse:
    """The signed note, followed by the witnesses' cosignature lines (plain verifiers ignore them)."""
    from sanxiang.witness.served import with_cosignatures

    return HttpResponse(with_cosignatures(checkpoint.note, checkpoint), content_type="text/plain; charset=utf-8")


@router.get("/checkpoint", summary="最新的有效检查点（text/plain）", response={503: ErrorOut},
            openapi_extra={"responses": {200: _NOTE_RESPONSE}})
def get_checkpoint(request):
    """The latest valid checkpoint (C2SP tlog-checkpoint signed note). Never signs: the job
    runner does, seconds after entries are appended; before the first one this answers 503.
    Rows whose signature, origin, size or root do not hold are never served."""
    latest = checkpoints.latest_valid()
    if latest is None:
        response = request_error_response(request, NoCheckpoint())
        response["Retry-After"] = str(settings.JOB_INTERVALS.get("sign_checkpoint", 5))
        return response
    return _note(latest)


class CheckpointSummary(Schema):
    tree_size: int
    root_hash: str
    created_at: dt.datetime


class CheckpointPage(Schema):
    checkpoints: list[CheckpointSummary]
    next_before: int | None


@router.get("/checkpoints", response={200: CheckpointPage, **error_responses(422)},
            summary="检查点历史（有效检查点，新的在前）")
def list_checkpoints(request, before: int | None = Query(None, ge=1, lt=MAX_POSITION),
                     limit: int = Query(50, ge=1, le=200)):
    """Valid checkpoints, newest first, one per tree size. Page on with `before=next_before`;
    the note of each is at `checkpoints/{tree_size}`."""
    rows = checkpoints.valid_history(before=before, limit=limit)
    return {"checkpoints": [{"tree_size": row.tree_size, "root_hash": row.root_hash,
                             "created_at": row.created_at} for row in rows],
            "next_before": rows[-1].tree_size if len(rows) == limit and rows[-1].tree_size > 0
            else None}


@router.get("/checkpoints/{size}", response={404: ErrorOut, 422: ErrorOut},
            summary="指定树大小的有效检查点（text/plain）",
            openapi_extra={"responses": {200: _NOTE_RESPONSE}})
def get_checkpoint_at(request, size: int = Path(..., ge=0, lt=MAX_POSITION)):
    checkpoint = checkpoints.valid_at(size)
    if checkpoint is None:
        raise NotFound(f"没有树大小为 {size} 的有效检查点", code="no_checkpoint")
    return _note(checkpoint)


@router.get("/proofs/inclusion", response={200: InclusionOut, **error_responses(400, 422)},
            summary="包含证明（RFC 6962 审计路径）")
def get_inclusion(request, index: int = Query(..., ge=0, lt=MAX_POSITION),
                  size: int = Query(..., ge=0, lt=MAX_POSITION)):
    leaf_index, tree_size = index, size
    current = tree.tree_size()
    if tree_size < 1 or tree_size > current:
        raise RuleViolation(f"树大小必须在 1 到 {current} 之间", field="size", code="bad_size")
    if leaf_index >= tree_size:
        raise RuleViolation(f"条目序号必须小于树大小 {tree_size}", field="index", code="bad_index")
    hashes = tree.inclusion_proof(leaf_index, tree_size)
    return {"leaf_index": leaf_index, "tree_size": tree_size, "hashes": [h.hex() for h in hashes]}


@router.get("/proofs/consistency", response={200: ConsistencyOut, **error_responses(400, 422)},
            summary="一致性证明（RFC 6962）")
def get_consistency(request, first: int = Query(..., ge=0, lt=MAX_POSITION),
                    second: int = Query(..., ge=0, lt=MAX_POSITION)):
    m, n = first, second
    current = tree.tree_size()
    if n > current:
        raise RuleViolation(f"second 不能大于当前树大小 {current}", field="second", code="bad_size")
    if m < 1 or m > n:
        raise RuleViolation("first 必须满足 1 ≤ first ≤ second", field="first", code="bad_size")
    hashes = tree.consistency_proof(m, n)
    return {"first": m, "second": n, "hashes": [h.hex() for h in hashes]}


@router.get("/entries/{index}", response={200: EntryOut, **error_responses(401, 404, 422)},
            summary="条目内容（需登录）")
def get_entry(request, index: int = Path(..., ge=0, lt=MAX_POSITION)):
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    # The payload may name people and addresses: only the agency's administrators, its supervisors
    # and the system administrator read it. Others learn nothing, not even that the entry exists.
    entry = restrict(LedgerEntry.objects.filter(index=index), request.user).first()
    if entry is None:
        raise NotFound(f"没有第 {index} 条，或您无权查看")
    return {"index": entry.index, "entry": base64.b64encode(entry.entry.encode("utf-8")).decode(),
            "leaf_hash": entry.leaf_hash}
