"""factory_boy factories for the whole data model, the suite's test data. Categories come from the data migration
(the real tree). tests/conftest.py registers the main ones as fixtures (`user`, `listing`, `repair_job`,
`reservation` and their `*_factory`); tests may also call a factory directly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, User, Workshop, WorkshopMembership
from listings.models import Category, Listing, ListingStatus, Photo, PhotoStatus
from marketplace.models import Reservation, ReservationStatus
from repairs.models import JobStatus, RepairJob

PASSWORD = "correct-horse-battery-9220"


def category(slug: str = "furniture") -> Category:
    return Category.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.dk")
    display_name = factory.Faker("name", locale="da_DK")
    area = "Kildeparken"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Værksted {n}")
    slug = factory.Sequence(lambda n: f"vaerksted-{n}")
    cvr = factory.Sequence(lambda n: f"{10000000 + n}")
    address = "Tornhøjcentret, 9220 Aalborg Øst"
    verified = True
    verified_at = factory.LazyAttribute(lambda o: timezone.now() if o.verified else None)

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            slugs = extracted if extracted is not None else ["laptop", "desktop-computer", "mobile", "furniture"]
            obj.categories.set(Category.objects.filter(slug__in=slugs))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopMembership

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    seller = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Spisebordsstol {n}")
    description = "Solid stol i eg. Afhentes i 9220."
    category = factory.LazyFunction(lambda: category("furniture"))
    condition = "good"
    kind = "sale"
    price_dkk = Decimal("150.00")
    area = "Kildeparken"
    status = ListingStatus.ACTIVE
    published_at = factory.LazyFunction(timezone.now)


class RepairJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepairJob

    listing = factory.SubFactory(
        ListingFactory, kind="repair", price_dkk=Decimal(0), category=factory.LazyFunction(lambda: category("laptop"))
    )
    category = factory.LazyAttribute(lambda o: o.listing.category)
    mode = "donate"
    fault_description = "Starter ikke."
    status = JobStatus.OPEN


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    listing = factory.SubFactory(ListingFactory, status=ListingStatus.RESERVED)
    buyer = factory.SubFactory(UserFactory)
    status = ReservationStatus.PENDING
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48))


# --- Marketplace (issue 5) ---------------------------------------------------------------------------


class PhotoFactory(factory.django.DjangoModelFactory):
    """A processed photo: variants as the photo pipeline writes them (no files are needed to list them)."""

    class Meta:
        model = Photo

    listing = factory.SubFactory(ListingFactory)
    position = 0
    upload_token = factory.Sequence(lambda n: f"token-{n}")
    original = factory.LazyAttribute(lambda o: f"originals/{o.listing.pk}/{o.upload_token}")
    status = PhotoStatus.READY
    width = 4000
    height = 3000
    blurhash = "LEHV6nWB2yk8pyo0adR*.7kCMdnj"
    variants = factory.LazyAttribute(
        lambda o: {
            name: {
                "name": f"photos/{o.listing.pk}/{o.upload_token}/{name}.{'jpg' if name.endswith('jpeg') else 'webp'}",
                "width": width,
                "height": width * 3 // 4,
                "content_type": "image/jpeg" if name.endswith("jpeg") else "image/webp",
            }
            for name, width in (("w320", 320), ("w1024", 1024), ("w2048", 2048), ("w2048_jpeg", 2048))
        }
    )
