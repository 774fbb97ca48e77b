"""What the orgs app adds to the menu and the workbench (工作台): roles, own details, unit and
agency indicators, supervised agencies, an adviser's entrusted objects."""

from django.urls import reverse
from django.utils import timezone

from sanxiang.core.hooks import register_home_panel, register_menu_item, signed_in

from . import queries
from .actions import is_agency_admin
from .guards import certificate_usable
from .indicators import equipment_shortfalls, expiry_warnings, reviewer_ratio
from .models import AgencyKind, Role
from .querysets import current_roles

ADMIN_LIKE = {Role.ADMINISTRATOR, Role.AGENCY_LEADER}


def _roles(request):
    """The user's current roles, read once per request (several panels ask)."""
    if not hasattr(request, "_orgs_roles"):
        request._orgs_roles = list(current_roles(request.user).select_related("agency", "unit"))
    return request._orgs_roles


def sees_agencies(user):
    """Advisers reach only their entrusted objects: the agency directory is not for them."""
    if not signed_in(user):
        return False
    return user.is_superuser or current_roles(user).exclude(role=Role.ADVISER).exists()


def _expiry_counts(warnings, anchor):
    expired = sum(1 for w in warnings if w.days_left < 0)
    return [{"label": "证件临期", "count": len(warnings) - expired, "level": "yellow", "anchor": anchor},
            {"label": "证件过期", "count": expired, "level": "red", "anchor": anchor}]


def roles_panel(request):
    return {"roles": _roles(request)}


def me_panel(request):
    me = list(queries.own_people(request.user).prefetch_related(
        "certificates", "trainings", "qualifications", "device_issues__equipment"))
    if not me:
        return None
    today = timezone.localdate()
    for person in me:
        for cert in person.certificates.all():
            cert.usable_today, cert.label_today = certificate_usable(cert, today), cert.status_label_on(today)
    own_warnings = expiry_warnings(queries.own_certificates(request.user), today)
    context = {"me": me, "today": today,
               "shortcuts": [{"label": "我的信息", "url": reverse("person-detail", args=[me[0].pk])}]}
    if own_warnings:
        context["counts"] = _expiry_counts(own_warnings, "my-person")
    return context


def unit_panel(request):
    """本科室: the unit head's people and their certificate warnings."""
    roles = _roles(request)
    unit_ids = [r.unit_id for r in roles if r.role == Role.UNIT_HEAD and r.unit_id]
    if not unit_ids:
        return None
    user, today = request.user, timezone.localdate()
    warnings = expiry_warnings(queries.certificates(user, person__unit_id__in=unit_ids), today)
    return {"unit_people": queries.people(user, unit_id__in=unit_ids), "unit_warnings": warnings,
            "counts": _expiry_counts(warnings, "unit-people")}


def _agencies_overseen(request):
    user = request.user
    if user.is_superuser:
        return list(queries.agencies(user).filter(kind=AgencyKind.ENFORCEMENT))
    codes = {r.agency.code for r in _roles(request) if r.role in ADMIN_LIKE}
    return list(queries.agencies(user).filter(code__in=codes)) if codes else []


def admin_panel(request):
    """执法证到期预警与指标 for an agency's leaders and administrators (every agency for the system
    administrator, each line naming its agency)."""
    agencies = _agencies_overseen(request)
    if not agencies:
        return None
    user, today = request.user, timezone.localdate()
    warnings = expiry_warnings(queries.certificates(user, person__agency__in=agencies), today)
    indicators = [{"agency": a, "shortfalls": equipment_shortfalls(a), "ratio": reviewer_ratio(a)} for a in agencies]
    shortcuts = []
    if len(agencies) == 1 and is_agency_admin(user, agencies[0]):
        code = agencies[0].code
        shortcuts = [{"label": "新增人员", "url": reverse("person-create", args=[code])},
                     {"label": "分配角色", "url": reverse("role-assign", args=[code])}]
    if len(agencies) == 1:
        shortcuts.insert(0, {"label": "本机关", "url": reverse("agency-detail", args=[agencies[0].code])})
    return {"expiry": warnings, "indicators": indicators, "show_agency": len(agencies) > 1,
            "counts": _expiry_counts(warnings, "admin-warnings"), "shortcuts": shortcuts}


def supervised_panel(request):
    """执法监督: the agencies the user's body supervises, with their certificate warnings in one list."""
    own = [r.agency_id for r in _roles(request) if r.role == Role.SUPERVISOR]
    if not own:
        return None
    user, today = request.user, timezone.localdate()
    supervised = list(queries.agencies(user).filter(supervised_by__in=own).distinct())
    warnings = expiry_warnings(queries.certificates(user, person__agency__in=supervised), today)
    per_agency = {a.pk: 0 for a in supervised}
    for w in warnings:
        per_agency[w.certificate.person.agency_id] = per_agency.get(w.certificate.person.agency_id, 0) + 1
    return {"supervised": [{"agency": a, "warnings": per_agency[a.pk]} for a in supervised],
            "expiry": warnings, "counts": _expiry_counts(warnings, "supervised")}


# Entrustable objects (orgs.policies.ENTRUSTABLE) and how an adviser opens them: model label ->
# (reader(user) -> restricted queryset, URL name taking the pk). Other apps add theirs.
ENTRUSTED_PAGES = {"orgs.person": (queries.people, "person-detail"), "orgs.unit": (queries.units, "unit-detail")}


def register_entrusted_page(label: str, reader, url_name: str) -> None:
    ENTRUSTED_PAGES[label] = (reader, url_name)


def _entrusted(user, role):
    """The objects an adviser's assignment names, as links they can open (restricted reads)."""
    pages = ENTRUSTED_PAGES
    items = []
    for ref in role.scope or []:
        kind, _, pk = str(ref).rpartition(":")
        if kind in pages and pk.isdigit():
            reader, url_name = pages[kind]
            obj = reader(user).filter(pk=int(pk)).first()
            if obj is not None:
                items.append({"label": obj.name, "url": reverse(url_name, args=[pk])})
                continue
        items.append({"label": "（已不可访问的对象）", "url": ""})
    return items


def adviser_panel(request):
    roles = [r for r in _roles(request) if r.role == Role.ADVISER]
    if not roles:
        return None
    entrusted = [(r, _entrusted(request.user, r)) for r in roles]
    return {"adviser_roles": entrusted,
            "counts": [{"label": "受托事项", "count": sum(len(items) for _, items in entrusted), "level": "todo"}]}


register_menu_item("执法主体", "agency-list", order=10, visible=sees_agencies)
register_menu_item("执法证查询", "public-certificate", order=90)
register_home_panel("roles", "orgs/_panel_roles.html", context=roles_panel, order=0)
register_home_panel("supervised", "orgs/_panel_supervised.html", context=supervised_panel, order=25)
register_home_panel("unit-people", "orgs/_panel_unit.html", context=unit_panel, order=30)
register_home_panel("admin-warnings", "orgs/_panel_admin.html", context=admin_panel, order=40)
register_home_panel("adviser", "orgs/_panel_adviser.html", context=adviser_panel, order=50)
register_home_panel("my-person", "orgs/_panel_me.html", context=me_panel, order=80)
