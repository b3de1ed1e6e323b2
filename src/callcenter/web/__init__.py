"""Serves the built single-page web console (``web/dist`` copied into the package at build time)."""
