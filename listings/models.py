"""Categories, listings and their photos."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A node of the category tree. Leaves carry the life-cycle figures of one `lca_categories.csv` row."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_da = models.CharField(_("Danish name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    lca_key = models.CharField(_("LCA key"), max_length=60, blank=True)
    ords_category_id = models.PositiveSmallIntegerField(_("ORDS category id"), null=True, blank=True)
    powered = models.BooleanField(_("powered"), default=False)
    weight_kg = models.DecimalField(_("reference weight (kg)"), max_digits=8, decimal_places=3, default=Decimal(0))
    footprint_kg_co2e = models.DecimalField(
        _("reference footprint (kg CO2e)"), max_digits=10, decimal_places=3, default=Decimal(0)
    )
    needs_data_wipe = models.BooleanField(
        _("holds personal data"), default=False, help_text=_("IT equipment whose storage must be wiped.")
    )
    # The weights an item of this category can plausibly have (data/lca_categories.csv, sources in
    # data/SOURCES.md): a listing's weight estimate must lie between them, and impact counts no other.
    weight_min_kg = models.DecimalField(
        _("lightest plausible weight (kg)"), max_digits=8, decimal_places=3, default=Decimal(0)
    )
    weight_max_kg = models.DecimalField(
        _("heaviest plausible weight (kg)"), max_digits=8, decimal_places=3, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight_kg__gte=0), name="category_weight_nonnegative"),
            models.CheckConstraint(condition=models.Q(footprint_kg_co2e__gte=0), name="category_footprint_nonnegative"),
            models.CheckConstraint(
                condition=models.Q(weight_min_kg__gte=0, weight_max_kg__gte=models.F("weight_min_kg")),
                name="category_weight_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_da

    @property
    def is_leaf(self) -> bool:
        return bool(self.lca_key)

    def weight_in_bounds(self, weight_kg: Decimal | None) -> bool:
        """The one rule for "is this a plausible weight estimate for an item of this category?" (no estimate is
        fine). Listings are validated with it (`Listing.clean`); impact counts only estimates it accepts
        (`impact.selectors`, which says the same in SQL with `weight_estimate_counted`)."""
        return weight_kg is None or self.weight_min_kg <= weight_kg <= self.weight_max_kg

    @staticmethod
    def weight_in_bounds_q(*, weight: str, category: str) -> models.Q:
        """`weight_in_bounds` in SQL, for a present estimate: `weight` and `category` are field paths from the
        queried model (e.g. "listing__weight_kg" and "category" for repair jobs)."""
        return models.Q(
            **{
                f"{weight}__gte": models.F(f"{category}__weight_min_kg"),
                f"{weight}__lte": models.F(f"{category}__weight_max_kg"),
            }
        )


class Condition(models.TextChoices):
    NEW = "new", _("New")
    LIKE_NEW = "like_new", _("Like new")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    FOR_PARTS = "for_parts", _("For parts")


class Kind(models.TextChoices):
    SALE = "sale", _("For sale")
    FREE = "free", _("Free")
    REPAIR = "repair", _("Donated for repair")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RESERVED = "reserved", _("Reserved")
    SOLD = "sold", _("Sold")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    HIDDEN = "hidden", _("Hidden by a moderator")


# Everybody may see a listing in one of these statuses (`Listing.is_public`, `listings.selectors.public_listings`);
# `hidden` is none of them, so a moderator's hide takes the listing off every public face.
PUBLIC_LISTING_STATUSES = (ListingStatus.ACTIVE, ListingStatus.RESERVED, ListingStatus.SOLD)


class Listing(models.Model):
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="listings", verbose_name=_("seller")
    )
    workshop = models.ForeignKey(
        "accounts.Workshop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("sold by workshop"),
    )
    source_job = models.OneToOneField(
        "repairs.RepairJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="product_listing",
        verbose_name=_("made from repair job"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="listings", verbose_name=_("category")
    )
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    price_dkk = models.DecimalField(
        _("price (DKK)"), max_digits=10, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    area = models.CharField(_("area"), max_length=80, blank=True)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    model = models.CharField(_("model"), max_length=80, blank=True)
    weight_kg = models.DecimalField(
        _("weight estimate (kg)"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT, db_index=True
    )
    pickup_details = models.TextField(
        _("pickup details"), blank=True, help_text=_("Shown to the buyer only once a reservation is confirmed.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # When the hand-over was completed: reuse impact counts in this month, whatever is edited afterwards.
    sold_at = models.DateTimeField(_("sold"), null=True, blank=True)
    # A moderator's hide, recorded apart from the trade: while `status` is `hidden`, `restore_status` holds the
    # trade status under the hide (kept up to date by `listings.services.listing_trade_move`), which a restore
    # brings back. Blank when the listing is not hidden.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    restore_status = models.CharField(
        _("status when restored"), max_length=10, choices=ListingStatus.choices, blank=True
    )

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="listing_status_newest"),
            models.Index(fields=["category", "status", "-created_at"], name="listing_category_status"),
            models.Index(fields=["status", "price_dkk"], name="listing_status_price"),
            # Every item handed over, with what the impact figures sum of it (impact.selectors: the page's costliest
            # read): on PostgreSQL an index-only scan of these rows instead of a visit to each one's page of the
            # table (INCLUDE is PostgreSQL's; elsewhere this is a plain partial index on the category).
            models.Index(
                fields=["category"],
                include=["id", "kind", "source_job", "weight_kg", "sold_at", "updated_at"],
                condition=models.Q(status="sold"),
                name="listing_handed_over",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price_dkk__gte=0), name="listing_price_nonnegative"),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ListingStatus]), name="listing_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=[k.value for k in Kind]), name="listing_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(condition__in=[c.value for c in Condition]), name="listing_condition_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["free", "repair"]) | models.Q(price_dkk=0),
                name="listing_free_has_no_price",
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=True) | models.Q(weight_kg__gte=0),
                name="listing_weight_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(restore_status="") | models.Q(status="hidden"),
                name="listing_restore_status_only_when_hidden",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/listings/{self.pk}/"

    def clean(self) -> None:
        category = self.category if self.category_id else None
        if category is not None and not category.weight_in_bounds(self.weight_kg):
            raise ValidationError(
                {
                    "weight_kg": _("A weight estimate for %(category)s must be between %(min)s and %(max)s kg.")
                    % {
                        "category": category.name,
                        "min": f"{category.weight_min_kg.normalize():f}",
                        "max": f"{category.weight_max_kg.normalize():f}",
                    }
                }
            )

    @property
    def is_public(self) -> bool:
        """Shown to everybody. Who else may see it: `listings.selectors.listing_visible_to`; the queryset of public
        listings: `listings.selectors.public_listings`."""
        return self.status in PUBLIC_LISTING_STATUSES

    @property
    def upcycled(self) -> bool:
        return self.source_job_id is not None


class PhotoStatus(models.TextChoices):
    PENDING = "pending", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    # The listing is hidden by a moderator: no public copies exist; a restore processes the original again.
    WITHHELD = "withheld", _("Withheld while the listing is hidden")


def private_storage():  # type: ignore[no-untyped-def]
    return storages["private"]


def original_upload_to(instance: Photo, filename: str) -> str:
    # The client's file name is never used: it can leak names and carry misleading extensions.
    return f"originals/{instance.listing_id}/{instance.upload_token}"


class Photo(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    upload_token = models.CharField(max_length=40, unique=True)
    original = models.FileField(_("original"), storage=private_storage, upload_to=original_upload_to, max_length=200)
    original_format = models.CharField(_("format"), max_length=10, blank=True)
    original_sha256 = models.CharField(_("sha256"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PhotoStatus.choices, default=PhotoStatus.PENDING)
    failure_reason = models.CharField(_("failure reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    blurhash = models.CharField(max_length=100, blank=True)
    # {"320": {"name": "photos/…/320.webp", "width": 320, "height": 240, "format": "webp"}, …}
    variants = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["status", "updated_at"], name="photo_status_updated")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in PhotoStatus]), name="photo_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Photo {self.pk} of listing {self.listing_id} ({self.status})"
