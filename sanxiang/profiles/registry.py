"""Registry of rule profiles (规则配置): load, resolve inheritance, answer "which rule on date D".

    from sanxiang.profiles.registry import get_profile, list_profiles, ProfileError
    get_profile("zhuzhou-amr").value("review.time_limit", on=date(2024, 5, 6))
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .schema import SCHEMA, SECTIONS, ProfileData, ProfileError, Version, parse_file

__all__ = ["get_profile", "list_profiles", "ProfileError", "Profile", "Registry", "Entry", "DATA_DIR"]

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL = "national"


@dataclass(frozen=True)
class Entry:
    """规则值: the value of one name in force on a date, with its citation and source file."""

    name: str
    value: object
    citation: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    source: str
    not_applicable: bool = False  # the national rule does not bind this agency (schema.Version)

    @property
    def spec(self):
        return SCHEMA[self.name]

    def as_dict(self):
        return {
            "name": self.name,
            "value": self.value,
            "citation": self.citation,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "source": self.source,
        }


@dataclass(frozen=True)
class Difference:
    """配置差异: one name whose values differ between two profiles on a date."""

    name: str
    left: Entry
    right: Entry


def _entry(v: Version) -> Entry:
    return Entry(v.name, v.value, v.citation, v.effective_from, v.effective_to, v.source, v.not_applicable)


def _as_date(on) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, str):
        try:
            return dt.date.fromisoformat(on)
        except ValueError:
            raise ProfileError(f"日期格式错误：{on!r}，应为 YYYY-MM-DD", code="bad_date") from None
    raise ProfileError(f"日期格式错误：{on!r}，应为 YYYY-MM-DD")


class Profile:
    """规则配置: one agency's (or the national) profile with the inheritance resolved."""

    def __init__(self, data: ProfileData, parent: Profile | None):
        self._data = data
        self.parent = parent
        self.key = data.key
        self.name = data.name
        self.extends = data.extends
        self.path = data.path
        self.document = data.document

    def __repr__(self):
        return f"<Profile {self.key}>"

    def names(self) -> list[str]:
        """Every known value name, in schema order (sections 公示 … 职责分工)."""
        return list(SCHEMA)

    def sections(self):
        """[(section code, Chinese title, [names])] in display order."""
        return [(code, title, [n for n in SCHEMA if SCHEMA[n].section == code]) for code, title in SECTIONS.items()]

    def _check_name(self, name):
        if name not in SCHEMA:
            raise ProfileError(f"未知的规则项：{name}")

    def entry(self, name: str, on=None) -> Entry:
        """The value in force on `on` (None = today); the parent's where this file is silent."""
        self._check_name(name)
        day = _as_date(on)
        for version in self._data.versions.get(name, ()):
            if version.covers(day):
                if version.value is None and not version.not_applicable and self.parent is not None:
                    # A local document that is silent on a rule does not repeal the national one.
                    inherited = self.parent.entry(name, on=day)
                    if inherited.value is not None:
                        return inherited
                return _entry(version)
        if self.parent is None:
            raise ProfileError(f"{self._data.path.name}：{name}：{day} 没有有效值")
        return self.parent.entry(name, on=day)

    def cite(self, entry: Entry) -> str:
        """The entry's citation for people: source documents named by title, not by file name."""
        profile = self
        while profile is not None:
            if profile.key == entry.source:
                return for_people(profile.document.cite(entry.citation) if profile.document else entry.citation)
            profile = profile.parent
        return for_people(entry.citation)

    def value(self, name: str, on=None):
        return self.entry(name, on=on).value

    def own_versions(self, name: str) -> list[Entry]:
        """The versions this profile's own file sets for `name` (empty when inherited)."""
        self._check_name(name)
        return [_entry(v) for v in self._data.versions.get(name, ())]

    def history(self, name: str) -> list[Entry]:
        """All versions that can apply for `name`: own versions, then the inherited ones."""
        own = self.own_versions(name)
        return own + (self.parent.history(name) if self.parent else [])

    def overrides(self, name: str) -> bool:
        self._check_name(name)
        return name in self._data.versions

    def diff(self, other: Profile, on=None) -> list[Difference]:
        day = _as_date(on)
        result = []
        for name in self.names():
            left, right = self.entry(name, on=day), other.entry(name, on=day)
            if left.value != right.value:
                result.append(Difference(name, left, right))
        return result

    def as_dict(self, on=None):
        day = _as_date(on)
        return {
            "key": self.key,
            "name": self.name,
            "extends": self.extends,
            "on": day.isoformat(),
            "values": {n: self.entry(n, on=day).as_dict() for n in self.names()},
        }


class Registry:
    """A set of profile files in one directory (the shipped `data/` by default)."""

    def __init__(self, directory: Path = DATA_DIR, extra_files=()):
        self.directory = Path(directory)
        self._files = {p.stem: p for p in sorted(self.directory.glob("*.toml"))}
        for path in extra_files:
            self._files[Path(path).stem] = Path(path)
        self._cache: dict[str, Profile] = {}

    def keys(self) -> list[str]:
        keys = sorted(self._files)
        if NATIONAL in keys:
            keys.remove(NATIONAL)
            keys.insert(0, NATIONAL)
        return keys

    def get(self, key: str, _chain=()) -> Profile:
        if key in self._cache:
            return self._cache[key]
        if key not in self._files:
            raise ProfileError(f"未知的规则配置：{key}")
        data = parse_file(self._files[key])
        parent = None
        if data.extends is not None:
            if data.extends not in self._files:
                raise ProfileError(f"{data.path.name}：extends：继承的配置 {data.extends!r} 不存在")
            if data.extends in _chain or data.extends == key:
                raise ProfileError(f"{data.path.name}：extends：继承关系成环（{' → '.join((*_chain, key, data.extends))}）")
            parent = self.get(data.extends, (*_chain, key))
        profile = Profile(data, parent)
        self._cache[key] = profile
        return profile

    def validate_all(self) -> list[Profile]:
        return [self.get(k) for k in self.keys()]


@functools.lru_cache(maxsize=1)
def _default() -> Registry:
    return Registry()


def get_profile(key: str) -> Profile:
    """The shipped profile `key` (cached); unknown key → ProfileError('未知的规则配置：key')."""
    return _default().get(key)


def list_profiles() -> list[str]:
    """Keys of the shipped profiles: national first, then the five seed agencies."""
    return _default().keys()


def validate_files(paths) -> list[Profile]:
    """Validate the given files (others they extend are looked up among them, then the shipped ones)."""
    registry = Registry(DATA_DIR, extra_files=paths)
    return [registry.get(Path(p).stem) for p in paths]


_SPEC_REFERENCE = re.compile(r"[，、；,]?\s*(?:见\s*)?(?:legal-rules|rules-\d{4})\.md(?:\s*§\s*[\w.]+(?:\s*[、,]\s*§?\s*[\w.]+)*)?")


def for_people(citation: str) -> str:
    """A citation without the project's own spec files (「legal-rules.md §1a」): they mean nothing to the
    people who read it (s23 defects10 #13b); an emptied bracket goes too."""
    text = _SPEC_REFERENCE.sub("", citation or "")
    return re.sub(r"（\s*）|\(\s*\)", "", text).strip()
