"""The one Sankey builder: the CLI (`mfa sankey`), the app's Flows, Reconciliation and Export pages all ask it, so
the same selection gives the same diagram and the same JSON everywhere."""

from __future__ import annotations

from sqlalchemy import Engine

from mfa.domain.flowframe import Selection, selected
from mfa.domain.labels import Language
from mfa.domain.network import GraphLevel
from mfa.domain.sankey import SankeyData, sankey_data
from mfa.services.loading import Data
from mfa.storage import reads


def names(engine: Engine, language: Language) -> dict[str, str]:
    """Park and material code -> its name in `language` (the other language's name, else the code, when empty)."""
    with engine.connect() as conn:
        tables = reads.reference_tables(conn)
    first, second = ("name_zh", "name") if language == "zh" else ("name", "name_zh")
    return {
        code: (a or b or code)
        for table in ("parks", "materials")
        for code, a, b in tables[table].select("code", first, second).iter_rows()
    }


def sankey_for(
    engine: Engine,
    data: Data,
    selection: Selection,
    *,
    level: GraphLevel = "park",
    min_share: float = 0.0,
    language: Language = "en",
) -> SankeyData:
    """The Sankey data of the flows `selection` keeps, aggregated at `level`, parks and materials named in
    `language`, the province boundary drawn twice (imports on the left, exports on the right)."""
    return sankey_data(
        selected(data.flows, data.parents, selection),
        data.facilities,
        data.parents,
        level=level,
        min_share=min_share,
        language=language,
        labels=names(engine, language),
        split_outside=True,
    )
