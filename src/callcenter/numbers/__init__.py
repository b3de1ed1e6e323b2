"""Tracking phone numbers and the pools that lease them to website visitors."""
