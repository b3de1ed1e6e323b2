"""Plumbing shared by every domain: database sessions, errors, pagination, logging, repositories."""
