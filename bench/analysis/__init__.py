"""The offline analysis: everything that reads saved runs (the case table, report, plots, summary, compare).

It reads JSON only: it never starts a worker, the server or pytest, so a run from any machine can be
analysed anywhere. pandas and matplotlib live here and nowhere else.
"""
