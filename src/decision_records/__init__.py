"""Build-vs-buy and boring-technology decision records."""

__version__ = "0.1.0"
