"""Fixtures of the pure Sankey tests: the steel loop as a flow frame and its facilities."""

from __future__ import annotations

import polars as pl
import pytest

from tests.domain.sankey_world import ROWS, facility_frame, make_flows


@pytest.fixture
def flows() -> pl.DataFrame:
    return make_flows(ROWS)


@pytest.fixture
def facilities() -> pl.DataFrame:
    return facility_frame()
