"""Accounts and the users who work in them."""
