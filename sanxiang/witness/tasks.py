"""The witnessing job (见证日志): one round over every watched log."""

from django_tasks import task

from sanxiang.access.actors import JOBS


@task()
def witness_logs() -> dict:
    """见证日志: fetch each watched log's checkpoint, check it, co-sign and deliver; alert on inconsistency."""
    from . import witnessing

    outcomes = witnessing.run(actor=JOBS)
    cosigned = [o for o in outcomes if o.status == "cosigned"]
    alerts = [o for o in outcomes if o.status == "alert"]
    errors = [o for o in outcomes if o.status == "error"]
    parts = []
    if cosigned:
        parts.append(f"联署 {len(cosigned)} 个日志的检查点")
    if alerts:
        parts.append(f"{len(alerts)} 个日志不一致，已告警：" + "；".join(o.message for o in alerts))
    if errors:
        parts.append(f"{len(errors)} 个日志未能见证：" + "；".join(o.message for o in errors))
    return {"done": len(cosigned) + len(alerts), "summary": "，".join(parts),
            "cosigned": len(cosigned), "alerts": len(alerts), "errors": [o.message for o in errors]}


@task()
def prune_cosignatures() -> dict:
    """清理联署: forget superseded cosignatures of old checkpoints (SANXIANG_COSIGNATURE_KEEP_DAYS)."""
    from .served import prune

    deleted = prune()
    return {"done": deleted, "summary": f"清理了 {deleted} 条过期的联署" if deleted else ""}
