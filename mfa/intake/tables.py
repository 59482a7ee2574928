"""The tables a user imports: their columns (mfa.domain.records), which are required, their key, the Chinese (and
other) headers accepted for each column, and how a header row is recognised."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from mfa.domain import records
from mfa.domain.targets import TARGET_KEY


@dataclass(frozen=True)
class TableSpec:
    """One importable table: canonical column names, the required ones, accepted header aliases."""

    name: str
    name_zh: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)

    def canonical(self, header: str) -> str | None:
        """The canonical column a header names (English or Chinese, any case, full-width or spaced out), or None."""
        h = normalize_header(header)
        if h.lower() in self.columns:
            return h.lower()
        return self.aliases.get(h) or self.aliases.get(h.lower())


_CJK = re.compile("[\u3400-\u9fff]")


def normalize_header(text: str) -> str:
    """A header as compared: full-width forms made plain (NFKC), blanks collapsed, a leading or trailing `*` or
    colon dropped, and no blanks at all between Chinese characters (`期  间` is `期间`)."""
    h = " ".join(unicodedata.normalize("NFKC", text).replace("\ufeff", "").split()).strip(" *:")
    return h.replace(" ", "") if _CJK.search(h) else h


_NAMES = {"名称": "name", "英文名称": "name", "中文名称": "name_zh", "中文名": "name_zh"}
_CODE = {"代码": "code", "编码": "code", "编号": "code"}
_QTY = {"数量": "quantity", "量": "quantity", "单位": "unit"}

PARKS = TableSpec(
    "parks",
    "园区",
    tuple(records.PARK),
    ("code", "city"),
    ("code",),
    {
        **_CODE,
        **_NAMES,
        "城市": "city",
        "市州": "city",
        "所在城市": "city",
        "级别": "level",
        "园区级别": "level",
    },
)
FACILITIES = TableSpec(
    "facilities",
    "设施",
    tuple(records.FACILITY),
    ("code", "kind"),
    ("code",),
    {
        **_CODE,
        **_NAMES,
        "统一社会信用代码": "code",
        "园区": "park",
        "所属园区": "park",
        "类型": "kind",
        "设施类型": "kind",
        "类别": "kind",
    },
)
MATERIALS = TableSpec(
    "materials",
    "物料",
    tuple(records.MATERIAL),
    ("code", "parent"),
    ("code",),
    {**_CODE, **_NAMES, "上级": "parent", "父类": "parent", "是否产品": "is_product", "产品": "is_product"},
)
FLOWS = TableSpec(
    "flows",
    "流量",
    tuple(records.FLOW),
    ("period", "source", "target", "material", "quantity"),
    ("period", "source", "target", "material"),
    {
        **_QTY,
        "期间": "period",
        "时期": "period",
        "年月": "period",
        "统计期": "period",
        "来源": "source",
        "来源设施": "source",
        "移出单位": "source",
        "产生单位": "source",
        "来源单位": "source",
        "移出人": "source",
        "from": "source",
        "去向": "target",
        "去向设施": "target",
        "接收单位": "target",
        "接受单位": "target",
        "利用处置单位": "target",
        "接受人": "target",
        "to": "target",
        "物料": "material",
        "材料": "material",
        "废物名称": "material",
        "固废种类": "material",
        "物料名称": "material",
        "固废名称": "material",
        "转移量": "quantity",
        "产生量": "quantity",
        "重量": "quantity",
        "不确定度": "uncertainty",
        "数据质量": "data_quality",
        "备注": "note",
        "参考": "reference",
        "出处": "reference",
        "数据来源": "reference",
        "申报方": "side",
        "填报方": "side",
    },
)
STOCKS = TableSpec(
    "stocks",
    "库存",
    tuple(records.STOCK),
    ("period", "facility", "material", "quantity"),
    ("period", "facility", "material"),
    {
        **_QTY,
        "期间": "period",
        "时期": "period",
        "年月": "period",
        "设施": "facility",
        "贮存单位": "facility",
        "贮存场所": "facility",
        "物料": "material",
        "废物名称": "material",
        "固废种类": "material",
        "物料名称": "material",
        "库存量": "quantity",
        "贮存量": "quantity",
    },
)
MATERIAL_ALIASES = TableSpec(
    "material_aliases",
    "物料别名",
    ("alias", "material", "source"),
    ("alias", "material"),
    ("alias",),
    {
        "别名": "alias",
        "物料": "material",
        "物料代码": "material",
        "来源": "source",
        "出处": "source",
        "依据": "source",
    },
)
TARGETS = TableSpec(
    "targets",
    "目标",
    tuple(records.TARGET),
    ("indicator", "scope", "target_year", "target_value", "direction"),
    tuple(c for c in TARGET_KEY if c != "scope_level"),
    {
        "指标": "indicator",
        "范围": "scope",
        "基准年": "baseline_year",
        "基准值": "baseline_value",
        "目标年": "target_year",
        "目标值": "target_value",
        "方向": "direction",
        "来源": "source",
        "依据": "source",
    },
)

REPORTED = TableSpec(
    "reported",
    "填报值",
    tuple(records.REPORTED),
    ("indicator", "scope", "year", "value"),
    ("indicator", "scope", "year"),
    {
        "指标": "indicator",
        "范围": "scope",
        "年份": "year",
        "年": "year",
        "数值": "value",
        "值": "value",
        "来源": "source",
    },
)

LIFETIMES = TableSpec(
    "lifetimes",
    "使用寿命",
    tuple(records.LIFETIME),
    ("product", "distribution"),
    ("product", "first_cohort"),
    {
        "产品": "product",
        "分布": "distribution",
        "寿命分布": "distribution",
        "形状参数": "shape",
        "尺度参数": "scale",
        "平均寿命": "mean",
        "均值": "mean",
        "标准差": "std",
        "起始批次": "first_cohort",
        "首批年份": "first_cohort",
        "末批年份": "last_cohort",
        "截止批次": "last_cohort",
        "来源": "source",
        "依据": "source",
    },
)
INFLOWS = TableSpec(
    "inflows",
    "投入使用",
    tuple(records.INFLOW),
    ("year", "scope", "product", "quantity"),
    ("year", "scope", "product"),
    {**_QTY, "年份": "year", "年": "year", "范围": "scope", "地区": "scope", "产品": "product", "来源": "source"},
)
CAPACITIES = TableSpec(
    "capacities",
    "处理能力",
    tuple(records.CAPACITY),
    ("facility", "material", "year_from", "capacity"),
    ("facility", "material", "year_from"),
    {
        "设施": "facility",
        "物料": "material",
        "起始年份": "year_from",
        "自何年起": "year_from",
        "能力": "capacity",
        "处理能力": "capacity",
        "产能": "capacity",
        "单位": "unit",
        "来源": "source",
    },
)

TRANSFER_COEFFICIENTS = TableSpec(
    "transfer_coefficients",
    "传递系数",
    tuple(records.TRANSFER_COEFFICIENT),
    ("coefficient", "tolerance"),
    ("facility", "kind"),
    {
        "设施": "facility",
        "设施代码": "facility",
        "设施类型": "kind",
        "类型": "kind",
        "类别": "kind",
        "传递系数": "coefficient",
        "系数": "coefficient",
        "产出率": "coefficient",
        "容差": "tolerance",
        "允许偏差": "tolerance",
        "来源": "source",
        "依据": "source",
        "出处": "source",
    },
)

TABLES: tuple[TableSpec, ...] = (
    PARKS,
    FACILITIES,
    MATERIALS,
    MATERIAL_ALIASES,
    FLOWS,
    STOCKS,
    TARGETS,
    REPORTED,
    LIFETIMES,
    INFLOWS,
    CAPACITIES,
    TRANSFER_COEFFICIENTS,
)
"""In dependency order: an import applies them in this order."""

BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES} | {t.name_zh: t for t in TABLES}


def recognise(headers: Iterable[str], hint: str | None = None) -> TableSpec | None:
    """The table whose required columns a header row holds (the best match wins; `hint` breaks ties)."""
    headers = list(headers)
    best: tuple[int, int, TableSpec] | None = None
    for spec in TABLES:
        names = {spec.canonical(h) for h in headers} - {None}
        if not set(spec.required) <= names:
            continue
        score = (len(names), int(hint is not None and spec.name in hint.lower()))
        if best is None or score > best[:2]:
            best = (*score, spec)
    return best[2] if best else None
