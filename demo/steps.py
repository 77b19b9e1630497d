"""The words the demo's stories are told in: what people post, and the steps they take afterwards.

Every step is one thing a person does on the site — claim a job, log hours, record a wipe, reserve, hand over —
and `demo.demo` carries it out through the service the site itself calls. `day` is how many days ago it happened
(at `hour` o'clock, Danish time); the steps of one story run in order. People are named by their email."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from listings.models import Condition
from repairs.models import NistLevel, Outcome, RepairMode, WipeTechnique

Colour = tuple[int, int, int]
BEIGE: Colour = (236, 226, 208)


# --- What is posted --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Item:
    """A resident's listing, for sale (`price` > 0) or given away (price 0). Drafted with its photo, then
    published the same day (`publish=False` leaves it a draft)."""

    seller: str
    title: str
    category: str
    description: str
    day: int
    hour: int = 9
    price: int = 0
    condition: str = Condition.GOOD
    drawing: str = ""
    background: Colour = BEIGE
    brand: str = ""
    model: str = ""
    pickup: str = ""
    publish: bool = True


@dataclass(frozen=True, kw_only=True)
class Donation:
    """An item a resident donates for repair: its `repair` listing and the repair job opened with it."""

    donor: str
    title: str
    category: str
    fault: str
    day: int
    hour: int = 9
    description: str = ""
    mode: str = RepairMode.DONATE
    condition: str = Condition.FOR_PARTS
    drawing: str = ""
    background: Colour = BEIGE
    brand: str = ""
    model: str = ""


# --- Steps -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    day: int
    hour: int = 10


# On the repair job (by a member of the workshop, named by email).
@dataclass(frozen=True, kw_only=True)
class Claim(Step):
    by: str


@dataclass(frozen=True, kw_only=True)
class Release(Step):
    by: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Quote(Step):
    """The claiming workshop's quote on a "repair and hand back" job."""

    by: str
    price: int
    days: int
    parts: int | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class AnswerQuote(Step):
    """The donor accepts (or declines) the quote."""

    accept: bool = True


@dataclass(frozen=True, kw_only=True)
class Start(Step):
    by: str


@dataclass(frozen=True, kw_only=True)
class Work(Step):
    by: str
    hours: Decimal
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Wipe(Step):
    """One storage device wiped (or destroyed), verified and successful, taking `minutes`."""

    by: str
    serial: str
    model: str
    size_gb: int
    level: str = NistLevel.PURGE
    technique: str = WipeTechnique.OVERWRITE_VERIFY
    tool: str = "nwipe 0.36 (one pass of zeros, verified)"
    minutes: int = 45


@dataclass(frozen=True, kw_only=True)
class NoStorage(Step):
    """Only for an item that really holds no data (a plain monitor, say)."""

    by: str


@dataclass(frozen=True, kw_only=True)
class Complete(Step):
    by: str
    outcome: str = Outcome.FIXED
    barrier: str = ""
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class Publish(Step):
    """The workshop lists the repaired item for sale: a draft, its own photo (`drawing`, needed: a workshop's item
    goes on sale only with a ready photo), then on sale; later trade steps are about it."""

    by: str
    title: str
    description: str
    price: int
    condition: str = Condition.GOOD
    drawing: str = ""
    background: Colour = BEIGE


@dataclass(frozen=True, kw_only=True)
class JobTalk(Step):
    """A message in the job's conversation: from the donor when `by` is empty, else from that workshop member."""

    body: str
    by: str = ""


@dataclass(frozen=True, kw_only=True)
class WithdrawDonation(Step):
    """The donor takes the item back before any workshop has claimed it: the job is cancelled."""


# On the listing (the resident's, or the workshop's once published). The seller side acts as `by`, or as the
# listing's seller when `by` is empty.
@dataclass(frozen=True, kw_only=True)
class Ask(Step):
    buyer: str
    body: str


@dataclass(frozen=True, kw_only=True)
class Reply(Step):
    body: str
    by: str = ""


@dataclass(frozen=True, kw_only=True)
class Reserve(Step):
    buyer: str


@dataclass(frozen=True, kw_only=True)
class Confirm(Step):
    by: str = ""


@dataclass(frozen=True, kw_only=True)
class HandOver(Step):
    """The seller side records the hand-over: the reservation is completed, the listing sold."""

    by: str = ""


@dataclass(frozen=True, kw_only=True)
class Cancel(Step):
    by: str


@dataclass(frozen=True, kw_only=True)
class Expire(Step):
    """The periodic task finds the pending reservation past its time (48 h after it was made)."""


@dataclass(frozen=True, kw_only=True)
class Withdraw(Step):
    pass


@dataclass(frozen=True, kw_only=True)
class Report(Step):
    by: str
    reason: str
    details: str = ""


@dataclass(frozen=True, kw_only=True)
class Hide(Step):
    """A moderator hides the listing (the admin's "hide" action)."""


@dataclass(frozen=True, kw_only=True)
class Story:
    """What was posted, and what happened to it afterwards."""

    posted: Item | Donation
    steps: list[Step] = field(default_factory=list)
