"""`mfa export --to-read`: the flows workbook for people, from the command line."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.factories import flow, flows_file, mfa, world


def test_export_to_read_writes_names_beside_codes_in_chinese(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    flows = flows_file(tmp_path, [flow(quantity="12.3456")])
    assert mfa("import", *map(str, world(tmp_path)), str(flows), "--db", db).returncode == 0
    out = tmp_path / "read.xlsx"
    done = mfa("export", "--out", out, "--to-read", "--language", "zh", "--db", db)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["流量", "设施", "园区", "物料"]
    rows = list(book["流量"].iter_rows(values_only=True))
    assert rows[0][:3] == ("期间", "来源代码", "来源") and rows[1][1:3] == ("SRC-1", "钢厂") and rows[1][7] == 12.3
    refused = mfa("export", "--out", tmp_path / "read.csv", "--to-read", "--db", db)
    assert refused.returncode == 1 and "--to-read writes an .xlsx file" in refused.stderr
