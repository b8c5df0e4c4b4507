"""The figures the pages, the command line and the report show, computed from the store (from the rollups when fresh)."""
