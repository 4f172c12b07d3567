"""Streamlit helpers shared by the pages: state, widgets, texts. Pages stay thin."""
