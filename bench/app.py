"""App benchmark: the Overview and Flows pages on a 1 M-flow synthetic province, driven by Streamlit's AppTest.

Makes the set (`data/generate.py synthetic`), loads it (`mfa import`), points the app at it (MFA_DATABASE_URL, and
MFA_CACHE_DIR at a temp folder, so the run starts without flow snapshots) and times, in one process:
- first render of each page: the first user after the server started (empty caches; Overview also builds the
  per-year Parquet snapshots from the database), then a server restarted on existing snapshots, then a second user;
- filter changes: the year and the scope on the Overview, opening its gap attribution; the city, material, month
  and level on Flows, and opening its table, mass balance, loops and fate views;
- the province's Sankey diagram by facility kind drawn anew once the snapshot is read (issue 13: under 1 s);
- the Overview and Flows pages right after a flow is entered (a write invalidates the snapshots).
Goals: a first render under 3 s, a filter change under 1 s.

    python bench/app.py [--flows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_RENDER_GOAL = 3.0
FILTER_CHANGE_GOAL = 1.0
BENCH_USER = ("bench-admin", "a long bench password")


def make_set(folder: Path, flows: int) -> Path:
    """Generate and import the synthetic set (unless `folder` already holds its database); the database file."""
    db = folder / "mfa.db"
    if db.is_file():
        print(f"reusing {db}")
        return db
    start = time.perf_counter()
    python = sys.executable
    generate = [python, str(ROOT / "data" / "generate.py"), "synthetic", "--flows", str(flows), "--out", str(folder)]
    subprocess.run(generate, check=True, stdout=subprocess.DEVNULL)
    files = [str(folder / f"{name}.csv") for name in ("parks", "facilities", "flows")]
    subprocess.run([python, "-m", "mfa", "import", *files, "--db", f"sqlite:///{db}"], check=True, cwd=ROOT)
    print(f"generated and imported {flows:,} flows in {time.perf_counter() - start:.1f} s")
    return db


class Timer:
    """Runs AppTest steps, checks each ran without an exception, and keeps (step, seconds, goal)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def time(self, step: str, goal: float, action: Callable[[], object]) -> None:
        """Time one step (an AppTest run)."""
        start = time.perf_counter()
        at = action()
        seconds = time.perf_counter() - start
        exceptions = getattr(at, "exception", None)
        if exceptions:
            raise RuntimeError(f"{step}: {exceptions[0].value}")
        self.rows.append((step, seconds, goal))
        print(f"  {step:<58} {seconds:6.2f} s  (goal < {goal:g} s) {'ok' if seconds < goal else 'SLOW'}")

    def ok(self) -> bool:
        """True when every step met its goal."""
        return all(seconds < goal for _, seconds, goal in self.rows)


def run(db: Path, cache: Path) -> Timer:
    """Time the pages on the database."""
    os.environ["MFA_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["MFA_CACHE_DIR"] = str(cache)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from mfa.services import users
    from mfa.services.database import open_database
    from mfa.ui.login import TOKEN_KEY
    from mfa.ui.navigation import page_path

    app = str(ROOT / "app.py")
    timer = Timer()
    engine = open_database(f"sqlite:///{db}")
    if not any(u["name"] == BENCH_USER[0] for u in users.list_users(engine)):
        users.add_user(engine, *BENCH_USER, "admin")

    def session() -> AppTest:
        """A new browser session of a signed-in admin (as the cookie would sign it in)."""
        at = AppTest.from_file(app, default_timeout=600)
        at.session_state["language"] = "en"
        started = users.sign_in(engine, *BENCH_USER)
        assert started is not None
        at.session_state[TOKEN_KEY] = started[0]
        return at

    def page(at: AppTest, name: str) -> Callable[[], AppTest]:
        return lambda: at.switch_page(page_path(name)).run()

    def change(at: AppTest, kind: str, key: str, value: object) -> Callable[[], AppTest]:
        return lambda: getattr(at, kind)(key=key).set_value(value).run()

    print("first user after a server start (no snapshot, empty caches):")
    at = session()
    timer.time("overview: first render, building the snapshot", FIRST_RENDER_GOAL, at.run)
    years = at.selectbox(key="overview_year").options
    timer.time("overview: change the year", FILTER_CHANGE_GOAL, change(at, "selectbox", "overview_year", years[1]))
    timer.time(
        "overview: change the scope to a city",
        FILTER_CHANGE_GOAL,
        change(at, "selectbox", "overview_scope", "city:Changsha"),
    )
    at.session_state["overview_section"] = "Where the gap is"
    timer.time("overview: open the gap attribution", FILTER_CHANGE_GOAL, at.run)
    timer.time("flows: first render", FIRST_RENDER_GOAL, page(at, "flows"))
    timer.time("flows: change the city", FILTER_CHANGE_GOAL, change(at, "selectbox", "flows_city", "Changsha"))
    timer.time("flows: change the material", FILTER_CHANGE_GOAL, change(at, "selectbox", "flows_material", "renewable"))
    timer.time("flows: change the month", FILTER_CHANGE_GOAL, change(at, "selectbox", "flows_month", 3))
    timer.time(
        "flows: change the level to parks", FILTER_CHANGE_GOAL, change(at, "segmented_control", "flows_level", "park")
    )
    timer.time("flows: change the year", FILTER_CHANGE_GOAL, change(at, "selectbox", "flows_year", int(years[2])))
    timer.time("flows: back to the whole province", FILTER_CHANGE_GOAL, change(at, "selectbox", "flows_city", ""))
    timer.time("flows: back to all materials", FILTER_CHANGE_GOAL, change(at, "selectbox", "flows_material", ""))
    timer.time("flows: back to the whole year", FILTER_CHANGE_GOAL, change(at, "selectbox", "flows_month", 0))
    timer.time(
        "flows: the province's Sankey by facility kind again",
        FILTER_CHANGE_GOAL,
        change(at, "segmented_control", "flows_level", "kind"),
    )
    for view in ("table", "balance", "loops", "trace"):
        step = f"flows: open the {view} view"
        timer.time(step, FILTER_CHANGE_GOAL, change(at, "segmented_control", "flows_view", view))

    print("server restarted on the snapshot (empty caches):")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = session()
    timer.time("overview: first render", FIRST_RENDER_GOAL, at.run)
    at = session()
    at.run()
    timer.time("flows: first render (other session, same server)", FIRST_RENDER_GOAL, page(at, "flows"))
    st.cache_data.clear()  # the data stays loaded (a resource): what a new diagram of the province costs
    timer.time("flows: the province's Sankey by facility kind, snapshot read", FILTER_CHANGE_GOAL, at.run)

    print("a second user on the running server:")
    at = session()
    timer.time("overview: first render", FIRST_RENDER_GOAL, at.run)

    print("after a flow is entered (the data version changes; snapshots are rebuilt):")
    from mfa.services.editing import import_records
    from mfa.ui import state

    source, target = state.reference(state.url(), state.version())["facilities"]["code"].head(2).to_list()
    record = {
        "period": f"{years[0]}-01",
        "source": source,
        "target": target,
        "material": "scrap_steel",
        "quantity": "1",
    }
    report = import_records(state.engine(), "flows", [record], label="bench")
    if not report.committed:
        raise RuntimeError(f"the bench flow was refused: {report.errors.rows()}")
    timer.time("overview: render after the write", FIRST_RENDER_GOAL, at.run)
    timer.time("flows: render after the write", FIRST_RENDER_GOAL, page(at, "flows"))
    return timer


def main() -> None:
    """Parse arguments, make the set, time the pages, print the goals."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="folder for the set (kept, and reused when it holds mfa.db)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mfa-bench-app-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = make_set(folder, args.flows)
        timer = run(db, Path(tmp) / "cache")
    print(f"goals: first render < {FIRST_RENDER_GOAL:g} s, filter change < {FILTER_CHANGE_GOAL:g} s: ", end="")
    print("all met" if timer.ok() else "NOT all met")


if __name__ == "__main__":
    main()
