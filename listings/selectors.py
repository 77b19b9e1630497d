"""Reads for categories and listings."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Category


def category_tree() -> list[Category]:
    """Every category, depth-first: each root followed by its children in position order."""
    nodes = list(Category.objects.select_related("parent").order_by("position", "slug"))
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Category] = []

    def walk(parent_id: int | None) -> None:
        for node in children.get(parent_id, []):
            ordered.append(node)
            walk(node.pk)

    walk(None)
    return ordered


def category_leaves() -> QuerySet[Category]:
    return Category.objects.exclude(lca_key="")
