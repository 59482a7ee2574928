"""The facilities and material chains of the bundled Hunan sample (see data/README.md)."""

from __future__ import annotations

from _sample_world import InUse, World, rows

CITIES: dict[str, tuple[str, str, tuple[str, ...], float, str]] = {
    # city: (code prefix, Chinese name, parks (home park first), size weight, zone)
    "Changsha": ("CS", "长沙", ("CS-CSED", "CS-WCED", "CS-LYED", "CS-NXHT"), 1.0, "C"),
    "Zhuzhou": ("ZZ", "株洲", ("ZZ-HTZ", "ZZ-LLED", "ZZ-QST"), 0.55, "C"),
    "Xiangtan": ("XT", "湘潭", ("XT-XTED", "XT-XTHT", "XT-YHHT"), 0.5, "C"),
    "Hengyang": ("HY", "衡阳", ("HY-HTZ", "HY-SMED", "HY-SKS"), 0.55, "S"),
    "Shaoyang": ("SY", "邵阳", ("SY-SYED", "SY-SDED"), 0.35, "S"),
    "Yueyang": ("YY", "岳阳", ("YY-YYED", "YY-LHHT"), 0.6, "N"),
    "Changde": ("CD", "常德", ("CD-CDED", "CD-SMED"), 0.45, "N"),
    "Zhangjiajie": ("ZJ", "张家界", ("ZJ-HTZ",), 0.12, "N"),
    "Yiyang": ("YI", "益阳", ("YI-HTZ", "YI-CCED"), 0.3, "N"),
    "Chenzhou": ("CZ", "郴州", ("CZ-HTZ", "CZ-NFIP"), 0.45, "S"),
    "Yongzhou": ("YZ", "永州", ("YZ-YZED", "YZ-QYED"), 0.3, "S"),
    "Huaihua": ("HH", "怀化", ("HH-HTZ", "HH-HJIZ"), 0.3, "W"),
    "Loudi": ("LD", "娄底", ("LD-LDED", "LD-LYED"), 0.45, "C"),
    "Xiangxi": ("XXZ", "湘西", ("XX-HTZ",), 0.15, "W"),
}

FACTORY_TYPES = (
    ("machinery works", "机械制造厂", ("scrap_steel", "scrap_copper", "waste_paper")),
    ("auto parts plant", "汽车零部件厂", ("scrap_steel", "scrap_aluminium", "waste_plastic")),
    ("electrical equipment plant", "电气设备厂", ("scrap_steel", "scrap_copper", "scrap_aluminium")),
    ("galvanizing and hardware plant", "镀锌五金厂", ("scrap_steel", "scrap_zinc", "waste_paper")),
)
FACTORY_TPY = {
    "scrap_steel": 900_000,
    "scrap_copper": 40_000,
    "scrap_aluminium": 60_000,
    "waste_paper": 120_000,
    "waste_plastic": 70_000,
    "scrap_zinc": 12_000,
}
HOUSEHOLD_TPY = {
    "waste_paper": 260_000,
    "waste_plastic": 180_000,
    "waste_textile": 90_000,
    "waste_glass": 110_000,
    "weee": 70_000,
    "scrap_steel": 220_000,
}
COMMERCE_TPY = {"waste_paper": 420_000, "waste_plastic": 110_000, "scrap_steel": 120_000}
HOUSEHOLD_SHARE = {"waste_plastic": (0.78, 0.88), "waste_textile": (0.55, 0.7), "waste_glass": (0.7, 0.8)}

EAF = {"C": ["XT-EAF-01", "LD-EAF-01"], "N": ["YY-EAF-01", "CD-EAF-01"], "S": ["HY-EAF-01"], "W": ["CD-EAF-01"]}
ZONE_BOUNDARY = {"C": "EXT-HB", "N": "EXT-HB", "S": "EXT-GD", "W": "EXT-NAT"}
ZONE_WTE = {"C": "CS-WTE-01", "N": "YY-WTE-01", "S": "HY-WTE-01", "W": "CD-WTE-01"}
BATTERY_COLLECTOR = {
    "Changsha": "CS-BAT-C01",
    "Xiangtan": "CS-BAT-C01",
    "Loudi": "CS-BAT-C01",
    "Zhuzhou": "ZZ-BAT-C01",
    "Hengyang": "HY-BAT-C01",
    "Shaoyang": "HY-BAT-C01",
    "Yongzhou": "HY-BAT-C01",
    "Chenzhou": "CZ-BAT-C01",
    "Yueyang": "YY-BAT-C01",
    "Yiyang": "YY-BAT-C01",
    "Changde": "CD-BAT-C01",
    "Zhangjiajie": "CD-BAT-C01",
    "Huaihua": "CD-BAT-C01",
    "Xiangxi": "CD-BAT-C01",
}

WEEE_PLANTS = """
CS-WEEE-01|Changsha WEEE dismantling plant|长沙废弃电器电子产品拆解厂|CS-WCED|CS-SS-01|CS-PL-01
MILUO-WEEE-01|Miluo WEEE dismantling plant|汨罗废弃电器电子产品拆解厂|YY-MLCE|YY-SS-01|MILUO-PL-01
"""
"""code | name | Chinese name | park | scrap steel to | plastics to."""

ELV_PLANTS = """
CS-ELV-01|Changsha ELV dismantling plant|长沙报废机动车拆解厂|CS-WCED|CS-SS-01|MILUO-CU-02|CS-PL-01|CS-WTE-01
MILUO-ELV-01|Miluo ELV dismantling centre|汨罗报废机动车拆解中心|YY-MLCE|YY-SS-01|MILUO-CU-02|MILUO-PL-02|YY-WTE-01
HY-ELV-01|Hengyang ELV dismantling plant|衡阳报废机动车拆解厂|HY-HTZ|HY-SS-01|YX-PM-01|HY-PL-01|HY-WTE-01
CZ-ELV-01|Chenzhou ELV dismantling plant|郴州报废机动车拆解厂|CZ-HTZ|CZ-SS-01|YX-PM-01|HY-PL-01|CZ-WTE-01
"""
"""code | name | Chinese name | park | scrap steel to | copper to | plastics to | shredder residue to."""

NONFERROUS_PLANTS = """
MILUO-CU-01|Miluo recycled copper smelter 1|汨罗再生铜冶炼企业1|YY-MLCE|scrap_copper|YY-LF-01
MILUO-CU-02|Miluo recycled copper rod plant 2|汨罗再生铜杆企业2|YY-MLCE|scrap_copper|YY-LF-01
MILUO-AL-01|Miluo recycled aluminium plant 1|汨罗再生铝企业1|YY-MLCE|scrap_aluminium|YY-LF-01
MILUO-AL-02|Miluo recycled aluminium plant 2|汨罗再生铝企业2|YY-MLCE|scrap_aluminium|YY-LF-01
YX-PM-01|Yongxing copper and precious metals recycler|永兴铜及稀贵金属再生企业|CZ-YXED|scrap_copper|CZ-LF-01
YX-PM-02|Yongxing lead and zinc recycler|永兴铅锌再生企业|CZ-YXED|scrap_lead scrap_zinc|CZ-LF-01
HY-PB-01|Shuikoushan secondary lead plant|水口山再生铅厂|HY-SKS|scrap_lead|HY-LF-01
ZZ-ZN-01|Qingshuitang secondary zinc plant|清水塘再生锌厂|ZZ-QST|scrap_zinc|ZZ-LF-01
"""
"""code | name | Chinese name | park | input materials | landfill for slag and dross."""

Split = list[tuple[str, float, float]]


def hub(material: str, zone: str) -> Split:
    """Where collectors of a zone send a sorted material: (recycler, weight 2020, weight 2025)."""
    table: dict[str, dict[str, Split]] = {
        "waste_paper": {
            "C": [("CS-PAPER-01", 0.7, 0.7), ("YI-PAPER-01", 0.3, 0.3)],
            "N": [("YY-PAPER-01", 0.6, 0.6), ("CD-PAPER-01", 0.4, 0.4)],
            "S": [("HY-PAPER-01", 1.0, 1.0)],
            "W": [("CD-PAPER-01", 0.6, 0.6), ("YI-PAPER-01", 0.4, 0.4)],
        },
        "waste_plastic": {
            "C": [("MILUO-PL-01", 0.35, 0.6), ("CS-PL-01", 0.65, 0.4)],
            "N": [("MILUO-PL-02", 0.5, 0.5), ("MILUO-PL-03", 0.5, 0.5)],
            "S": [("HY-PL-01", 0.6, 0.6), ("SY-PL-01", 0.4, 0.4)],
            "W": [("SY-PL-01", 0.6, 0.4), ("MILUO-PL-03", 0.4, 0.6)],
        },
        "waste_glass": {
            "C": [("CS-GL-01", 0.5, 0.5), ("LL-GL-01", 0.5, 0.5)],
            "N": [("CS-GL-01", 1.0, 1.0)],
            "S": [("HY-GL-01", 1.0, 1.0)],
            "W": [("HY-GL-01", 1.0, 1.0)],
        },
        "waste_textile": {z: [("YI-TEX-01" if z in "CS" else "CD-TEX-01", 1.0, 1.0)] for z in "CNSW"},
        "weee": {
            "C": [("CS-WEEE-01", 0.6, 0.4), ("MILUO-WEEE-01", 0.4, 0.6)],
            **{z: [("MILUO-WEEE-01", 1.0, 1.0)] for z in "NSW"},
        },
        "scrap_aluminium": {z: [("MILUO-AL-01", 0.6, 0.6), ("MILUO-AL-02", 0.4, 0.4)] for z in "CNSW"},
        "scrap_copper": {
            **{z: [("MILUO-CU-01", 0.55, 0.55), ("MILUO-CU-02", 0.45, 0.45)] for z in "CNW"},
            "S": [("YX-PM-01", 0.6, 0.6), ("MILUO-CU-01", 0.4, 0.4)],
        },
        "scrap_lead": {
            **{z: [("HY-PB-01", 0.8, 0.6), ("YX-PM-02", 0.2, 0.4)] for z in "SW"},
            **{z: [("HY-PB-01", 0.5, 0.5), ("YX-PM-02", 0.5, 0.5)] for z in "CN"},
        },
        "scrap_zinc": {z: [("ZZ-ZN-01", 0.5, 0.15), ("YX-PM-02", 0.5, 0.85)] for z in "CNSW"},
        "elv": {
            "C": [("CS-ELV-01", 0.5, 0.4), ("MILUO-ELV-01", 0.5, 0.6)],
            "N": [("MILUO-ELV-01", 1.0, 1.0)],
            "S": [("HY-ELV-01", 0.6, 0.6), ("CZ-ELV-01", 0.4, 0.4)],
            "W": [("MILUO-ELV-01", 0.5, 0.5), ("HY-ELV-01", 0.5, 0.5)],
        },
        "waste_tire": {
            "C": [("MILUO-TIRE-01", 0.6, 0.75), ("LD-PYRO-01", 0.4, 0.25)],
            "N": [("MILUO-TIRE-01", 0.6, 0.6), ("YI-TIRE-01", 0.4, 0.4)],
            "S": [("YI-TIRE-01", 0.5, 0.6), ("LD-PYRO-01", 0.5, 0.4)],
            "W": [("YI-TIRE-01", 1.0, 1.0)],
        },
    }
    return table[material][zone]


def _split(w: World, fac: str, material: str, targets: Split) -> None:
    """A collector passing `material` on unchanged, with weights that move from 2020 to 2025."""
    a = sum(t[1] for t in targets)
    b = sum(t[2] for t in targets)
    w.route(fac, material, [(t, material, wa / a, wb / b) for t, wa, wb in targets])


def _gen_split(targets: Split) -> list[tuple[str, float]]:
    """The 2020 weights of a split, for a generator."""
    return [(t, wa) for t, wa, _wb in targets]


def build_boundary(w: World) -> None:
    """Out-of-province trading partners (no park)."""
    for code, name, zh in (
        ("EXT-GD", "Guangdong (out of province)", "广东省（省外）"),
        ("EXT-HB", "Hubei (out of province)", "湖北省（省外）"),
        ("EXT-JX", "Jiangxi (out of province)", "江西省（省外）"),
        ("EXT-FJ", "Fujian battery industry (out of province)", "福建省电池产业（省外）"),
        ("EXT-ZJ", "Zhejiang (out of province)", "浙江省（省外）"),
        ("EXT-GX", "Guangxi (out of province)", "广西壮族自治区（省外）"),
        ("EXT-NAT", "Other provinces (national market)", "其他省份（全国市场）"),
    ):
        w.add(code, name, zh, None, "boundary", keep=True)


def build_cities(w: World) -> None:
    """Per city: households, commerce, factories, vehicles, EVs, construction; collectors; landfill; WtE."""
    for city, (a, zh, parks, size, zone) in CITIES.items():
        home = parks[0]
        lf = w.add(
            f"{a}-LF-01", f"{city} general industrial solid waste landfill", f"{zh}一般工业固废填埋场", home, "disposal"
        )
        if a in ("CS", "ZZ", "HY", "YY", "CD", "CZ"):
            w.add(f"{a}-WTE-01", f"{city} waste-to-energy plant", f"{zh}垃圾焚烧发电厂", parks[-1], "energy_recovery")
        wte = f"{a}-WTE-01" if a in ("CS", "ZZ", "HY", "YY", "CD", "CZ") else ZONE_WTE[zone]
        res = w.add(
            f"{a}-RES-01",
            f"{city} households (urban districts)",
            f"{zh}市区居民生活源",
            home,
            "source",
            quality="estimated",
        )
        com = w.add(
            f"{a}-COM-01", f"{city} commerce and markets", f"{zh}商贸流通源", home, "source", quality="estimated"
        )
        con = w.add(f"{a}-CON-01", f"{city} construction sites", f"{zh}建筑工地", home, "source", quality="estimated")
        veh = w.add(f"{a}-VEH-01", f"{city} vehicle owners and repair shops", f"{zh}机动车报废及维修源", home, "source")
        ev = w.add(
            f"{a}-EV-01", f"{city} new-energy vehicle retirements", f"{zh}新能源汽车动力电池退役", home, "source", "kg"
        )
        for aggregate in (res, com, con, veh, ev):  # many generators, not one enterprise: no credit code
            w.facilities[aggregate].keep_code = True
        n_rs = 2 if size >= 1 else 1  # Changsha's two networks both feed the sorting centre
        stations = [
            w.add(
                f"{a}-RS-{i:02d}",
                f"{city} community recycling stations {i}",
                f"{zh}社区回收网点{i}",
                home,
                "collection",
            )
            for i in range(1, n_rs + 1)
        ]
        ss = w.add(
            f"{a}-SS-01",
            f"{city} scrap steel processing and distribution centre",
            f"{zh}废钢加工配送中心",
            parks[-1],
            "collection",
        )
        has_sc = size >= 0.45
        sc = (
            w.add(
                f"{a}-SC-01", f"{city} renewable resources sorting centre", f"{zh}再生资源分拣中心", home, "collection"
            )
            if has_sc
            else stations[0]
        )
        # households and commerce -> stations
        st = [(s, 1.0) for s in stations]
        for mat, tpy in HOUSEHOLD_TPY.items():
            rest = [(wte, 1.0)] if mat != "waste_glass" else [(lf, 1.0)]
            share = HOUSEHOLD_SHARE.get(mat, (1.0, 1.0))
            w.gen(res, mat, tpy * size, st, rest if share[0] < 1 else None, share=share)
        for mat, tpy in COMMERCE_TPY.items():
            use = [*st, (hub(mat, zone)[0][0], 0.5)] if mat == "waste_paper" else st
            w.gen(com, mat, tpy * size, use)
        w.gen(con, "scrap_steel", 1_400_000 * size, [(ss, 1.0)])
        w.gen(veh, "elv", 220_000 * size, _gen_split(hub("elv", zone)), growth=0.01)
        w.gen(veh, "waste_tire", 130_000 * size, _gen_split(hub("waste_tire", zone)))
        w.gen(veh, "scrap_lead", 70_000 * size, _gen_split(hub("scrap_lead", zone)))
        for mat, tpy in (("power_battery_lfp", 10_000), ("power_battery_ncm", 8_000)):
            w.gen(ev, mat, tpy * size**1.3, [(BATTERY_COLLECTOR[city], 1.0)], growth=0.2, season="battery")
        # factories
        n_ind = max(1, round(size * 3))
        for i in range(n_ind):
            ftype, fzh, mats = FACTORY_TYPES[(i + len(a)) % len(FACTORY_TYPES)]
            park = parks[i % len(parks)]
            f = w.add(f"{a}-IND-{i + 1:02d}", f"{city} {ftype} {i + 1}", f"{zh}{fzh}{i + 1}", park, "source")
            for mat in mats:
                annual = FACTORY_TPY[mat] * size / n_ind
                if mat == "scrap_steel":
                    use = [(ss, 0.6), (EAF[zone][i % len(EAF[zone])], 0.4)]
                elif mat == "waste_paper":
                    use = [(sc, 1.0)]
                else:
                    use = _gen_split(hub(mat, zone))
                w.gen(f, mat, annual, use)
        # collectors
        for s in stations:
            for mat in HOUSEHOLD_TPY:
                if mat == "scrap_steel":
                    w.pass_on(s, mat, [(ss, 1.0)])
                elif has_sc:
                    w.pass_on(s, mat, [(sc, 1.0)])
                else:
                    _split(w, s, mat, hub(mat, zone))
        if has_sc:
            for mat in HOUSEHOLD_TPY:
                if mat == "scrap_steel":
                    continue
                _split(w, sc, mat, hub(mat, zone))
        # Shaoyang's centre sells 40 % out of province without reporting it (a deliberate defect)
        out_of_province = (0.4, 0.4) if a == "SY" else (0.18, 0.14)
        n_eaf = len(EAF[zone])
        eafs = [(e, (1 - out_of_province[0]) / n_eaf, (1 - out_of_province[1]) / n_eaf) for e in EAF[zone]]
        _split(w, ss, "scrap_steel", [*eafs, (ZONE_BOUNDARY[zone], *out_of_province)])


def _recycler(
    w: World, fac: str, material: str, products: list[tuple[str, str, float]], residues: list[tuple[str, str, float]]
) -> None:
    """A recycler: product fractions plus residues; the fractions must add up to one."""
    total = sum(f for _t, _m, f in products) + sum(f for _t, _m, f in residues)
    if abs(total - 1) > 1e-9:
        raise ValueError(f"{fac}/{material}: fractions add up to {total}")
    w.route(fac, material, [*products, *residues])


def build_recyclers(w: World) -> None:
    """Recyclers of renewable resources, Miluo's urban-mine base and the steel mills with the slag loop."""
    add = w.add
    for code, name, zh, park in (
        ("CS-PAPER-01", "Changsha recycled paperboard mill", "长沙再生纸板厂", "CS-WCED"),
        ("YY-PAPER-01", "Yueyang paper mill (recovered fibre line)", "岳阳造纸厂（再生纤维线）", "YY-YYED"),
        ("CD-PAPER-01", "Changde recycled paper mill", "常德再生纸厂", "CD-CDED"),
        ("YI-PAPER-01", "Yiyang recycled paper mill", "益阳再生纸厂", "YI-CCED"),
        ("HY-PAPER-01", "Hengyang recycled paperboard mill", "衡阳再生纸板厂", "HY-SMED"),
    ):
        add(code, name, zh, park, "recycling")
        lf = code[:2] + "-LF-01"
        _recycler(w, code, "waste_paper", [("EXT-NAT", "waste_paper", 0.85)], [(lf, "waste_paper", 0.15)])
    plastics = (
        ("MILUO-PL-01", "Miluo plastics recycler 1", "汨罗废塑料再生企业1", "YY-MLCE"),
        ("MILUO-PL-02", "Miluo plastics recycler 2", "汨罗废塑料再生企业2", "YY-MLCE"),
        ("MILUO-PL-03", "Miluo plastics recycler 3", "汨罗废塑料再生企业3", "YY-MLCE"),
        ("CS-PL-01", "Changsha plastics pelletizing plant", "长沙废塑料造粒厂", "CS-WCED"),
        ("HY-PL-01", "Hengyang plastics recycler", "衡阳废塑料再生厂", "HY-SMED"),
        ("SY-PL-01", "Shaodong plastics recycler", "邵东废塑料再生厂", "SY-SDED"),
    )
    for code, name, zh, park in plastics:
        add(code, name, zh, park, "recycling")
        wte = "YY-WTE-01" if code.startswith(("MILUO", "YY")) else ZONE_WTE["S" if code[:2] in ("HY", "SY") else "C"]
        res = 0.3 if code == "MILUO-PL-02" else 0.22
        prod = [("EXT-ZJ" if code.endswith("3") else "EXT-GD", "waste_plastic", 1 - res)]
        _recycler(w, code, "waste_plastic", prod, [(wte, "waste_plastic", res)])
    for code, name, zh, park, lf in (
        ("CS-GL-01", "Changsha cullet processing plant", "长沙废玻璃加工厂", "CS-LYED", "CS-LF-01"),
        ("LL-GL-01", "Liling glass and ceramics cullet plant", "醴陵玻璃陶瓷碎玻璃利用厂", "ZZ-LLED", "ZZ-LF-01"),
        ("HY-GL-01", "Hengyang cullet processing plant", "衡阳废玻璃加工厂", "HY-HTZ", "HY-LF-01"),
    ):
        add(code, name, zh, park, "recycling")
        _recycler(w, code, "waste_glass", [("EXT-NAT", "waste_glass", 0.92)], [(lf, "waste_glass", 0.08)])
    for code, name, zh, park in (
        ("YI-TEX-01", "Yiyang textile recycling plant", "益阳废旧纺织品再生厂", "YI-HTZ"),
        ("CD-TEX-01", "Changde textile recycling plant", "常德废旧纺织品再生厂", "CD-CDED"),
    ):
        add(code, name, zh, park, "recycling")
        _recycler(w, code, "waste_textile", [("EXT-ZJ", "waste_textile", 0.65)], [("CD-WTE-01", "waste_textile", 0.35)])
    add("MILUO-TIRE-01", "Miluo tyre recycler (rubber powder)", "汨罗废轮胎再生胶粉厂", "YY-MLCE", "recycling")
    add("YI-TIRE-01", "Yiyang reclaimed rubber plant", "益阳再生橡胶厂", "YI-CCED", "recycling")
    add("LD-PYRO-01", "Loudi tyre pyrolysis plant", "娄底废轮胎热解厂", "LD-LDED", "energy_recovery")
    for code, ss in (("MILUO-TIRE-01", "YY-SS-01"), ("YI-TIRE-01", "CD-SS-01")):
        _recycler(
            w,
            code,
            "waste_tire",
            [("EXT-NAT", "waste_tire", 0.7), (ss, "scrap_steel", 0.15)],
            [("YY-WTE-01", "waste_tire", 0.15)],
        )
    w.route("LD-PYRO-01", "waste_tire", [("EXT-NAT", "scrap_steel", 0.12), ("LD-LF-01", "furnace_slag", 0.3)])
    for code, name, zh, park, ss, pl in rows(WEEE_PLANTS):
        add(code, name, zh, park, "recycling")
        _recycler(
            w,
            code,
            "weee",
            [
                (ss, "scrap_steel", 0.45),
                ("MILUO-CU-01", "scrap_copper", 0.07),
                ("MILUO-AL-01", "scrap_aluminium", 0.05),
                (pl, "waste_plastic", 0.25),
                ("CS-GL-01", "waste_glass", 0.06),
            ],
            [("CS-HW-01", "weee", 0.12)],
        )
    for code, name, zh, park, ss, cu, pl, wte in rows(ELV_PLANTS):
        add(code, name, zh, park, "recycling")
        _recycler(
            w,
            code,
            "elv",
            [
                (ss, "scrap_steel", 0.66),
                ("CS-REMAN-03", "scrap_steel", 0.04),
                ("MILUO-AL-02", "scrap_aluminium", 0.06),
                (cu, "scrap_copper", 0.02),
                (pl, "waste_plastic", 0.08),
                ("MILUO-TIRE-01", "waste_tire", 0.04),
            ],
            [(wte, "waste_plastic", 0.1)],
        )
    for code, name, zh, park, mats, lf in rows(NONFERROUS_PLANTS):
        add(code, name, zh, park, "recycling")
        for mat in mats.split():
            y = {"scrap_copper": 0.95, "scrap_aluminium": 0.92, "scrap_lead": 0.65, "scrap_zinc": 0.9}[mat]
            prod = [("EXT-ZJ" if code.endswith("2") else "EXT-GD", "recycled_nonferrous", y)]
            if mat == "scrap_lead":
                prod.append(("HY-PL-01", "waste_plastic", 0.08))
            _recycler(w, code, mat, prod, [(lf, "smelting_slag", 1 - sum(p[2] for p in prod))])
    add("MILUO-SS-01", "Miluo stainless steel scrap smelter", "汨罗不锈钢废料冶炼企业", "YY-MLCE", "recycling")
    _recycler(
        w, "MILUO-SS-01", "scrap_steel", [("EXT-GD", "recycled_steel", 0.93)], [("YY-LF-01", "smelting_slag", 0.07)]
    )
    for code, name, zh, park, slag in (
        ("XT-EAF-01", "Xiangtan electric-arc-furnace steel mill", "湘潭电炉炼钢厂", "XT-XTHT", "XT-SLAG-01"),
        ("LD-EAF-01", "Loudi short-process steel mill", "娄底短流程炼钢厂", "LD-LDED", "LD-SLAG-01"),
        ("YY-EAF-01", "Yueyang electric-arc-furnace steel mill", "岳阳电炉钢厂", "YY-YYED", "YY-LF-01"),
        ("CD-EAF-01", "Changde electric-arc-furnace steel mill", "常德电炉钢厂", "CD-CDED", "CD-CEM-01"),
        ("HY-EAF-01", "Hengyang seamless tube EAF mill", "衡阳无缝钢管电炉厂", "HY-HTZ", "HY-CEM-01"),
    ):
        add(code, name, zh, park, "recycling", unit="吨" if code == "HY-EAF-01" else "t")
        con = code[:2] + "-CON-01"
        prod = [
            ("EXT-HB", "recycled_steel", 0.45),
            (con, "recycled_steel", 0.3),
            ("CS-CON-01", "recycled_steel", 0.135),
        ]
        if code == "YY-EAF-01":
            prod[1] = ("CS-MFG-01", "recycled_steel", 0.3)
        _recycler(w, code, "scrap_steel", prod, [(slag, "smelting_slag", 0.115)])
    add("CS-MFG-01", "Construction machinery manufacturers (Xingsha)", "工程机械制造企业（星沙）", "CS-CSED", "source")
    w.gen(
        "CS-MFG-01",
        "scrap_steel",
        700_000,
        [("CS-REMAN-01", 0.12), ("CS-REMAN-02", 0.08), ("CS-SS-01", 0.5), ("XT-EAF-01", 0.3)],
        growth=0.04,
    )
    for code, name, zh in (
        ("CS-REMAN-01", "Sany construction machinery remanufacturing", "三一工程机械再制造"),
        ("CS-REMAN-02", "Zoomlion construction machinery remanufacturing", "中联重科工程机械再制造"),
        ("CS-REMAN-03", "Liuyang engine and gearbox remanufacturing", "浏阳发动机及变速箱再制造"),
    ):
        add(code, name, zh, "CS-REMAN", "remanufacturing")
        prod = [("CS-MFG-01", "remanufactured_product", 0.42), ("EXT-NAT", "remanufactured_product", 0.41)]
        _recycler(w, code, "scrap_steel", prod, [("CS-SS-01", "scrap_steel", 0.17)])
    w.gen("EXT-HB", "scrap_steel", 600_000, [("XT-EAF-01", 0.6), ("YY-EAF-01", 0.4)], growth=-0.05)
    w.gen("EXT-GD", "scrap_copper", 60_000, [("MILUO-CU-01", 1.0)], growth=0.1)
    w.gen("EXT-NAT", "scrap_aluminium", 50_000, [("MILUO-AL-01", 1.0)], growth=0.1)
    w.gen("EXT-GD", "waste_plastic", 80_000, [("MILUO-PL-01", 0.6), ("MILUO-PL-02", 0.4)], growth=0.12)
    w.gen("EXT-GX", "scrap_lead", 30_000, [("YX-PM-02", 1.0)], growth=0.05)
    add("CS-HW-01", "Changsha hazardous waste disposal centre", "长沙危险废物处置中心", "CS-WCED", "disposal")


def build_batteries(w: World) -> None:
    """Used power batteries: collection hubs, sorting, echelon use, in-use stock, recyclers, cathode maker."""
    add = w.add
    for code, city, park in (
        ("CS-BAT-C01", "Changsha", "CS-NXHT"),
        ("ZZ-BAT-C01", "Zhuzhou", "ZZ-HTZ"),
        ("HY-BAT-C01", "Hengyang", "HY-HTZ"),
        ("CZ-BAT-C01", "Chenzhou", "CZ-HTZ"),
        ("YY-BAT-C01", "Yueyang", "YY-MLCE"),
        ("CD-BAT-C01", "Changde", "CD-CDED"),
    ):
        zh = CITIES[city][1]
        add(
            code,
            f"{city} power battery collection hub",
            f"{zh}动力蓄电池回收服务网点",
            park,
            "collection",
            "kg",
            keep=True,
        )
        ech = "ZZ-ECH-01" if city in ("Zhuzhou", "Hengyang", "Chenzhou") else "CS-ECH-01"
        rec = "XT-YUNENG-01" if city in ("Hengyang", "Chenzhou", "Changde") else "XT-HONGLI-01"
        lfp = [(ech, 0.3, 0.38), ("CS-BAT-SORT", 0.1, 0.1), ("NX-BRUNP-01", 0.35, 0.3), (rec, 0.25, 0.22)]
        _split(w, code, "power_battery_lfp", lfp)
        _split(w, code, "power_battery_ncm", [("NX-BRUNP-01", 0.6, 0.6), (rec, 0.4, 0.4)])
    add(
        "CS-BAT-SORT",
        "Power battery testing and sorting centre",
        "动力蓄电池检测分选中心",
        "CS-NXHT",
        "collection",
        "kg",
        keep=True,
    )
    _split(
        w,
        "CS-BAT-SORT",
        "power_battery_lfp",
        [("CS-ECH-01", 0.25, 0.3), ("NX-BRUNP-01", 0.45, 0.4), ("XT-YUNENG-01", 0.3, 0.3)],
    )
    for code, name, zh, park, market in (
        ("CS-ECH-01", "Ningxiang echelon-use battery plant", "宁乡梯次利用电池厂", "CS-NXHT", "EXT-NAT"),
        ("ZZ-ECH-01", "Zhuzhou echelon-use energy storage plant", "株洲梯次利用储能厂", "ZZ-HTZ", "EXT-GD"),
    ):
        add(code, name, zh, park, "reuse", "kg", keep=True)
        prod = [(market, "echelon_battery_system", 0.4), ("CS-TOWER-01", "echelon_battery_system", 0.3)]
        _recycler(w, code, "power_battery_lfp", prod, [("CS-BAT-SORT", "power_battery_lfp", 0.3)])
    add(
        "CS-TOWER-01",
        "Telecom base-station backup power (echelon batteries in use)",
        "通信基站备用电源（梯次电池在用）",
        "CS-CSED",
        "reuse",
        "kg",
        keep=True,
    )
    w.in_use.append(InUse("CS-TOWER-01", "echelon_battery_system", "power_battery_lfp", "CS-BAT-SORT", 0.014, 4_000.0))
    add(
        "NX-BRUNP-01", "Hunan Brunp Recycling Technology", "湖南邦普循环科技有限公司", "CS-NXHT", "recycling", keep=True
    )
    add("XT-YUNENG-01", "Xiangxiang Yuneng battery recycling", "湘乡裕能电池回收", "XT-XXED", "recycling", keep=True)
    add(
        "XT-HONGLI-01",
        "Yuhu Hongli battery dismantling and black mass plant",
        "雨湖宏力电池拆解黑粉厂",
        "XT-YHHT",
        "recycling",
        keep=True,
    )
    add(
        "NX-CATHODE-01",
        "Ningxiang cathode and battery cell maker",
        "宁乡正极材料及电芯企业",
        "CS-NXHT",
        "source",
        keep=True,
    )
    metals_ncm = [("lithium_carbonate", 0.10), ("nickel", 0.10), ("cobalt", 0.035), ("manganese", 0.032)]
    metals_bm = [("lithium_carbonate", 0.2), ("nickel", 0.22), ("cobalt", 0.07), ("manganese", 0.065)]
    for code in ("NX-BRUNP-01", "XT-YUNENG-01"):
        for mat, metals in (("power_battery_ncm", metals_ncm), ("power_battery_lfp", [("lithium_carbonate", 0.065)])):
            prod = [(t, m, f * s) for m, f in metals for t, s in (("EXT-FJ", 0.6), ("NX-CATHODE-01", 0.4))]
            prod += [
                ("MILUO-AL-01", "scrap_aluminium", 0.13),
                ("MILUO-CU-01", "scrap_copper", 0.07),
                ("CS-SS-01", "scrap_steel", 0.1),
            ]
            _recycler(w, code, mat, prod, [("CS-HW-01", "smelting_slag", 1 - sum(p[2] for p in prod))])
    prod = [(t, m, f * s) for m, f in metals_bm for t, s in (("EXT-FJ", 0.6), ("NX-CATHODE-01", 0.4))]
    _recycler(w, "NX-BRUNP-01", "black_mass", prod, [("CS-HW-01", "smelting_slag", 1 - sum(p[2] for p in prod))])
    for mat in ("power_battery_lfp", "power_battery_ncm"):
        prod = [
            ("NX-BRUNP-01", "black_mass", 0.4),
            ("MILUO-AL-02", "scrap_aluminium", 0.15),
            ("MILUO-CU-02", "scrap_copper", 0.08),
            ("XT-SS-01", "scrap_steel", 0.12),
        ]
        _recycler(w, "XT-HONGLI-01", mat, prod, [("CS-WTE-01", "waste_plastic", 0.25)])
    # production scrap cells count as used power batteries (domain brief §4)
    w.gen("NX-CATHODE-01", "power_battery_ncm", 2_500, [("NX-BRUNP-01", 1.0)], growth=0.15, season="battery")
    w.gen("NX-CATHODE-01", "scrap_aluminium", 3_000, [("MILUO-AL-01", 1.0)], growth=0.15)
    w.gen("EXT-JX", "power_battery_ncm", 3_000, [("NX-BRUNP-01", 1.0)], growth=0.1, season="battery")
    w.gen(
        "EXT-JX",
        "power_battery_lfp",
        2_000,
        [("NX-BRUNP-01", 0.5), ("XT-YUNENG-01", 0.5)],
        growth=0.15,
        season="battery",
    )
