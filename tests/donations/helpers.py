"""Organisations and batches for the donation tests."""

from __future__ import annotations

from typing import Any

from accounts import organisations as orgs
from accounts.models import Organisation, User
from donations import services
from donations.models import DonationBatch
from tests import factories

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def valid_cvr(seed: int = 1234567) -> str:
    """An 8-digit CVR whose modulus-11 check holds (the first seven digits from `seed`)."""
    while True:
        head = f"{seed:07d}"[-7:]
        rest = sum(int(d) * w for d, w in zip(head, WEIGHTS[:7], strict=True)) % 11
        check = (11 - rest) % 11
        if check < 10:
            return head + str(check)
        seed += 1


def organisation(*, verified: bool = True, member: User | None = None, **fields: Any) -> Organisation:
    owner = member or factories.UserFactory()
    values = {
        "name": "Nordjysk Revision ApS",
        "cvr": valid_cvr(),
        "address": "Boulevarden 1, 9000 Aalborg",
        "kind": "company",
        **fields,
    }
    org = orgs.organisation_create(owner=owner, **values)
    if verified:
        orgs.organisation_verify(organisation=org)
    return org


def laptops(n: int, *, start: int = 1, no_storage: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    return [
        {
            "serial_number": f"SN-{i:05d}",
            "model": "Lenovo ThinkPad T480",
            "category": "laptop",
            "has_storage": i not in no_storage,
        }
        for i in range(start, start + n)
    ]


def laptop_csv(n: int, *, no_storage: tuple[int, ...] = ()) -> str:
    lines = ["serial_number,model,category,has_storage"]
    for row in laptops(n, no_storage=no_storage):
        lines.append(f"{row['serial_number']},{row['model']},laptop,{'ja' if row['has_storage'] else 'nej'}")
    return "\n".join(lines) + "\n"


def batch(org: Organisation, n: int = 3, **kwargs: Any) -> DonationBatch:
    member = org.members.first()
    assert member is not None
    return services.batch_create(
        organisation=org, actor=member, kind="devices", title="Bærbare fra 2019", devices=laptops(n), **kwargs
    )
