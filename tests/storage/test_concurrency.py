"""Several real processes writing at once, on SQLite (WAL, busy timeout) and PostgreSQL: no lost update, no
duplicate, no "database is locked" (or any other error) reaching a user."""

from __future__ import annotations

import multiprocessing
import sys
import traceback
import types
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, text

from mfa.domain.roles import Actor
from mfa.services.editing import import_records
from mfa.services.writing import import_files
from mfa.storage import history
from tests.factories import flow, flows_file, world

pytestmark = pytest.mark.slow  # several processes write at once

T = TypeVar("T")
WRITERS = 4
INCREMENTS = 8
KEY = {"period": "2024-01", "source": "SRC-1", "target": "COL-1", "material": "scrap_steel"}


def _current(engine: Engine) -> tuple[int, float]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT f.version, f.value FROM flow f JOIN facility s ON s.id = f.source_id "
                "WHERE f.period = '2024-01' AND s.code = 'SRC-1' AND f.material_id = "
                "(SELECT id FROM material WHERE code = 'scrap_steel')"
            )
        ).one()
    return int(row[0]), float(row[1])


def _increment(url: str, writer: int) -> tuple[int, list[str]]:
    """Add 1 to the flow INCREMENTS times, each as an edit based on the version read (retried when stale), as a
    user of the app would. Returns (stale retries, errors)."""
    from mfa.storage.engine import make_engine

    engine = make_engine(url)
    actor = Actor(f"writer{writer}", "admin", via="test")
    retries, errors = 0, []
    try:
        done = 0
        while done < INCREMENTS:
            version, value = _current(engine)
            record = dict(KEY, quantity=str(value + 1), unit="t")
            report = import_records(engine, "flows", [record], replace=KEY, expected_version=version, actor=actor)
            if report.committed:
                done += 1
            elif report.errors["column"].to_list() == ["version"]:
                retries += 1
            else:
                errors.append(str(report.errors.to_dicts()))
                break
    except Exception:
        errors.append(traceback.format_exc())
    finally:
        engine.dispose()
    return retries, errors


def _import_overlapping(url: str, folder: str, writer: int) -> list[str]:
    """Import a file whose keys overlap the other writers' files, several times."""
    from mfa.storage.engine import make_engine

    engine = make_engine(url)
    errors = []
    try:
        path = Path(folder) / f"w{writer}.csv"
        for _ in range(3):
            report = import_files(engine, [path], actor=Actor(f"importer{writer}", "admin", via="test"))
            if not report.committed:
                errors.append(str(report.errors.head(3).to_dicts()))
    except Exception:
        errors.append(traceback.format_exc())
    finally:
        engine.dispose()
    return errors


def _in_processes(function: Callable[..., T], arguments: list[tuple[object, ...]]) -> list[T]:
    """Run function(*args) for each args in its own new process at once; a process that dies fails the test
    (BrokenProcessPool) instead of being replaced."""
    context = multiprocessing.get_context("spawn")
    main = sys.modules["__main__"]
    # AppTest leaves app.py as __main__ in this process; spawned processes would run it again
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        with ProcessPoolExecutor(len(arguments), mp_context=context) as pool:
            futures = [pool.submit(function, *args) for args in arguments]
            return [f.result(timeout=240) for f in futures]
    finally:
        sys.modules["__main__"] = main


@pytest.fixture
def shared(engine: Engine, tmp_path: Path) -> tuple[Engine, str]:
    """The small world and the flow the writers edit; the URL the writer processes open."""
    report = import_files(engine, [*world(tmp_path), flows_file(tmp_path, [flow(quantity="1")])])
    assert report.committed
    return engine, engine.url.render_as_string(hide_password=False)


def test_concurrent_edits_lose_no_update(shared: tuple[Engine, str]) -> None:
    engine, url = shared
    results = _in_processes(_increment, [(url, w) for w in range(WRITERS)])
    errors = [e for _, errs in results for e in errs]
    assert errors == []
    version, value = _current(engine)
    assert value == 1 + WRITERS * INCREMENTS
    with engine.connect() as conn:
        versions = history.record_history(conn, "flow", KEY)
    assert versions["version"].to_list() == list(range(1, WRITERS * INCREMENTS + 2)) and version == value
    assert versions["value"].to_list() == [float(v) for v in range(1, WRITERS * INCREMENTS + 2)]
    assert versions["changed_by"].n_unique() == WRITERS + 1


def test_concurrent_overlapping_imports_leave_no_duplicate(shared: tuple[Engine, str], tmp_path: Path) -> None:
    engine, url = shared
    periods = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
    for w in range(WRITERS):
        rows = [flow(p, "SRC-1", "COL-1", mat, str(10 + w)) for p in periods for mat in ("scrap_steel", "fly_ash")]
        rows += [flow(p, "COL-1", "REC-1", "scrap_steel", str(w + 1)) for p in periods[w::WRITERS]]
        flows_file(tmp_path, rows, name=f"w{w}.csv")
    results = _in_processes(_import_overlapping, [(url, str(tmp_path), w) for w in range(WRITERS)])
    assert [e for errs in results for e in errs] == []
    with engine.connect() as conn:
        total = conn.execute(text("SELECT COUNT(*) FROM flow WHERE year IN (2022, 2023)")).scalar()
        distinct = conn.execute(
            text("SELECT COUNT(*) FROM (SELECT DISTINCT period, source_id, target_id, material_id FROM flow) k")
        ).scalar()
        changes = conn.execute(text("SELECT COUNT(*) FROM change WHERE via LIKE 'test import%'")).scalar()
    assert total == len(periods) * 2 + len(periods)
    assert distinct == total + 1
    assert changes == WRITERS * 3
