"""The Streamlit app's pages and their helpers (labels, data source, network drawing)."""
