"""`{% open_data agency %}`: 开放数据与订阅 and the profile's publicity channels on the agency's home
(portal/open.py; decision 0071)."""

from django import template

from .. import open as opendata

register = template.Library()


@register.inclusion_tag("portal/_open.html")
def open_data(agency):
    return {"agency": agency, "links": opendata.links(agency), "channels": opendata.channels(agency)}
