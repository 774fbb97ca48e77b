"""`{% open_data agency %}`: 开放数据与订阅 and the profile's publicity channels on the agency's home
(portal/open.py; decision 0071)."""

from django import template

from .. import open as opendata

register = template.Library()


@register.inclusion_tag("portal/_open.html")
def open_data(agency):
    return {"agency": agency, "links": opendata.links(agency), "channels": opendata.channels(agency)}


@register.inclusion_tag("portal/_proof.html")
def decision_proof(agency, number):
    """`{% decision_proof agency number %}` on a decision's page: its 核验数据 (proof.json) and 如何独立核验."""
    from django.urls import reverse

    code = getattr(agency, "code", agency)
    return {"proof": reverse("portal:decision-proof", args=[code, number]),
            "howto": reverse("portal:verify-howto", args=[code])}
