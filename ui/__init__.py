"""Layout pieces shared by the pages: the filter sidebar, headline tiles, downloads and drill-through.

Like the pages, this package only lays out: it reads widgets, calls `cxmetrics`, and draws.
"""
