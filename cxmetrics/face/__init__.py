"""What a person reads: charts, tables and the report's HTML and PDF, made from the engine's figures; no database, no Streamlit."""
