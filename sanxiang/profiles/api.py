"""Profiles API (规则配置接口): public read-only access to the shipped rule profiles."""

from django.http import JsonResponse
from ninja import Router

from .registry import ProfileError, _as_date, get_profile, list_profiles

router = Router(tags=["profiles"])


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": message, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})


@router.get("/", summary="规则配置列表")
def profiles(request):
    return [{"key": k, "name": get_profile(k).name, "extends": get_profile(k).extends} for k in list_profiles()]


@router.get("/{key}", summary="某日有效的规则配置（每项含出处）")
def profile(request, key: str, on: str | None = None):
    try:
        prof = get_profile(key)
    except ProfileError as exc:
        return _error(404, "unknown_profile", str(exc))
    try:
        day = _as_date(on)
    except ProfileError as exc:
        return _error(400, "bad_date", str(exc))
    return prof.as_dict(on=day)
