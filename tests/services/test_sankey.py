"""One Sankey builder: the same filters give byte-identical diagram JSON from `mfa sankey` and from the app (the
Flows and Export pages draw what mfa.services.sankey builds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa.domain.flowframe import Scope, Selection
from mfa.services.database import open_database
from mfa.services.writing import import_files
from tests.factories import flow, flows_file, mfa, world

pytestmark = pytest.mark.slow  # the CLI runs in new processes

ROWS = [
    flow("2024-01", "SRC-1", "COL-1", "scrap_steel", "100"),
    flow("2024-01", "COL-1", "REC-1", "scrap_steel", "90"),
    flow("2024-02", "OUT", "REC-1", "fly_ash", "3", "万吨"),
    flow("2024-02", "REC-1", "OUT", "recycled_steel", "80"),
    flow("2024-03", "COL-1", "YARD-1", "fly_ash", "7"),
    flow("2023", "SRC-1", "COL-1", "scrap_steel", "50"),
]
CHANGSHA_RECYCLERS = Selection(2024, scope=Scope("city", "Changsha"), kinds=("recycling",))
CASES = [
    ({}, Selection(2024), "kind", "en"),
    ({"--park": "MILUO"}, Selection(2024, scope=Scope("park", "MILUO")), "park", "zh"),
    ({"--city": "长沙", "--kind": "recycling"}, CHANGSHA_RECYCLERS, "facility", "zh"),
    ({"--month": "2", "--material": "bulk_solid_waste"}, Selection(2024, 2, material="bulk_solid_waste"), "city", "en"),
]


@pytest.mark.parametrize(("options", "selection", "level", "language"), CASES)
def test_the_cli_and_the_app_write_the_same_json(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, str],
    selection: Selection,
    level: str,
    language: str,
) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = open_database(url)
    assert import_files(engine, [*world(tmp_path), flows_file(tmp_path, ROWS)]).committed
    out = tmp_path / "cli.json"
    flags = [part for pair in options.items() for part in pair]
    run = mfa(
        "sankey", "--year", "2024", "--level", level, "--language", language, *flags, "--db", url, "--out", str(out)
    )
    assert run.returncode == 0, run.stderr

    monkeypatch.setenv("MFA_DATABASE_URL", url)
    from mfa.ui import export, state

    version = state.version()
    figure, _ = state.sankey_figure(url, version, selection, level, 0.0, language, None, "a title")  # type: ignore[arg-type]
    assert export.figure_bytes(figure, ".json") == out.read_bytes()
    assert b'"links"' in out.read_bytes()
