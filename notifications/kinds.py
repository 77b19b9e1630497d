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
