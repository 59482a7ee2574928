"""Why a file, a row or a cell was refused, and what an import warns about: one English sentence per reason (what the
CLI prints and the error files hold) and its Chinese, so the app can show either.

A reason is built with `reason(key, **values)`; `translate(text, "zh")` finds the template an English sentence was
built from and fills the Chinese one with the same values (file names, headers and codes stay as written). A
sentence that matches no template is returned as it is, so reasons can be added here one by one.
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Literal

Language = Literal["en", "zh"]

REASONS: dict[str, tuple[str, str]] = {
    # reading a file: where the table is
    "no_table": (
        "cannot tell which table this is: no row has the columns of parks, facilities, materials, aliases, flows, "
        "stocks or targets (row {row} has: {found})",
        "无法判断这是哪张表：没有一行含有园区、设施、物料、别名、流量、库存或目标表的列（第 {row} 行为：{found}）",
    ),
    "empty_file": ("the file is empty: expected a header row", "文件为空：应有表头行"),
    "empty_workbook": (
        "the workbook is empty: expected a sheet with a header row",
        "工作簿为空：应有含表头行的工作表",
    ),
    "missing_column_closest": (
        "column {columns} is missing: the header (row {row}) has {found}; the closest known header is {known} "
        "(for '{header}')",
        "缺少列 {columns}：表头（第 {row} 行）为 {found}；最接近的已知列名是 {known}（对应“{header}”）",
    ),
    "missing_columns_closest": (
        "columns {columns} are missing: the header (row {row}) has {found}; the closest known header is {known} "
        "(for '{header}')",
        "缺少列 {columns}：表头（第 {row} 行）为 {found}；最接近的已知列名是 {known}（对应“{header}”）",
    ),
    "missing_column_known": (
        "column {columns} is missing: the header (row {row}) has {found}; known headers: {known}",
        "缺少列 {columns}：表头（第 {row} 行）为 {found}；可用的列名：{known}",
    ),
    "missing_columns_known": (
        "columns {columns} are missing: the header (row {row}) has {found}; known headers: {known}",
        "缺少列 {columns}：表头（第 {row} 行）为 {found}；可用的列名：{known}",
    ),
    "duplicate_column": (
        "column {column} appears twice ('{first}' and '{second}')",
        "列 {column} 出现两次（“{first}”和“{second}”）",
    ),
    "period_and_months": (
        "the header has a period column ('{period}') and month columns ({months}): keep one of them",
        "表头既有期间列（“{period}”）又有月份列（{months}）：请只保留一种",
    ),
    "quantity_and_months": (
        "the header has a quantity column ('{quantity}') and month columns ({months}): keep one of them",
        "表头既有数量列（“{quantity}”）又有月份列（{months}）：请只保留一种",
    ),
    "months_need_year": (
        "the month columns ({months}) need a year: add a year column, or write the year in the title (2024年) or "
        "the sheet name",
        "月份列（{months}）缺少年份：请增加年份列，或在标题（如 2024年）或工作表名中写明年份",
    ),
    "period_missing": (
        "column period (期间) is missing and neither the title block nor the sheet name gives a year or month",
        "缺少期间列，标题和工作表名中也没有年份或月份",
    ),
    "title_periods": (
        "the title block names more than one period ({periods}): add a period column",
        "标题中有多个期间（{periods}）：请增加期间列",
    ),
    "title_units": (
        "the title block gives more than one unit ({units}): keep one",
        "标题中有多个单位（{units}）：请只保留一个",
    ),
    "header_units": (
        "the month headers give different units ({units}): add a unit column instead",
        "月份列的表头单位不一致（{units}）：请改用单位列",
    ),
    "ambiguous_unit_title": (
        "ambiguous unit '{unit}' in the title block (row {row}): write t for tonnes or Mt for million tonnes",
        "标题（第 {row} 行）中的单位“{unit}”有歧义：吨请写 t，百万吨请写 Mt",
    ),
    "ambiguous_unit_header": (
        "ambiguous unit '{unit}' in the header '{header}': write t for tonnes or Mt for million tonnes",
        "表头“{header}”中的单位“{unit}”有歧义：吨请写 t，百万吨请写 Mt",
    ),
    "flow_after_notes": (
        "row {row} looks like a flow but comes after the note on row {note}: move the notes below the table",
        "第 {row} 行像是一条流量，却位于第 {note} 行的注释之后：请把注释移到表格下方",
    ),
    # names of facilities and materials
    "unknown_facility_closest": (
        "unknown facility '{value}' (closest: {closest})",
        "未知的设施“{value}”（最接近：{closest}）",
    ),
    "unknown_material_closest": (
        "unknown material '{value}' (closest: {closest})",
        "未知的物料“{value}”（最接近：{closest}）",
    ),
    "unknown_facility": ("unknown facility '{value}'", "未知的设施“{value}”"),
    "unknown_material": ("unknown material '{value}'", "未知的物料“{value}”"),
    "unknown_park": ("unknown park '{value}'", "未知的园区“{value}”"),
    "ambiguous_facility": (
        "'{value}' names {count} facilities: {candidates}: write the code",
        "“{value}”对应 {count} 个设施：{candidates}：请填写代码",
    ),
    "ambiguous_material": (
        "'{value}' names {count} materials: {candidates}: write the code",
        "“{value}”对应 {count} 种物料：{candidates}：请填写代码",
    ),
    "alias_is_code": ("'{alias}' is a material code already", "“{alias}”已是物料代码"),
    "alias_is_name": (
        "'{alias}' is already the name of material {material}",
        "“{alias}”已是物料 {material} 的名称",
    ),
    # warnings: what was found and checked
    "total_mismatch": (
        "row {row} ({label}) says {total} but the rows it totals ({rows}) add up to {sum}",
        "第 {row} 行（{label}）为 {total}，而其所合计的行（{rows}）之和为 {sum}",
    ),
    "total_mismatch_column": (
        "row {row} ({label}), column {column}: {total} but the rows it totals ({rows}) add up to {sum}",
        "第 {row} 行（{label}）“{column}”列为 {total}，而其所合计的行（{rows}）之和为 {sum}",
    ),
    "year_total_mismatch": (
        "row {row}: the year total ({column}) is {total} but the months add up to {sum}",
        "第 {row} 行：全年合计（{column}）为 {total}，而各月之和为 {sum}",
    ),
    "subset_exceeds": (
        "row {row} (其中) is {part}, more than the row it is part of (row {parent}: {whole})",
        "第 {row} 行（其中）为 {part}，大于其所属的行（第 {parent} 行：{whole}）",
    ),
    "title_sheet_periods": (
        "the title block says {title} but the sheet name says {sheet}: {title} is used",
        "标题为 {title}，而工作表名为 {sheet}：采用 {title}",
    ),
    "title_header_units": (
        "the title block says {title} but the header '{header}' says {unit}: {unit} is used for that column",
        "标题单位为 {title}，而表头“{header}”单位为 {unit}：该列采用 {unit}",
    ),
    "more_warnings": ("… and {n} more like it", "……另有 {n} 处类似情况"),
    "unused_column": ("{file}: column '{header}' is not used", "{file}：列“{header}”未使用"),
    "sheet_skipped": (
        "{file}: sheet '{sheet}' is not a table mfa reads; skipped",
        "{file}：工作表“{sheet}”不是 mfa 可读取的表，已跳过",
    ),
    # declared transfer coefficients (mfa.intake.validate.coefficients)
    "coefficient_scope_missing": (
        "give the facility or the kind of facilities this coefficient is for",
        "请填写该传递系数适用的设施或设施类型",
    ),
    "coefficient_scope_both": (
        "give a facility or a kind, not both (a facility's own coefficient wins over its kind's)",
        "设施和设施类型只能填一项（设施自身的系数优先于其类型的系数）",
    ),
    "coefficient_kind_unknown": ("unknown kind '{value}' (one of {kinds})", "未知的设施类型“{value}”（可选：{kinds}）"),
    "coefficient_unchecked_facility": (
        "{facility} is a {kind} facility: matter enters the system there, so no transfer coefficient applies",
        "{facility} 的类型为 {kind}：物质在此进入系统，不适用传递系数",
    ),
    "coefficient_unchecked_kind": (
        "{kind} facilities are where matter enters the system: no transfer coefficient applies",
        "{kind} 类设施是物质进入系统之处，不适用传递系数",
    ),
    "coefficient_required": (
        "coefficient is required: the share of the input passed on, e.g. 0.2 or 20%",
        "请填写传递系数：投入中被传递出去的比例，如 0.2 或 20%",
    ),
    "tolerance_required": (
        "tolerance is required: how far the share may be off, e.g. 0.05 or 5%",
        "请填写容差：比例允许的偏差，如 0.05 或 5%",
    ),
    "share_not_number": ("not a number: write a share, e.g. 0.2 or 20%", "不是数字：请填写比例，如 0.2 或 20%"),
    "share_negative": ("a share cannot be negative", "比例不能为负数"),
    "share_too_large": (
        "more than {largest} (that is {largest}00%): write a share, e.g. 0.2 or 20%",
        "大于 {largest}（即 {largest}00%）：请填写比例，如 0.2 或 20%",
    ),
    "coefficient_duplicate": (
        "declared twice: already in {file} row {row}",
        "重复申报：已见于 {file} 第 {row} 行",
    ),
    # restoring a version from the history
    "restore_current": (
        "version {version} is the current version already",
        "版本 {version} 已是当前版本",
    ),
}
"""reason key -> (English, Chinese) templates; fields in braces are filled by `reason`."""


def reason(key: str, /, **values: object) -> str:
    """The English sentence of reason `key` with its fields filled."""
    return REASONS[key][0].format(**values)


def reason_in(key: str, language: Language, /, **values: object) -> str:
    """The sentence of reason `key` in `language`."""
    return REASONS[key][1 if language == "zh" else 0].format(**values)


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Every English template as a regular expression (most literal text first), with its Chinese template."""
    out = []
    for en, zh in REASONS.values():
        parts, literal = [], 0
        for text, name, _spec, _conv in string.Formatter().parse(en):
            parts.append(re.escape(text))
            literal += len(text)
            if name is not None:
                parts.append(f"(?P<{name}>.+?)" if f"(?P<{name}>" not in "".join(parts) else f"(?P={name})")
        out.append((literal, re.compile("^" + "".join(parts) + "$", re.DOTALL), zh))
    return [(pattern, zh) for _n, pattern, zh in sorted(out, key=lambda item: -item[0])]


def translate(text: str, language: Language) -> str:
    """An English reason in `language` (as it is when no template matches, or in English)."""
    if language != "zh" or not text:
        return text
    for pattern, zh in _patterns():
        found = pattern.match(text)
        if found:
            return zh.format(**found.groupdict())
    return text
