"""What an import understood of its files, as the CLI and the Import page ask for it: the column mappings users
confirmed (remembered per park and proposed again for files with the same header) and a preview of the first
records as they would be stored (codes for names, quantities in tonnes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine

from mfa.domain.labels import Language, text
from mfa.domain.roles import Actor
from mfa.intake.headings import MONTH, YEAR, YEAR_TOTAL, token_month
from mfa.intake.layouts import Layout
from mfa.intake.readers import ReadResult
from mfa.intake.tables import BY_NAME
from mfa.intake.validate import validate_flows, validate_stocks
from mfa.services.references import load_refs
from mfa.storage import mappings
from mfa.storage.engine import write_transaction

PREVIEW_ROWS = 10


def scopes(actor: Actor | None) -> list[str]:
    """Where a user's mappings are remembered and looked up: each of their parks, then everyone's (`*`)."""
    parks = sorted(actor.parks) if actor is not None and actor.role == "park_manager" else []
    return [*parks, mappings.EVERYONE]


def may_remember(actor: Actor | None) -> bool:
    """Whether a user's confirmed mappings are remembered (those who may write)."""
    return actor is None or actor.role in ("admin", "park_manager")


@dataclass(frozen=True)
class Proposal:
    """A remembered mapping for one table of the files being read."""

    label: str
    mapping: tuple[str, ...]
    scope: str
    by: str | None


def remembered(engine: Engine, read: ReadResult, actor: Actor | None = None) -> dict[str, Proposal]:
    """For each table read whose header has a remembered mapping (for the user's parks, else for everyone) that
    differs from the guess, that mapping, by table label."""
    found: dict[str, Proposal] = {}
    with engine.connect() as conn:
        for layout in read.layouts:
            kept = mappings.remembered(conn, layout.signature, scopes(actor))
            if kept is None or len(kept.mapping) != len(layout.headers) or kept.mapping == layout.mapping:
                continue
            found[layout.file] = Proposal(layout.file, kept.mapping, kept.scope, kept.updated_by)
    return found


def choices_of(proposals: Mapping[str, Proposal]) -> dict[str, tuple[str, ...]]:
    """The proposals as column choices for reading the files again."""
    return {label: p.mapping for label, p in proposals.items()}


def mark_remembered(read: ReadResult, proposals: Mapping[str, Proposal]) -> None:
    """Say in each layout read with a remembered mapping that it was."""
    for layout in read.layouts:
        proposal = proposals.get(layout.file)
        if proposal is not None and layout.mapping == proposal.mapping:
            layout.remembered = True


def remember(engine: Engine, actor: Actor | None, layouts: Sequence[Layout]) -> int:
    """Remember the mappings of these tables for the user's parks (everyone's for an admin) when they differ from
    the guess (a guess needs no remembering; a remembered one that now equals the guess is forgotten); how many
    were remembered."""
    if not may_remember(actor):
        return 0
    where = scopes(actor)[:-1] or [mappings.EVERYONE]
    by = actor.name if actor is not None else "local"
    done = 0
    with write_transaction(engine) as conn:
        for layout in layouts:
            for scope in where:
                if layout.mapping == layout.guess:
                    mappings.forget(conn, layout.signature, scope)
                    continue
                mappings.remember(conn, scope, layout.table, layout.signature, layout.headers, layout.mapping, by)
                done += 1
    return done


def preview(
    engine: Engine, read: ReadResult, rows: int = PREVIEW_ROWS, today: date | None = None
) -> dict[str, pl.DataFrame]:
    """The first flows (or stocks) of each table as they would be stored: codes for names, quantities in tonnes;
    rows that would be refused are left out (the import lists why)."""
    out: dict[str, pl.DataFrame] = {}
    tables = [t for t in read.tables if t.spec.name in ("flows", "stocks")]
    if not tables:
        return out
    with engine.connect() as conn:
        refs = load_refs(conn)
    for table in tables:
        head = table.frame.head(rows * 3)
        checked = (validate_flows if table.spec.name == "flows" else validate_stocks)(head, refs, today=today)
        ends = ["source", "target"] if table.spec.name == "flows" else ["facility"]
        shown = checked.valid.head(rows).select(
            pl.col("_row").alias("row"), "period", *ends, "material", "value", "unit", "quantity_t"
        )
        out[table.file] = shown
    return out


def field_label(token: str, language: Language) -> str:
    """How a column's token reads: a column name, a layout role, a month, or "(not used)"."""
    if not token:
        return text("not_used", language)
    found = token_month(token)
    if found is not None:
        year, month = found
        if year:
            return text("role_year_month", language, period=f"{year}-{month:02d}")
        return text("role_month_n", language, month=month)
    roles = {YEAR: "role_year", MONTH: "role_month", YEAR_TOTAL: "role_total"}
    if token in roles:
        return text(roles[token], language)
    return token


def describe(layout: Layout, language: Language) -> list[str]:
    """The understanding of one table in a few lines: where the header is, the unit and period it takes from
    the title block, header or sheet name, the columns, the rows not imported and what was read."""
    spec = BY_NAME[layout.table]
    table = spec.name_zh if language == "zh" else spec.name
    head = [text("layout_table", language, file=layout.file, table=table, row=layout.header_row)]
    where = {"title": "from_title", "header": "from_header", "sheet": "from_sheet"}
    if layout.unit:
        head.append(
            text("layout_unit", language, unit=layout.unit, where=text(where[layout.unit_from or "title"], language))
        )
    if layout.period:
        head.append(
            text(
                "layout_period",
                language,
                period=layout.period,
                where=text(where[layout.period_from or "title"], language),
            )
        )
    lines = ["; ".join(head)]
    columns = ", ".join(
        f"{h or '—'} → {field_label(t, language)}" for h, t in zip(layout.headers, layout.mapping, strict=True)
    )
    lines.append(f"{text('layout_columns', language)}: {columns}")
    if layout.remembered:
        lines.append(text("layout_remembered", language))
    for row in layout.skipped:
        lines.append(f"{text('layout_row', language, row=row.row)}: {text('skip_' + row.kind, language)} ({row.text})")
    if layout.problem is None:
        counted = text("layout_records", language, n=f"{layout.records:,}")
        if layout.empty_cells:
            counted += "; " + text("layout_empty_cells", language, n=f"{layout.empty_cells:,}")
        lines.append(counted)
    return lines
