"""Bulk industrial solid waste in the bundled Hunan sample: generators, stockpiles, utilization plants.

The tables are text, one facility a line, fields separated by `|`; a list of targets is written
`CODE=weight CODE=weight`.
"""

from __future__ import annotations

from _sample_world import PROCESSING_KINDS, Draw, World, rows

USE_SHARE: dict[str, tuple[float, float]] = {
    "tailings": (0.22, 0.25),
    "coal_gangue": (0.52, 0.58),
    "fly_ash": (0.70, 0.75),
    "desulfurization_gypsum": (0.68, 0.75),
    "phosphogypsum": (0.32, 0.42),
    "smelting_slag": (0.58, 0.63),
    "furnace_slag": (0.82, 0.86),
    "red_mud": (0.08, 0.15),
}
"""Share of what a generator sends straight to utilization, 2020 and 2025 (the rest: stockpile, landfill)."""

POWER_PLANTS = """
CS-POWER-01|Changsha coal-fired power plant|长沙燃煤电厂|CS-WCED|万吨|900000|CS-BM-01=0.6 ZZ-CEM-01=0.4|CS-BM-01=0.5 YY-GYP-01=0.5
ZZ-POWER-01|Zhuzhou coal-fired power plant|株洲燃煤电厂|ZZ-HTZ|t|700000|ZZ-CEM-01=1|ZZ-CEM-01=1
XT-POWER-01|Xiangtan coal-fired power plant|湘潭燃煤电厂|XT-XTHT|万吨|1000000|CS-BM-01=0.5 ZZ-CEM-01=0.5|CS-BM-01=1
HY-POWER-01|Leiyang coal-fired power plant|耒阳燃煤电厂|HY-SMED|吨|1000000|HY-CEM-01=1|HY-CEM-01=1
SY-POWER-01|Shaoyang coal-fired power plant|邵阳燃煤电厂|SY-SDED|t|600000|SY-CEM-01=1|SY-CEM-01=1
YY-POWER-01|Yueyang coal-fired power plant|岳阳燃煤电厂|YY-LHHT|t|1100000|YY-BM-01=0.7 CD-CEM-01=0.3|YY-GYP-01=1
SM-POWER-01|Shimen coal-fired power plant|石门燃煤电厂|CD-SMED|万吨|800000|CD-CEM-01=1|CD-CEM-01=0.5 YY-GYP-01=0.5
YZ-POWER-01|Qiyang coal-fired power plant|祁阳燃煤电厂|YZ-QYED|t|700000|YZ-CEM-01=1|YZ-CEM-01=1
LD-POWER-01|Jinzhushan coal-fired power plant|金竹山燃煤电厂|LD-LSJ|t|800000|LD-BRICK-01=0.6 LD-SLAG-01=0.4|LD-BRICK-01=1
"""  # noqa: E501
"""code | name | Chinese name | park | unit | fly ash t/yr | fly ash users | gypsum users."""

GENERATORS = """
CZ-SZY-01|Shizhuyuan polymetallic mine|柿竹园多金属矿|CZ-NFIP|万吨|tailings|5000000|CZ-SAND-01=0.7 CZ-CEM-01=0.3|CZ-TP-01=1
CZ-BS-01|Chenzhou lead-zinc mine|郴州铅锌矿|CZ-NFIP|t|tailings|3000000|CZ-SAND-01=1|CZ-TP-02=1
HY-SKS-MINE|Shuikoushan lead-zinc mine|水口山铅锌矿|HY-SKS|t|tailings|2500000|HY-CEM-01=1|HY-TP-01=1
LSJ-XKS-01|Xikuangshan antimony mine and smelter|锡矿山锑矿及冶炼厂|LD-LSJ|t|tailings|2000000|LD-BRICK-01=1|LSJ-TP-01=1
LSJ-XKS-01||||t|smelting_slag|600000|LD-SLAG-01=1|LD-SLAGY-01=1
XXZ-MINE-01|Huayuan lead-zinc mines|花垣铅锌矿|XX-HYIP|t|tailings|3000000|XXZ-BM-01=1|XXZ-TP-01=1
HH-MINE-01|Huaihua gold and vanadium mines|怀化金钒矿|HH-HJIZ|t|tailings|1500000|HH-CEM-01=1|HH-TP-01=1
SY-MINE-01|Shaoyang nonferrous mines|邵阳有色金属矿|SY-SYED|t|tailings|1500000|SY-CEM-01=1|SY-TP-01=1
LD-COAL-01|Lianyuan coal mines|涟源煤矿|LD-LYED|t|coal_gangue|2000000|LD-GPP-01=0.6 LD-BRICK-01=0.4|LD-GH-01=1
CZ-COAL-01|Chenzhou coal mines|郴州煤矿|CZ-HTZ|t|coal_gangue|1300000|CZ-GPP-01=0.7 CZ-CEM-01=0.3|CZ-GH-01=1
SY-COAL-01|Shaoyang coal mines|邵阳煤矿|SY-SDED|t|coal_gangue|900000|SY-CEM-01=1|SY-LF-01=1
HY-COAL-01|Leiyang coal mines|耒阳煤矿|HY-SMED|t|coal_gangue|600000|HY-CEM-01=1|HY-LF-01=1
ZZ-SMELT-01|Zhuzhou lead-zinc smelter|株洲铅锌冶炼厂|ZZ-QST|t|smelting_slag|1300000|ZZ-CEM-01=1|ZZ-SLAGY-01=0.7 ZZ-LF-01=0.3
HY-SKS-01|Shuikoushan smelter|水口山冶炼厂|HY-SKS|t|smelting_slag|1000000|HY-CEM-01=1|HY-SLAGY-01=1
CZ-SMELT-01|Chenzhou nonferrous smelter|郴州有色冶炼厂|CZ-NFIP|t|smelting_slag|1200000|CZ-CEM-01=1|CZ-SLAGY-01=1
XXZ-MN-01|Huayuan electrolytic manganese plants|花垣电解锰企业|XX-HYIP|t|smelting_slag|1500000|XXZ-BM-01=1|XXZ-MNY-01=1
HH-ALU-01|Hongjiang alumina refinery|洪江氧化铝厂|HH-HJIZ|t|red_mud|500000|HH-CEM-01=1|HH-RMY-01=1
XT-STEEL-01|Xiangtan Iron and Steel (blast furnace and converter)|湘潭钢铁（高炉-转炉）|XT-XTED|万吨|furnace_slag|3600000|XT-SLAG-01=1|XT-SLAGY-01=1
XT-STEEL-01||||万吨|smelting_slag|1600000|XT-SLAG-01=1|XT-SLAGY-01=1
LD-STEEL-01|Lianyuan Iron and Steel (blast furnace and converter)|涟源钢铁（高炉-转炉）|LD-LDED|kt|furnace_slag|3200000|LD-SLAG-01=1|LD-SLAGY-01=1
LD-STEEL-01||||kt|smelting_slag|1500000|LD-SLAG-01=1|LD-SLAGY-01=1
LY-PHOS-01|Liuyang phosphate chemical plant|浏阳磷化工厂|CS-LYED|t|phosphogypsum|500000|CS-BM-01=0.6 YY-GYP-01=0.4|LY-PGY-01=1
SM-PHOS-01|Shimen phosphate chemical plant|石门磷化工厂|CD-SMED|t|phosphogypsum|700000|CD-CEM-01=1|SM-PGY-01=1
"""  # noqa: E501
"""code | name | Chinese name | park | unit | material | t/yr | users | rest (a line without a name adds a material)."""

PLANTS = """
CS-BM-01|Changsha new wall materials plant|长沙新型墙材厂|CS-WCED|CS-CON-01=0.8 EXT-NAT=0.2
ZZ-CEM-01|Zhuzhou cement plant|株洲水泥厂|ZZ-LLED|ZZ-CON-01=0.8 CS-CON-01=0.2
HY-CEM-01|Hengyang cement plant|衡阳水泥厂|HY-SMED|HY-CON-01=0.8 EXT-GD=0.2
SY-CEM-01|Shaoyang cement plant|邵阳水泥厂|SY-SYED|SY-CON-01=1
CD-CEM-01|Shimen cement plant|石门水泥厂|CD-SMED|CD-CON-01=0.8 ZJ-CON-01=0.2
CZ-CEM-01|Chenzhou cement plant|郴州水泥厂|CZ-HTZ|CZ-CON-01=0.7 EXT-GD=0.3
YZ-CEM-01|Qiyang cement plant|祁阳水泥厂|YZ-QYED|YZ-CON-01=1
HH-CEM-01|Hongjiang cement plant|洪江水泥厂|HH-HJIZ|HH-CON-01=0.7 XXZ-CON-01=0.3
LD-SLAG-01|Loudi slag powder plant|娄底矿渣微粉厂|LD-LDED|LD-CON-01=0.5 CS-CON-01=0.3 EXT-NAT=0.2
LD-BRICK-01|Lianyuan gangue brick plant|涟源煤矸石砖厂|LD-LYED|LD-CON-01=1
XT-SLAG-01|Xiangtan slag processing plant|湘潭钢渣处理厂|XT-XTHT|XT-CON-01=0.6 CS-CON-01=0.4
CZ-SAND-01|Chenzhou tailings sand and aggregate plant|郴州尾矿制砂厂|CZ-NFIP|CZ-CON-01=0.6 HY-CON-01=0.2 EXT-GD=0.2
YY-GYP-01|Yueyang gypsum board plant|岳阳石膏板厂|YY-LHHT|YY-CON-01=0.5 CS-CON-01=0.3 EXT-HB=0.2
YY-BM-01|Yueyang new wall materials plant|岳阳新型墙材厂|YY-YYED|YY-CON-01=1
XXZ-BM-01|Xiangxi building materials plant|湘西建材厂|XX-HTZ|XXZ-CON-01=0.7 HH-CON-01=0.3
"""
"""code | name | Chinese name | park | where its building material goes."""

STORAGE = """
CS-ASHY-01|Changsha power plant ash and gypsum yard|长沙电厂灰渣石膏堆场|CS-WCED|t|fly_ash=1.5e6 desulfurization_gypsum=6e5|fly_ash:0.3:CS-BM-01=1 desulfurization_gypsum:0.1:CS-BM-01=1
ZZ-ASHY-01|Zhuzhou power plant ash yard|株洲电厂灰场|ZZ-HTZ|t|fly_ash=1.2e6 desulfurization_gypsum=5e5|fly_ash:0.25:ZZ-CEM-01=1
XT-ASHY-01|Xiangtan power plant ash and gypsum yard|湘潭电厂灰渣石膏堆场|XT-XTHT|万吨|fly_ash=2e6 desulfurization_gypsum=7e5|fly_ash:0.3:CS-BM-01=1 desulfurization_gypsum:0.1:CS-BM-01=1
HY-ASHY-01|Leiyang power plant ash yard|耒阳电厂灰场|HY-SMED|t|fly_ash=2.5e6 desulfurization_gypsum=8e5|fly_ash:0.35:HY-CEM-01=1 desulfurization_gypsum:0.1:HY-CEM-01=1
SY-ASHY-01|Shaoyang power plant ash yard|邵阳电厂灰场|SY-SDED|t|fly_ash=1e6 desulfurization_gypsum=3e5|fly_ash:0.15:SY-CEM-01=1
YY-ASHY-01|Yueyang power plant ash and gypsum yard|岳阳电厂灰渣石膏堆场|YY-LHHT|t|fly_ash=2.2e6 desulfurization_gypsum=9e5|fly_ash:0.3:YY-BM-01=1 desulfurization_gypsum:0.2:YY-GYP-01=1
SM-ASHY-01|Shimen power plant ash yard|石门电厂灰场|CD-SMED|t|fly_ash=1.6e6 desulfurization_gypsum=6e5|fly_ash:0.2:CD-CEM-01=1
YZ-ASHY-01|Qiyang power plant ash yard|祁阳电厂灰场|YZ-QYED|t|fly_ash=1.3e6 desulfurization_gypsum=4e5|fly_ash:0.15:YZ-CEM-01=1
LD-ASHY-01|Jinzhushan power plant ash yard|金竹山电厂灰场|LD-LSJ|t|fly_ash=1.8e6 desulfurization_gypsum=5e5|fly_ash:0.2:LD-BRICK-01=1
CZ-TP-01|Shizhuyuan tailings pond|柿竹园尾矿库|CZ-NFIP|万吨|tailings=6e7|tailings:1.0:CZ-SAND-01=1
CZ-TP-02|Chenzhou lead-zinc tailings pond|郴州铅锌尾矿库|CZ-NFIP|t|tailings=3.5e7|tailings:0.5:CZ-SAND-01=1
HY-TP-01|Shuikoushan tailings pond|水口山尾矿库|HY-SKS|t|tailings=2.5e7|tailings:0.3:HY-CEM-01=1
LSJ-TP-01|Xikuangshan tailings pond|锡矿山尾矿库|LD-LSJ|t|tailings=2e7|tailings:0.2:LD-BRICK-01=1
XXZ-TP-01|Huayuan tailings pond|花垣尾矿库|XX-HYIP|t|tailings=3e7|tailings:0.1:XXZ-BM-01=1
HH-TP-01|Huaihua tailings pond|怀化尾矿库|HH-HJIZ|t|tailings=1.2e7|tailings:0.1:HH-CEM-01=1
SY-TP-01|Shaoyang tailings pond|邵阳尾矿库|SY-SYED|t|tailings=1e7|tailings:0.1:SY-CEM-01=1
LD-GH-01|Lianyuan coal gangue heap|涟源煤矸石堆场|LD-LYED|t|coal_gangue=1.5e7|coal_gangue:0.6:LD-GPP-01=0.6,LD-BRICK-01=0.4
CZ-GH-01|Chenzhou coal gangue heap|郴州煤矸石堆场|CZ-HTZ|t|coal_gangue=8e6|coal_gangue:0.3:CZ-GPP-01=1
ZZ-SLAGY-01|Qingshuitang legacy smelting slag yard|清水塘历史冶炼渣堆场|ZZ-QST|t|smelting_slag=6e6|smelting_slag:0.5:ZZ-CEM-01=1
HY-SLAGY-01|Shuikoushan smelting slag yard|水口山冶炼渣堆场|HY-SKS|t|smelting_slag=3e6|smelting_slag:0.2:HY-CEM-01=1
CZ-SLAGY-01|Chenzhou smelting slag yard|郴州冶炼渣堆场|CZ-NFIP|t|smelting_slag=4e6|smelting_slag:0.2:CZ-CEM-01=1
XXZ-MNY-01|Huayuan electrolytic manganese residue yard|花垣电解锰渣库|XX-HYIP|t|smelting_slag=1e7|smelting_slag:0.15:XXZ-BM-01=1
LD-SLAGY-01|Lianyuan steel slag yard|涟源钢渣堆场|LD-LDED|t|furnace_slag=2e6 smelting_slag=5e6|smelting_slag:0.3:LD-SLAG-01=1 furnace_slag:0.1:LD-SLAG-01=1
XT-SLAGY-01|Xiangtan steel slag yard|湘潭钢渣堆场|XT-XTED|t|furnace_slag=1e6 smelting_slag=3e6|smelting_slag:0.3:XT-SLAG-01=1
LY-PGY-01|Liuyang phosphogypsum yard|浏阳磷石膏堆场|CS-LYED|t|phosphogypsum=4e6|phosphogypsum:0.2:CS-BM-01=1
SM-PGY-01|Shimen phosphogypsum yard|石门磷石膏堆场|CD-SMED|t|phosphogypsum=6e6|phosphogypsum:0.25:CD-CEM-01=1
HH-RMY-01|Hongjiang red mud yard|洪江赤泥堆场|HH-HJIZ|t|red_mud=5e6|red_mud:0.05:HH-CEM-01=1
"""  # noqa: E501
"""code | name | Chinese name | park | unit | opening stocks (t) | draws `material:weight:users` (users `A=w,B=w`)."""


def _pairs(text: str, sep: str = " ") -> list[tuple[str, float]]:
    """`A=0.7 B=0.3` -> [("A", 0.7), ("B", 0.3)]."""
    return [(k, float(v)) for k, v in (item.split("=") for item in text.split(sep) if item)]


def _lf(code: str) -> str:
    """The landfill of the city a facility code belongs to."""
    prefix = code.split("-")[0]
    city = {"SM": "CD", "LSJ": "LD", "LY": "CS", "LL": "ZZ", "MILUO": "YY", "NX": "CS", "YX": "CZ"}.get(prefix, prefix)
    return f"{city}-LF-01"


def build_bulk(w: World) -> None:
    """Power plants, mines, smelters, steel and phosphate plants; stockpiles; utilization plants."""
    for code, name, zh, park, unit, ash, ash_users, gyp_users in rows(POWER_PLANTS):
        w.add(code, name, zh, park, "source", unit)
        yard = code.split("-")[0] + "-ASHY-01"
        gypsum = float(ash) * 0.42
        for mat, tpy, users in (("fly_ash", float(ash), ash_users), ("desulfurization_gypsum", gypsum, gyp_users)):
            rest = [(yard, 0.8), (_lf(code), 0.2)] if mat == "fly_ash" else [(yard, 1.0)]
            w.gen(code, mat, tpy, _pairs(users), rest, USE_SHARE[mat], season="power")
    for code, name, zh, park, unit, mat, amount, user_text, rest_text in rows(GENERATORS):
        if name:
            w.add(code, name, zh, park, "source", unit)
        w.gen(code, mat, float(amount), _pairs(user_text), _pairs(rest_text), USE_SHARE[mat], season="mine")
    for code, name, zh, park, unit, openings, draws in rows(STORAGE):
        w.add(code, name, zh, park, "storage", unit)
        for mat, opening in _pairs(openings):
            w.openings[(code, mat)] = opening
        for draw in draws.split():
            mat, weight, users = draw.split(":")
            w.draws.append(Draw(code, mat, _pairs(users, ","), float(weight)))
    for code, name, zh, park, _out in rows(PLANTS):
        w.add(code, name, zh, park, "recycling")
    w.add("LD-GPP-01", "Lianyuan coal gangue power plant", "涟源煤矸石综合利用电厂", "LD-LYED", "energy_recovery")
    w.add("CZ-GPP-01", "Chenzhou coal gangue power plant", "郴州煤矸石综合利用电厂", "CZ-HTZ", "energy_recovery")
    w.route("LD-GPP-01", "coal_gangue", [("LD-BRICK-01", "furnace_slag", 0.45)])
    w.route("CZ-GPP-01", "coal_gangue", [("CZ-CEM-01", "furnace_slag", 0.45)])
    w.route(
        "XT-SLAG-01",
        "smelting_slag",
        [
            ("XT-EAF-01", "scrap_steel", 0.08),
            ("XT-CON-01", "building_material", 0.54),
            ("CS-CON-01", "building_material", 0.36),
            ("XT-LF-01", "smelting_slag", 0.02),
        ],
    )


def finish(w: World) -> None:
    """Give utilization plants and energy-recovery plants a recipe for every material that reaches them."""
    plant_out = {row[0]: _pairs(row[4]) for row in rows(PLANTS)}
    for fac, mat in _inputs(w):
        if (fac, mat) in w.recipes:
            continue
        if fac in plant_out:
            w.route(fac, mat, [(t, "building_material", s) for t, s in plant_out[fac]])
        elif w.facilities[fac].kind == "energy_recovery":
            w.route(fac, mat, [(_lf(fac), "furnace_slag", 0.2)])


def _inputs(w: World) -> list[tuple[str, str]]:
    """Every (processing facility, material) that receives material, in a fixed order."""
    seen: dict[tuple[str, str], None] = {}
    in_use = {u.facility for u in w.in_use}
    pairs = [(t, g.material) for g in w.gens for t, _s in g.use + g.rest]
    pairs += [(t, d.material) for d in w.draws for t, _s in d.targets]
    pairs += [(o.target, o.material) for outs in list(w.recipes.values()) for o in outs]
    pairs += [(u.target, u.out_material) for u in w.in_use]
    for fac, mat in pairs:
        if w.facilities[fac].kind in PROCESSING_KINDS and fac not in in_use:
            seen[(fac, mat)] = None
    return list(seen)
