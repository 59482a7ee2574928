"""Streamlit entry: page config, the database engine, navigation. Pages live in mfa/ui."""

import streamlit as st

from mfa.ui import pages

st.set_page_config(page_title="mfa · Hunan material flows", page_icon="♻️", layout="wide")
navigation = st.navigation(pages.all_pages())
navigation.run()
