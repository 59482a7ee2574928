"""Validation of the registry: parks, facilities (with unified social credit codes) and materials."""

from __future__ import annotations

import polars as pl

from mfa.domain import vocabulary
from mfa.domain.labels import KIND_LABELS
from mfa.domain.labels.reasons import reason
from mfa.intake.validate.checks import (
    IDENT_PATTERN,
    USCC_CHARS,
    USCC_WEIGHTS,
    Checked,
    Checks,
    Refs,
    cell_lookup,
    cell_missing,
    cell_text,
    check_duplicates,
    check_known,
    present_columns,
    python_check,
    with_columns,
)

LEVELS = {"national": "national", "provincial": "provincial", "other": "other", "国家级": "national"}
LEVELS |= {"省级": "provincial", "其他": "other", "其它": "other"}
KINDS = {k: k for k in vocabulary.FACILITY_KINDS}
KINDS |= {en.lower(): k for k, (en, _zh) in KIND_LABELS.items()}
KINDS |= {zh: k for k, (_en, zh) in KIND_LABELS.items()}
"""Every accepted spelling of a facility kind (its code, English or Chinese name) -> the code."""
TRUE_WORDS = {"true", "1", "yes", "y", "是", "产品", "product"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "", "material", "物料"}


def credit_code_problem(code: str) -> str | None:
    """Why `code`, which looks like a unified social credit code, is malformed; None if it is fine."""
    bad = sorted({c for c in code[:17] if c not in USCC_CHARS})
    if bad:
        return reason("credit_code_chars", chars="".join(bad))
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    expected = USCC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return reason("credit_code_check", expected=expected, found=code[17])
    return None


def looks_like_credit_code(code: str) -> bool:
    """An 18-character upper-case alphanumeric code with a 6-digit division code at positions 3-8."""
    return len(code) == 18 and code.isascii() and code.isalnum() and code == code.upper() and code[2:8].isdigit()


def code_problem(code: str | None) -> str | None:
    code = (code or "").strip()
    if not code:
        return None
    if len(code) > 64 or any(c.isspace() for c in code):
        return reason("code_form")
    if looks_like_credit_code(code):
        return credit_code_problem(code)
    return None


def check_names(checks: Checks) -> None:
    checks.add(cell_missing("name") & cell_missing("name_zh"), "name", reason("name_required"))


def validate_parks(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check park rows: a code, a name, a Hunan city, a level."""
    f = with_columns(frame, ("code", "name", "name_zh", "city", "level")).with_columns(
        cell_text("code").alias("__code")
    )
    checks = Checks(f)
    checks.required(("code", "city"))
    check_names(checks)
    problems = python_check(f, "code", code_problem)
    checks.add(problems.is_not_null(), "code", problems)
    aliases = dict(vocabulary.city_aliases())
    city = cell_text("city").str.to_lowercase().replace_strict(aliases, default=None, return_dtype=pl.String)
    checks.add(
        ~cell_missing("city") & city.is_null(),
        "city",
        pl.format("'{}' is not one of Hunan's 14 prefecture-level cities", cell_text("city")),
    )
    level = cell_lookup("level", LEVELS)
    checks.add(~cell_missing("level") & level.is_null(), "level", reason("bad_level"))
    check_duplicates(checks, f, ["__code"], "code")
    typed = f.select(
        "_file",
        "_row",
        cell_text("code").alias("code"),
        cell_text("name").fill_null("").alias("name"),
        cell_text("name_zh").fill_null("").alias("name_zh"),
        city.alias("city"),
        level.fill_null("other").alias("level"),
    )
    return checks.run("parks", typed, present_columns(frame, ("name", "name_zh", "level")))


def validate_facilities(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check facility rows: a code (credit codes by their check digit), a name, a kind, a known park."""
    f = with_columns(frame, ("code", "name", "name_zh", "park", "kind"))
    f = f.with_columns(cell_text("code").alias("__code"), cell_text("park").alias("__park"))
    checks = Checks(f)
    checks.required(("code", "kind"))
    check_names(checks)
    problems = python_check(f, "code", code_problem)
    checks.add(problems.is_not_null(), "code", problems)
    kind = cell_lookup("kind", KINDS)
    checks.add(
        ~cell_missing("kind") & kind.is_null(),
        "kind",
        pl.format("unknown kind '{}' (one of {})", cell_text("kind"), pl.lit(", ".join(vocabulary.FACILITY_KINDS))),
    )
    checks.add(
        cell_missing("park") & kind.is_not_null() & (kind != "boundary"),
        "park",
        reason("park_required"),
    )
    check_known(checks, "park", list(refs.parks), "park")
    check_duplicates(checks, f, ["__code"], "code")
    typed = f.select(
        "_file",
        "_row",
        cell_text("code").alias("code"),
        cell_text("name").fill_null("").alias("name"),
        cell_text("name_zh").fill_null("").alias("name_zh"),
        cell_text("park").alias("park"),
        kind.alias("kind"),
    )
    return checks.run("facilities", typed, present_columns(frame, ("name", "name_zh", "park")))


def validate_materials(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check material rows: a lower-case code, a known parent (a new group has none), no cycle."""
    f = with_columns(frame, ("code", "name", "name_zh", "parent", "is_product")).with_columns(
        cell_text("code").alias("__code")
    )
    checks = Checks(f)
    checks.required(("code",))
    check_names(checks)
    code = cell_text("code")
    checks.add(
        code.is_not_null() & ~code.str.contains(IDENT_PATTERN),
        "code",
        reason("material_code_form"),
    )
    known = set(refs.materials) | set(f["code"].drop_nulls().str.strip_chars().to_list())
    parent = cell_text("parent")
    checks.add(
        parent.is_not_null() & ~parent.is_in(sorted(known)),
        "parent",
        pl.format("unknown material '{}'", parent),
    )
    parents = dict(refs.materials)
    rows = f.select(code.alias("c"), parent.alias("p")).rows()
    parents.update({c: p for c, p in rows if c})
    cyc = [reason("material_cycle") if c and p and c in vocabulary.ancestors(parents, p) else None for c, p in rows]
    checks.add(
        pl.Series(cyc, dtype=pl.String).is_not_null(),
        "parent",
        pl.Series(cyc, dtype=pl.String),
    )
    flag = cell_text("is_product").str.to_lowercase()
    checks.add(
        flag.is_not_null() & ~flag.is_in(sorted(TRUE_WORDS | FALSE_WORDS)),
        "is_product",
        reason("bad_is_product"),
    )
    check_duplicates(checks, f, ["__code"], "code")
    typed = f.select(
        "_file",
        "_row",
        code.alias("code"),
        cell_text("name").fill_null("").alias("name"),
        cell_text("name_zh").fill_null("").alias("name_zh"),
        parent.alias("parent"),
        flag.is_in(sorted(TRUE_WORDS)).fill_null(False).alias("is_product"),
    )
    return checks.run("materials", typed, present_columns(frame, ("name", "name_zh", "is_product")))
