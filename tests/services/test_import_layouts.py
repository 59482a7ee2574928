"""The spreadsheets people have, imported: title blocks, units in the title or header, totals, 其中 rows and notes,
month columns, names instead of codes. Each shape is a real XLSX file and a CSV in UTF-8 and in GBK, and the
flows stored are checked in tonnes on SQLite and PostgreSQL; every refusal is one line and writes nothing."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from sqlalchemy import Engine, text

from mfa.domain.roles import Actor
from mfa.intake.readers import read_files
from mfa.services import layouts
from mfa.services.editing import delete_record
from mfa.services.history import record_history
from mfa.services.writing import import_files
from mfa.storage import backup, reads
from mfa.storage.engine import write_transaction
from tests.factories import world, write_csv
from tests.layout_files import KINDS, Grid, write_grid

ADMIN = Actor("ada", "admin", frozenset(), "app")
MANAGER = Actor("max", "park_manager", frozenset({"MILUO"}), "app")


@pytest.fixture
def db(engine: Engine, tmp_path: Path) -> Engine:
    """The two-park world of tests.factories: SRC-1 钢厂, COL-1 回收站, REC-1 再生厂, YARD-1 渣场, OUT 省外."""
    assert import_files(engine, world(tmp_path)).ok
    return engine


def landed(engine: Engine, year: int) -> list[tuple[str, str, str, str, float]]:
    """The flows of a year as (period, source, target, material, tonnes), sorted."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT f.period, s.code, t.code, m.code, f.quantity_t FROM flow f "
                "JOIN facility s ON s.id = f.source_id JOIN facility t ON t.id = f.target_id "
                "JOIN material m ON m.id = f.material_id WHERE f.year = :y ORDER BY 1, 2, 3, 4"
            ),
            {"y": year},
        ).all()
    return [(r[0], r[1], r[2], r[3], pytest.approx(r[4])) for r in rows]  # type: ignore[misc]


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return reads.counts(conn)["flows"]


REPORT: Grid = [
    ["2024年3月 一般工业固体废物流向统计表", None, None, None, None],
    ["填报单位：汨罗循环经济产业园", None, None, "单位：万吨", None],
    ["序号", "移出单位", "接收单位", "废物名称", "转移量"],
    [1, "钢厂", "回收站", "废钢", 1.5],
    [None, "其中：重型废钢", None, None, 0.5],
    [2, "SRC-1", "再生厂", "粉煤灰", 0.25],
    [3, "钢厂", "渣场", "S02", 2],
    ["合计", None, None, None, 3.75],
    ["注：1. 数据来源于企业月报；2. 其中行不重复计算。"],
    ["填表人：张三", None, "审核人：李四", None, "填报日期：2024年4月5日"],
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_report_with_a_title_block_imports_in_tonnes(db: Engine, tmp_path: Path, kind: str) -> None:
    path = write_grid(tmp_path, "report", REPORT, kind, merges=["A1:E1"])
    report = import_files(db, [path])
    assert report.ok and report.committed, report.errors.to_dicts()
    assert landed(db, 2024) == [
        ("2024-03", "SRC-1", "COL-1", "scrap_steel", 15_000.0),
        ("2024-03", "SRC-1", "REC-1", "fly_ash", 2_500.0),
        ("2024-03", "SRC-1", "YARD-1", "fly_ash", 20_000.0),
    ]
    (layout,) = report.layouts
    assert (layout.header_row, layout.unit, layout.period) == (3, "万吨", "2024-03")
    assert [(s.row, s.kind) for s in layout.skipped] == [(5, "subset"), (8, "total"), (9, "note"), (10, "note")]
    assert not any("合计" in w for w in report.warnings)  # the total is right


@pytest.mark.parametrize("kind", KINDS)
def test_a_unit_in_the_quantity_header_applies_to_every_row(db: Engine, tmp_path: Path, kind: str) -> None:
    rows: Grid = [
        ["期间", "来源", "去向", "物料", "数量（万吨）", "单位"],
        ["2023-05", "SRC-1", "COL-1", "scrap_steel", 2, None],
        ["2023-05", "SRC-1", "REC-1", "scrap_steel", 300, "kg"],
    ]
    report = import_files(db, [write_grid(tmp_path, "flows", rows, kind)])
    assert report.ok, report.errors.to_dicts()
    assert landed(db, 2023) == [
        ("2023-05", "SRC-1", "COL-1", "scrap_steel", 20_000.0),
        ("2023-05", "SRC-1", "REC-1", "scrap_steel", 0.3),  # a unit cell wins
    ]


MONTHS: Grid = [
    ["2022年 废钢及粉煤灰流向月报表"],
    ["单位：吨"],
    [
        "来源",
        "去向",
        "物料",
        "1月",
        "2月",
        "3月",
        "4月",
        "5月",
        "6月",
        "7月",
        "8月",
        "9月",
        "10月",
        "11月",
        "12月",
        "全年",
    ],
    ["钢厂", "回收站", "废钢", 10, 12, None, "-", 0, 5, None, None, None, None, None, 1.5, 28.5],
    ["SRC-1", "再生厂", "fly_ash", None, None, None, None, None, None, None, None, None, None, None, None, 120],
    ["合计", None, None, 10, 12, None, None, None, 5, None, None, None, None, None, 1.5, 148.5],
]


@pytest.mark.parametrize("kind", KINDS)
def test_month_columns_import_one_flow_per_filled_cell(db: Engine, tmp_path: Path, kind: str) -> None:
    report = import_files(db, [write_grid(tmp_path, "monthly", MONTHS, kind)])
    assert report.ok, report.errors.to_dicts()
    assert landed(db, 2022) == [
        ("2022", "SRC-1", "REC-1", "fly_ash", 120.0),  # only a year total: the yearly flow
        ("2022-01", "SRC-1", "COL-1", "scrap_steel", 10.0),
        ("2022-02", "SRC-1", "COL-1", "scrap_steel", 12.0),
        ("2022-06", "SRC-1", "COL-1", "scrap_steel", 5.0),
        ("2022-12", "SRC-1", "COL-1", "scrap_steel", 1.5),
    ]
    (layout,) = report.layouts
    assert layout.records == 5 and layout.empty_cells == 24 - 4
    assert not report.warnings, report.warnings  # the months add up to the year total; the totals row is right


def test_a_wrong_total_is_a_warning_naming_the_row_and_both_figures(db: Engine, tmp_path: Path) -> None:
    rows = [r[:] for r in MONTHS]
    rows[3][-1] = 30
    rows[5][3] = 11
    report = import_files(db, [write_grid(tmp_path, "monthly", rows, "xlsx")])
    assert report.ok and report.committed
    assert report.warnings == [
        "monthly.xlsx[Sheet1]: row 6 (合计), column 1月: 11 吨 but the rows it totals (4–5) add up to 10 吨",
        "monthly.xlsx[Sheet1]: row 6 (合计), column 全年: 148.5 吨 but the rows it totals (4–5) add up to 150 吨",
        "monthly.xlsx[Sheet1]: row 4: the year total (全年) is 30 but the months add up to 28.5",
    ]


def test_the_sheet_name_gives_the_period_and_the_understanding_is_in_the_json(db: Engine, tmp_path: Path) -> None:
    rows: Grid = [["来源单位", "利用处置单位", "固废种类", "重量"], ["钢厂", "再生厂", "粉煤灰", 7]]
    path = write_grid(tmp_path, "book", rows, "xlsx", sheet="2021年7月")
    run = subprocess.run(
        [sys.executable, "-m", "mfa", "import", str(path), "--db", str(db.url), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    (layout,) = json.loads(run.stdout)["layouts"]
    assert (layout["period"], layout["period_from"], layout["header_row"]) == ("2021-07", "sheet", 1)
    assert [c["field"] for c in layout["columns"]] == ["source", "target", "material", "quantity"]
    assert landed(db, 2021) == [("2021-07", "SRC-1", "REC-1", "fly_ash", 7.0)]
    plain = subprocess.run(
        [sys.executable, "-m", "mfa", "import", str(path), "--db", str(db.url), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "book.xlsx[2021年7月] → flows: header on row 1; period 2021-07 (from the sheet name)" in plain.stdout


# ---------------------------------------------------------------- refusals: one line, nothing written


@pytest.mark.parametrize("kind", KINDS)
def test_a_sheet_without_its_quantity_column_is_one_line_and_writes_nothing(
    db: Engine, tmp_path: Path, kind: str
) -> None:
    rows: Grid = [["2024年3月"], ["移出单位", "接收单位", "废物名称", "转运量（万吨）"], ["钢厂", "回收站", "废钢", 1]]
    before = count(db)
    report = import_files(db, [write_grid(tmp_path, "flows", rows, kind)])
    assert not report.committed and count(db) == before
    assert report.errors.select("row", "column", "reason").rows() == [
        (
            2,
            "quantity",
            "column quantity (数量) is missing: the header (row 2) has 移出单位, 接收单位, 废物名称, 转运量（万吨）; "
            "the closest known header is 转移量 (for '转运量（万吨）')",
        )
    ]


def test_the_cli_says_what_is_missing_instead_of_an_internal_error(tmp_path: Path) -> None:
    rows: Grid = [["period", "source", "target", "material", "重量吨"], ["2024-03", "SRC-1", "COL-1", "scrap_steel", 1]]
    path = write_grid(tmp_path, "flows", rows, "xlsx", sheet="flows")
    run = subprocess.run(
        [sys.executable, "-m", "mfa", "import", str(path), "--db", str(tmp_path / "a.db")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert run.returncode == 1
    assert "Error" not in run.stderr and "Traceback" not in run.stderr
    problem = next(line for line in run.stdout.splitlines() if "flows.xlsx[flows] │ 1" in line)
    assert (
        "column quantity (数量) is missing: the header (row 1) has period, source, target, material, 重量吨; "
        "the closest known header is 重量 (for '重量吨')"
    ) in problem
    assert "nothing written" in run.stdout


def test_a_file_with_no_table_says_what_it_found(db: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "notes.csv", ["a memo"], [["nothing", "here"]])
    report = import_files(db, [path])
    assert report.errors["reason"].to_list() == [
        "cannot tell which table this is: no row has the columns of parks, facilities, materials, aliases, flows, "
        "stocks or targets (row 1 has: a memo)"
    ]


def test_a_workbook_whose_sheets_hold_no_table_is_refused(db: Engine, tmp_path: Path) -> None:
    path = write_grid(tmp_path, "memo", [["just a memo"], ["nothing else"]], "xlsx", sheet="说明")
    report = import_files(db, [path])
    assert not report.committed
    assert report.errors["reason"].to_list()[0].startswith("cannot tell which table this is")
    assert report.warnings == ["memo.xlsx: sheet '说明' is not a table mfa reads; skipped"]


@pytest.mark.parametrize("kind", KINDS)
def test_months_without_a_year_are_refused(db: Engine, tmp_path: Path, kind: str) -> None:
    rows: Grid = [["来源", "去向", "物料", "1月", "2月"], ["钢厂", "回收站", "废钢", 1, 2]]
    report = import_files(db, [write_grid(tmp_path, "m", rows, kind)])
    assert not report.committed
    assert report.errors["reason"].to_list() == [
        "the month columns (1月, 2月) need a year: add a year column, or write the year in the title (2024年) or "
        "the sheet name"
    ]


def test_a_flow_after_the_notes_is_refused(db: Engine, tmp_path: Path) -> None:
    rows: Grid = [*REPORT[:9], ["", "钢厂", "回收站", "废钢", 9]]
    report = import_files(db, [write_grid(tmp_path, "late", rows, "utf-8")])
    assert not report.committed
    assert report.errors["reason"].to_list() == [
        "row 10 looks like a flow but comes after the note on row 9: move the notes below the table"
    ]


def test_unknown_names_are_refused_by_row_with_the_closest_and_the_rest_imports_on_request(
    db: Engine, tmp_path: Path
) -> None:
    rows: Grid = [*REPORT[:3], [1, "钢厂", "回收站", "废钢", 1], [2, "钢场", "再生厂", "废钢", 1]]
    path = write_grid(tmp_path, "names", rows, "gbk")
    before = count(db)
    refused = import_files(db, [path])
    assert not refused.committed and count(db) == before
    assert refused.errors.select("row", "column", "reason").rows() == [
        (5, "source", "unknown facility '钢场' (closest: SRC-1 Steel plant; YARD-1 Slag yard)")
    ]
    partial = import_files(db, [path], accept_valid=True)
    assert partial.committed and count(db) == before + 1
    again = partial.rejected_rows["names.csv"]
    assert again.select("row", "source", "quantity", "unit", "period").rows() == [(5, "钢场", "1", "万吨", "2024-03")]
    fixed = again.with_columns(pl.lit("钢厂").alias("source"))
    fixed.write_csv(tmp_path / "fixed.csv")
    assert import_files(db, [tmp_path / "fixed.csv"]).ok
    assert landed(db, 2024)[-1] == ("2024-03", "SRC-1", "REC-1", "scrap_steel", 10_000.0)


def test_a_bad_month_cell_is_named_by_its_column_and_only_that_cell_is_returned(db: Engine, tmp_path: Path) -> None:
    rows = [r[:] for r in MONTHS]
    rows[3][4] = "十二"
    report = import_files(db, [write_grid(tmp_path, "monthly", rows, "xlsx")], accept_valid=True)
    assert report.errors.select("row", "column", "value").rows() == [(4, "2月", "十二")]
    rejected = report.rejected_rows["monthly.xlsx[Sheet1]"]
    assert rejected.select("row", "period", "quantity").rows() == [(4, "2022-02", "十二")]
    assert len(landed(db, 2022)) == 4


# ---------------------------------------------------------------- a user's mapping, remembered


def test_a_confirmed_mapping_is_remembered_for_the_park_and_proposed_again(db: Engine, tmp_path: Path) -> None:
    rows: Grid = [["2020年6月"], ["来源", "去向", "物料", "转运量", "备注"], ["钢厂", "回收站", "废钢", 3, "x"]]
    path = write_grid(tmp_path, "june", rows, "xlsx")
    first = read_files([path])
    (layout,) = first.layouts
    assert layout.problem is not None
    chosen = ("source", "target", "material", "quantity", "note")
    report = import_files(db, [path], actor=MANAGER, choices={layout.file: chosen})
    assert report.ok and report.committed, report.errors.to_dicts()
    assert layouts.remember(db, MANAGER, report.layouts) == 1
    again = import_files(db, [path], actor=MANAGER, dry_run=True)
    assert again.ok and again.layouts[0].remembered and again.layouts[0].mapping == chosen
    ningxiang = Actor("nx", "park_manager", frozenset({"NINGXIANG"}), "app")
    stranger = import_files(db, [path], actor=ningxiang, dry_run=True)
    assert stranger.layouts[0].problem is not None  # remembered for Miluo only
    assert layouts.remember(db, ADMIN, report.layouts) == 1  # an admin's mapping is everyone's
    proposed = import_files(db, [path], actor=ningxiang, dry_run=True)
    assert proposed.layouts[0].remembered and proposed.layouts[0].problem is None


# ---------------------------------------------------------------- material aliases


def test_aliases_are_imported_by_admins_used_at_once_and_kept_in_the_history(db: Engine, tmp_path: Path) -> None:
    aliases = write_csv(tmp_path / "aliases.csv", ["别名", "物料", "来源"], [["废钢边角料", "scrap_steel", "园区台账"]])
    flows = write_grid(
        tmp_path, "f", [["2019年"], ["来源", "去向", "物料", "数量"], ["钢厂", "回收站", "废钢边角料", 4]], "utf-8"
    )
    refused = import_files(db, [aliases, flows], actor=MANAGER)
    assert not refused.committed
    assert "may not write material_aliases" in refused.errors["reason"][0]
    report = import_files(db, [flows, aliases], actor=ADMIN)
    assert report.ok and report.written == {"material_aliases": 1, "flows": 1}
    assert landed(db, 2019) == [("2019", "SRC-1", "COL-1", "scrap_steel", 4.0)]
    moved = write_csv(tmp_path / "moved.csv", ["alias", "material"], [["废钢边角料", "scrap_copper"]])
    assert import_files(db, [moved], actor=ADMIN).ok
    versions = record_history(db, "material_alias", {"alias": "废钢边角料"})
    assert versions["material"].to_list() == ["scrap_steel", "scrap_copper"]
    assert delete_record(db, "material_alias", {"alias": "废钢边角料"}, actor=ADMIN).committed
    assert record_history(db, "material_alias", {"alias": "废钢边角料"})["status"].to_list()[-1] == "deleted"


def test_the_bundled_aliases_include_the_catalogue_categories(db: Engine) -> None:
    with db.connect() as conn:
        aliases = reads.material_aliases(conn)
    assert {aliases[c] for c in ("S01", "S02", "S03", "S04", "S05", "S06")} == {
        "smelting_slag", "fly_ash", "furnace_slag", "coal_gangue", "tailings", "desulfurization_gypsum",
    }  # fmt: skip
    assert aliases["废钢"] == "scrap_steel"


def test_aliases_and_remembered_mappings_survive_a_backup_and_restore(db: Engine, tmp_path: Path) -> None:
    aliases = write_csv(tmp_path / "aliases.csv", ["alias", "material"], [["钢屑", "scrap_steel"]])
    assert import_files(db, [aliases]).ok
    with write_transaction(db) as conn:
        from mfa.storage import mappings

        mappings.remember(conn, "MILUO", "flows", "sig", ["a"], ["source"], "max")
    counts = backup.backup(db, tmp_path / "b.mfa")
    assert counts["import_mapping"] == 1 and counts["material_alias_revision"] == 0
    assert backup.restore(db, tmp_path / "b.mfa", replace=True) == counts
    with db.connect() as conn:
        assert reads.material_aliases(conn)["钢屑"] == "scrap_steel"
        assert mappings.remembered(conn, "sig", ["MILUO"]) is not None


# ---------------------------------------------------------------- any layout: imported exactly, or one line


SHARED_DB = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NAMES = {
    "SRC-1": ("SRC-1", "钢厂", "Steel plant"),
    "COL-1": ("COL-1", "回收站", "Collector"),
    "REC-1": ("REC-1", "再生厂", "Recycler"),
    "YARD-1": ("YARD-1", "渣场", "Slag yard"),
}
MATERIAL_NAMES = {
    "scrap_steel": ("scrap_steel", "废钢铁", "废钢", "Scrap steel"),
    "fly_ash": ("fly_ash", "粉煤灰", "S02", "091-001-S02"),
    "tailings": ("tailings", "尾矿", "S05"),
}
LINKS = [(s, t) for s in NAMES for t in NAMES if s != t]
FACTORS = {"t": 1.0, "吨": 1.0, "万吨": 1e4, "kg": 1e-3, "kt": 1e3}
HEADERS = {
    "source": ["来源", "移出单位", "产生单位", "source"],
    "target": ["去向", "接收单位", "利用处置单位", "target"],
    "material": ["物料", "废物名称", "固废种类", "material"],
    "quantity": ["数量", "转移量", "重量", "quantity"],
}
VALUES = st.integers(1, 10**7).map(lambda n: n / 100)


def _figure(x: float) -> float:
    """A sum as a form would show it (two decimals)."""
    return round(x, 2)


@dataclass
class Sheet:
    """A generated sheet: its rows, how it is saved, and the flows it must import (or that it must be refused)."""

    rows: Grid
    kind: str
    sheet: str
    expected: list[tuple[str, str, str, str, float]]
    refused: bool
    merges: list[str]


@st.composite
def sheets(draw: st.DrawFn, year: int) -> Sheet:
    """A sheet as a park might keep it: a title block of 0 to 3 lines (the unit and the period perhaps among
    them), a header of synonyms, a 序号 column or not, names or codes, quantities in a column or in month
    columns (with a year total), 其中, totals and notes rows; a unit in the title, the header, a cell or nowhere;
    a period in a cell, the title, the sheet name, a year column, or nowhere (refused)."""
    kind = draw(st.sampled_from(KINDS))
    months = draw(st.booleans())
    unit = draw(st.sampled_from(list(FACTORS)))
    unit_at = draw(st.sampled_from(["title", "header", "cell", "none"]))
    places = ["title", "column", "sheet", "missing"] if months else ["title", "cell", "sheet", "missing"]
    period_at = draw(st.sampled_from(places))
    if period_at == "sheet" and kind != "xlsx":
        period_at = "title"
    month = draw(st.integers(1, 12))
    numbered, names = draw(st.booleans()), draw(st.booleans())
    total, note, subset = draw(st.booleans()), draw(st.booleans()), draw(st.booleans()) and not months
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(LINKS), st.sampled_from(list(MATERIAL_NAMES))),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    factor = FACTORS[unit] if unit_at != "none" else 1.0
    title: Grid = [
        [draw(st.sampled_from(["一般工业固体废物流向统计表", "填报单位：汨罗循环经济产业园", "Monthly report"]))]
    ]
    title = title * draw(st.integers(0, 2))
    if unit_at == "title":
        title.append([None, f"单位：{unit}"])
    if period_at == "title":
        title.insert(0, [f"{year}年 固废台账" if months else f"{year}年{month}月 固废流向"])
    header: list[object] = ["序号"] if numbered else []
    header += [draw(st.sampled_from(HEADERS[c])) for c in ("source", "target", "material")]
    if period_at == "cell":
        header.append("期间")
    if period_at == "column":
        header.append("年份")
    if unit_at == "cell":
        header.append("单位")
    suffix = f"（{unit}）" if unit_at == "header" else ""
    month_list = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=4))) if months else []
    if months:
        header += [f"{m}月{suffix}" for m in month_list] + ["全年"]
    else:
        header.append(draw(st.sampled_from(HEADERS["quantity"])) + suffix)
    body: Grid = []
    expected = []
    sums = [0.0] * (len(month_list) or 1)
    for i, ((source, target), material) in enumerate(keys):
        row: list[object] = [i + 1] if numbered else []
        pick = (lambda code, table: draw(st.sampled_from(table[code]))) if names else (lambda code, _t: code)
        row += [pick(source, NAMES), pick(target, NAMES), pick(material, MATERIAL_NAMES)]
        if period_at == "cell":
            row.append(f"{year}-{month:02d}")
        if period_at == "column":
            row.append(year)
        if unit_at == "cell":
            row.append(unit)
        if months:
            cells = [draw(st.one_of(st.none(), VALUES)) for _m in month_list]
            cells[draw(st.integers(0, len(cells) - 1))] = draw(VALUES)
            row += [*cells, _figure(sum(c for c in cells if c))]
            for m, c in zip(month_list, cells, strict=True):
                if c:
                    expected.append((f"{year}-{m:02d}", source, target, material, c * factor))
            sums = [s + (c or 0.0) for s, c in zip(sums, cells, strict=True)]
        else:
            value = draw(VALUES)
            row.append(value)
            expected.append((f"{year}-{month:02d}", source, target, material, value * factor))
            sums[0] += value
        body.append(row)
        if subset and i == 0:
            part: list[object] = [None] * (len(row) - 1) + [_figure(value / 2)]
            part[1 if numbered else 0] = "其中：自用"
            body.append(part)
    if total:
        totals: list[object] = [None] * len(body[0])
        totals[0] = "合计"
        if unit_at == "cell":
            totals[len(body[0]) - (len(month_list) + 2 if months else 2)] = unit
        if months:
            totals[-len(month_list) - 1 :] = [*(_figure(s) for s in sums), _figure(sum(sums))]
        else:
            totals[-1] = _figure(sums[0])
        body.append(totals)
    if note:
        body += [["注：数据来源于企业月报。"], ["填表人：张三", None, "审核人：李四"]]
    sheet = (str(year) if months else f"{year}年{month}月") if period_at == "sheet" else "Sheet1"
    expected = [(p, s, t, m, pytest.approx(q)) for p, s, t, m, q in sorted(expected)]  # type: ignore[misc]
    merged = ["A1:C1"] if title and kind == "xlsx" and draw(st.booleans()) else []  # a title over the columns
    if merged:
        title[0] = [title[0][0] or title[0][1]]
    return Sheet([*title, header, *body], kind, sheet, expected, period_at == "missing", merged)


@pytest.fixture
def years() -> Iterator[int]:
    """A year of its own for every example (1901, 1902, ...), so examples sharing a database never meet."""
    return itertools.count(1901)


@settings(SHARED_DB, max_examples=100)
@given(data=st.data())
def test_any_layout_imports_exactly_its_flows_or_is_refused_in_one_line(
    db: Engine, tmp_path: Path, years: Iterator[int], data: st.DataObject
) -> None:
    year = next(years)
    sheet = data.draw(sheets(year))
    event(f"{sheet.kind}, {'refused' if sheet.refused else 'imported'}")
    path = write_grid(tmp_path, f"y{year}", sheet.rows, sheet.kind, sheet=sheet.sheet, merges=sheet.merges)
    before = count(db)

    report = import_files(db, [path])

    if sheet.refused:
        assert not report.committed and count(db) == before
        assert report.errors.height == 1, report.errors.to_dicts()
        assert "\n" not in report.errors["reason"][0]
        assert "year" in report.errors["reason"][0] or "period" in report.errors["reason"][0]
        return
    assert report.ok and report.committed, (report.errors.to_dicts(), sheet.rows)
    assert not [w for w in report.warnings if "add up to" in w], report.warnings
    assert landed(db, year) == sheet.expected
    assert count(db) == before + len(sheet.expected)
