"""Buyers and their targets: who receives calls, where, when, and how many."""
