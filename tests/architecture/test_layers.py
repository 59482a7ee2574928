"""The layers hold: import-linter's contracts in pyproject.toml (delivery -> services -> intake, storage, export ->
domain; a pure domain; no cycles) pass, and a domain module that imported storage or Streamlit would break them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the package under `root` (its pyproject.toml holds the contracts)."""
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300, check=False, env=env)


def test_the_contracts_are_kept() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.slow  # a copy of the package is linted for each case
@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("mfa/domain/indicators.py", "import mfa.storage.reads  # noqa", "The domain is pure"),
        ("mfa/domain/targets.py", "import streamlit  # noqa", "The domain is pure"),
        ("mfa/ui/overview.py", "import mfa.storage.meta  # noqa", "delivery never imports storage"),
        ("mfa/storage/reads.py", "import mfa.services.tables  # noqa", "Layers"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    shutil.copytree(ROOT / "mfa", copy / "mfa", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    run = lint_imports(copy, env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})  # the copy's mfa, not ours
    assert run.returncode != 0
    assert broken in run.stdout
