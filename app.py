"""Streamlit entry: page config, language, navigation. The pages live in mfa/ui."""

import streamlit as st

from mfa.ui import i18n, navigation

st.set_page_config(page_title="mfa · 湖南园区物质流", page_icon="♻️", layout="wide")
i18n.language_switch()
page = st.navigation(navigation.all_pages())
navigation.database_caption()
page.run()
