"""The demo parties: registered through the actions, numbers that pass the checks, not doubled on re-run."""

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


# Not doubled on re-run: tests/core/test_demo.py's idempotency test counts the parties and their ledger
# entries across its two builds (one build fewer per pass than a re-run of the demo here).
