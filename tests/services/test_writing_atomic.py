"""An import is one transaction: a process killed in the middle leaves the database as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_killing_an_import_writes_nothing_and_a_rerun_completes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", "300000", "--out", str(tmp_path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    db = tmp_path / "a.db"
    files = [str(tmp_path / f) for f in ("parks.csv", "facilities.csv", "flows.csv")]
    command = [sys.executable, "-m", "mfa", "import", *files, "--db", str(db)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill once the write has begun (the WAL file grows)
        wal = Path(str(db) + "-wal")
        if wal.exists() and wal.stat().st_size > 4_000_000:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM flow").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM facility").fetchone()[0] == 0
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert subprocess.run(command, capture_output=True).returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM flow").fetchone()[0] == 300_000
