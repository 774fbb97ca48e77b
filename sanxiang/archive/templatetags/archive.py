"""`{% case_file_section as casefile %}`: the data of the case page's 案卷 section; `|minutes`: a
recorded ISO time as people read it (local time, to the minute)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_file_section(context):
    from sanxiang.archive.views import section

    return section(context["request"], context["case"])


@register.filter
def minutes(value) -> str:
    import datetime as dt

    from django.utils import timezone

    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m-%d %H:%M}"
