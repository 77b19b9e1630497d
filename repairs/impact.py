"""Impact figures from lca_categories.csv (PRODUCT.md "Impact"). (The repairs issue grows this module.)"""

from __future__ import annotations

from decimal import Decimal

from listings.models import Category

DISPLACEMENT = Decimal("0.5")
EMISSION_RATIO_POWERED = Decimal("32.06679233")
EMISSION_RATIO_UNPOWERED = Decimal("17.70147059")
REUSE_CO2E_PER_KG = Decimal("0.51")


def repair_savings(*, category: Category, weight_estimate_kg: Decimal | None) -> tuple[Decimal, Decimal]:
    """(kg of waste prevented, kg CO2e avoided) for one job completed `fixed`."""
    if category.weight_kg > 0:
        return category.weight_kg, category.footprint_kg_co2e * DISPLACEMENT
    weight = weight_estimate_kg or Decimal(0)
    ratio = EMISSION_RATIO_POWERED if category.powered else EMISSION_RATIO_UNPOWERED
    return weight, weight * ratio * DISPLACEMENT


def reuse_savings(*, category: Category, weight_estimate_kg: Decimal | None) -> tuple[Decimal, Decimal]:
    """(kg reused, kg CO2e avoided) for an item sold or given away as it is."""
    weight = category.weight_kg if category.weight_kg > 0 else (weight_estimate_kg or Decimal(0))
    return weight, weight * REUSE_CO2E_PER_KG
