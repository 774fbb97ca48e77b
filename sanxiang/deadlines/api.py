from ninja import Router
from ninja.responses import Status

from .engine import DeadlineError, compute_due

router = Router(tags=["deadlines"])


@router.get("/compute", summary="计算法定期限", response={200: dict, 400: dict})
def compute(request, start: str = "", count: str = "", unit: str = ""):
    """Same JSON as `sanxiang deadline --json`; bad input → 400 `{"error", "field"}`."""
    try:
        return Status(200, compute_due(start, count, unit).as_dict())
    except DeadlineError as exc:
        return Status(400, {"error": exc.message, "field": exc.field})
