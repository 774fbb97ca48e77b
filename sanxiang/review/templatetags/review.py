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


# ---- a refused form keeps what was typed (views.PostedForm, bound with request.POST) ------------

def _name(parts) -> str:
    return "".join(str(p) for p in parts)


@register.simple_tag
def posted(form, *name):
    """What was typed into the field `name` (joined from its parts) of a refused form; "" otherwise."""
    if form is None or not getattr(form, "is_bound", False):
        return ""
    return form.data.get(_name(name), "")


@register.simple_tag
def ticked(form, name, value, word="checked"):
    """" checked" (or " selected") when the refused form had `value` in `name`."""
    from django.utils.safestring import mark_safe

    if form is None or not getattr(form, "is_bound", False):
        return ""
    return mark_safe(f" {word}") if str(value) in form.data.getlist(name) else ""


@register.simple_tag
def errors(form, *name):
    """The Chinese message(s) the action gave for the field `name` (none: the form's own), beside it."""
    from django.forms.forms import NON_FIELD_ERRORS
    from django.utils.html import format_html_join

    if form is None or not getattr(form, "is_bound", False):
        return ""
    found = form.errors.get(_name(name) if name else NON_FIELD_ERRORS, [])
    return format_html_join("", '<div class="error" role="alert">{}</div>', ((e,) for e in found))


@register.filter
def cut_end_punct(text):
    """A note followed by more of the sentence ("：{note}，限…"): its own closing 。；，. are dropped, so
    the line never reads "。，"."""
    return str(text or "").rstrip("。；，.;, ")


@register.filter
def position_label(person: dict) -> str:
    """A leader's position in a 集体讨论 or 局领导研究决定 (`{position, text}`), as people read it:
    “同意拟作出的决定：发言” (older 局领导研究决定 rows name no position: "")."""
    from sanxiang.review.models_flow import Position

    label = dict(Position.choices).get(person.get("position") or "", "")
    text = (person.get("text") or "").strip()
    return "：".join(x for x in (label, text) if x)
