"""One module per registry or service that `decisions enrich` reads, and their list."""
