"""What 公示 adds to the menu and the workbench: the obligations list (editors, heads, leaders) and a
panel counting the obligations near or past their deadline and the publications awaiting approval."""

from django.urls import reverse

from sanxiang.core.hooks import register_home_panel, register_menu_item

from . import queries
from .models import ObligationStatus, PublicationStatus
from .views import may_see_obligations


def panel(request):
    """公示义务 (editors, heads, leaders): open obligations with 临期/超期, publications to approve."""
    rows = list(queries.obligations(request.user, status=ObligationStatus.OPEN)[:200])
    waiting = [ob for ob in rows if getattr(ob, "publication", None) and ob.publication.status == PublicationStatus.SUBMITTED]
    if not rows:
        return None
    levels = [queries.level(ob) for ob in rows]
    counts = [{"label": "待公示", "count": len(rows), "level": "todo", "anchor": "publicity-panel"}]
    if waiting:
        counts.append({"label": "公示待审核", "count": len(waiting), "level": "todo", "anchor": "publicity-panel"})
    for level, label in (("yellow", "公示临期"), ("red", "公示超期")):
        if levels.count(level):
            counts.append({"label": label, "count": levels.count(level), "level": level, "anchor": "publicity-panel"})
    return {"rows": [{"ob": ob, "level": lv} for ob, lv in zip(rows, levels)][:20], "counts": counts,
            "shortcuts": [{"label": "公示义务", "url": reverse("publicity:obligations")}]}


register_menu_item("公示", "publicity:obligations", order=19, visible=may_see_obligations)
register_home_panel("publicity-panel", "publicity/_panel.html", context=panel, order=10, visible=may_see_obligations)


# 当事人申请 (decision 0072): the queue of correction requests and early-stop applications.
register_menu_item("当事人申请", "publicity:party-requests", order=20, visible=may_see_obligations)
