"""The `mfa` command as a user runs it: real processes, real files, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.factories import flow, flows_file, mfa, world

pytestmark = pytest.mark.slow  # every test runs the mfa command in new processes


def test_init_creates_then_reports_up_to_date(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert "created" in mfa("init", "--db", db).stdout
    assert "already up to date" in mfa("init", "--db", db).stdout


def test_import_exit_status_json_report_and_rejected_file(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    files = [*world(tmp_path), flows_file(tmp_path, [flow(), flow("2024-02", quantity="-3")])]
    run = mfa("import", *map(str, files), "--db", db, "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["committed"] is False
    assert report["rejected_rows"] == {"flows.csv": [3]} and report["rejected"]["flows"] == 1
    assert report["errors"] == [
        {"file": "flows.csv", "row": 3, "column": "quantity", "value": "-3", "reason": "negative quantity"}
    ]
    assert Path(report["errors_file"]).is_file()
    run = mfa("import", *map(str, files), "--db", db, "--accept-valid", "--rejected", str(tmp_path / "fix.csv"))
    assert run.returncode == 1
    assert "rejected rows:" in run.stdout and "imported" in run.stdout
    assert pl.read_csv(tmp_path / "fix.csv", infer_schema=False)["row"].to_list() == ["3"]
    ok = mfa("import", *map(str, files[:2]), "--db", db)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    files = [*world(tmp_path), flows_file(tmp_path, [flow()])]
    assert mfa("import", *map(str, files), "--db", db, "--dry-run").returncode == 0
    out = tmp_path / "out.csv"
    assert mfa("export", "--db", db, "--out", str(out)).returncode == 0
    assert pl.read_csv(out).height == 0


def test_export_filters_and_formats(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    files = [*world(tmp_path), flows_file(tmp_path, [flow(), flow("2023", material="fly_ash")])]
    assert mfa("import", *map(str, files), "--db", db).returncode == 0
    for suffix in (".csv", ".xlsx", ".parquet"):
        out = tmp_path / f"out{suffix}"
        run = mfa("export", "--db", db, "--out", str(out), "--year", "2024", "--material", "renewable")
        assert run.returncode == 0, run.stderr
        assert "exported 1 flows" in run.stdout
    assert pl.read_parquet(tmp_path / "out.parquet")["material"].to_list() == ["scrap_steel"]


def test_errors_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    cases = [
        ("import", str(tmp_path / "missing.csv"), "--db", str(tmp_path / "a.db")),
        ("export", "--db", str(tmp_path / "a.db"), "--out", str(tmp_path / "out.docx")),
        ("export", "--db", str(tmp_path / "a.db"), "--out", str(tmp_path / "o.csv"), "--material", "nope"),
        ("init", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"),
    ]
    for args in cases:
        run = mfa(*args)
        assert run.returncode != 0
        assert "Traceback" not in run.stderr
        assert run.stderr.strip().startswith("error:"), run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_every_command_has_help() -> None:
    for command in ("init", "demo", "import", "export", "serve"):
        run = mfa(command, "--help")
        assert run.returncode == 0 and "--db" in run.stdout


def test_database_from_environment(tmp_path: Path) -> None:
    import os

    env = dict(os.environ, MFA_DATABASE_URL=f"sqlite:///{tmp_path / 'env.db'}")
    run = subprocess.run([sys.executable, "-m", "mfa", "init"], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0 and (tmp_path / "env.db").is_file()


def test_user_commands_and_acting_as_a_user(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert mfa("import", *map(str, world(tmp_path)), "--db", db).returncode == 0

    def user(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mfa", "user", *args, "--db", db],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert (
        user(
            "add", "max", "--role", "park_manager", "--park", "MILUO", "--password-stdin", stdin="s3cret-pass\n"
        ).returncode
        == 0
    )
    assert user("add", "ada", "--role", "analyst", "--password-stdin", stdin="another-pass\n").returncode == 0
    dup = user("add", "ada", "--role", "analyst", "--password-stdin", stdin="another-pass\n")
    assert dup.returncode == 1 and dup.stderr.startswith("error: user 'ada' exists already")
    listed = user("list").stdout
    assert "max" in listed and "MILUO" in listed and "s3cret" not in listed
    assert user("passwd", "max", "--password-stdin", stdin="changed-pass\n").returncode == 0
    assert user("disable", "ada").returncode == 0
    flows = flows_file(tmp_path, [flow("2024-01", "REC-1", "OUT", "recycled_steel")])
    refused = mfa("import", str(flows), "--db", db, "--user", "max", "--json")
    assert refused.returncode == 1
    assert "max may write flows from or to their own parks only" in refused.stdout
    assert mfa("import", str(flows), "--db", db, "--user", "ada").stderr.startswith("error: user 'ada' is disabled")
    assert mfa("import", str(flows), "--db", db).returncode == 0  # the local operator is an admin


def test_history_restore_version_and_delete_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    key = ["--period", "2024-01", "--source", "SRC-1", "--target", "COL-1", "--material", "scrap_steel"]
    assert mfa("import", *map(str, world(tmp_path)), str(flows_file(tmp_path, [flow()])), "--db", db).returncode == 0
    for quantity in ("110", "120", "130"):  # edited three times
        edit = flows_file(tmp_path, [flow(quantity=quantity)], name=f"edit{quantity}.csv")
        assert mfa("import", str(edit), "--db", db).returncode == 0
    versions = json.loads(mfa("history", *key, "--json", "--db", db).stdout)
    assert [v["version"] for v in versions] == [1, 2, 3, 4]
    assert [v["value"] for v in versions] == [100.0, 110.0, 120.0, 130.0]
    assert versions[3]["via"] == "cli import edit130.csv" and versions[3]["changes"] == (
        "quantity_t: 120.0 → 130.0; value: 120.0 → 130.0"
    )
    assert "restored version 2" in mfa("restore-version", "2", *key, "--db", db).stdout
    assert "kept in the history" in mfa("delete", *key, "--db", db).stdout
    versions = json.loads(mfa("history", *key, "--json", "--db", db).stdout)
    assert [(v["version"], v["status"], v["value"]) for v in versions[-2:]] == [
        (5, "restored", 110.0),
        (None, "deleted", None),
    ]
    latest = json.loads(mfa("history", "--limit", "2", "--json", "--db", db).stdout)
    assert latest[0]["summary"].startswith("1 flows deleted") and latest[1]["via"] == "cli restore flow version 2"
    used = mfa("delete", "--facility", "COL-1", "--user", "nobody", "--db", db)
    assert used.returncode == 1 and used.stderr.strip() == "error: unknown user 'nobody'"
    half = mfa("history", "--period", "2024-01", "--db", db)
    assert half.returncode == 1 and "--source --target --material missing" in half.stderr
