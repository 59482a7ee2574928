"""A normal (non-editable) install works from any directory: the reference data and the bundled sample travel
inside the package, so `mfa init`, `mfa demo` and `mfa indicators` run without the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def test_a_wheel_installed_elsewhere_inits_loads_the_sample_and_answers(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MFA_", "PYTHON"))}
    wheels, venv, elsewhere = tmp_path / "wheels", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        tmp_path, env)  # fmt: skip
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    # mfa's dependencies from this test's environment (its site-packages as a plain path: the editable install of
    # the checkout is a .pth hook there, which a plain path does not run), mfa itself from the wheel only
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    python = venv / "bin" / "python"
    wheel = next(wheels.glob("mfa-*.whl"))
    run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], tmp_path, env)

    where = run([str(python), "-c", "import mfa, mfa.reference as r; print(mfa.__file__); print(r.sample_dir())"],
                elsewhere, env).stdout.split()  # fmt: skip
    assert all(Path(p).is_relative_to(venv) for p in where), where  # the installed package, its own sample

    env |= {"MFA_HOME": str(tmp_path / "home"), "MFA_CACHE_DIR": str(tmp_path / "cache")}
    mfa = [str(python), "-m", "mfa"]
    assert "created" in run([*mfa, "init"], elsewhere, env).stdout
    assert "loaded the sample" in run([*mfa, "demo"], elsewhere, env).stdout
    answer = json.loads(run([*mfa, "indicators", "--year", "2024", "--json"], elsewhere, env).stdout)
    assert answer["indicators"]["renewable_recycled_t"] > 20e6  # the sample's province: 26.5 Mt in 2024
    assert any(t["indicator"] == "bulk_waste_utilization_rate" for t in answer["targets"])  # the bundled targets
