"""Every signal source, in the order references are listed in messages and the schema.

A new registry or service is a module beside this one, implementing `SignalSource`, and
its line here; the record model, the settings, coverage, the pages and `decisions enrich`
all read this list.
"""

from __future__ import annotations

from . import depsdev, endoflife, github, npm, pypi
from .base import SignalSource

SOURCES: tuple[SignalSource, ...] = (pypi.SOURCE, npm.SOURCE, github.SOURCE, *depsdev.SOURCES,
                                     endoflife.SOURCE)
