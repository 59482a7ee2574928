"""Validation of material aliases: an alias names one known material, and no other material by its code or name."""

from __future__ import annotations

import polars as pl

from mfa.domain.labels.reasons import reason
from mfa.intake.names import NameIndex, name_key
from mfa.intake.validate.checks import (
    Checked,
    Checks,
    Refs,
    cell_text,
    check_duplicates,
    check_known,
    present_columns,
    with_columns,
)

MAX_ALIAS = 100


def validate_material_aliases(frame: pl.DataFrame, refs: Refs) -> Checked:
    """Check alias rows: an alias (at most 100 characters) for a known material code, not a code or another
    material's name already, each alias once."""
    f = with_columns(frame, ("alias", "material", "source"))
    aliases = f.select(cell_text("alias")).to_series().to_list()
    f = f.with_columns(
        cell_text("alias").alias("__alias"),
        cell_text("material").alias("__material"),
        pl.Series("__key", [None if a is None else name_key(a) for a in aliases], dtype=pl.String),
    )
    checks = Checks(f)
    checks.required(("alias", "material"))
    alias = pl.col("__alias")
    checks.add(alias.str.len_chars() > MAX_ALIAS, "alias", f"an alias is at most {MAX_ALIAS} characters")
    check_known(checks, "material", list(refs.materials), "material")
    checks.add(
        alias.is_in(list(refs.materials)),
        "alias",
        pl.format("'{}' is a material code already", alias),
    )
    index = refs.material_names or NameIndex("material", frozenset(refs.materials))
    clash: list[str | None] = []
    for written, material in f.select("__alias", "__material").iter_rows():
        owners = index.named.get(name_key(written), ()) if written and written not in refs.materials else ()
        other = next((c for c in owners if c != material), None)
        clash.append(reason("alias_is_name", alias=written, material=other) if other and material else None)
    clashes = pl.Series(clash, dtype=pl.String)
    checks.add(clashes.is_not_null(), "alias", clashes)
    check_duplicates(checks, f, ["__key"], "alias")
    typed = f.select(
        "_file",
        "_row",
        alias.alias("alias"),
        pl.col("__material").alias("material"),
        cell_text("source").alias("source"),
    )
    return checks.run("material_aliases", typed, present_columns(frame, ("source",)))
