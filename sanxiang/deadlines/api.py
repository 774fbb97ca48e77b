from typing import Any

from ninja import Router

from sanxiang.api.errors import error_responses

from .engine import compute_due

router = Router(tags=["deadlines"])


@router.get("/compute", summary="计算法定期限", response={200: dict[str, Any], **error_responses(400, 422)})
def compute(request, start: str, count: str, unit: str):
    """Same JSON as `sanxiang deadline --json`; bad input → 400 with the error shape (`field` names it)."""
    return compute_due(start, count, unit).as_dict()
