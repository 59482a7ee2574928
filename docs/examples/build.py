"""Writes the example workbooks of docs/importing.md (shapes of real Chinese reports, on the bundled sample's
facilities) and, when LibreOffice is installed, renders each to a PNG in docs/images/.

    python docs/examples/build.py [--no-pictures]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parent / "images"

TITLE_BLOCK = [
    ["2025年3月 一般工业固体废物流向统计表"],
    ["填报单位：湘潭钢铁（高炉-转炉）", None, None, "单位：万吨"],
    ["序号", "移出单位", "接收单位", "废物名称", "转移量", "备注"],
    [1, "湘潭钢铁（高炉-转炉）", "湘潭钢渣处理厂", "钢渣", 3.2, "过磅"],
    [None, "其中：转炉钢渣", None, None, 1.1, None],
    [2, "湘潭钢铁（高炉-转炉）", "湘潭钢渣堆场", "钢渣", 0.8, None],
    [3, "湘潭燃煤电厂", "湘潭电厂灰渣石膏堆场", "S02", 1.75, "粉煤灰"],
    ["合计", None, None, None, 5.75, None],
    ["注：1. 数据来源于企业月报；2. 其中行为上一行的一部分，不重复计算。"],
    ["填表人：张三", None, "审核人：李四", None, "填报日期：2025年4月8日"],
]
HEADER_UNIT = [
    ["期间", "来源", "去向", "物料", "数量（万吨）", "单位"],
    ["2025-02", "XT-POWER-01", "91430300184541660A", "fly_ash", 1.2, None],
    ["2025-02", "XT-STEEL-01", "XT-SLAG-01", "smelting_slag", 2.5, None],
    ["2025-02", "XT-EAF-01", "XT-SLAG-01", "smelting_slag", 800, "吨"],
]
MONTHS = [
    ["2024年 湘潭废钢流向月报表（单位：吨）"],
    ["来源", "去向", "物料", "1月", "2月", "3月", "4月", "5月", "6月", "全年"],
    ["湘潭废钢加工配送中心", "湘潭电炉炼钢厂", "废钢", 5200, 4100, 5650, None, "-", 0, 14950],
    ["湘潭再生资源分拣中心", "湘潭废钢加工配送中心", "废钢", 1200, None, 1330, 1410, 1380, 1290, 6610],
    ["湘潭钢渣处理厂", "湘潭废钢加工配送中心", "废钢", None, None, None, None, None, None, 820],
    ["合计", None, None, 6400, 4100, 6980, 1410, 1380, 1290, 22380],
]
EXAMPLES = {
    "title-block": (TITLE_BLOCK, "3月", ["A1:F1"], [8, 22, 22, 10, 10, 10]),
    "header-unit": (HEADER_UNIT, "flows", [], [10, 14, 20, 14, 14, 8]),
    "months": (MONTHS, "2024", ["A1:J1"], [22, 22, 8, 8, 8, 8, 8, 8, 8, 8]),
}


def write(name: str, rows: list[list[object]], sheet: str, merges: list[str], widths: list[int]) -> Path:
    """One example workbook, formatted as a report would be (bold header, borders, widths)."""
    path = HERE / f"{name}.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#EEF2F7", "align": "center"})
    cell = book.add_format({"border": 1})
    title = book.add_format({"bold": True, "font_size": 13, "align": "center"})
    header = next(i for i, r in enumerate(rows) if len(r) > 3 and all(c is not None for c in r[:4]))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            style = (
                title if i == 0 and merges else bold if i == header else cell if i > header and len(row) > 1 else None
            )
            if i == 0 and merges and j == 0:
                ws.merge_range(merges[0], value, title)
            elif value is not None:
                ws.write(i, j, value, style)
            elif style is cell:
                ws.write_blank(i, j, None, cell)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    book.close()
    return path


def render(path: Path) -> None:
    """The first page of a workbook as a cropped PNG (LibreOffice, then pdftoppm)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(path)],
            check=True,
            capture_output=True,
        )
        pdf = Path(tmp) / f"{path.stem}.pdf"
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(Path(tmp) / "page")], check=True)
        from PIL import Image, ImageChops

        page = Image.open(Path(tmp) / "page.png").convert("RGB")
        box = ImageChops.difference(page, Image.new("RGB", page.size, "white")).getbbox()
        if box:
            page = page.crop((max(box[0] - 12, 0), max(box[1] - 12, 0), box[2] + 12, box[3] + 12))
        page.save(IMAGES / f"import-{path.stem}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-pictures", action="store_true")
    args = parser.parse_args()
    IMAGES.mkdir(exist_ok=True)
    for name, (rows, sheet, merges, widths) in EXAMPLES.items():
        path = write(name, rows, sheet, merges, widths)
        if not args.no_pictures and shutil.which("soffice"):
            render(path)
        print(path)


if __name__ == "__main__":
    main()
