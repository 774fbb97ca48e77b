"""Reads of parties for pages and the API: each takes the user and goes through the access policy."""

from django.db.models import Q
from django.http import Http404

from sanxiang.access.policy import VIEW, can, restrict
from sanxiang.core.errors import NotFound
from sanxiang.orgs.models import Agency

from .identity import mask_id_number, normalise
from .models import Party


class PartyNotFound(NotFound, Http404):
    """404 on a page (Http404) and in the API (the error shape): absent, or not the user's to see."""

    code = "party_not_found"
    default_message = "未找到该当事人，或您无权查看。"


def parties_for(user, search: str = "", action: str = VIEW):
    """The parties `user` may see, matching `search` (a name, or part of an ID number or credit code)."""
    rows = restrict(Party.objects.select_related("agency"), user, action)
    words = " ".join(str(search or "").split())
    if words:
        number = normalise(words)
        match = Q(name__icontains=words)
        if len(number) >= 4 and number.isalnum():
            match |= Q(id_number__contains=number) | Q(credit_code__contains=number)
        rows = rows.filter(match)
    return rows.order_by("name", "id")


def party_for(user, pk, action: str = VIEW) -> Party:
    found = restrict(Party.objects.select_related("agency"), user, action).filter(pk=pk).first()
    if found is None:
        raise PartyNotFound()
    return found


def agencies_to_register_in(user) -> list[Agency]:
    """The agencies in which `user` may register parties (their own, for editors)."""
    return list(restrict(Agency.objects.all(), user, "register_party").order_by("code"))


def may_change(user, party) -> bool:
    return can(user, "change", party)


def editable_ids(user, parties) -> set[int]:
    """Of `parties`, those `user` may change (one query for a list page)."""
    return set(restrict(Party.objects.filter(pk__in=[p.pk for p in parties]), user, "change")
               .values_list("pk", flat=True))


def shown_id_number(party, full: bool) -> str:
    """The ID number as this reader sees it: whole for those who may change the party, else masked."""
    return party.id_number if full else mask_id_number(party.id_number)


def display(party, full: bool) -> dict:
    """What a page or the API shows of a party, the ID number masked unless `full`."""
    return {
        "id": party.pk, "agency": party.agency.code, "agency_name": party.agency.name,
        "kind": party.kind, "kind_label": party.get_kind_display(), "name": party.name,
        "id_kind": party.id_kind, "id_kind_label": party.get_id_kind_display() if party.id_kind else "",
        "id_number": shown_id_number(party, full), "id_number_masked": bool(party.id_number) and not full,
        "no_id_reason": party.no_id_reason, "credit_code": party.credit_code,
        "no_credit_code_reason": party.no_credit_code_reason, "legal_representative": party.legal_representative,
        "operator": party.operator, "address": party.address, "phone": party.phone,
        "created_at": party.created_at,
    }

