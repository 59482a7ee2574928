"""The language switch: widgets follow it at once, without a reload."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest


def test_select_boxes_are_sent_their_value_in_the_new_language(app: Callable[..., AppTest]) -> None:
    at = app("flows", language="zh")
    at.selectbox(key="flows_month").set_value(3).run()
    assert at.selectbox(key="flows_month").proto.raw_value in ("", "3月")
    at.session_state["language"] = "en"
    at.run()
    month = at.selectbox(key="flows_month")
    assert "Month 3" in month.options
    assert month.proto.set_value and month.proto.raw_value == "Month 3"
    assert month.value == 3
    at.run()  # the value keeps while the language stays
    assert at.selectbox(key="flows_month").value == 3
