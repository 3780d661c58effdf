"""Streamlit pages. They render what ``licenseqa`` returns; no retrieval logic lives here."""
