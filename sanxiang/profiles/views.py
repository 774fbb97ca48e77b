from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .registry import ProfileError, _as_date, get_profile, list_profiles
from .schema import SCHEMA, format_value


def _source_label(key: str) -> str:
    return "国家默认" if key == "national" else get_profile(key).name


@login_required
def profile_list(request):
    profiles = [get_profile(k) for k in list_profiles()]
    return render(request, "profiles/list.html", {"profiles": profiles})


@login_required
def profile_detail(request, key):
    try:
        profile = get_profile(key)
    except ProfileError as exc:
        raise Http404(str(exc)) from None
    error = None
    try:
        day = _as_date(request.GET.get("on") or None)
    except ProfileError as exc:
        error, day = str(exc), _as_date(None)
    sections = []
    for code, title, names in profile.sections():
        rows = []
        for name in names:
            spec = SCHEMA[name]
            entry = profile.entry(name, on=day)
            others = [v for v in profile.history(name) if v != entry and v.source == entry.source]
            rows.append({
                "name": name,
                "spec": spec,
                "entry": entry,
                "citation": profile.cite(entry),
                "text": format_value(spec, entry.value),
                "minimums": entry.value if spec.kind == "minimums" else None,
                "inherited": entry.source != profile.key,
                "inherited_from": _source_label(entry.source),
                "others": [{"entry": v, "text": format_value(spec, v.value)} for v in others],
            })
        sections.append({"code": code, "title": title, "rows": rows})
    status = 400 if error else 200
    return render(
        request, "profiles/detail.html",
        {"profile": profile, "sections": sections, "day": day, "error": error,
         "parent_label": _source_label(profile.extends) if profile.extends else ""}, status=status,
    )
