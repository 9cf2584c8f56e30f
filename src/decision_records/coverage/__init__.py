"""Decision coverage: the dependencies that code declares, joined with the records."""
