"""Users (email login) and workshops — the social enterprises that claim repair jobs and sell."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .signals import password_changed


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class Language(models.TextChoices):
    DA = "da", _("Danish")
    EN = "en", _("English")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language.choices, default=Language.DA)
    area = models.CharField(_("neighbourhood"), max_length=80, blank=True)
    is_staff = models.BooleanField(_("moderator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=models.Q(language__in=["da", "en"]), name="user_language_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # `set_password` keeps the new password in `_password` until the row is saved; Django's re-hash at log-in
        # clears it first, so only a real change (reset, admin, changepassword, a service) is announced.
        changed = self._password is not None and not self._state.adding  # type: ignore[attr-defined]
        super().save(*args, **kwargs)
        if changed:
            password_changed.send(sender=type(self), user=self)

    def get_short_name(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        return self.display_name


cvr_validator = RegexValidator(r"^\d{8}$", _("A CVR number has exactly 8 digits."))


class Workshop(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    cvr = models.CharField(_("CVR number"), max_length=8, validators=[cvr_validator])
    address = models.CharField(_("address"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Shown on the profile page, and to a resident whose quote was accepted: where and when to bring the item.
    opening_hours = models.TextField(_("opening hours"), blank=True, default="", max_length=1000)
    dropoff_instructions = models.TextField(_("drop-off instructions"), blank=True, default="", max_length=2000)
    categories = models.ManyToManyField(
        "listings.Category", verbose_name=_("categories handled"), related_name="workshops", blank=True
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="WorkshopMembership", related_name="workshops")
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class WorkshopMembership(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("workshop membership")
        verbose_name_plural = _("workshop memberships")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="membership_unique"),
            models.CheckConstraint(condition=models.Q(role__in=["owner", "staff"]), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workshop} ({self.role})"


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class WorkshopInvitation(models.Model):
    """An owner asks a person, by email address, to join their workshop. Membership only comes when that person
    accepts, logged in with that address. The link's token is mailed once and kept only as its SHA-256 hash."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)

    class Meta:
        verbose_name = _("workshop invitation")
        verbose_name_plural = _("workshop invitations")
        constraints = [
            # One open invitation per workshop and address: inviting again replaces it.
            models.UniqueConstraint(
                fields=["workshop", "email"],
                condition=models.Q(accepted_at__isnull=True, declined_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(condition=models.Q(role__in=["owner", "staff"]), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(declined_at__isnull=True),
                name="invitation_accepted_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workshop} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.declined_at is not None:
            return InvitationStatus.DECLINED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.OPEN


def cvr_check(value: str) -> None:
    """A CVR number: 8 digits whose weighted sum (weights 2 7 6 5 4 3 2 1) is divisible by 11 (modulus 11)."""
    if not (len(value) == 8 and value.isdigit()):
        raise ValidationError(_("A CVR number has exactly 8 digits."), code="cvr_format")
    if sum(int(d) * w for d, w in zip(value, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11:
        raise ValidationError(
            _("This is not a valid CVR number (the check digit does not match). Check it on cvr.dk."),
            code="cvr_checksum",
        )


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    HOUSING_ASSOCIATION = "housing_association", _("Housing association")
    PUBLIC_BODY = "public_body", _("Public body")


class Organisation(models.Model):
    """A company, housing association or public body that donates equipment and materials in batches."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    cvr = models.CharField(_("CVR number"), max_length=8, validators=[cvr_check])
    address = models.CharField(_("address"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    # Whether products made from its materials may name it ("made from surplus textiles from …").
    may_be_named = models.BooleanField(_("may be named on products"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganisationMembership", related_name="organisations"
    )
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["company", "housing_association", "public_body"]),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="org_membership_unique"),
            models.CheckConstraint(condition=models.Q(role__in=["owner", "staff"]), name="org_membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class OrganisationInvitation(models.Model):
    """As `WorkshopInvitation`: an owner invites an address; the mailed token is kept only as its SHA-256 hash."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation invitation")
        verbose_name_plural = _("organisation invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True, declined_at__isnull=True),
                name="org_invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(declined_at__isnull=True),
                name="org_invitation_accepted_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
