"""The bottom layer: the data model, definitions, statistics and text rules every layer reads; no database, no Streamlit."""
