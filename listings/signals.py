"""Signals the listings app sends to the apps above it, which it may not import (README, "Layout").

Each is sent inside the transaction that makes the change, so a receiver's writes commit or roll back with it,
and a receiver that raises a domain error refuses the change: the transaction rolls back and the error reaches
the caller (the API answers it as problem+json, the pages show its message)."""

from __future__ import annotations

from django.dispatch import Signal

# The seller side withdrew a listing (status → withdrawn). Arguments: `listing` (the withdrawn row) and `actor`.
# Repairs cancels the open job of a donation for repair, and refuses while a workshop holds it.
listing_withdrawn = Signal()

# The seller side changed a listing's price (`services.listing_update`). Arguments: `listing` (the saved row) and
# `old_price`. Trade tells who saved the listing when the price dropped.
listing_price_changed = Signal()
# A listing became public (draft → active). Argument: `listing`. Trade queues the instant saved-search alerts (a task
# after commit: the receiver writes nothing here).
listing_published = Signal()
