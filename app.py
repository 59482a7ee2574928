"""Streamlit entry: page config, language, login, navigation. The pages live in mfa/ui."""

import streamlit as st

from mfa.ui import i18n, login, navigation

st.set_page_config(page_title="mfa · 湖南园区物质流", page_icon="♻️", layout="wide")
i18n.language_switch()
actor = login.signed_in()
if actor is None:
    login.form()
else:
    page = st.navigation(navigation.all_pages(actor))
    login.sidebar(actor)
    navigation.database_caption()
    page.run()
