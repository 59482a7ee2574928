"""Bad input never crashes the importer and never half-writes: property tests over arbitrary cells and files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, text

from mfa.intake.readers import ReadResult, read_bytes
from mfa.services.database import open_database
from mfa.services.writing import import_files, import_tables
from tests.factories import FLOW_HEADER, flow, flows_file, world

pytestmark = pytest.mark.slow  # property tests over many generated files on both databases

CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "NaN", "inf", "-1", "0", "1e308", "1e-320", "2024-13", "万吨", "=1+1", "'-5", "\x00"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("bad")
    eng = open_database(f"sqlite:///{folder / 'bad.db'}")
    assert import_files(eng, world(folder)).ok
    return eng


def _flow_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM flow")).scalar() or 0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=12), min_size=0, max_size=6))
def test_arbitrary_flow_cells_never_crash_or_half_write(engine: Engine, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FLOW_HEADER)
    writer.writerows(rows)
    result = ReadResult()
    read_bytes(result, "flows.csv", buffer.getvalue().encode("utf-8", "surrogatepass"))
    before = _flow_count(engine)
    report = import_tables(engine, result, dry_run=True)
    assert _flow_count(engine) == before
    for problem in report.errors.iter_rows(named=True):
        assert problem["file"] == "flows.csv" and problem["reason"]
        assert problem["row"] is not None and (problem["row"] >= 1 or problem["column"] == "")


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x"]))
def test_arbitrary_bytes_are_reported_not_raised(data: bytes, name: str) -> None:
    result = ReadResult()
    read_bytes(result, name, data)
    assert result.tables or result.errors.height or result.warnings is not None


@settings(max_examples=60, deadline=None)
@given(
    header=st.lists(st.sampled_from([*FLOW_HEADER, "extra", "数量", "期间", ""]), min_size=0, max_size=14),
)
def test_headers_with_duplicates_extra_or_missing_columns(header: list[str]) -> None:
    result = ReadResult()
    line = ",".join(header) + "\n" + ",".join("1" for _ in header) + "\n"
    read_bytes(result, "h.csv", line.encode())
    assert result.tables or result.errors.height


def test_user_text_is_stored_verbatim(engine: Engine, tmp_path: Path) -> None:
    nasty = ["'); DROP TABLE flow; --", "<script>alert(1)</script>", '=HYPERLINK("http://x")', "@SUM(1)", "中文 备注"]
    rows = [flow(f"2023-{i + 1:02d}", note=text_) for i, text_ in enumerate(nasty)]
    assert import_files(engine, [flows_file(tmp_path, rows, name="nasty.csv")]).ok
    with engine.connect() as conn:
        notes = conn.execute(text("SELECT note FROM flow WHERE period LIKE '2023-%' ORDER BY period")).scalars().all()
    assert notes == nasty
