from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "sanxiang.publicity"
    verbose_name = "公示"

    def ready(self):
        # 公示义务: opened when a case decides; marked for withdrawal when a decision is revoked.
        from sanxiang.cases.decisions import on_decision_made
        from sanxiang.cases.revocation import on_decision_revoked

        from . import actions
        from . import notices as _notices  # noqa: F401  its ledger action, known to every process (`verify`)
        from . import requests as _party  # noqa: F401  更正申请、提前停止公示 (decision 0072)
        from . import withdrawals as _withdrawals  # noqa: F401  撤下申请 (decision 0090)

        on_decision_made(actions.on_decision)
        on_decision_revoked(actions.mark_revoked)
        from sanxiang.workflow.engine import on_applied

        on_applied(actions.on_case_moved)  # 送达: the 公示告知书 served with the decision (decision 0078)
        on_applied(_withdrawals.on_publication_moved)  # an overtaken 撤下申请 closes (decision 0097)
