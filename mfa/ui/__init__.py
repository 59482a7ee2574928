"""The Streamlit app: the only place streamlit is imported; every page is thin over mfa.services."""
