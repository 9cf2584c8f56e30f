"""Maturity signals: fetched from the sources in sources/, kept in a snapshot, judged."""
