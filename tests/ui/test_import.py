"""The Import page: upload, preview, all-or-nothing or valid rows only, dry run, rejected rows, templates."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from mfa.intake.tables import TABLES
from mfa.storage import reads
from tests.factories import FLOW_HEADER, flow
from tests.ui.support import content


def csv_file(name: str, rows: list[list[object]]) -> tuple[str, bytes, str]:
    """An uploaded flows CSV as (file name, bytes, mime type)."""
    frame = pl.DataFrame([[str(c) for c in r] for r in rows], schema=FLOW_HEADER, orient="row")
    return name, frame.write_csv().encode(), "text/csv"


GOOD = [flow("2025-05", "SRC-1", "COL-1", "scrap_steel", "7"), flow("2025-05", "COL-1", "REC-1", "scrap_steel", "6")]
BAD = [flow("2025-06", "SRC-1", "NOWHERE", "scrap_steel", "5")]


def flow_count(engine: Engine) -> int:
    """How many flows the database holds."""
    with engine.connect() as conn:
        return reads.counts(conn)["flows"]


def upload(at: AppTest, *files: tuple[str, bytes, str], mode: str = "all_or_nothing", dry_run: bool = False) -> None:
    """Upload files, choose the options, press the button."""
    at.file_uploader(key="import_files").set_value(list(files)).run()
    assert not at.exception, at.exception
    at.radio(key="import_mode").set_value(mode)
    at.checkbox(key="import_dry_run").set_value(dry_run)
    at.button(key="import_run").click().run()
    assert not at.exception, at.exception


def test_valid_files_are_previewed_and_imported(app: Callable[..., AppTest], world_db: Engine) -> None:
    before = flow_count(world_db)
    at = app("import")
    at.file_uploader(key="import_files").set_value([csv_file("may.csv", GOOD)]).run()
    assert [e.label for e in at.expander][-1] == "may.csv → flows · 2 rows"
    upload(at, csv_file("may.csv", GOOD))
    assert at.success[0].value == "Imported: 2 flows."
    assert flow_count(world_db) == before + 2


def test_one_bad_row_writes_nothing_and_lists_every_problem(
    app: Callable[..., AppTest], world_db: Engine, downloads: dict[str, Any]
) -> None:
    before = flow_count(world_db)
    at = app("import")
    upload(at, csv_file("june.csv", GOOD + BAD))
    assert at.error[0].value.startswith("Nothing was written: 1 problem(s).")
    assert flow_count(world_db) == before
    errors = at.dataframe[-1].value
    assert list(errors["row"]) == [4]  # the spreadsheet's row number (header is row 1)
    assert "NOWHERE" in set(errors["value"])
    rejected = pl.read_csv(content(downloads, "june.rejected.csv"))
    assert rejected["target"].to_list() == ["NOWHERE"]
    assert "error" in rejected.columns
    assert pl.read_csv(content(downloads, "errors.csv")).height == 1


def test_accepting_the_valid_rows_and_a_dry_run(app: Callable[..., AppTest], world_db: Engine) -> None:
    before = flow_count(world_db)
    at = app("import")
    upload(at, csv_file("june.csv", GOOD + BAD), dry_run=True)
    assert at.warning[-1].value.startswith("Dry run: 1 problem(s) found")
    assert flow_count(world_db) == before
    upload(at, csv_file("june.csv", GOOD + BAD), mode="accept_valid")
    assert at.success[0].value == "Imported: 2 flows."
    assert "those rows were left out" in at.warning[-1].value
    assert flow_count(world_db) == before + 2


def test_templates_hold_each_tables_columns_and_an_example(
    app: Callable[..., AppTest], downloads: dict[str, Any]
) -> None:
    app("import")
    for spec in TABLES:
        frame = pl.read_csv(content(downloads, f"{spec.name}.csv"), infer_schema=False)
        assert tuple(frame.columns) == spec.columns
        assert frame.height == 1
    book = fastexcel.read_excel(content(downloads, "mfa-template.xlsx"))
    assert book.sheet_names == [spec.name for spec in TABLES]
    flows = book.load_sheet("flows").to_polars()
    assert flows.columns == list(FLOW_HEADER)


def test_a_template_filled_in_imports(app: Callable[..., AppTest], world_db: Engine, downloads: dict[str, Any]) -> None:
    at = app("import")
    template = pl.read_csv(content(downloads, "flows.csv"), infer_schema=False)
    filled = template.with_columns(source=pl.lit("SRC-1"), target=pl.lit("COL-1"))
    buffer = io.BytesIO()
    filled.write_csv(buffer)
    upload(at, ("flows.csv", buffer.getvalue(), "text/csv"))
    assert at.success[0].value == "Imported: 1 flows."


def test_errors_name_the_column_as_the_file_heads_it_in_the_users_language(
    app: Callable[..., AppTest], downloads: dict[str, Any]
) -> None:
    at = app("import", language="zh")
    data = "期间,来源,去向,物料,数量\n2025-03,SRC-1,COL-1,scrap_steel,abc\n2025-03,COL-1,COL-1,scrap_steel,4\n"
    upload(at, ("中文.csv", data.encode(), "text/csv"))
    errors = at.dataframe[-1].value
    assert set(errors["column"]) == {"数量", "去向"}
    assert set(errors["reason"]) == {"不是数字", "流量的来源和去向不能是同一设施"}
    assert "quantity" not in pl.read_csv(content(downloads, "errors.csv"))["column"].to_list()


def test_the_uploader_says_the_limit_the_importer_applies(app: Callable[..., AppTest]) -> None:
    import tomllib

    from tests.ui.support import APP

    at = app("import", language="zh")
    uploader = at.get("file_uploader")[0]
    assert uploader.proto.max_upload_size_mb == 100
    assert "每个文件最大 100 MB" in uploader.proto.help
    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 100  # Streamlit's own limit: the same
    assert config["client"]["toolbarMode"] in ("viewer", "minimal")  # no Deploy button


@pytest.mark.parametrize(
    ("language", "title"), [("en", "六月流量.csv → flows · 1 row"), ("zh", "六月流量.csv → 流量 · 1 行")]
)
def test_the_preview_names_the_table_and_counts_one_row_as_one(
    app: Callable[..., AppTest], language: str, title: str
) -> None:
    at = app("import", language=language)
    at.file_uploader(key="import_files").set_value([csv_file("六月流量.csv", GOOD[:1])]).run()
    assert [e.label for e in at.expander][-1] == title
