"""What parties adds to the menu, and its own section of the dossier (登记与修改记录)."""

from django.contrib.auth import get_user_model

from sanxiang.access.actors import DEMO, JOBS, MIGRATION, OPERATOR
from sanxiang.access.policy import current_roles, restrict
from sanxiang.core.hooks import register_menu_item, signed_in
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.registry import action_label
from sanxiang.orgs.hooks import register_entrusted_page

from . import queries
from .dossier import register_dossier_section


def reads_parties(user) -> bool:
    """Anyone with a role in force (staff, supervisors, advisers) may have parties to read."""
    return signed_in(user) and (user.is_superuser or current_roles(user).exists())


def history_section(party, user):
    """登记与修改记录: the party's ledger entries, for those who may read the agency's ledger."""
    entries = restrict(LedgerEntry.objects.filter(object_type=party.ledger_type(), object_id=str(party.pk)),
                       user).order_by("index")
    entries = list(entries)
    users = get_user_model().objects.filter(username__in={e.actor for e in entries})
    names = {a.username: a.label for a in (JOBS, OPERATOR, DEMO, MIGRATION)}
    names |= {u.username: u.get_full_name() or u.username for u in users}
    rows = [{"time": e.created_at, "actor": names.get(e.actor, "系统"), "label": action_label(e.action)}
            for e in entries]
    return {"entries": rows} if rows else None


register_menu_item("当事人", "parties:list", order=20, visible=reads_parties)
register_dossier_section("history", "登记与修改记录", "parties/_dossier_history.html", context=history_section,
                         order=900)
register_entrusted_page("parties.party", queries.parties_for, "parties:detail")
