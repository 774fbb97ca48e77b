"""Diagrams and reference pages generated from the tables (never drawn by hand).

`mermaid(table)` is a Mermaid stateDiagram with the Chinese state and action names — the form
the docs render and an agency can publish as its enforcement flowchart (执法流程图).
`reference(tables)` is docs/workflows.md.
"""

from __future__ import annotations

from .tables import Table, Transition, guard_label

REGENERATE = "sanxiang workflow docs > docs/workflows.md"


def _quote(text: str) -> str:
    return text.replace('"', "“")


def mermaid(table: Table) -> str:
    lines = ["stateDiagram-v2", f"    %% {table.label}（{table.name}），由 sanxiang workflow diagram 生成"]
    for value, label in table.states.items():
        lines.append(f'    state "{_quote(label)}" as {value}')
    lines.append(f"    [*] --> {table.initial}")
    for t in table.transitions:
        for source in t.source:
            lines.append(f"    {source} --> {t.target} : {t.label.replace(':', '：')}")
    for state in table.terminal_states():
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"


def _roles(t: Transition) -> str:
    if t.system_only:
        return "系统"
    from sanxiang.orgs.models import Role

    return "、".join(Role(r).label for r in t.roles)


def _opens(t: Transition) -> str:
    parts = []
    for spec in t.opens:
        period = f"规则“{spec.rule}”" if spec.rule else f"{spec.count} {spec.unit}"
        parts.append(f"{spec.kind}（{period}）")
    return "；".join(parts)


def _cell(text: str) -> str:
    return (text or "—").replace("|", "\\|")


def table_reference(table: Table) -> str:
    model = table.model_class._meta
    out = [f"## {table.label}（`{table.name}`）", "",
           f"对象：{model.verbose_name}（`{model.label_lower}.{table.state_field}`）。"
           f"初始状态：{table.state_label(table.initial)}。", "",
           "```mermaid", mermaid(table).rstrip("\n"), "```", "",
           "| 状态 | 代码 |", "| --- | --- |"]
    out += [f"| {label} | `{value}` |" for value, label in table.states.items()]
    out += ["", "| 操作 | 从 | 到 | 执行人 | 条件 | 输入 | 开启时限 | 履行时限 | 留痕动作 |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t in table.transitions:
        inputs = "、".join(p.label + ("" if p.required else "（选填）") for p in t.params.values())
        out.append("| " + " | ".join(_cell(c) for c in (
            f"{t.label}（`{t.action}`）", "、".join(table.state_label(s) for s in t.source),
            table.state_label(t.target), _roles(t), "；".join(guard_label(g) for g in t.guards), inputs,
            _opens(t), "、".join(t.closes), f"`{table.ledger_action(t)}`")) + " |")
    return "\n".join(out) + "\n"


def reference(tables: list[Table]) -> str:
    out = ["# 状态流转表", "",
           f"<!-- Generated from the tables by `{REGENERATE}`; do not edit by hand. -->", "",
           "本页由各应用 `workflows.py` 中登记的状态流转表自动生成（如何声明见 [workflow.md](workflow.md)）。"
           "“执行人”中的角色均指对象所属执法主体的该角色；系统管理员和系统自动任务总可执行。", ""]
    for table in tables:
        out += [table_reference(table)]
    return "\n".join(out)
