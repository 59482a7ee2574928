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
    # validating rows (mfa.intake.validate): one cell each
    "required": ("{column} is required", "请填写{column}（必填）"),
    "not_a_number": ("not a number", "不是数字"),
    "not_finite": ("not a finite number", "不是有限数值"),
    "not_finite_nan": ("not a finite number (NaN or infinity)", "不是有限数值（NaN 或无穷大）"),
    "negative_quantity": ("negative quantity", "数量为负数：请填写 0 或正数"),
    "quantity_too_large": (
        "too large: in tonnes it exceeds the largest number that can be stored",
        "数值过大：换算成吨后超出可存储的最大数值",
    ),
    "quantity_too_large_short": (
        "too large: in tonnes it exceeds what can be stored",
        "数值过大：换算成吨后超出可存储的范围",
    ),
    "zero_quantity": (
        "zero quantity: a flow must carry a positive quantity",
        "数量为零：流量的数量必须大于零",
    ),
    "ambiguous_unit": (
        "ambiguous unit: write t for tonnes or Mt for million tonnes",
        "单位有歧义：吨请写 t，百万吨请写 Mt",
    ),
    "unknown_unit": (
        "unknown unit '{unit}' (use t, kg, kt, Mt, 万吨 or 亿吨)",
        "未知的单位“{unit}”（可用 t、kg、kt、Mt、万吨或亿吨）",
    ),
    "bad_period": (
        "not a valid period: use a year (2024) or a month (2024-03)",
        "期间无效：请填写年份（如 2024）或月份（如 2024-03）",
    ),
    "future_period": ("lies in the future (after {month})", "晚于当前月份（{month} 之后）"),
    "unknown_value": ("unknown {what} '{value}'", "未知的{what}“{value}”"),
    "duplicate_key": (
        "the same key as {file} row {row}: a key may appear once",
        "与 {file} 第 {row} 行的键相同：同一键只能出现一次",
    ),
    "quantity_required": (
        "quantity is required (leave it empty only with data_quality unknown)",
        "请填写数量（只有数据质量为“未知”时才可留空）",
    ),
    "quantity_with_unknown": (
        "a flow with data_quality unknown has no quantity: leave it empty or give the data quality",
        "数据质量为“未知”的流量没有数量：请清空数量，或填写数据质量",
    ),
    "self_flow": ("a flow cannot go from a facility to itself", "流量的来源和去向不能是同一设施"),
    "uncertainty_not_number": (
        "not a number (a relative uncertainty from 0 to 1)",
        "不是数字（相对不确定度，0 到 1 之间）",
    ),
    "uncertainty_range": (
        "uncertainty must be between 0 and 1 (e.g. 0.05)",
        "不确定度必须在 0 到 1 之间（如 0.05，即 5%）",
    ),
    "bad_data_quality": (
        "data_quality must be measured, calculated, estimated or unknown",
        "数据质量须为实测、核算、估算或未知",
    ),
    "bad_side": (
        "side must be sender (移出方) or receiver (接收方): whose declaration the row is",
        "申报方须为移出方（sender）或接收方（receiver）：即该行是谁的申报",
    ),
    "duplicate_side": (
        "the same flow and side as {file} row {row}: each side declares a flow once",
        "与 {file} 第 {row} 行的流量及申报方相同：每一方对一条流量只申报一次",
    ),
    "yearly_vs_monthly_file": (
        "a yearly flow while the same file has monthly flows of that year for this link",
        "同一文件中已有该年度本条路径的月度流量，不能再填年度流量",
    ),
    "monthly_vs_yearly_file": (
        "a monthly flow while the same file has a yearly flow of that year for this link",
        "同一文件中已有该年度本条路径的年度流量，不能再填月度流量",
    ),
    "yearly_vs_monthly_database": (
        "a yearly flow while the database has monthly flows of that year for this link",
        "数据库中已有该年度本条路径的月度流量，不能再填年度流量",
    ),
    "monthly_vs_yearly_database": (
        "a monthly flow while the database has a yearly flow of that year for this link",
        "数据库中已有该年度本条路径的年度流量，不能再填月度流量",
    ),
    "name_required": ("a name or a Chinese name (name_zh) is required", "请填写名称或中文名称（name_zh）"),
    "code_form": ("a code is 1 to 64 characters without spaces", "代码为 1 至 64 个字符，不含空格"),
    "credit_code_chars": (
        "malformed unified social credit code: {chars} cannot appear in one",
        "统一社会信用代码格式错误：不能含有 {chars}",
    ),
    "credit_code_check": (
        "malformed unified social credit code: check digit should be {expected}, not {found}",
        "统一社会信用代码格式错误：校验位应为 {expected}，而不是 {found}",
    ),
    "not_a_city": (
        "'{value}' is not one of Hunan's 14 prefecture-level cities",
        "“{value}”不是湖南省 14 个地级市州之一",
    ),
    "bad_level": ("level must be national, provincial or other", "级别须为国家级、省级或其他"),
    "unknown_kind": ("unknown kind '{value}' (one of {kinds})", "未知的设施类型“{value}”（可选：{kinds}）"),
    "park_required": (
        "park is required (only a boundary facility lies outside the parks)",
        "请填写园区（只有边界设施位于园区之外）",
    ),
    "material_code_form": (
        "a material code is lower-case letters, digits and _ (e.g. scrap_steel)",
        "物料代码由小写字母、数字和 _ 组成（如 scrap_steel）",
    ),
    "material_cycle": ("a material cannot be below itself", "物料不能是自身的下级"),
    "bad_is_product": ("is_product must be true or false", "is_product 须为 true 或 false"),
    "indicator_form": (
        "an indicator name is lower-case letters, digits and _ (e.g. renewable_recycled_t)",
        "指标名由小写字母、数字和 _ 组成（如 renewable_recycled_t）",
    ),
    "unknown_scope": (
        "unknown scope '{value}' (province, a Hunan city or a park code)",
        "未知的范围“{value}”（全省、湖南的市州或园区代码）",
    ),
    "bad_year": ("a year from 1900 to 2100", "应为 1900 至 2100 之间的年份"),
    "baseline_pair": (
        "give both baseline_year and baseline_value, or neither",
        "基准年和基准值须同时填写或同时留空",
    ),
    "bad_direction": ("direction must be at_least or at_most", "方向须为 at_least（不低于）或 at_most（不高于）"),
    # who may write what (mfa.services.authorize)
    "role_reads_only": (
        "{name} ({role}) may not write: the role reads only",
        "{name}（{role}）不能写入：该角色只能查看",
    ),
    "own_park_facilities": (
        "{name} may write facilities of their own parks only",
        "{name} 只能写入本人所管园区的设施",
    ),
    "own_park_flows": (
        "{name} may write flows from or to their own parks only",
        "{name} 只能写入来源或去向在本人所管园区的流量",
    ),
    "own_park_stocks": ("{name} may write stocks of their own parks only", "{name} 只能写入本人所管园区的库存"),
    "own_park_capacities": (
        "{name} may write capacities of facilities in their own parks only",
        "{name} 只能写入本人所管园区内设施的产能",
    ),
    "park_manager_table": ("{name} (park manager) may not write {table}", "{name}（园区管理员）不能写入 {table}"),
    "own_side_sender": (
        "the sender's declaration (source {facility} in park {park}): {name} declares only the side of their own parks",
        "移出方的申报（来源 {facility} 位于园区 {park}）：{name} 只能申报本人所管园区一方",
    ),
    "own_side_receiver": (
        "the receiver's declaration (target {facility} in park {park}): {name} declares only the side of their own "
        "parks",
        "接收方的申报（去向 {facility} 位于园区 {park}）：{name} 只能申报本人所管园区一方",
    ),
    # whole files (mfa.intake.readers)
    "file_too_large": (
        "the file is {size} MB; uploads may be {most} MB at most (use mfa import)",
        "文件大小为 {size} MB；上传文件最大 {most} MB（更大的文件请用 mfa import 导入）",
    ),
    "unsupported_file": (
        "unsupported file type {suffix} (use .csv or .xlsx)",
        "不支持的文件类型 {suffix}（请用 .csv 或 .xlsx）",
    ),
    "no_such_file": ("no such file: {path}", "文件不存在：{path}"),
    # edits and deletions of one record (mfa.services.editing)
    "stale_edit": (
        "changed by {who} at {when} since you opened it",
        "在您打开之后，{who} 已于 {when} 修改了该记录",
    ),
    "stale_edit_someone": (
        "changed by someone at {when} since you opened it",
        "在您打开之后，该记录已于 {when} 被修改",
    ),
    "no_such_park": ("no such park", "该园区不存在"),
    "no_such_facility": ("no such facility", "该设施不存在"),
    "no_such_flow": ("no such flow", "该流量不存在"),
    "no_such_stock": ("no such stock", "该库存记录不存在"),
    "no_such_target": ("no such target", "该目标不存在"),
    "no_such_material_alias": ("no such material_alias", "该物料别名不存在"),
    "no_such_transfer_coefficient": ("no such transfer_coefficient", "该传递系数不存在"),
    "unreadable_csv": ("not a readable CSV file: {detail}", "无法读取的 CSV 文件：{detail}"),
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


COLUMNS_ZH: dict[str, str] = {
    "period": "期间",
    "source": "来源",
    "target": "去向",
    "material": "物料",
    "quantity": "数量",
    "unit": "单位",
    "facility": "设施",
    "park": "园区",
    "code": "代码",
    "city": "城市",
    "kind": "类型",
    "alias": "别名",
    "indicator": "指标",
    "scope": "范围",
    "direction": "方向",
    "year": "年份",
    "value": "数值",
    "product": "产品",
    "distribution": "分布",
    "capacity": "产能",
    "target_year": "目标年份",
    "target_value": "目标值",
}
"""The Chinese names of canonical columns, for the `{column}` of a reason (a file's own header stays as written)."""


def translate(text: str, language: Language) -> str:
    """An English reason in `language` (as it is when no template matches, or in English)."""
    if language != "zh" or not text:
        return text
    for pattern, zh in _patterns():
        found = pattern.match(text)
        if found:
            values = found.groupdict()
            if "column" in values:
                values["column"] = COLUMNS_ZH.get(values["column"], values["column"])
            return zh.format(**values)
    return text
