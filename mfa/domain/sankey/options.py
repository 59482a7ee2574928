"""How a Sankey diagram is drawn: level, view, node order, merging of small nodes, a fixed scale (docs/sankey.md).

One frozen, hashable value that the CLI, the app and the exports hand to the one builder (mfa.services.sankey), so
a new option is added here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from mfa.domain.network import GraphLevel

View = Literal["auto", "stages", "od", "network"]
"""auto: stages at kind and facility level, origin-destination at city and park level."""
OrderRule = Literal["auto", "tonnes", "name"]
"""auto: stage view by kind and crossings, origin-destination by tonnes; tonnes: largest first; name: by label."""

STAGE_LEVELS: tuple[GraphLevel, ...] = ("kind", "facility")


@dataclass(frozen=True)
class SankeyOptions:
    """level: nodes are facilities, parks, cities or kinds; view: stages (left to right, returns under the flow),
    od (origin-destination: every place on both sides) or network (columns from the flows themselves); order: the
    rule ordering nodes top to bottom, or node ids/labels to put first in that order; min_share: nodes below this
    share of the tonnes merge into Other; scale_t: tonnes drawn SCALE_PX tall in every figure (compare years)."""

    level: GraphLevel = "kind"
    view: View = "auto"
    order: OrderRule | tuple[str, ...] = "auto"
    min_share: float = 0.0
    scale_t: float | None = None

    def __post_init__(self) -> None:
        if self.level not in get_args(GraphLevel):
            raise ValueError(f"unknown level {self.level!r}; expected one of {get_args(GraphLevel)}")
        if self.view not in get_args(View):
            raise ValueError(f"unknown view {self.view!r}; expected one of {get_args(View)}")
        if self.view == "stages" and self.level not in STAGE_LEVELS:
            raise ValueError(f"the stages view needs the kind or facility level, not {self.level!r}")
        if isinstance(self.order, list):
            object.__setattr__(self, "order", tuple(self.order))
        if isinstance(self.order, str) and self.order not in get_args(OrderRule):
            raise ValueError(f"unknown order {self.order!r}; expected one of {get_args(OrderRule)} or a list of nodes")
        if not 0 <= self.min_share < 1:
            raise ValueError(f"min_share must be in [0, 1), got {self.min_share}")
        if self.scale_t is not None and not self.scale_t > 0:
            raise ValueError(f"scale_t must be a positive number of tonnes, got {self.scale_t}")

    @property
    def drawn_view(self) -> View:
        """The view drawn: `view`, or for auto the stages at kind and facility level and od above."""
        if self.view != "auto":
            return self.view
        return "stages" if self.level in STAGE_LEVELS else "od"


def parse_order(text: str) -> OrderRule | tuple[str, ...]:
    """An order as a user types it: auto, tonnes, name, or node ids / labels separated by commas."""
    cleaned = text.strip()
    if cleaned in get_args(OrderRule):
        return cleaned  # type: ignore[return-value]
    return tuple(part.strip() for part in cleaned.split(",") if part.strip())
