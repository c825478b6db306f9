"""Streamlit pages of the app; each module renders one tab."""
