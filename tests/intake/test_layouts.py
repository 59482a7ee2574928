"""Finding and reading the table in a sheet, without a database: header row, title block, units, periods, totals,
其中 rows, notes, month columns, and one line for every sheet that cannot be read."""

from __future__ import annotations

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given, settings
from polars.testing import assert_frame_equal

from mfa.domain.labels.reasons import translate
from mfa.intake.headings import YEAR, YEAR_TOTAL, guess, heading, month_of, month_token, roles
from mfa.intake.layouts import Table, find_header, read_table
from mfa.intake.tables import FLOWS, STOCKS
from mfa.intake.titles import LayoutError, periods_in, read_title, sheet_period
from tests.layout_files import Grid, as_text_grid

REPORT: Grid = [
    ["2024年3月 一般工业固体废物流向统计表"],
    ["填报单位：汨罗循环经济产业园", None, "单位：万吨"],
    ["序号", "移出单位", "接收单位", "废物名称", "转移量"],
    [1, "SRC-1", "COL-1", "scrap_steel", 1.5],
    [2, "SRC-1", "REC-1", "fly_ash", 0.25],
    ["合计", None, None, None, 1.75],
    [None, None, None, None, None],
    ["注：数据来源于企业月报。"],
]


def read(rows: Grid, **kw: object) -> Table:
    """The table read from a grid (a problem is a test failure unless the test looks at it)."""
    table = read_table(as_text_grid(rows), file="t.xlsx", **kw)  # type: ignore[arg-type]
    assert table is not None
    return table


def records(table: Table, *columns: str) -> list[tuple[object, ...]]:
    assert table.frame is not None, table.layout.problem
    return table.frame.select(*columns).rows()


def problem(rows: Grid, **kw: object) -> str:
    table = read(rows, **kw)
    assert table.layout.problem is not None, table.frame
    assert "\n" not in table.layout.problem
    return table.layout.problem


# ---------------------------------------------------------------- headers


def test_header_cells_name_columns_units_and_months() -> None:
    assert heading("数量（万吨）").base == "数量" and heading("数量（万吨）").unit == "万吨"
    assert (
        heading("quantity [t]").unit == "t"
        and heading("数量/吨").unit == "吨"
        and heading("quantity (kt)").unit == "kt"
    )
    assert heading("名称(中文)").unit is None
    written = ("3月", "三月", "十二月", "Mar", "March", "2024-03", "2024年3月", "2024-03-01 00:00:00")
    assert [month_of(h) for h in written] == [
        (None, 3), (None, 3), (None, 12), (None, 3), (None, 3), (2024, 3), (2024, 3), (2024, 3),
    ]  # fmt: skip
    assert month_of("13月") is None and month_of("合计") is None
    headers = ["移出单位", "接受单位", "固废种类", "1月", "二月", "全年", "年份", "备  注", "序号"]
    assert guess(FLOWS, headers) == (
        "source", "target", "material", month_token(1), month_token(2), YEAR_TOTAL, YEAR, "note", "",
    )  # fmt: skip
    assert guess(FLOWS, ["期 间", "来源单位", "利用处置单位", "物料名称", "重量"]) == (
        "period", "source", "target", "material", "quantity",
    )  # fmt: skip
    assert guess(FLOWS, ["period", "合计"])[1] == ""  # a year total only beside month columns


def test_the_header_is_the_first_row_naming_a_tables_required_columns() -> None:
    found = find_header(as_text_grid(REPORT))
    assert found is not None and found.complete
    assert (found.spec.name, found.index) == ("flows", 2)
    stocks = find_header(as_text_grid([["贮存单位", "物料", "贮存量", "期间"], ["YARD-1", "fly_ash", 3, "2024"]]))
    assert stocks is not None and stocks.spec is STOCKS
    assert find_header(as_text_grid([["hello"], ["world"]])) is None


# ---------------------------------------------------------------- the title block


def test_a_title_block_gives_unit_and_period_and_totals_and_notes_are_skipped() -> None:
    table = read(REPORT)
    layout = table.layout
    assert (layout.header_row, layout.unit, layout.unit_from, layout.period, layout.period_from) == (
        3, "万吨", "title", "2024-03", "title",
    )  # fmt: skip
    assert records(table, "period", "source", "target", "material", "quantity", "unit", "_row") == [
        ("2024-03", "SRC-1", "COL-1", "scrap_steel", "1.5", "万吨", 4),
        ("2024-03", "SRC-1", "REC-1", "fly_ash", "0.25", "万吨", 5),
    ]
    assert [(s.row, s.kind) for s in layout.skipped] == [(6, "total"), (8, "note")]
    assert layout.warnings == []  # the total matches
    assert layout.title == ("2024年3月 一般工业固体废物流向统计表", "填报单位：汨罗循环经济产业园 单位：万吨")


def test_a_unit_cell_wins_over_the_header_unit_which_wins_over_the_title() -> None:
    rows: Grid = [
        ["单位：吨"],
        ["期间", "来源", "去向", "物料", "数量（万吨）", "单位"],
        ["2024-01", "SRC-1", "COL-1", "scrap_steel", 2, None],
        ["2024-01", "SRC-1", "REC-1", "scrap_steel", 3, "kg"],
    ]
    table = read(rows)
    assert (table.layout.unit, table.layout.unit_from) == ("万吨", "header")
    assert records(table, "unit") == [("万吨",), ("kg",)]
    assert any("吨" in w and "万吨" in w for w in table.layout.warnings)


def test_periods_in_titles_and_sheet_names() -> None:
    assert periods_in("2024年3月 统计表") == ["2024-03"]
    assert periods_in("2024年度 报表  填报日期：2025年1月5日") == ["2024"]
    assert periods_in("统计期 2024-03") == ["2024-03"]
    assert periods_in("“十四五”(2021-2025年) 联系电话 0731-88886666") == []
    assert sheet_period("2024年3月") == ("2024-03", None)
    assert sheet_period("202403") == ("2024-03", None)
    assert sheet_period("2024") == ("2024", None)
    assert sheet_period("3月") == (None, 3)
    assert sheet_period("Sheet1") == (None, None)


def test_the_sheet_name_gives_the_period_and_a_month_sheet_takes_the_title_year() -> None:
    rows: Grid = [["来源", "去向", "物料", "数量"], ["SRC-1", "COL-1", "scrap_steel", 4]]
    assert records(read(rows, sheet="2024年5月"), "period") == [("2024-05",)]
    titled: Grid = [["2023年 固废台账"], *rows]
    table = read(titled, sheet="5月")
    assert (table.layout.period, table.layout.period_from) == ("2023-05", "sheet")
    cell: Grid = [
        ["期间", "来源", "去向", "物料", "数量"],
        ["2022-02", "SRC-1", "COL-1", "scrap_steel", 4],
        [None, "SRC-1", "REC-1", "scrap_steel", 1],
    ]
    assert records(read(cell, sheet="2024年5月"), "period") == [("2022-02",), ("2024-05",)]  # a period cell wins


# ---------------------------------------------------------------- rows that are not records


def test_totals_are_checked_and_a_mismatch_names_the_row_and_both_figures() -> None:
    rows: Grid = [
        ["期间", "来源", "去向", "物料", "数量", "单位"],
        ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1, "万吨"],
        ["2024-01", "SRC-1", "REC-1", "scrap_steel", 5000, "t"],
        ["小计", None, None, None, 1.5, "万吨"],
        ["2024-01", "COL-1", "REC-1", "scrap_steel", 2, "万吨"],
        ["小计", None, None, None, 2, "万吨"],
        ["合计", None, None, None, 3.6, "万吨"],
    ]
    table = read(rows)
    assert [(s.row, s.kind) for s in table.layout.skipped] == [(4, "subtotal"), (6, "subtotal"), (7, "total")]
    assert table.layout.warnings == [
        "row 7 (合计) says 3.6 万吨 but the rows it totals (2–5) add up to 3.5 万吨",
    ]
    assert "第 7 行（合计）为 3.6 万吨" in translate(table.layout.warnings[0], "zh")
    assert len(records(table, "source")) == 3


def test_rounded_totals_pass_and_a_totals_word_in_the_facility_column_counts() -> None:
    rows: Grid = [
        ["期间", "来源", "去向", "物料", "数量"],
        ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1.234],
        ["2024-01", "SRC-1", "REC-1", "scrap_steel", 2.345],
        ["2024-01", "合计", None, None, 3.58],
    ]
    table = read(rows)
    assert table.layout.warnings == [] and [s.kind for s in table.layout.skipped] == ["total"]


def test_qizhong_rows_are_listed_and_never_imported() -> None:
    rows: Grid = [
        ["来源", "去向", "物料", "数量", "期间"],
        ["SRC-1", "REC-1", "fly_ash", 100, "2024"],
        ["其中：利用往年贮存量", None, None, 20, None],
        ["  其中 ", None, "fly_ash", 200, None],
    ]
    table = read(rows)
    assert [(s.row, s.kind) for s in table.layout.skipped] == [(3, "subset"), (4, "subset")]
    assert records(table, "quantity") == [("100",)]
    assert table.layout.warnings == ["row 4 (其中) is 200, more than the row it is part of (row 2: 100)"]


def test_every_row_after_a_note_is_a_note_and_a_flow_there_is_refused() -> None:
    rows: Grid = [
        ["期间", "来源", "去向", "物料", "数量"],
        ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1],
        ["说明：1. 数量为过磅数"],
        ["      2. 其他"],
        ["填表人：张三", None, "审核人：李四"],
    ]
    table = read(rows)
    assert [(s.row, s.kind) for s in table.layout.skipped] == [(3, "note"), (4, "note"), (5, "note")]
    late: Grid = [*rows[:3], ["2024-01", "SRC-1", "REC-1", "scrap_steel", 2]]
    assert problem(late) == (
        "row 4 looks like a flow but comes after the note on row 3: move the notes below the table"
    )


# ---------------------------------------------------------------- month columns


MONTHS: Grid = [
    ["2024年 废钢流向月报", None, None, None, None, None, None],
    ["单位：吨"],
    ["来源", "去向", "物料", "1月", "2月", "3月", "全年"],
    ["SRC-1", "COL-1", "scrap_steel", 10, None, "-", 10],
    ["SRC-1", "REC-1", "scrap_steel", 1, 2, 0, 4],
    ["COL-1", "REC-1", "scrap_steel", None, None, None, 7],
]


def test_month_columns_make_one_flow_per_cell_holding_one() -> None:
    table = read(MONTHS)
    assert records(table, "period", "source", "target", "quantity", "unit", "_row", "_col") == [
        ("2024-01", "SRC-1", "COL-1", "10", "吨", 4, "1月"),
        ("2024-01", "SRC-1", "REC-1", "1", "吨", 5, "1月"),
        ("2024-02", "SRC-1", "REC-1", "2", "吨", 5, "2月"),
        ("2024", "COL-1", "REC-1", "7", "吨", 6, "全年"),  # no month figure: the year total is the yearly flow
    ]
    assert table.layout.empty_cells == 2 + 1 + 3  # empty, dash and 0 are no flow
    assert table.layout.warnings == ["row 5: the year total (全年) is 4 but the months add up to 3"]


def test_month_columns_take_the_year_from_a_year_column_then_the_title() -> None:
    rows: Grid = [
        ["年份", "来源", "去向", "物料", "Jan", "Feb"],
        ["2023", "SRC-1", "COL-1", "scrap_steel", 1, 2],
        [None, "SRC-1", "REC-1", "scrap_steel", 3, None],
    ]
    assert records(read(rows), "period") == [("2023-01",), ("2023-02",), (None,)]
    titled: Grid = [["2022年"], *rows]
    assert records(read(titled), "period") == [("2023-01",), ("2023-02",), ("2022-01",)]
    dated: Grid = [["来源", "去向", "物料", "2021-11", "2021-12"], ["SRC-1", "COL-1", "scrap_steel", 5, 6]]
    assert records(read(dated), "period") == [("2021-11",), ("2021-12",)]


def test_a_year_and_a_month_column_make_the_period() -> None:
    rows: Grid = [
        ["年度", "月份", "来源", "去向", "物料", "数量"],
        ["2024", "3", "SRC-1", "COL-1", "scrap_steel", 1],
        ["2024", "十二月", "SRC-1", "REC-1", "scrap_steel", 1],
    ]
    assert records(read(rows), "period") == [("2024-03",), ("2024-12",)]
    yearly: Grid = [["年度", "来源", "去向", "物料", "数量"], ["2024年", "SRC-1", "COL-1", "scrap_steel", 1]]
    assert records(read(yearly), "period") == [("2024",)]


# ---------------------------------------------------------------- a user's mapping


def test_a_chosen_mapping_replaces_the_guess_and_an_unfitting_one_is_ignored() -> None:
    rows: Grid = [["期间", "来源", "去向", "物料", "转运量"], ["2024-01", "SRC-1", "COL-1", "scrap_steel", 3]]
    assert read(rows).layout.problem is not None
    chosen = ("period", "source", "target", "material", "quantity")
    table = read(rows, choice=chosen)
    assert table.layout.mapping == chosen and table.layout.guess[-1] == ""
    assert records(table, "quantity") == [("3",)]
    assert table.original is not None and "quantity" in table.original.columns  # returned as read, imports again
    assert read(rows, choice=("period",)).layout.mapping == table.layout.guess


def test_a_plain_table_is_returned_as_written() -> None:
    rows: Grid = [
        ["period", "source", "target", "material", "quantity"],
        ["2024-01", "SRC-1", "COL-1", "scrap_steel", "3"],
    ]
    table = read(rows)
    assert table.layout.plain
    assert table.original is not None
    assert_frame_equal(
        table.original.drop("_row"),
        as_text_grid(rows[1:]).rename(dict(zip(as_text_grid(rows).columns, rows[0], strict=True))),
    )  # type: ignore[arg-type]


# ---------------------------------------------------------------- refusals: one line each


def test_a_missing_column_names_the_header_and_the_closest_known_header() -> None:
    rows: Grid = [["移出单位", "接收单位", "废物名称", "转运量"], ["SRC-1", "COL-1", "scrap_steel", 1]]
    assert problem(rows, sheet="2024年3月") == (
        "column quantity (数量) is missing: the header (row 1) has 移出单位, 接收单位, 废物名称, 转运量; "
        "the closest known header is 转移量 (for '转运量')"
    )
    assert translate(problem(rows, sheet="2024年3月"), "zh") == (
        "缺少列 quantity (数量)：表头（第 1 行）为 移出单位, 接收单位, 废物名称, 转运量；"
        "最接近的已知列名是 转移量（对应“转运量”）"
    )


def test_a_missing_column_without_a_close_header_lists_the_known_ones() -> None:
    rows: Grid = [["period", "source", "target", "material", "xyz"], ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1]]
    assert problem(rows, hint="flows").startswith(
        "column quantity (数量) is missing: the header (row 1) has period, source, target, material, xyz; "
        "known headers: quantity: quantity, 数量, 量, 转移量"
    )


def test_month_columns_without_a_year_are_refused() -> None:
    rows: Grid = [["来源", "去向", "物料", "1月", "2月"], ["SRC-1", "COL-1", "scrap_steel", 1, 2]]
    assert problem(rows) == (
        "the month columns (1月, 2月) need a year: add a year column, or write the year in the title (2024年) or "
        "the sheet name"
    )


def test_no_period_anywhere_is_refused() -> None:
    rows: Grid = [["来源", "去向", "物料", "数量"], ["SRC-1", "COL-1", "scrap_steel", 1]]
    assert problem(rows) == (
        "column period (期间) is missing and neither the title block nor the sheet name gives a year or month"
    )


def test_a_period_column_beside_month_columns_is_refused() -> None:
    rows: Grid = [["期间", "来源", "去向", "物料", "1月"], ["2024", "SRC-1", "COL-1", "scrap_steel", 1]]
    assert problem(rows) == "the header has a period column ('期间') and month columns (1月): keep one of them"


def test_a_quantity_column_beside_month_columns_is_refused() -> None:
    rows: Grid = [["来源", "去向", "物料", "2024年3月", "quantity"], ["SRC-1", "COL-1", "scrap_steel", 1, 2]]
    assert problem(rows) == (
        "the header has a quantity column ('quantity') and month columns (2024年3月): keep one of them"
    )


def test_a_title_naming_two_periods_or_two_units_is_refused() -> None:
    rows: Grid = [["来源", "去向", "物料", "数量"], ["SRC-1", "COL-1", "scrap_steel", 1]]
    assert problem([["2024年3月 至 2024年4月 报表"], *rows]) == (
        "the title block names more than one period (2024-03, 2024-04): add a period column"
    )
    assert problem([["2024年3月"], ["单位：吨", "单位：万吨"], *rows]) == (
        "the title block gives more than one unit (吨, 万吨): keep one"
    )


def test_an_ambiguous_unit_in_the_title_or_header_is_refused() -> None:
    rows: Grid = [["期间", "来源", "去向", "物料", "数量"], ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1]]
    assert problem([["Unit: mt"], *rows]) == (
        "ambiguous unit 'mt' in the title block (row 1): write t for tonnes or Mt for million tonnes"
    )
    header: Grid = [["期间", "来源", "去向", "物料", "quantity (MT)"], rows[1]]
    assert problem(header) == (
        "ambiguous unit 'MT' in the header 'quantity (MT)': write t for tonnes or Mt for million tonnes"
    )


def test_month_headers_with_different_units_are_refused() -> None:
    rows: Grid = [["2024年"], ["来源", "去向", "物料", "1月(吨)", "2月(万吨)"], ["SRC-1", "COL-1", "scrap_steel", 1, 2]]
    assert problem(rows) == "the month headers give different units (万吨, 吨): add a unit column instead"


def test_a_column_named_twice_is_refused() -> None:
    rows: Grid = [["期间", "来源", "去向", "物料", "数量", "重量"], ["2024-01", "SRC-1", "COL-1", "scrap_steel", 1, 1]]
    table = read(rows)
    assert table.layout.problem == "column quantity appears twice ('数量' and '重量')"
    assert table.layout.problem_column == "quantity"


def test_title_errors_are_refusals_not_crashes() -> None:
    with pytest.raises(LayoutError, match="more than one unit"):
        read_title(as_text_grid([["单位：吨 单位：kg"], ["x"]]), 1)
    frame = pl.DataFrame({"a": ["x"]})
    assert read_table(frame, file="x.csv") is None


def test_month_columns_of_stocks_keep_a_zero_stock() -> None:
    rows: Grid = [["2024年"], ["贮存单位", "物料", "1月", "2月", "3月"], ["YARD-1", "fly_ash", 5, 0, None]]
    table = read(rows)
    assert table.spec is STOCKS
    assert records(table, "period", "facility", "quantity") == [("2024-01", "YARD-1", "5"), ("2024-02", "YARD-1", "0")]


WORDS = [
    "来源", "去向", "物料", "数量", "期间", "单位", "1月", "2月", "十二月", "全年", "合计", "小计", "其中：x", "注：y",
    "年份", "月份", "转移量（万吨）", "数量(mt)", "单位：吨", "单位：万吨", "2024年3月", "2024-03", "2023年",
    "SRC-1", "钢厂", "废钢", "fly_ash", "-", "0", "1.5", "1,234.5", "abc", "", None, "Total", "填表人：张三",
    "period", "source", "target", "material", "quantity", "facility", "code", "kind", "alias",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=12),
    sheet=st.sampled_from([None, "2024年3月", "3月", "flows", "stocks", "Sheet1"]),
)
def test_any_grid_is_read_or_refused_in_one_line_never_an_error(cells: Grid, sheet: str | None) -> None:
    table = read_table(as_text_grid(cells), file="x.xlsx", sheet=sheet, hint=sheet)
    if table is None:
        return
    if table.layout.problem is not None:
        assert "\n" not in table.layout.problem and table.frame is None
        return
    assert table.frame is not None and table.original is not None
    assert set(table.frame.columns) - {"_row", "_col"} <= set(table.spec.columns)
    assert table.frame["_row"].is_between(1, len(cells)).all()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_mapping_a_user_chooses_is_read_or_refused_in_one_line(data: st.DataObject) -> None:
    choice = tuple(data.draw(st.lists(st.sampled_from(roles(FLOWS)), min_size=7, max_size=7)))
    table = read([[None, "2024年"], *MONTHS[2:]], choice=choice)
    assert table.layout.mapping == choice
    assert (table.layout.problem is None) == (table.frame is not None)
    if table.layout.problem is not None:
        assert "\n" not in table.layout.problem
