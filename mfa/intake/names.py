"""Facilities and materials as people name them: by code, by English or Chinese name, or (materials) by an alias,
including the category codes of the national catalogue 《固体废物分类与代码目录》 (2024). A name resolves to a code
when exactly one record bears it; an unknown or ambiguous name is refused with the closest matches listed.

Names are compared without regard to case, full-width forms or blanks (`钢 厂`, `ＳＲＣ－１` and `src-1` are `钢厂`
and `SRC-1`); a code written exactly always wins over a name. A full catalogue waste code (`081-001-S05`: industry,
sequence, category) resolves by its category (`S05`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from mfa.domain.labels.reasons import reason

MAX_SUGGESTED = 50
"""Distinct unknown names per column given closest matches (the rest are only called unknown)."""
CATALOGUE_CODE = re.compile(r"^\d{3}-?\d{3}-?(s\d{2})$")


def name_key(text: str) -> str:
    """A name as compared: NFKC, case folded, without blanks."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class NameIndex:
    """The codes of one kind of record and every name that stands for them."""

    what: str
    """facility or material, as messages say it."""
    codes: frozenset[str] = frozenset()
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    """code -> how a suggestion shows it (`SRC-1 钢厂`)."""
    named: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The keys of codes and names only (not aliases) -> codes: what an alias may not be."""

    @staticmethod
    def build(what: str, entries: Iterable[tuple[str, Iterable[str | None]]]) -> NameIndex:
        """An index of (code, its names) pairs."""
        return NameIndex(what).extended(entries)

    def extended(self, entries: Iterable[tuple[str, Iterable[str | None]]], aliases: bool = False) -> NameIndex:
        """This index with more codes and names (or aliases: other names that are not the record's own)."""
        keys = {k: list(v) for k, v in self.keys.items()}
        named = {k: list(v) for k, v in self.named.items()}
        labels = dict(self.labels)
        codes = set(self.codes)
        for code, names in entries:
            written = [n.strip() for n in names if n and n.strip()]
            if not aliases or code not in labels:
                labels[code] = " ".join([code, *dict.fromkeys(n for n in written if n != code)][:2])
            own = [code, *written]
            if not aliases:
                codes.add(code)
            if aliases:  # an alias names one material: the newest wins over an older alias of the same name
                for text in written:
                    key = name_key(text)
                    keys[key] = list(dict.fromkeys([*named.get(key, ()), code]))
                continue
            for text in own:
                for table in (keys, named):
                    found = table.setdefault(name_key(text), [])
                    if code not in found:
                        found.append(code)
        return NameIndex(
            self.what,
            frozenset(codes),
            {k: tuple(v) for k, v in keys.items()},
            labels,
            {k: tuple(v) for k, v in named.items()},
        )

    def lookup(self, value: str) -> tuple[str | None, str | None]:
        """(code, None) for a code or a name of exactly one record; (None, why) otherwise."""
        if value in self.codes:
            return value, None
        key = name_key(value)
        found = self.keys.get(key)
        if not found:
            category = CATALOGUE_CODE.match(key)
            found = self.keys.get(category[1]) if category else None
        if found and len(found) == 1:
            return found[0], None
        if found:
            shown = ", ".join(self.labels.get(c, c) for c in found)
            return None, reason(f"ambiguous_{self.what}", value=value, count=len(found), candidates=shown)
        return None, None

    def closest(self, value: str, n: int = 3) -> list[str]:
        """The records whose names are most like `value`, as suggestions (`SRC-1 钢厂`)."""
        near = difflib.get_close_matches(name_key(value), list(self.keys), n=n * 2, cutoff=0.5)
        codes = dict.fromkeys(c for k in near for c in self.keys[k])
        return [self.labels.get(c, c) for c in list(codes)[:n]]

    def resolve(self, column: pl.Series) -> tuple[pl.Series, pl.Series | None]:
        """A column of trimmed text as codes (values that name nothing stay as written), and for each row why its
        value names no single record (null where it does, or where the cell is empty); None when every value is a
        code (the common case, kept fast)."""
        distinct = [v for v in column.unique().to_list() if v is not None and v not in self.codes]
        if not distinct:
            return column, None
        codes: dict[str, str] = {}
        problems: dict[str, str] = {}
        suggested = 0
        for value in distinct:
            code, why = self.lookup(value)
            if code is not None:
                codes[value] = code
                continue
            if why is None:
                near = self.closest(value) if suggested < MAX_SUGGESTED else []
                suggested += 1
                if near:
                    why = reason(f"unknown_{self.what}_closest", value=value, closest="; ".join(near))
                else:
                    why = reason(f"unknown_{self.what}", value=value)
            problems[value] = why
        resolved = column.replace_strict(codes, default=column, return_dtype=pl.String) if codes else column
        why_not = column.replace_strict(problems, default=None, return_dtype=pl.String)
        return resolved, why_not


def facility_index(rows: Iterable[tuple[str, str | None, str | None]]) -> NameIndex:
    """Facilities by code, name and Chinese name."""
    return NameIndex.build("facility", ((code, (name, name_zh)) for code, name, name_zh in rows))


def material_index(
    rows: Iterable[tuple[str, str | None, str | None]], aliases: Mapping[str, str] | None = None
) -> NameIndex:
    """Materials by code, name, Chinese name and alias."""
    index = NameIndex.build("material", ((code, (name, name_zh)) for code, name, name_zh in rows))
    return index.extended(((code, [alias]) for alias, code in (aliases or {}).items()), aliases=True)
