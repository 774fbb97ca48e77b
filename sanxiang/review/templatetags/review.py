"""`{% review_section as rv %}`: the data of the case page's 法制审核 section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def review_section(context):
    from sanxiang.review.views import case_section

    return case_section(context["request"], context["case"])


@register.filter
def material_mark(code):
    """"A. " for 株洲's lettered items; nothing for a platform key."""
    from sanxiang.review.queries import shown_code

    shown = shown_code(str(code or ""))
    return f"{shown}. " if shown else ""


@register.filter
def cut_end_punct(text):
    """A note followed by more of the sentence ("：{note}，限…"): its own closing 。；，. are dropped, so
    the line never reads "。，"."""
    return str(text or "").rstrip("。；，.;, ")
