"""`make bench`: throughput, latency and queries of the main pages (see run.py)."""
