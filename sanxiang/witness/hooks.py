"""What witnessing adds to the workbench (工作台): the witness's alerts and the logs it watches."""

from sanxiang.access.policy import restrict
from sanxiang.core.hooks import register_home_panel

from .models import WatchedLog, WitnessAlert


def witness_panel(request):
    """见证: the alerts and watched logs the user may see (the holder's supervisors, the system administrator)."""
    user = request.user
    logs = list(restrict(WatchedLog.objects.all(), user).select_related("holder").order_by("name", "id"))
    if not logs:
        return None
    alerts = list(restrict(WitnessAlert.objects.all(), user).select_related("log", "log__holder")[:20])
    counts = [{"label": "见证告警", "count": len(alerts), "level": "red", "anchor": "witness"}] if alerts else []
    return {"logs": logs, "alerts": alerts, "counts": counts}


register_home_panel("witness", "witness/_panel.html", context=witness_panel, order=15)
