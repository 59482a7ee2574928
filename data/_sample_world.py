"""The structures of the bundled Hunan sample: parks, facilities and the rules that move material.

A `World` holds facilities and four kinds of rules, all in tonnes:

* `Gen`: exogenous tonnage leaving a `source` (generation) or a `boundary` facility (imports), split
  between "use" targets and "rest" targets (storage, disposal); the use share may change over the years;
* `Recipe`: what a processing facility (collection, recycling, remanufacturing, reuse, energy recovery)
  does with each tonne of one input material: fractions to (target, output material);
* `Draw`: tonnage taken out of a stockpile (storage) for utilization;
* `InUse`: a stock in use (echelon batteries in base stations) that retires a fixed share a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

YEARS = tuple(range(2020, 2026))
PERIODS = tuple(f"{y}-{m:02d}" for y in YEARS for m in range(1, 13))
N_MONTHS = len(PERIODS)
OPENING_PERIOD = "2019-12"

R_KINDS = frozenset({"collection", "recycling", "remanufacturing", "reuse"})
U_KINDS = frozenset({"recycling", "remanufacturing", "reuse", "energy_recovery"})
PROCESSING_KINDS = frozenset({"collection", "recycling", "remanufacturing", "reuse", "energy_recovery"})

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

DIVISIONS: dict[str, str] = {
    "Changsha": "430100",
    "Zhuzhou": "430200",
    "Xiangtan": "430300",
    "Hengyang": "430400",
    "Shaoyang": "430500",
    "Yueyang": "430600",
    "Changde": "430700",
    "Zhangjiajie": "430800",
    "Yiyang": "430900",
    "Chenzhou": "431000",
    "Yongzhou": "431100",
    "Huaihua": "431200",
    "Loudi": "431300",
    "Xiangxi": "433100",
}
"""City -> administrative division code (GB/T 2260), positions 3-8 of a credit code."""

COUNTY_DIVISIONS: dict[str, str] = {
    "CS-NXHT": "430182",
    "CS-LYED": "430181",
    "CS-REMAN": "430181",
    "XT-XXED": "430381",
    "XT-YHHT": "430302",
    "YY-MLCE": "430681",
    "CZ-YXED": "431023",
    "LD-LSJ": "431381",
    "LD-LYED": "431382",
    "XX-HYIP": "433124",
}
"""Parks in a county-level division: its code is used in credit codes instead of the city's."""


@dataclass(frozen=True)
class Park:
    """An industrial park and its yearly growth rate (the trend of what its facilities generate)."""

    code: str
    name: str
    name_zh: str
    city: str
    level: str
    growth: float


PARKS_TABLE = """
CS-NXHT|Ningxiang High-tech Industrial Park|宁乡高新技术产业园区|Changsha|provincial|+0.16
CS-LYED|Liuyang Economic and Technological Development Zone|浏阳经济技术开发区|Changsha|national|+0.08
CS-REMAN|Changsha (Liuyang-Ningxiang) Remanufacturing Demonstration Base|长沙（浏阳、宁乡）再制造示范基地|Changsha|national|+0.12
CS-CSED|Changsha Economic and Technological Development Zone|长沙经济技术开发区|Changsha|national|+0.06
CS-WCED|Wangcheng Economic and Technological Development Zone|望城经济技术开发区|Changsha|national|+0.05
ZZ-HTZ|Zhuzhou High-tech Industrial Development Zone|株洲高新技术产业开发区|Zhuzhou|national|+0.05
ZZ-QST|Qingshuitang Eco-tech Industrial New Town|清水塘生态科技产业新城|Zhuzhou|other|-0.14
ZZ-LLED|Liling Economic Development Zone|醴陵经济开发区|Zhuzhou|provincial|+0.02
XT-XXED|Xiangxiang Economic Development Zone|湘乡经济开发区|Xiangtan|provincial|+0.14
XT-YHHT|Yuhu High-tech Industrial Development Zone|雨湖高新技术产业开发区|Xiangtan|provincial|+0.10
XT-XTED|Xiangtan Economic and Technological Development Zone|湘潭经济技术开发区|Xiangtan|national|+0.04
XT-XTHT|Xiangtan High-tech Industrial Development Zone|湘潭高新技术产业开发区|Xiangtan|national|+0.03
HY-HTZ|Hengyang High-tech Industrial Development Zone|衡阳高新技术产业开发区|Hengyang|national|+0.05
HY-SMED|Hengyang Songmu Economic Development Zone|衡阳松木经济开发区|Hengyang|provincial|+0.01
HY-SKS|Changning Shuikoushan Economic Development Zone|常宁水口山经济开发区|Hengyang|provincial|-0.04
SY-SYED|Shaoyang Economic Development Zone|邵阳经济开发区|Shaoyang|provincial|+0.03
SY-SDED|Shaodong Economic Development Zone|邵东经济开发区|Shaoyang|provincial|+0.00
YY-MLCE|Miluo Circular Economy Industrial Park|汨罗循环经济产业园区|Yueyang|national|+0.12
YY-YYED|Yueyang Economic and Technological Development Zone|岳阳经济技术开发区|Yueyang|national|+0.04
YY-LHHT|Yueyang Green Chemical High-tech Industrial Development Zone|岳阳绿色化工高新技术产业开发区|Yueyang|provincial|+0.02
CD-CDED|Changde Economic and Technological Development Zone|常德经济技术开发区|Changde|national|+0.04
CD-SMED|Shimen Economic Development Zone|石门经济开发区|Changde|provincial|-0.02
ZJ-HTZ|Zhangjiajie High-tech Industrial Development Zone|张家界高新技术产业开发区|Zhangjiajie|provincial|+0.00
YI-HTZ|Yiyang High-tech Industrial Development Zone|益阳高新技术产业开发区|Yiyang|national|+0.04
YI-CCED|Yiyang Changchun Economic Development Zone|益阳长春经济开发区|Yiyang|provincial|+0.01
CZ-HTZ|Chenzhou High-tech Industrial Development Zone|郴州高新技术产业开发区|Chenzhou|national|+0.05
CZ-YXED|Yongxing Economic Development Zone (rare and precious metals recycling)|永兴经济开发区（稀贵金属再生利用）|Chenzhou|provincial|+0.07
CZ-NFIP|Chenzhou Nonferrous Metals Industrial Park|郴州有色金属产业园区|Chenzhou|provincial|-0.06
YZ-YZED|Yongzhou Economic and Technological Development Zone|永州经济技术开发区|Yongzhou|provincial|+0.03
YZ-QYED|Qiyang Economic Development Zone|祁阳经济开发区|Yongzhou|provincial|-0.01
HH-HTZ|Huaihua High-tech Industrial Development Zone|怀化高新技术产业开发区|Huaihua|national|+0.03
HH-HJIZ|Hongjiang Industrial Concentration Zone|洪江工业集中区|Huaihua|other|-0.04
LD-LDED|Loudi Economic and Technological Development Zone|娄底经济技术开发区|Loudi|national|+0.02
LD-LSJ|Lengshuijiang Economic Development Zone|冷水江经济开发区|Loudi|provincial|-0.05
LD-LYED|Lianyuan Economic Development Zone|涟源经济开发区|Loudi|provincial|-0.03
XX-HTZ|Xiangxi High-tech Industrial Development Zone|湘西高新技术产业开发区|Xiangxi|provincial|+0.02
XX-HYIP|Huayuan Industrial Park|花垣工业园|Xiangxi|other|-0.10
"""  # noqa: E501
"""code | name | Chinese name | city | level | yearly growth of what its facilities generate."""


@dataclass
class Facility:
    """One facility; `unit` is what it reports its outgoing flows in."""

    code: str
    name: str
    name_zh: str
    park: str | None
    kind: str
    unit: str = "t"
    quality: str = "measured"
    keep_code: bool = False
    """True for facilities whose readable code must not be replaced by a credit code."""


@dataclass
class Gen:
    """Generation at a source, or imports from a boundary facility, in t/yr (2020 level)."""

    src: str
    material: str
    tpy: float
    use: list[tuple[str, float]]
    rest: list[tuple[str, float]]
    share: tuple[float, float]
    growth: float
    season: str


@dataclass
class Out:
    """One output of a recipe: a fraction of the input going to target as material."""

    target: str
    material: str
    frac: float
    frac_end: float


@dataclass
class Draw:
    """Tonnage drawn from a stockpile for utilization; `weight` shares the province's yearly draw."""

    storage: str
    material: str
    targets: list[tuple[str, float]]
    weight: float


@dataclass
class InUse:
    """A stock in use that retires `rate` of itself a month as `out_material` to `target`."""

    facility: str
    material: str
    out_material: str
    target: str
    rate: float
    opening: float


@dataclass
class World:
    """Facilities and the rules that generate, move, store and transform material."""

    facilities: dict[str, Facility] = field(default_factory=dict)
    gens: list[Gen] = field(default_factory=list)
    recipes: dict[tuple[str, str], list[Out]] = field(default_factory=dict)
    draws: list[Draw] = field(default_factory=list)
    openings: dict[tuple[str, str], float] = field(default_factory=dict)
    in_use: list[InUse] = field(default_factory=list)

    def add(
        self,
        code: str,
        name: str,
        name_zh: str,
        park: str | None,
        kind: str,
        unit: str = "t",
        quality: str = "measured",
        keep: bool = False,
    ) -> str:
        """Add a facility and return its code."""
        if code in self.facilities:
            raise ValueError(f"duplicate facility {code}")
        self.facilities[code] = Facility(code, name, name_zh, park, kind, unit, quality, keep)
        return code

    def gen(
        self,
        src: str,
        material: str,
        tpy: float,
        use: list[tuple[str, float]],
        rest: list[tuple[str, float]] | None = None,
        share: tuple[float, float] = (1.0, 1.0),
        growth: float = 0.0,
        season: str = "renew",
    ) -> None:
        """Generation of `material` at `src`; `share` of it goes to `use`, the rest to `rest`."""
        self.gens.append(Gen(src, material, tpy, use, rest or [], share, growth, season))

    def route(
        self, fac: str, material: str, outs: list[tuple[str, str, float] | tuple[str, str, float, float]]
    ) -> None:
        """What `fac` does with `material`: (target, output material, fraction[, fraction in 2025])."""
        key = (fac, material)
        if key in self.recipes:
            raise ValueError(f"duplicate recipe {key}")
        self.recipes[key] = [Out(o[0], o[1], o[2], o[3] if len(o) == 4 else o[2]) for o in outs]

    def pass_on(self, fac: str, material: str, targets: list[tuple[str, float]]) -> None:
        """A collector passing `material` on unchanged, split by the given weights."""
        total = sum(w for _t, w in targets)
        self.route(fac, material, [(t, material, w / total) for t, w in targets])

    def park_of(self, code: str) -> Park | None:
        """The park of a facility (None for boundary facilities)."""
        park = self.facilities[code].park
        return PARK_BY_CODE[park] if park else None


def rows(table: str) -> list[list[str]]:
    """The lines of a text table, split at `|`."""
    return [line.split("|") for line in table.strip().splitlines()]


PARKS = tuple(Park(code, name, zh, city, level, float(g)) for code, name, zh, city, level, g in rows(PARKS_TABLE))
PARK_BY_CODE = {p.code: p for p in PARKS}


def org_code(body: str) -> str:
    """A 9-character organization code (GB 11714) from 8 digits: the body plus its check character."""
    total = sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(division: str, body: str) -> str:
    """An 18-character unified social credit code (GB 32100) for an enterprise ('91') in `division`."""
    head = "91" + division + org_code(body)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(head, USCC_WEIGHTS, strict=True))
    return head + USCC_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """True if `code` is 18 characters of the credit-code charset with a correct check character."""
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return code[17] == USCC_CHARS[(31 - total % 31) % 31]
