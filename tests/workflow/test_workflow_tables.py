"""Tables are checked when they are declared; the registry, the CLI and the generated docs."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from workflow_cast import new_certificate, new_obligation

from sanxiang.cli import OPERATOR_COMMANDS
from sanxiang.ledger.registry import is_registered
from sanxiang.orgs.models import Certificate, CertificateStatus, Role
from sanxiang.workflow import Opens, Table, TableError, Transition, all_tables, get_table, register, table_for
from sanxiang.workflow.diagram import REGENERATE, mermaid, reference

STATES = {"a": "甲", "b": "乙", "c": "丙"}


def noted(obj, actor, **params):
    """有说明的条件"""


def bare(obj, actor, **params):
    return None


def table(transitions, **kw):
    args = dict(name="t", label="测试", model="orgs.Certificate", state_field="status", states=STATES,
                initial="a", transitions=transitions)
    args.update(kw)
    return Table(**args)


GOOD = [Transition("go", "a", "b", "前进"), Transition("finish", ("a", "b"), "c", "结束")]


def test_a_consistent_table_is_accepted():
    t = table(GOOD)
    assert t.paths() == {"a": [], "b": ["go"], "c": ["finish"]}
    assert t.terminal_states() == ["c"] and t.find("b", "finish").target == "c" and t.find("c", "go") is None


def test_paths_keep_off_the_side_roads_unless_asked():
    """A side road (不予行政处罚 reaches 已决定 sooner than a penalty decided) is not a test's way there."""
    roads = [Transition("go", "a", "b", "前进"), Transition("finish", "b", "c", "结束"), Transition("jump", "a", "c", "跳")]
    t = table(roads, side_roads=("jump",))
    assert t.paths() == {"a": [], "b": ["go"], "c": ["go", "finish"]}
    assert t.paths(avoid=())["c"] == ["jump"] and table(roads).paths()["c"] == ["jump"]
    with pytest.raises(TableError, match="side roads"):
        table(roads, side_roads=("fly",))


@pytest.mark.parametrize("transitions,kw,message", [
    ([*GOOD, Transition("jump", "a", "z", "跳")], {}, "unknown state 'z'"),
    ([*GOOD, Transition("go", "a", "c", "前进")], {}, "duplicate pair (state 'a', action 'go')"),
    ([Transition("go", "a", "b", "前进")], {}, "unreachable states ['c']"),
    (GOOD, {"initial": "x"}, "initial state 'x'"),
    ([*GOOD, Transition("back", "b", "a", "退回", roles=("chief",))], {}, "unknown role 'chief'"),
    ([*GOOD, Transition("back", "b", "a", "退回", guards=[bare])], {}, "guard 'bare' of 'back' needs a docstring"),
    ([*GOOD, Transition("back", "b", "a", "")], {}, "'back' has no Chinese label"),
    ([*GOOD, Transition("go", "b", "a", "后退")], {}, "action 'go' has two labels"),
    (GOOD, {"model": Certificate}, "differ from the choices of Certificate.status"),
])
def test_a_contradictory_table_fails_when_declared(transitions, kw, message):
    with pytest.raises(TableError) as error:
        table(transitions, **kw)
    assert message in str(error.value)


def test_a_deadline_needs_a_rule_or_a_period():
    with pytest.raises(TableError, match="give a profile rule or a count and a unit"):
        Opens("复查")
    with pytest.raises(TableError, match="unknown unit 'weeks'"):
        Opens("复查", count=2, unit="weeks")
    Opens("复查", rule="cases.verification")


def test_two_tables_cannot_share_a_name():
    with pytest.raises(TableError, match="two transition tables are named 'certificate'"):
        register(table(GOOD, name="certificate"))


def test_the_registered_tables_and_their_models(db):
    assert {t.name for t in all_tables()} >= {"certificate", "obligation"}
    assert table_for(new_certificate()) is get_table("certificate")
    assert table_for(new_obligation()) is get_table("obligation")


def test_grants_and_ledger_actions_for_the_access_policy_and_the_registry():
    certificate = get_table("certificate")
    assert ("orgs.certificate", "suspend", {Role.ADMINISTRATOR.value: "agency"}) in certificate.grants()
    assert certificate.ledger_actions() == ["suspend_certificate", "reinstate_certificate", "revoke_certificate",
                                            "expire_certificate"]
    for table in all_tables():
        for name in table.ledger_actions():
            assert is_registered(name), name


def test_the_certificate_diagram_names_states_and_actions_in_chinese():
    text = mermaid(get_table("certificate"))
    assert text.startswith("stateDiagram-v2\n")
    for line in ('state "已暂扣" as suspended', "[*] --> valid", "valid --> suspended : 暂扣",
                 "suspended --> valid : 恢复", "suspended --> revoked : 吊销", "revoked --> [*]"):
        assert f"    {line}\n" in text, line
    assert set(CertificateStatus.values) <= set(get_table("certificate").states)


def test_docs_workflows_md_is_generated_from_the_tables():
    path = Path(__file__).resolve().parents[2] / "docs" / "workflows.md"
    assert path.read_text(encoding="utf-8") == reference(all_tables()), (
        f"docs/workflows.md is out of date: regenerate it with `{REGENERATE}`")


def test_the_operator_command():
    assert "workflow" in OPERATOR_COMMANDS
    out = io.StringIO()
    call_command("workflow", "diagram", "obligation", "--format", "mermaid", stdout=out)
    assert "open --> overdue : 标记超期" in out.getvalue()
    out = io.StringIO()
    call_command("workflow", "list", stdout=out)
    assert "certificate" in out.getvalue() and "有效、已暂扣、已吊销、已过期" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("workflow", "diagram", "no-such-table", stdout=out, stderr=err)
    assert exit_.value.code == 2
    assert "错误：没有名为“no-such-table”的状态流转表。已有：" in err.getvalue() and "certificate" in err.getvalue()


def test_one_action_has_one_set_of_roles_even_across_tables_of_a_model():
    admins, heads = (Role.ADMINISTRATOR,), (Role.UNIT_HEAD,)
    with pytest.raises(TableError, match="action 'finish' has two sets of roles"):
        table([Transition("go", "a", "b", "前进"), Transition("finish", "a", "c", "结束", roles=admins),
               Transition("finish", "b", "c", "结束", roles=heads)])
    other = Table(name="other-certificate-table", label="另一种执法证状态", model=Certificate, state_field="status",
                  states=dict(CertificateStatus.choices), initial="valid",
                  transitions=[Transition("suspend", "valid", "suspended", "暂扣", roles=heads),
                               Transition("revoke", ("valid", "suspended"), "revoked", "吊销", roles=admins),
                               Transition("expire", "valid", "expired", "到期失效", roles=admins)])
    with pytest.raises(TableError, match="give action 'suspend' on the same model different roles"):
        register(other)


def test_the_tables_roles_are_the_access_policys_rules():
    from sanxiang.access.policy import rules_table

    rows = set(rules_table())
    assert ("orgs.certificate", "revoke", "administrator", ("agency",)) in rows
    assert ("deadlines.obligation", "waive", "agency_leader", ("agency",)) in rows
    assert not any(model == "deadlines.obligation" and action == "mark_overdue" for model, action, *_ in rows)
