"""Ecosystem-maturity signals from PyPI, GitHub and npm."""
