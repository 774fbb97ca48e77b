"""The demo parties: registered through the actions, numbers that pass the checks, not doubled on re-run."""

import io

from django.core.management import call_command

from sanxiang.ledger.models import LedgerEntry
from sanxiang.orgs.models import Agency, AgencyKind
from sanxiang.parties.actions import FIELDS, clean_party
from sanxiang.parties.models import Party


def test_every_seed_agency_has_parties_that_pass_the_checks(demo):
    for agency in Agency.objects.filter(kind=AgencyKind.ENFORCEMENT):
        parties = list(Party.objects.filter(agency=agency))
        assert len(parties) >= 2, agency.name
        for party in parties:
            stored = {key: getattr(party, key) for key in FIELDS}
            assert clean_party(stored) == stored
            assert LedgerEntry.objects.filter(object_type="parties.party", object_id=str(party.pk),
                                              action="register_party", actor="system:demo").count() == 1
    kinds = set(Party.objects.values_list("kind", flat=True))
    assert kinds == {"person", "individual_business", "org"}


def test_loading_the_demo_again_adds_no_party(demo):
    before = Party.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert Party.objects.count() == before
