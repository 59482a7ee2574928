"""History benchmark: `mfa import` of synthetic flows with history (this checkout) against the same command
without history (the last commit before history was added, taken with `git archive`), in the same run.

Two cases on a new SQLite file each time: a fresh import of all rows (the foundation's benchmark: goal, with
history at most 1.5x the time without), and importing the same rows again over them (every row updated, so
with history every replaced version is kept: reported, no goal).

    python bench/history.py [--flows 1000000] [--rounds 2] [--baseline REF]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORY_MIGRATION = "mfa/migrations/versions/0006_history.py"


def baseline_ref() -> str:
    """The commit just before the one that added history."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", HISTORY_MIGRATION],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    if not added:
        raise SystemExit("cannot find the commit that added history")
    return added[-1] + "^"


def checkout(ref: str, into: Path) -> Path:
    """The package as it was at `ref`, unpacked (no git worktree left behind)."""
    archive = subprocess.run(["git", "archive", ref, "mfa", "data"], cwd=ROOT, check=True, capture_output=True)
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def run_import(files: list[Path], db: Path, package: Path | None) -> float:
    """Seconds for the whole `mfa import` command; `package` puts another version of mfa first on the path."""
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mfa", "import", *map(str, files), "--db", f"sqlite:///{db}"],
        check=True, env=env, stdout=subprocess.DEVNULL, cwd=db.parent,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each; the best is reported")
    parser.add_argument("--baseline", help="git ref of mfa without history (default: the commit before it)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mfa-bench-history-"))
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", str(args.flows),
             "--out", str(work)],
            check=True,
        )  # fmt: skip
        registry = [work / "parks.csv", work / "facilities.csv"]
        flows = work / "flows.csv"
        without = checkout(args.baseline or baseline_ref(), work / "without")
        best: dict[tuple[str, str], float] = {}
        for n in range(args.rounds):
            for name, package in (("without history", without), ("with history", None)):
                db = work / f"{name.replace(' ', '-')}-{n}.db"
                fresh = run_import([*registry, flows], db, package)
                again = run_import([flows], db, package)
                for case, seconds in (("fresh import", fresh), ("import again (all updated)", again)):
                    best[(case, name)] = min(seconds, best.get((case, name), float("inf")))
                db.unlink()
        print(f"rows: {args.flows:,}; best of {args.rounds}; whole `mfa import` command")
        for case in ("fresh import", "import again (all updated)"):
            off, on = best[(case, "without history")], best[(case, "with history")]
            goal = " (goal <= 1.5x)" if case == "fresh import" else ""
            print(f"{case:<28} without history {off:6.2f} s   with history {on:6.2f} s   ratio {on / off:.2f}x{goal}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
