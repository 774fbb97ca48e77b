"""The README and docs/ name files and link to each other: every relative link and every
backticked repository path (`sanxiang/…`, `docs/…`, `tests/…`, …) must exist, so the docs stay true."""

import re
from pathlib import Path

import pytest

# No database here (pure functions, files, profile data): the SQLite pass runs it once (docs/how-to.md "Test time").
pytestmark = pytest.mark.database_agnostic

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\n]+)`")
PATH = re.compile(r"^(?:sanxiang|docs|tests|bench|scripts|\.ci)/[\w./<>*{}-]*$")
# `orgs/guards.py` in a sentence about the package means sanxiang/orgs/guards.py.
APPS = {p.name for p in (ROOT / "sanxiang").iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}


def _relative_links(text):
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        yield target.split("#", 1)[0]


def _named_paths(text):
    for code in CODE.findall(text):
        for word in code.split():
            word = word.rstrip(".,;:)（）")
            # Placeholders (`<app>/actions.py`, `tests/<app>/`) and globs name no one file.
            if re.search(r"[<>*{}]", word):
                continue
            if PATH.match(word):
                yield word
            elif re.match(r"^[a-z]+/[\w./-]*\.(py|html|toml)$", word) and word.split("/")[0] in APPS:
                yield f"sanxiang/{word}"


def _template_exists(path):
    """A template name (`orgs/action_form.html`) is found in an app's templates/ folder."""
    name = path.removeprefix("sanxiang/")
    return name.endswith(".html") and any(ROOT.glob(f"sanxiang/**/templates/{name}"))


def _missing(doc):
    text = doc.read_text(encoding="utf-8")
    missing = []
    for target in _relative_links(text):
        if target and not (doc.parent / target).exists():
            missing.append(f"link {target}")
    for path in _named_paths(text):
        if not (ROOT / path).exists() and not _template_exists(path):
            missing.append(f"path `{path}`")
    return missing


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[str(d.relative_to(ROOT)) for d in DOCUMENTS])
def test_every_link_and_named_path_exists(doc):
    assert _missing(doc) == []


def test_the_checker_notices_a_missing_file(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("see [decision](decisions/0004-backup-format.md), `sanxiang/orgs/nowhere.py` and "
                   "`orgs/gone.py`, but `sanxiang/<app>/actions.py` is a placeholder\n", encoding="utf-8")
    assert _missing(doc) == ["link decisions/0004-backup-format.md", "path `sanxiang/orgs/nowhere.py`",
                             "path `sanxiang/orgs/gone.py`"]
