"""Benchmarks: open-loop load from a second process on loopback, p50/p99 and ratios to a baseline."""
