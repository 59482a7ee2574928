"""The flow frame every computation reads (one row per flow with both ends' kind, park and city), where a question
is asked (a Scope: the province, a city or a park) and which flows it looks at (a Selection)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar, get_args

import polars as pl

from mfa.domain.vocabulary import city_name, descendants

ScopeLevel = Literal["province", "city", "park"]
Side = Literal["source", "target"]


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


@dataclass(frozen=True)
class Scope:
    """Where an indicator is measured: the whole province, one city (English name) or one park (code)."""

    level: ScopeLevel = "province"
    code: str | None = None

    def __post_init__(self) -> None:
        if self.level not in get_args(ScopeLevel):
            raise ValueError(f"unknown scope level {self.level!r}; expected one of {get_args(ScopeLevel)}")
        if self.level == "province" and self.code not in (None, "province"):
            raise ValueError(f"a province scope takes no code, got {self.code!r}")
        if self.level == "province":
            object.__setattr__(self, "code", None)
        elif not self.code:
            raise ValueError(f"a {self.level} scope needs a code")

    @classmethod
    def parse(cls, text: str) -> Scope:
        """Read "province", "city:Changsha" (or "city:长沙") or "park:<code>"."""
        level, _, code = text.strip().partition(":")
        return cls.of(level.strip(), code.strip() or None)

    @classmethod
    def of(cls, level: str, scope: str | None) -> Scope:
        """Build from the (scope_level, scope) columns of the targets and indicator frames."""
        if level == "city" and scope is not None:
            scope = city_name(scope) or scope
        return cls(level, scope)  # type: ignore[arg-type]

    @property
    def city(self) -> str | None:
        """The city of a city scope, else None."""
        return self.code if self.level == "city" else None

    @property
    def park(self) -> str | None:
        """The park of a park scope, else None."""
        return self.code if self.level == "park" else None

    @property
    def key(self) -> str:
        """The value of the `scope` column for this scope ("province" for the province)."""
        return self.code if self.code is not None else "province"

    def __str__(self) -> str:
        return self.level if self.code is None else f"{self.level}:{self.code}"


PROVINCE = Scope()


def _columns(frame: pl.DataFrame | pl.LazyFrame) -> list[str]:
    return frame.collect_schema().names()


def require_columns(frame: pl.DataFrame | pl.LazyFrame, columns: Iterable[str], what: str) -> None:
    """Raise ValueError naming the columns of `columns` that `frame` lacks."""
    missing = [c for c in columns if c not in _columns(frame)]
    if missing:
        raise ValueError(f"{what} frame lacks column(s): {', '.join(missing)}")


def period_predicates(year: int | None, month: int | None) -> list[pl.Expr]:
    """The filters keeping a year (with its months) or one month; ValueError for a month without a year."""
    if month is not None:
        if year is None:
            raise ValueError("a month needs a year")
        if not 1 <= month <= 12:
            raise ValueError(f"month must be in 1..12, got {month}")
        return [pl.col("year") == year, pl.col("month") == month]
    return [] if year is None else [pl.col("year") == year]


def in_scope(scope: Scope, side: Side) -> pl.Expr:
    """True for flows whose `side` end lies in `scope`."""
    if scope.level == "province":
        return pl.lit(True)
    return (pl.col(f"{side}_{scope.level}") == scope.code).fill_null(False)


def select_flows(
    flows: Frame,
    parents: Mapping[str, str | None],
    *,
    year: int | None = None,
    month: int | None = None,
    scope: Scope | None = None,
    material: str | Iterable[str] | None = None,
) -> Frame:
    """Keep the flows of a period (a year includes its months), with either end in `scope`, of `material`
    or any material below it; None means no filter."""
    predicates = period_predicates(year, month)
    if scope is not None and scope.level != "province":
        predicates.append(in_scope(scope, "source") | in_scope(scope, "target"))
    if material is not None:
        codes = [material] if isinstance(material, str) else list(material)
        predicates.append(pl.col("material").is_in(sorted(descendants(parents, codes))))
    return flows.filter(*predicates) if predicates else flows


Schema = Mapping[str, type[pl.DataType] | pl.DataType]


ANALYSIS_SCHEMA: Schema = {
    "period": pl.String,
    "year": pl.Int32,
    "month": pl.Int8,
    "source": pl.String,
    "target": pl.String,
    "material": pl.String,
    "quantity_t": pl.Float64,
    "uncertainty": pl.Float64,
    "data_quality": pl.String,
    "reconciled_t": pl.Float64,
    "source_kind": pl.String,
    "target_kind": pl.String,
    "source_park": pl.String,
    "target_park": pl.String,
    "source_city": pl.String,
    "target_city": pl.String,
}
"""The analysis frame: one row per flow with both ends' kind, park and city (what indicators and graphs read)."""


@dataclass(frozen=True)
class Selection:
    """Which flows a user looks at: a year or one month of it, a scope (a flow is in it when either end is), a
    material and everything below it, facility kinds (a flow is kept when either end is of one of them), and
    whether quantities are as reported or as reconciled where saved. The CLI, the app and every export use it."""

    year: int | None = None
    month: int | None = None
    scope: Scope = PROVINCE
    material: str | None = None
    kinds: tuple[str, ...] = ()
    reconciled: bool = False

    def __post_init__(self) -> None:
        period_predicates(self.year, self.month)  # a month needs a year, months are 1..12

    @property
    def period(self) -> str | None:
        """The period as stored: 2024 or 2024-03 (None for every year)."""
        if self.year is None:
            return None
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


def selected(flows: Frame, parents: Mapping[str, str | None], selection: Selection) -> Frame:
    """The flows of the flow frame that `selection` keeps (select_flows, then the facility kinds)."""
    kept = select_flows(
        flows,
        parents,
        year=selection.year,
        month=selection.month,
        scope=selection.scope,
        material=selection.material,
    )
    if selection.kinds:
        kinds = list(selection.kinds)
        kept = kept.filter(pl.col("source_kind").is_in(kinds) | pl.col("target_kind").is_in(kinds))
    return kept
