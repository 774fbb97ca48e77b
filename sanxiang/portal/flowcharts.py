"""执法流程图 generated from the case transition tables (never drawn by hand): each state a box, under it
the moves out of it with who makes them and the time limits they open. Plain HTML, no script.

The portal names a flowchart by a public slug; the tables' own names stay internal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanxiang.workflow.tables import get_table

from .texts import role_labels

# (public slug, transition table, the 执法类别 the agency must have for it to apply; None: every agency)
FLOWCHARTS = (
    ("chufa", "penalty_general", "行政处罚"),
    ("chufa-jianyi", "penalty_simplified", "行政处罚"),
    ("xuke", "licence_general", "行政许可"),
    ("qiangzhi", "coercive_measure", "行政强制"),
    ("jiancha", "inspection_general", "行政检查"),
    ("queren", "confirmation_general", "行政确认"),
    ("caijue", "adjudication_general", "行政裁决"),
    ("laodong", "labour_inspection_general", "劳动保障监察"),
    ("fazhishenhe", "review_round", None),
)


@dataclass
class Step:
    label: str
    terminal: bool
    moves: list[dict]


def charts_for(agency) -> list[dict]:
    categories = set(agency.categories or [])
    out = []
    for slug, name, category in FLOWCHARTS:
        if category is None or category in categories:
            out.append({"slug": slug, "label": get_table(name).label})
    return out


def table_name(agency, slug: str) -> str | None:
    return next((name for s, name, _ in FLOWCHARTS if s == slug and any(c["slug"] == s for c in charts_for(agency))),
                None)


def _opens(t) -> list[str]:
    out = []
    for spec in t.opens:
        if spec.rule:
            out.append(f"{spec.kind}（期限按本机关规则配置）")
        else:
            unit = {"days": "日", "workdays": "个工作日", "hours": "小时", "months": "个月"}.get(spec.unit, spec.unit)
            out.append(f"{spec.kind}（{spec.count}{unit}）")
    return out


def steps(name: str) -> tuple[str, list[Step]]:
    """The table's states from the initial one, breadth first (each once), with their moves."""
    table = get_table(name)
    order, seen = [table.initial], {table.initial}
    for state in order:
        for t in table.transitions:
            if state in t.source and t.target not in seen:
                seen.add(t.target)
                order.append(t.target)
    order += [s for s in table.states if s not in seen]
    result = []
    for state in order:
        moves = [{"label": t.label, "target": table.state_label(t.target), "roles": role_labels(t.roles),
                  "opens": _opens(t)} for t in table.transitions if state in t.source]
        result.append(Step(table.state_label(state), not moves, moves))
    return table.label, result
