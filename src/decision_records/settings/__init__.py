"""The settings models of decisions/config.yaml, one module per section."""
