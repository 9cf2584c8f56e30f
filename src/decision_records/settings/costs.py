"""The `costs:` settings in decisions/config.yaml: the organisation's rates, which turn an
option's figures into its cost of ownership (costs.py holds the arithmetic).

Without this section nothing is priced: an engineer-week has no price that fits every
organisation and currency, so none is made up. The record pages then show the figures as
written, and the rules about costs stay quiet.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..costs import DEFAULT_HORIZON
from ..model import MAX_MONEY, NotBool, Strict

MAX_HORIZON = 20

Rate = Annotated[float, Field(ge=0, le=MAX_MONEY), NotBool]


class CostsConfig(Strict):
    """The rates that price engineering time, and the period options are compared over."""

    person_week: Rate = Field(
        description="The loaded cost of one engineer-week (salary, taxes, equipment, office), "
        f"in `currency`; at most {MAX_MONEY:,}.",
    )
    run_hour: Rate = Field(
        description="The cost of one hour of operating work (upgrades, incidents, on-call), "
        f"in `currency`; at most {MAX_MONEY:,}.",
    )
    horizon_years: Annotated[int, Field(ge=1, le=MAX_HORIZON, strict=True), NotBool] = Field(
        DEFAULT_HORIZON,
        description=f"The period costs are compared over, in years: 1 to {MAX_HORIZON}.",
    )
    build_upkeep: Annotated[float, Field(ge=0, le=1), NotBool] = Field(
        0.2, description="The share of the build effort spent again each year after the "
        "first (fixes, upgrades, changes), from 0 to 1.",
    )
