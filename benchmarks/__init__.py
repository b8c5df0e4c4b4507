"""The performance benchmark: a data generator (generate.py) and the timing run (run.py); see README.md."""
