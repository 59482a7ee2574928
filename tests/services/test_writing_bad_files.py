"""Bad input files: merged and odd XLSX cells, CSV encodings, and a million-row CSV with a few bad rows.

Every test counts the database's rows before and after: a refused import writes nothing, and `accept_valid` writes
exactly the rows without errors. Each Hypothesis example writes to a month of its own (the `periods` fixture), so
the examples sharing one database never touch each other's flows.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import hypothesis.strategies as st
import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, text

from mfa.intake.tables import FLOWS
from mfa.services.writing import ImportReport, import_files
from mfa.storage import reads
from tests.factories import FACILITIES, world

pytestmark = pytest.mark.slow  # property tests over many generated files on both databases

ROOT = Path(__file__).resolve().parents[2]
SHARED_DB = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
"""Examples share the test's database (and tmp_path); each writes its own period."""

LINKS = [(s[0], t[0]) for s in FACILITIES for t in FACILITIES if s[0] != t[0]]
MATERIALS = ["scrap_steel", "fly_ash", "waste_paper", "tailings", "weee", "elv", "red_mud", "power_battery_ncm"]
TONNES = {"t": 1.0, "吨": 1.0, "万吨": 1e4, "kg": 1e-3}
PARK_OF = {code: park or "省外" for code, _n, _zh, park, _kind in FACILITIES}
COLUMNS = ["park", "period", "source", "target", "material", "quantity", "unit", "note"]
"""A report's layout: the park first (not a flows column: mfa ignores it), then the flow."""
ZH = {
    "park": "园区",
    "period": "期间",
    "source": "来源",
    "target": "去向",
    "material": "物料",
    "quantity": "数量",
    "unit": "单位",
    "note": "备注",
    "uncertainty": "不确定度",
}
ZH_TEXT = "汨罗回收钢渣粉煤灰废纸园区月度统计实测估算宁乡长沙株洲 -"
NOTES = st.one_of(st.none(), st.text(alphabet=ZH_TEXT, min_size=1, max_size=10).map(str.strip).filter(bool))
QUANTITIES = st.integers(1, 10**8).map(lambda n: n / 100)


@pytest.fixture
def db(engine: Engine, tmp_path: Path) -> Engine:
    """The `engine` database (SQLite, then PostgreSQL) holding the two-park world of tests.factories."""
    assert import_files(engine, world(tmp_path)).ok
    return engine


@pytest.fixture
def periods() -> Iterator[str]:
    """A month of its own for every example: 1901-01, 1901-02, ... (a key never repeats across examples)."""
    return (f"{1901 + k // 12}-{k % 12 + 1:02d}" for k in itertools.count())


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return reads.counts(conn)


def _landed(engine: Engine, period: str) -> list[tuple[str, str, str, float, str | None]]:
    """The flows of one period as (source, target, material, tonnes, note), sorted."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.code, t.code, m.code, f.quantity_t, f.note FROM flow f "
                "JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
                "JOIN material m ON m.id = f.material_id WHERE f.period = :p ORDER BY 1, 2, 3"
            ),
            {"p": period},
        ).all()
    return [tuple(r) for r in rows]


def _expected(rows: list[dict[str, object]]) -> list[tuple[str, str, str, object, object]]:
    """What `_landed` must return for these flow rows."""
    out = [
        (
            r["source"],
            r["target"],
            r["material"],
            pytest.approx(float(r["quantity"]) * TONNES[str(r["unit"])]),  # type: ignore[arg-type]
            r["note"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: r[:3])  # type: ignore[arg-type]


@st.composite
def flow_rows(draw: st.DrawFn, period: str, max_rows: int = 5) -> list[dict[str, object]]:
    """1 to `max_rows` valid flows of one period with distinct keys, in every unit, some with a Chinese note."""
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(LINKS), st.sampled_from(MATERIALS)), min_size=1, max_size=max_rows, unique=True
        )
    )
    return [
        {
            "park": PARK_OF[source],
            "period": period,
            "source": source,
            "target": target,
            "material": material,
            "quantity": draw(QUANTITIES),
            "unit": draw(st.sampled_from(list(TONNES))),
            "note": draw(NOTES),
        }
        for (source, target), material in keys
    ]


def _xlsx(path: Path, sheet: str, grid: list[list[object]], at: tuple[int, int] = (1, 1)) -> openpyxl.Workbook:
    """A workbook whose sheet holds `grid` with its top-left cell at (row, column) `at`; the caller saves it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(at[0] + i, at[1] + j, value)
    return wb


def _error_cells(report: ImportReport) -> set[tuple[int, str]]:
    return set(report.errors.select("row", "column").iter_rows())


# --- 1. merged cells ---------------------------------------------------------------------------------------------


@st.composite
def merges(draw: st.DrawFn, height: int, width: int) -> list[tuple[int, int, int, int]]:
    """1-3 non-overlapping merged ranges (first row, first column, last row, last column) over a sheet of `height`
    rows and `width` columns and just past it; often down the park column, as Chinese reports do."""
    kept: list[tuple[int, int, int, int]] = []
    for _ in range(draw(st.integers(1, 3))):
        r1 = draw(st.integers(1, height))
        r2 = draw(st.integers(r1, height + 1))
        c1 = draw(st.one_of(st.just(1), st.integers(1, width + 1)))
        c2 = draw(st.integers(c1, min(c1 + 2, width + 1)))
        overlaps = any(not (r2 < a or b < r1 or c2 < c or d < c1) for a, c, b, d in kept)
        if (r1, c1) != (r2, c2) and not overlaps:
            kept.append((r1, c1, r2, c2))
    return kept


@settings(SHARED_DB, max_examples=50)
@given(data=st.data(), chinese=st.booleans())
def test_merged_cells_import_right_or_name_every_hidden_cell(
    db: Engine, tmp_path: Path, periods: Iterator[str], data: st.DataObject, chinese: bool
) -> None:
    """Excel keeps a merged range's value in its top-left cell only; the others read as empty. A merge over the
    park column (not a flows column) changes nothing; a merge over a flow's cells rejects those rows, naming each
    hidden cell by sheet row and column (a merged unit used to become tonnes, a merged period 'is required')."""
    period = next(periods)
    rows = data.draw(flow_rows(period))
    header: list[object] = [ZH[c] if chinese else c for c in COLUMNS]
    grid: list[list[object]] = [header, *[[r[c] for c in COLUMNS] for r in rows]]
    ranges = data.draw(merges(len(grid), len(COLUMNS)))
    wb = _xlsx(tmp_path / "merged.xlsx", "流量" if chinese else "flows", grid)
    for r1, c1, r2, c2 in ranges:
        wb.active.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(tmp_path / "merged.xlsx")

    hidden = {(r, c) for r1, c1, r2, c2 in ranges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {
        (r1, c1) for r1, c1, _r2, _c2 in ranges
    }
    cell = {(i + 1, j + 1): v for i, row in enumerate(grid) for j, v in enumerate(row) if (i + 1, j + 1) not in hidden}
    used = {j: COLUMNS[j - 1] for j in range(2, len(COLUMNS) + 1) if (1, j) not in hidden}
    has_data = {j for (i, j), v in cell.items() if i > 1 and v is not None}
    header_errors = {(1, "") for r1, c1, _r2, c2 in ranges if r1 == 1 and has_data & set(range(c1 + 1, c2 + 1))}
    lacking = ", ".join(c for c in FLOWS.required if c not in used.values())
    header_errors |= {(1, lacking)} if lacking else set()  # one line names every missing column
    filled = [i for i in range(2, len(grid) + 1) if any(cell.get((i, j)) is not None for j in used)]
    body_errors = {(i, used[j]) for i, j in hidden if i in filled and j in used}
    bad_rows = {i for i, _c in body_errors}
    good = [rows[i - 2] for i in filled if i not in bad_rows]

    before = _counts(db)
    report = import_files(db, [tmp_path / "merged.xlsx"])
    if header_errors:
        assert _error_cells(report) == header_errors
        assert not report.committed and _counts(db) == before
        return
    assert _error_cells(report) == body_errors
    assert all("merged cells" in reason for reason in report.errors["reason"])
    if not body_errors:
        assert report.committed
        assert _counts(db)["flows"] == before["flows"] + len(good)
        assert _landed(db, period) == _expected(good)
        return
    assert not report.committed and _counts(db) == before
    partial = import_files(db, [tmp_path / "merged.xlsx"], accept_valid=True)
    assert partial.committed
    assert partial.rejected_rows[f"merged.xlsx[{'流量' if chinese else 'flows'}]"]["row"].to_list() == sorted(bad_rows)
    assert _counts(db)["flows"] == before["flows"] + len(good)
    assert _landed(db, period) == _expected(good)


def test_a_chinese_report_s_merged_park_imports_and_merged_period_or_unit_is_refused(
    db: Engine, tmp_path: Path
) -> None:
    grid: list[list[object]] = [
        [ZH[c] for c in COLUMNS],
        ["汨罗循环经济产业园", "2024-01", "SRC-1", "COL-1", "scrap_steel", 1, "万吨", "一月"],
        [None, None, "SRC-1", "REC-1", "scrap_steel", 2, None, None],
        [None, None, "SRC-1", "YARD-1", "fly_ash", 3, None, None],
    ]
    wb = _xlsx(tmp_path / "report.xlsx", "流量", grid)
    for ref in ("A2:A4", "B2:B4", "G2:G4"):  # park, period and unit merged down the month's rows
        wb.active.merge_cells(ref)
    wb.save(tmp_path / "report.xlsx")
    before = _counts(db)

    report = import_files(db, [tmp_path / "report.xlsx"])

    assert not report.committed and _counts(db) == before
    assert report.errors.select("row", "column").rows() == [(3, "period"), (3, "unit"), (4, "period"), (4, "unit")]
    assert "merged cells B2:B4, whose value only B2 holds" in report.errors["reason"][0]
    assert "merged cells G2:G4" in report.errors["reason"][1]
    partial = import_files(db, [tmp_path / "report.xlsx"], accept_valid=True)
    assert partial.rejected_rows["report.xlsx[流量]"]["row"].to_list() == [3, 4]
    assert _landed(db, "2024-01") == [("SRC-1", "COL-1", "scrap_steel", 10000.0, "一月")]  # never 2 t or 3 t


def test_a_header_merged_over_a_column_with_data_is_refused(db: Engine, tmp_path: Path) -> None:
    grid: list[list[object]] = [
        ["period", "source", "target", "material", "quantity", None],
        ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1, "万吨"],
    ]
    wb = _xlsx(tmp_path / "h.xlsx", "flows", grid)
    wb.active.merge_cells("E1:F1")  # "quantity" over the numbers and their unit
    wb.save(tmp_path / "h.xlsx")
    before = _counts(db)
    report = import_files(db, [tmp_path / "h.xlsx"], accept_valid=True)
    assert report.errors.select("file", "row", "column", "value").rows() == [("h.xlsx[flows]", 1, "", "E1:F1")]
    assert "give every column its own header" in report.errors["reason"][0]
    assert _counts(db) == before


# --- 2. XLSX cells of every type, headers of every shape -------------------------------------------------------

ODD = st.one_of(
    st.sampled_from(["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]).map(lambda v: ("error", v)),
    st.booleans().map(lambda v: ("bool", v)),
    st.just(("date", None)),
    st.datetimes(datetime(1901, 1, 1), datetime(2020, 12, 31))
    .filter(lambda d: d.time() >= time(0, 0, 0, 1000))  # Excel keeps milliseconds: 00:00:00.000001 is midnight
    .map(lambda v: ("datetime", v)),
    st.just(("formula_text", "=1+1")),
    st.just(("formula", "=1+1")),
    st.sampled_from([1e308, -1e308, 1e-308, 5e-324, 1.7976931348623157e308]).map(lambda v: ("float", v)),
    st.sampled_from(["inf", "-inf", "nan", "NaN", "Infinity", "1e309"]).map(lambda v: ("text", v)),
    st.sampled_from([2**63, 2**64, 2**70, 10**30, -(2**63) - 1]).map(lambda v: ("int", v)),
)
"""Cells as Excel holds them: error values, booleans, dates, formulas, extreme numbers, integers beyond int64."""
ODD_COLUMNS = ["period", "source", "target", "material", "quantity", "unit", "uncertainty", "note"]


def _must_reject(kind: str, value: object, column: str) -> bool | None:
    """True: this cell must reject its row; False: it must not; None: no claim (see the comments)."""
    if kind == "error":
        return True
    if kind == "formula":  # openpyxl stores no cached value, so the cell reads empty: a unit then means tonnes
        return True if column in FLOWS.required else None
    if column == "note":
        return False
    if column == "period":
        return kind != "date"  # the date is the row's own month, as Excel turns 2024-03 into 2024-03-01
    if column in ("source", "target", "material", "unit"):
        return True
    small = kind == "float" and 0 < float(value) < 1e-300  # type: ignore[arg-type]  # fastexcel writes "0"
    if column == "uncertainty":
        return not small
    if kind == "float" and float(value) > 1e300:  # type: ignore[arg-type]
        return None  # finite as written, but infinite in tonnes for 万吨: see test_an_overflow_to_infinite_tonnes
    if kind == "int":
        return int(value) < 0  # type: ignore[call-overload]  # a huge tonnage is still a tonnage
    return True  # quantity: booleans, dates, formulas as text, inf and nan, 0, negative


@settings(SHARED_DB, max_examples=60)
@given(data=st.data(), chinese=st.booleans(), at=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_xlsx_cells_of_every_type_are_read_or_refused_by_row_and_column(
    db: Engine, tmp_path: Path, periods: Iterator[str], data: st.DataObject, chinese: bool, at: tuple[int, int]
) -> None:
    period = next(periods)
    rows = data.draw(flow_rows(period, max_rows=4))
    odd = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(rows) - 1), st.sampled_from(ODD_COLUMNS), ODD),
            min_size=1,
            max_size=3,
            unique_by=lambda x: x[:2],
        )
    )
    grid: list[list[object]] = [[ZH[c] if chinese else c for c in ODD_COLUMNS]]
    grid += [[r[c] if c != "uncertainty" else 0.05 for c in ODD_COLUMNS] for r in rows]
    for i, column, (kind, value) in odd:
        grid[i + 1][ODD_COLUMNS.index(column)] = date(int(period[:4]), int(period[5:]), 1) if kind == "date" else value
    wb = _xlsx(tmp_path / "odd.xlsx", "Sheet1", grid, at)
    for i, column, (kind, _v) in odd:
        if kind == "formula_text":  # the text "=1+1", not a formula
            wb.active.cell(at[0] + i + 1, at[1] + ODD_COLUMNS.index(column)).data_type = "s"
    wb.save(tmp_path / "odd.xlsx")
    before = _counts(db)

    report = import_files(db, [tmp_path / "odd.xlsx"])

    first, last = at[0] + 1, at[0] + len(rows)  # the sheet's rows of data, as Excel numbers them
    found = _error_cells(report)
    assert set(report.errors["file"]) <= {"odd.xlsx[Sheet1]"}
    assert all(first <= row <= last and column in FLOWS.columns for row, column in found), found
    claims = {(at[0] + i + 1, column): _must_reject(kind, value, column) for i, column, (kind, value) in odd}
    shown = {(at[0] + i + 1, column) for i, column, (kind, _v) in odd if kind == "error"}
    for row in {row for row, _c in shown}:  # the reader refuses the row: validation never sees its other cells
        assert {cell for cell in found if cell[0] == row} == {cell for cell in shown if cell[0] == row}
        claims = {cell: reject for cell, reject in claims.items() if cell[0] != row}
    assert {cell for cell, reject in claims.items() if reject} <= found
    assert not {cell for cell, reject in claims.items() if reject is False} & found
    clean = {row for (row, _c), reject in claims.items() if reject is False} - {
        row for (row, _c), reject in claims.items() if reject is not False
    }
    assert not {row for row, _c in found} & clean
    for i, column, (kind, value) in odd:
        if kind == "error":
            reason = report.errors.filter((pl.col("row") == at[0] + i + 1) & (pl.col("column") == column))["reason"]
            assert f"Excel error {value}" in reason[0]
    if report.committed:
        assert report.ok and _counts(db)["flows"] == before["flows"] + len(rows)
    else:
        assert found and _counts(db) == before


HEADERS = {
    c: [c, c.upper(), f" {c.title()} ", *[a for a, canon in FLOWS.aliases.items() if canon == c]] for c in FLOWS.columns
}
"""Every way a flows header may be written: English in any case and with blanks, and each Chinese alias."""


@settings(SHARED_DB, max_examples=40)
@given(data=st.data(), sheet=st.sampled_from(["flows", "流量", "Sheet1", "数据"]), n_rows=st.integers(0, 3))
def test_xlsx_header_shapes(
    db: Engine, tmp_path: Path, periods: Iterator[str], data: st.DataObject, sheet: str, n_rows: int
) -> None:
    """Chinese and English headers in any order, unknown extra columns, a column named twice, a header only."""
    period = next(periods)
    rows = data.draw(flow_rows(period, max_rows=3))[:n_rows]
    columns = data.draw(st.permutations(["period", "source", "target", "material", "quantity", "unit", "note"]))
    extras = data.draw(st.lists(st.sampled_from(["园区", "合计", "extra", "序号"]), max_size=2, unique=True))
    twice = data.draw(st.lists(st.sampled_from(columns), max_size=1))
    layout = [(c, data.draw(st.sampled_from(HEADERS[c]))) for c in [*columns, *twice]] + [(None, e) for e in extras]
    layout = data.draw(st.permutations(layout))
    grid: list[list[object]] = [[h for _c, h in layout]]
    grid += [[r[c] if c else "x" for c, _h in layout] for r in rows]
    _xlsx(tmp_path / "h.xlsx", sheet, grid).save(tmp_path / "h.xlsx")
    before = _counts(db)

    report = import_files(db, [tmp_path / "h.xlsx"])

    if twice:
        assert report.errors.select("row", "column").rows() == [(1, twice[0])]
        assert "appears twice" in report.errors["reason"][0]
        assert not report.committed and _counts(db) == before
        return
    assert report.ok and report.committed, report.errors.to_dicts()
    assert sorted(w for w in report.warnings if "is not used" in w) == sorted(
        f"h.xlsx[{sheet}]: column '{e}' is not used" for e in extras
    )
    assert _counts(db)["flows"] == before["flows"] + len(rows)
    assert _landed(db, period) == _expected(rows)


def test_an_empty_workbook_is_refused_with_a_message(db: Engine, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.create_sheet("流量")
    wb.save(tmp_path / "empty.xlsx")
    before = _counts(db)
    report = import_files(db, [tmp_path / "empty.xlsx"])
    assert not report.committed and _counts(db) == before
    assert report.errors.select("file", "row", "column").rows() == [("empty.xlsx", 1, "")]
    assert "the workbook is empty" in report.errors["reason"][0]


def test_an_overflow_to_infinite_tonnes_is_refused(db: Engine, tmp_path: Path) -> None:
    grid: list[list[object]] = [
        ["period", "source", "target", "material", "quantity", "unit"],
        ["2024-01", "SRC-1", "COL-1", "fly_ash", 1e308, "万吨"],
    ]
    _xlsx(tmp_path / "big.xlsx", "flows", grid).save(tmp_path / "big.xlsx")
    before = _counts(db)
    report = import_files(db, [tmp_path / "big.xlsx"])
    assert _counts(db) == before
    assert report.errors.select("row", "column").rows() == [(2, "quantity")]


# --- 3. a million rows -----------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite only: PostgreSQL's COPY path is test_importer's
def test_a_million_rows_with_three_bad_ones(engine: Engine, tmp_path: Path) -> None:
    """Rows 2, 500,001 and 1,000,001 of a 1,000,001-line file are bad: the import is refused whole and names exactly
    those rows and fields; with accept_valid the 999,997 others land and the three come back as written."""
    out = tmp_path / "synthetic"
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", "1000000", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert import_files(engine, [out / "parks.csv", out / "facilities.csv"]).ok
    bad = {0: ("unit", "lb"), 499_999: ("quantity", "-5"), 999_999: ("source", "NO-SUCH-FACILITY")}
    line = pl.int_range(pl.len()) + 2
    flows = pl.read_csv(out / "flows.csv", infer_schema=False).with_columns(
        pl.when(line == i + 2).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for i, (c, v) in bad.items()
    )
    flows.write_csv(out / "flows.csv")
    before = _counts(engine)

    refused = import_files(engine, [out / "flows.csv"], today=date(2026, 1, 1))

    assert not refused.committed and _counts(engine) == before
    assert refused.errors.select("file", "row", "column", "value").rows() == [
        ("flows.csv", 2, "unit", "lb"),
        ("flows.csv", 500_001, "quantity", "-5"),
        ("flows.csv", 1_000_001, "source", "NO-SUCH-FACILITY"),
    ]
    partial = import_files(engine, [out / "flows.csv"], accept_valid=True, today=date(2026, 1, 1))
    assert partial.committed
    assert partial.written["flows"] == 999_997 and partial.rejected["flows"] == 3
    assert _counts(engine)["flows"] == before["flows"] + 999_997
    back = partial.rejected_rows["flows.csv"]
    assert back.select("row", "unit", "quantity", "source").rows() == [
        (2, "lb", flows["quantity"][0], flows["source"][0]),
        (500_001, flows["unit"][499_999], "-5", flows["source"][499_999]),
        (1_000_001, flows["unit"][999_999], flows["quantity"][999_999], "NO-SUCH-FACILITY"),
    ]


# --- 4. encodings ----------------------------------------------------------------------------------------------

BAD_BYTES = [b"\xff", b"\xe9", "汨".encode()[:2], "罗".encode("gbk"), b"\xc3"]
"""Not UTF-8: a stray byte, Latin-1 é, a cut three-byte character, a GBK character pasted into UTF-8."""


def _csv(header: list[str], rows: list[dict[str, object]], columns: list[str]) -> str:
    lines = [",".join(header)] + [",".join("" if r[c] is None else str(r[c]) for c in columns) for r in rows]
    return "\n".join(lines) + "\n"


@settings(SHARED_DB, max_examples=60)
@given(
    data=st.data(),
    case=st.sampled_from(
        [
            "utf-8",
            "utf-8-sig",
            "gbk",
            "gb18030",
            "utf-16",
            "utf-16-be-bom",
            "utf-32",
            "utf-16-le",
            "damaged",
            "cut",
            "nul",
            "latin-1",
        ]
    ),
)
def test_csv_encodings(db: Engine, tmp_path: Path, periods: Iterator[str], data: st.DataObject, case: str) -> None:
    """UTF-8 (with or without BOM), GBK and GB18030 import exactly; UTF-16/32, damaged or cut UTF-8 and NUL bytes are
    refused with the line, and the column for a NUL, named; Latin-1 never crashes nor half-writes."""
    period = next(periods)
    rows = data.draw(flow_rows(period, max_rows=4))
    columns = COLUMNS[1:]
    header = [ZH[c] for c in columns]
    expected: set[tuple[int, str]] | None = None
    if case in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        raw = _csv(header, rows, columns).encode(case)
    elif case in ("utf-16", "utf-32"):
        raw, expected = _csv(header, rows, columns).encode(case), {(1, "")}
    elif case == "utf-16-be-bom":
        raw, expected = b"\xfe\xff" + _csv(header, rows, columns).encode("utf-16-be"), {(1, "")}
    elif case == "utf-16-le":  # no BOM: read as GBK it is nonsense, never a table
        raw = _csv(header, rows, columns).encode("utf-16-le")
    elif case == "damaged":
        line = data.draw(st.integers(2, len(rows) + 1))
        rows[line - 2]["note"] = f"{rows[line - 2]['note'] or ''}§"
        raw = _csv(header, rows, columns).encode().replace("§".encode(), data.draw(st.sampled_from(BAD_BYTES)))
        expected = {(line, "")}
    elif case == "cut":  # a download or copy stopped inside the last character
        rows[-1]["note"] = f"{rows[-1]['note'] or ''}汨"
        raw, expected = _csv(header, rows, columns).encode()[:-2], {(len(rows) + 1, "")}
    elif case == "nul":
        line, column = data.draw(st.integers(2, len(rows) + 1)), data.draw(st.sampled_from(columns))
        rows[line - 2][column] = f"{rows[line - 2][column] or ''}\x00"
        raw, expected = _csv(header, rows, columns).encode(), {(line, column)}
    else:  # Latin-1: a French note; GBK may read it as other characters, or not at all
        for r in rows:
            r["unit"], r["note"] = "t", data.draw(st.text(alphabet="àéèçôü crème brûlée", min_size=1, max_size=8))
        raw = _csv(columns, rows, columns).encode("latin-1")
    (tmp_path / "flows.csv").write_bytes(raw)
    before = _counts(db)

    report = import_files(db, [tmp_path / "flows.csv"])

    assert report.committed == report.ok
    if not report.committed:
        assert report.errors.height and _counts(db) == before
        assert all(report.errors["reason"].str.len_chars() > 0)
    if case in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        assert report.ok, report.errors.to_dicts()
        assert _landed(db, period) == _expected(rows)
    elif case == "utf-16-le":
        assert not report.committed
    elif expected is not None:
        assert _error_cells(report) == expected
        reason = report.errors["reason"][0]
        if case.startswith(("utf-16", "utf-32")):
            assert f"the file is {case[:6].upper()} text" in reason
        elif case in ("damaged", "cut"):
            assert "not UTF-8" in reason
        else:
            assert "NUL" in reason
            partial = import_files(db, [tmp_path / "flows.csv"], accept_valid=True)
            assert partial.rejected_rows["flows.csv"]["row"].to_list() == [line]
            assert _counts(db)["flows"] == before["flows"] + len(rows) - 1
