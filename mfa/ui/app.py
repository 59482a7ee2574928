"""The app's entry script (`mfa serve` runs this file; app.py at the top of a checkout runs `main` too): page
config, language, sign-in and navigation. The pages live beside it in mfa/ui."""

import streamlit as st

from mfa.ui import i18n, login, navigation


def main() -> None:
    """One run of the app for one browser session."""
    st.set_page_config(page_title="mfa · 湖南园区物质流", page_icon="♻️", layout="wide")
    i18n.language_switch()
    actor = login.signed_in()
    if actor is None:
        login.form()
        return
    page = st.navigation(navigation.all_pages(actor))
    login.sidebar(actor)
    navigation.database_caption()
    page.run()


if __name__ == "__main__":
    main()
