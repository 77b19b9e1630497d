"""Every kind of notification the platform sends, with who gets it and where its link leads. A kind sent anywhere
in the code must be listed here: `tests/notifications/test_links.py` finds every kind the code sends and checks
that each one's link — in-app and in the email — opens a page that exists and that its recipient may see."""

from __future__ import annotations

KINDS: dict[str, str] = {
    # marketplace
    "reservation_created": "the seller side: a buyer reserved their listing (→ the listing)",
    "reservation_confirmed": "the buyer: the seller confirmed (→ the listing)",
    "reservation_completed": "the buyer: the hand-over is done (→ the listing)",
    "reservation_cancelled": "the other side: a reservation was cancelled (→ the listing)",
    "reservation_expired": "both sides: a pending reservation ran out (→ the listing)",
    "messages": "a conversation's other side: unread messages (→ the conversation, or My page for several)",
    "offer_made": "the seller side: a buyer offered a price (→ the listing)",
    "offer_accepted": "the other side: the offer (or counter-offer) was accepted, a reservation made (→ the listing)",
    "offer_declined": "the other side: the offer was declined or withdrawn (→ the listing)",
    "offer_countered": "the buyer: the seller answered with a price of their own (→ the listing)",
    "favourite_price_drop": "who saved a listing: its price went down (→ the listing)",
    "favourite_reserved": "who saved a listing: someone reserved it (→ the listing)",
    "saved_search_match": "an instant saved search's owner: a new listing matches (→ the listing)",
    "donation_new_home": "the donor: the repaired item was sold, with its certificate when wiped (→ the listing)",
    # accounts: the moderators (→ the workshop in the admin)
    "workshop_applied": "every moderator: a workshop applied and waits to be verified",
    # donations: the organisation's members (→ the batch's page)
    "batch_accepted": "the organisation: a workshop accepted its batch",
    "batch_collected": "the organisation: the workshop collected the batch",
    # repairs: the donor / resident (→ the resident's page of the repair, /repairs/<id>/)
    "job_claimed": "the donor: a workshop claimed the job",
    "job_completed": "the donor of a donated item: the repair is finished",
    "job_published": "the donor: the repaired item is for sale (→ the new listing)",
    "job_quoted": "the resident: a quote waits for their answer",
    "job_bring": "the resident: the quote is accepted; where and when to bring the item",
    "job_quote_declined": "the resident: they declined the quote; the job is open again",
    "job_received": "the resident: the workshop has the item",
    "job_ready": "the resident: the item is repaired and ready for pick-up",
    "job_handed_back": "the resident: the item is handed back, with the amount paid",
    # repairs: the workshop's members (→ the workshop's page of the job)
    "quote_accepted": "the workshop: the resident accepted its quote",
    "quote_declined": "the workshop: the resident declined its quote",
}
