"""The Streamlit pages: the only place streamlit is imported; thin over mfa's functions."""
