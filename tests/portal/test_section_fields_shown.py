"""Every field of the 事前公开 sections 机构职能, 执法事项 and 随机抽查事项 is shown on the portal (issue 10 §1).

Driven by the section schema (`disclosure.schema.fields_of`) and the versions the demo published for the seed
agencies, not by strings written here: for every seed agency that has the section, every field of the schema
that the current version fills must show its label and its value on `/gk/<agency>/<section>/` — in the
agency record's list, or in the card of the item it belongs to. A field the page stops showing fails it.

Two rows of a list item are not labelled on purpose (section.html): the 事项编码 is the card's badge and the
field that names the item (事项名称; 抽查内容 where there is no name) is its heading — their values must stand in
the card, their labels are not asked for.
"""

import html
import re

import pytest

from sanxiang.disclosure.models import DisclosureVersion, Section
from sanxiang.disclosure.schema import UNITS, fields_of
from sanxiang.portal.views import SECTION_SLUGS, _title

pytestmark = pytest.mark.django_db

SECTIONS = (Section.AGENCY, Section.MATTERS, Section.RANDOM_ITEMS)


def _text(fragment: str) -> str:
    """What a reader sees of an HTML fragment, without tags or any white space (text values keep their line
    breaks as <br>, the schema's values as newlines)."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", fragment)))


def _bare(value: str) -> str:
    return re.sub(r"\s+", "", str(value))


def _values(field, value) -> list[str]:
    if field.kind == UNITS:  # 内设机构及职责: each unit's name and duties
        return [part for unit in value for part in (unit["name"], unit.get("duties", "")) if part]
    return [value]


def _current(section):
    found = {}
    for row in (DisclosureVersion.objects.filter(section=section).select_related("agency")
                .order_by("agency_id", "-version")):
        found.setdefault(row.agency_id, row)
    return list(found.values())


def _card(page: str, code: str) -> str:
    match = re.search(rf'<article class="card item" id="item-{re.escape(code)}">(.*?)</article>', page, re.S)
    assert match, f"事项 {code} 没有出现在页面上"
    return match.group(1)


@pytest.mark.parametrize("section", SECTIONS, ids=[str(s) for s in SECTIONS])
def test_every_schema_field_of_the_section_is_shown_for_every_seed_agency(client, demo, section):
    rows = _current(section)
    assert len(rows) >= 5, "the demo publishes this section for every seed agency"
    fields = fields_of(section)
    filled = set()
    checked = 0
    for row in rows:
        url = f"/gk/{row.agency.code}/{SECTION_SLUGS[section]}/"
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        if section == Section.AGENCY:
            records = [(re.search(r'<dl class="fields">(.*?)</dl>', page, re.S).group(1), row.content, None)]
        else:
            assert row.content["items"], f"{url}: an empty list"
            records = [(_card(page, item["code"]), item, _title(item)) for item in row.content["items"]]
        for fragment, record, title in records:
            seen = _text(fragment)
            for field in fields:
                value = record.get(field.name)
                if value in ("", None, []):
                    continue
                filled.add(field.name)
                for part in _values(field, value):
                    assert _bare(part) in seen, f"{url}: {field.label} 的内容「{part}」没有显示"
                    checked += 1
                if field.name != "code" and value != title:
                    assert f"<dt>{field.label}</dt>" in fragment, f"{url}: 缺少栏目「{field.label}」"
                    checked += 1
    # not vacuous: every required field of the schema was filled somewhere, hence checked
    assert {f.name for f in fields if f.required} <= filled
    assert checked > 5 * len(fields)
