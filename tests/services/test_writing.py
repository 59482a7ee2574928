"""Import on both databases: atomic by default, partial on request, idempotent, encodings and XLSX."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from sqlalchemy import Engine, text

from mfa.services.editing import import_records
from mfa.services.writing import import_files
from mfa.storage import reads
from tests.factories import FACILITIES, FLOW_HEADER, PARKS, flow, flows_file, world, write_csv


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return reads.counts(conn)


def _flows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT period, quantity_t, uncertainty, data_quality, note FROM flow ORDER BY period")
        ).all()
    return [tuple(r) for r in rows]


def test_files_in_any_order_are_one_transaction(engine: Engine, tmp_path: Path) -> None:
    flows = flows_file(tmp_path, [flow(), flow(period="2024-02", target="REC-1", quantity="2", unit="万吨")])
    report = import_files(engine, [flows, *reversed(world(tmp_path))])
    assert report.ok and report.committed
    assert report.written == {"parks": 2, "facilities": 5, "flows": 2}
    assert _counts(engine)["flows"] == 2


def test_one_bad_row_writes_nothing_and_lists_every_bad_row(engine: Engine, tmp_path: Path) -> None:
    before = _counts(engine)
    flows = flows_file(tmp_path, [flow(), flow(period="2024-02", quantity="-1"), flow(period="2024-03", unit="lb")])
    report = import_files(engine, [*world(tmp_path), flows])
    assert not report.committed
    assert report.errors.select("file", "row", "column").rows() == [
        ("flows.csv", 3, "quantity"),
        ("flows.csv", 4, "unit"),
    ]
    assert _counts(engine) == before
    rejected = report.rejected_rows["flows.csv"]
    assert rejected["row"].to_list() == [3, 4]
    assert rejected["quantity"].to_list() == ["-1", "100"]


def test_accept_valid_writes_the_good_rows_and_returns_the_rest(engine: Engine, tmp_path: Path) -> None:
    flows = flows_file(tmp_path, [flow(), flow(period="2024-02", quantity="-1")])
    report = import_files(engine, [*world(tmp_path), flows], accept_valid=True)
    assert report.committed and not report.ok
    assert report.written["flows"] == 1 and report.rejected["flows"] == 1
    assert report.rejected_rows["flows.csv"]["error"].to_list() == ["quantity: negative quantity"]


def test_a_fixed_rejected_file_imports_as_it_is(engine: Engine, tmp_path: Path) -> None:
    flows = flows_file(tmp_path, [flow(), flow(period="2024-02", quantity="-1")])
    report = import_files(engine, [*world(tmp_path), flows], accept_valid=True)
    fixed = report.rejected_rows["flows.csv"].with_columns(pl.lit("7").alias("quantity"))
    fixed.write_csv(tmp_path / "flows.rejected.csv")
    again = import_files(engine, [tmp_path / "flows.rejected.csv"])
    assert again.ok, again.errors
    assert _counts(engine)["flows"] == 2


def test_dry_run_validates_only(engine: Engine, tmp_path: Path) -> None:
    report = import_files(engine, [*world(tmp_path), flows_file(tmp_path, [flow()])], dry_run=True)
    assert report.ok and not report.committed
    assert _counts(engine)["flows"] == 0


def test_reimport_updates_by_key_and_never_duplicates(engine: Engine, tmp_path: Path) -> None:
    files = [*world(tmp_path), flows_file(tmp_path, [flow(quantity="1", uncertainty="0.1", note="first")])]
    import_files(engine, files)
    import_files(engine, files)
    assert _counts(engine)["flows"] == 1
    import_files(engine, [flows_file(tmp_path, [flow(quantity="5", uncertainty="0.2", note="second")])])
    assert _flows(engine) == [("2024-01", 5.0, 0.2, None, "second")]


def test_a_narrower_file_keeps_the_fields_it_does_not_have(engine: Engine, tmp_path: Path) -> None:
    import_files(
        engine,
        [*world(tmp_path), flows_file(tmp_path, [flow(uncertainty="0.1", data_quality="measured", note="keep me")])],
    )
    narrow = write_csv(
        tmp_path / "narrow.csv",
        ["period", "source", "target", "material", "quantity"],
        [["2024-01", "SRC-1", "COL-1", "scrap_steel", "250"]],
    )
    assert import_files(engine, [narrow]).ok
    assert _flows(engine) == [("2024-01", 250.0, 0.1, "measured", "keep me")]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_chinese_headers_in_gbk_and_utf8_with_bom(engine: Engine, tmp_path: Path, encoding: str) -> None:
    import_files(engine, world(tmp_path))
    header = ["期间", "来源", "去向", "物料", "数量", "单位", "不确定度", "数据质量", "备注", "出处"]
    path = write_csv(
        tmp_path / "流量.csv",
        header,
        [["2024年3月", "SRC-1", "COL-1", "scrap_steel", "1.5", "万吨", "5%", "实测", "汨罗 三月", "台账"]],
        encoding=encoding,
    )
    report = import_files(engine, [path])
    assert report.ok, report.errors
    assert _flows(engine) == [("2024-03", 15000.0, 0.05, "measured", "汨罗 三月")]


def test_percent_uncertainty_is_read_as_a_fraction(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, world(tmp_path))
    report = import_files(
        engine, [flows_file(tmp_path, [flow(uncertainty="12.5%"), flow("2024-02", uncertainty="150%")])]
    )
    assert report.errors.select("row", "column").rows() == [(3, "uncertainty")]
    assert import_files(engine, [flows_file(tmp_path, [flow(uncertainty="12.5%")])]).ok
    assert _flows(engine)[0][2] == pytest.approx(0.125)


def test_xlsx_sheets_named_in_english_or_chinese(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "park.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    parks = wb.add_worksheet("园区")
    for r, row in enumerate([["code", "name", "name_zh", "city", "level"], *PARKS]):
        parks.write_row(r, 0, row)
    fac = wb.add_worksheet("facilities")
    for r, row in enumerate([["code", "name", "name_zh", "park", "kind"], *FACILITIES]):
        fac.write_row(r, 0, row)
    flows = wb.add_worksheet("flows")
    flows.write_row(0, 0, FLOW_HEADER)
    flows.write_row(1, 0, ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1200.5, "t", 0.05, "measured", "xlsx", ""])
    flows.write_row(2, 0, [2023, "SRC-1", "REC-1", "fly_ash", 3, "万吨"])
    flows.write_row(3, 0, ["2024-02", "SRC-1", "COL-1", "scrap_steel", -3, "t"])
    notes = wb.add_worksheet("README")
    notes.write(0, 0, "This sheet explains the workbook.")
    wb.close()
    report = import_files(engine, [path])
    assert report.errors.select("file", "row", "column").rows() == [("park.xlsx[flows]", 4, "quantity")]
    report = import_files(engine, [path], accept_valid=True)
    assert report.written == {"parks": 2, "facilities": 5, "flows": 2}
    assert any("README" in w for w in report.warnings)
    assert _flows(engine)[0][:2] == ("2023", 30000.0)


def test_file_level_problems_are_reported_not_raised(engine: Engine, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    unknown = write_csv(tmp_path / "what.csv", ["foo", "bar"], [["1", "2"]])
    dup = write_csv(
        tmp_path / "dup.csv",
        ["period", "source", "target", "material", "quantity", "数量"],
        [["2024-01", "SRC-1", "COL-1", "scrap_steel", "1", "2"]],
    )
    binary = tmp_path / "x.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    report = import_files(engine, [empty, unknown, dup, binary, tmp_path / "missing.csv"])
    assert not report.committed
    reasons = dict(zip(report.errors["file"].to_list(), report.errors["reason"].to_list(), strict=True))
    assert "empty" in reasons["empty.csv"]
    assert "cannot tell which table" in reasons["what.csv"]
    assert "appears twice" in reasons["dup.csv"]
    assert "cannot open" in reasons["missing.csv"]


def test_a_bulk_import_and_reimport_keep_every_row_once(engine: Engine, tmp_path: Path) -> None:
    """Past the bulk threshold PostgreSQL loads through COPY; both databases upsert by key."""
    periods = [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13)]
    pairs = [("SRC-1", "COL-1"), ("COL-1", "REC-1"), ("SRC-1", "YARD-1"), ("YARD-1", "REC-1"), ("OUT", "REC-1")]
    materials = ["scrap_steel", "fly_ash", "waste_paper", "tailings", "power_battery_ncm", "weee", "elv", "red_mud"]
    rows = [
        flow(p, s, t, m, quantity=str(i + 1), note="" if i % 3 else 'n\'ote, "quoted"')
        for i, (p, (s, t), m) in enumerate((p, st, m) for p in periods for st in pairs for m in materials)
    ]
    big = list(rows)  # 1,440 keys
    for k in range(1, 5):  # 5,760 more rows: the same links three years earlier, four times over
        big += [[f"{int(r[0][:4]) - 3 * k}{r[0][4:]}", *r[1:]] for r in rows]
    first = import_files(engine, [*world(tmp_path), flows_file(tmp_path, big)])
    assert first.ok, first.errors.head(3).to_dicts()
    assert import_files(engine, [flows_file(tmp_path, big, name="again.csv")]).ok
    with engine.connect() as conn:
        n, total, notes = conn.execute(text("SELECT COUNT(*), SUM(quantity_t), COUNT(note) FROM flow")).one()
        version = conn.execute(text("SELECT MIN(version), MAX(version) FROM flow")).one()
    assert n == len(big)
    assert total == sum(float(r[4]) for r in big)
    assert notes == sum(1 for r in big if r[8])
    assert tuple(version) == (2, 2)


def test_a_form_record_goes_through_the_same_validation(engine: Engine, tmp_path: Path) -> None:
    from mfa.services.editing import import_records

    import_files(engine, world(tmp_path))
    bad = import_records(
        engine,
        "flows",
        [
            {
                "period": "2024-01",
                "source": "SRC-1",
                "target": "SRC-1",
                "material": "scrap_steel",
                "quantity": "-2",
                "unit": "万吨",
            }
        ],
    )
    assert not bad.committed
    assert bad.errors.select("file", "row", "column").rows() == [("form", 1, "target"), ("form", 1, "quantity")]
    assert _counts(engine)["flows"] == 0
    good = {
        "period": "2024-01",
        "source": "SRC-1",
        "target": "COL-1",
        "material": "scrap_steel",
        "quantity": "2",
        "unit": "万吨",
        "note": "typed in",
    }
    assert import_records(engine, "flows", [good]).ok
    moved = good | {"period": "2024", "quantity": "3"}
    old = {k: str(good[k]) for k in ("period", "source", "target", "material")}
    assert import_records(engine, "flows", [moved], replace=old).ok  # month -> year on the same link: no clash
    assert _flows(engine) == [("2024", 30000.0, None, None, "typed in")]
    clash = import_records(engine, "flows", [good | {"quantity": "-1"}], replace={**old, "period": "2024"})
    assert not clash.committed
    assert _flows(engine) == [("2024", 30000.0, None, None, "typed in")]  # the failed edit deleted nothing


def test_an_upload_over_the_limit_is_refused_whole(engine: Engine, tmp_path: Path) -> None:
    from mfa.intake.readers import ReadResult, read_bytes
    from mfa.services.writing import import_tables

    result = ReadResult()
    data = flows_file(tmp_path, [flow()] * 3).read_bytes()
    read_bytes(result, "big.csv", data, limit=len(data) - 1)
    assert result.tables == []
    assert "uploads may be" in result.errors["reason"][0]
    assert not import_tables(engine, result).committed


def test_xlsx_row_numbers_are_the_sheet_s_own_when_the_table_starts_lower(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, world(tmp_path))
    path = tmp_path / "late.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    sheet = wb.add_worksheet("flows")
    sheet.write_row(2, 0, FLOW_HEADER)  # the header on Excel row 3, data from row 4
    sheet.write_row(3, 0, ["2024-01", "SRC-1", "COL-1", "scrap_steel", 10, "t"])
    sheet.write_row(5, 0, ["2024-02", "SRC-1", "COL-1", "scrap_steel", -1, "t"])  # row 6, after a blank row 5
    wb.close()
    report = import_files(engine, [path])
    assert report.errors.select("file", "row", "column").rows() == [("late.xlsx[flows]", 6, "quantity")]


def test_a_form_value_with_a_nul_character_is_refused_not_sent_to_the_database(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, world(tmp_path))
    report = import_records(
        engine,
        "flows",
        [dict(period="2024-01", source="SRC-1", target="COL-1", material="scrap_steel", quantity="1", note="a\x00b")],
    )
    assert not report.committed and report.errors.select("column").item() == "note"
    assert "NUL" in report.errors["reason"][0]
