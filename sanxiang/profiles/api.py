"""Profiles API (规则配置接口): public read-only access to the shipped rule profiles."""

from typing import Any

from ninja import Router, Schema

from sanxiang.api.errors import error_responses
from sanxiang.core.errors import NotFound

from .registry import ProfileError, _as_date, get_profile, list_profiles

router = Router(tags=["profiles"])


class ProfileSummaryOut(Schema):
    key: str
    name: str
    extends: str | None = None


@router.get("/", summary="规则配置列表", response=list[ProfileSummaryOut])
def profiles(request):
    return [{"key": k, "name": get_profile(k).name, "extends": get_profile(k).extends} for k in list_profiles()]


@router.get("/{key}", summary="某日有效的规则配置（每项含出处）",
            response={200: dict[str, Any], **error_responses(400, 404)})
def profile(request, key: str, on: str | None = None):
    try:
        prof = get_profile(key)
    except ProfileError as exc:
        raise NotFound(str(exc), code="unknown_profile") from None
    day = _as_date(on)  # a ProfileError (400) when malformed
    return prof.as_dict(on=day)
