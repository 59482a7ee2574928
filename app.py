"""Streamlit entry of a checkout (`streamlit run app.py`; the tests load it): runs mfa.ui.app, the entry script
that `mfa serve` runs in an installed package."""

from mfa.ui.app import main

main()
