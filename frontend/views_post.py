"""Post an item, edit it, add photos, publish and withdraw. Every write goes through `listings.services` and
`listings.photos`, the same functions the API calls."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from core.errors import DomainError
from listings import photos as photo_services
from listings import services as listing_services
from listings.models import Kind, Listing, Photo, PhotoStatus
from listings.selectors import category_tree, listing_frozen_terms, listing_is_frozen, listing_managed_by
from repairs.services import donation_create

from .forms_post import ListingForm, PhotosForm
from .refusals import refusals_on, shows_refusals
from .selectors.photos import photo_image

# The progressive upload script asks for JSON by this header; without JavaScript the same view redirects.
JSON_HEADER = "X-Kredslob-Upload"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _own_listing(request: HttpRequest, pk: int) -> Listing:
    """A listing the signed-in person may change; everyone else gets a 404 (drafts are nobody's business)."""
    listing = Listing.objects.select_related("category", "workshop").filter(pk=pk).first()
    if listing is None or not listing_managed_by(listing=listing, user=request.user):
        raise Http404
    return listing


def _upload_files(request: HttpRequest, listing: Listing) -> list[str]:
    """Each file through the upload service; the service's own message for each rejected one. (Not a refusal of
    the page, for `refusals.shows_refusals`: the other files go on, and the page tells which ones it took.)"""
    errors = []
    for file in request.FILES.getlist("photos"):
        try:
            photo_services.photo_upload(listing_id=listing.pk, user=_user(request), file=file)
        except DomainError as error:
            errors.append(_("%(name)s: %(reason)s") % {"name": file.name, "reason": error.detail})
    return errors


def _edit_page(request: HttpRequest, pk: int) -> str:
    return reverse("frontend:listing_edit", args=[pk])


def _report_uploads(request: HttpRequest, count: int, errors: list[str]) -> None:
    for error in errors:
        messages.error(request, error)
    if count - len(errors) > 0:
        messages.info(request, _("Your photos are being processed. This takes a few seconds."))


def _plain(price: Decimal) -> Decimal:
    return price.quantize(Decimal(1)) if price == price.to_integral_value() else price


def photo_rows(listing: Listing) -> list[dict[str, Any]]:
    rows = []
    for photo in Photo.objects.filter(listing=listing).order_by("position", "id"):
        rows.append(
            {
                "photo": photo,
                "image": photo_image(photo),
                "reason": _(photo.failure_reason) if photo.failure_reason else "",
            }
        )
    return rows


def _created(request: HttpRequest, listing: Listing, *, wants_json: bool) -> HttpResponseBase:
    """After posting: the upload script gets where to send the photos (JSON); without it, the photos sent with
    the form are uploaded and the person lands on the edit page."""
    edit_url = reverse("frontend:listing_edit", args=[listing.pk])
    created_url = reverse("frontend:listing_created", args=[listing.pk])
    if wants_json:
        return JsonResponse(
            {
                "id": listing.pk,
                "photos_url": reverse("api:listing-photos", args=[listing.pk]),
                "edit_url": edit_url,
                "created_url": created_url,
                "listing_url": listing.get_absolute_url(),
            },
            status=201,
        )
    files = request.FILES.getlist("photos")  # (the page it lands on says what was created)
    _report_uploads(request, len(files), _upload_files(request, listing))
    return redirect(created_url)


@login_required
@require_GET
def listing_created(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a person lands after posting: what was created, its photos as they are processed, and what happens
    next — not the greyed form they filled in."""
    listing = _own_listing(request, pk)
    rows = photo_rows(listing)
    context = {
        "listing": listing,
        "rows": rows,
        "pending": any(row["photo"].status == PhotoStatus.PENDING for row in rows),
        "frozen": True,  # (the photo list without its delete buttons: that is the edit page's job)
    }
    return render(request, "frontend/listing_created.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals()
def post_create(request: HttpRequest) -> HttpResponseBase:
    tree = category_tree()
    form = ListingForm(request.POST or None, tree=tree, initial={"area": _user(request).area})
    photos_form = PhotosForm()
    wants_json = request.headers.get(JSON_HEADER) == "1"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        fields = {
            "seller": _user(request),
            "title": data["title"],
            "category": data["category"],
            "condition": data["condition"],
            "description": data["description"],
            "area": data["area"],
            "pickup_details": data["pickup_details"],
            "publish": request.POST.get("action") == "publish",
        }
        with refusals_on(form):
            if kind == Kind.REPAIR:
                listing = donation_create(
                    **fields, repair_mode=data["repair_mode"], fault_description=data["fault_description"]
                )
            else:
                listing = listing_services.listing_create(
                    **fields, kind=kind, price_dkk=None if kind == Kind.FREE else data["price_dkk"]
                )
            return _created(request, listing, wants_json=wants_json)
    if wants_json:  # invalid: the script falls back to an ordinary submit, which shows the errors
        return JsonResponse({"errors": form.errors}, status=400)
    return render(request, "frontend/post.html", {"form": form, "photos_form": photos_form})


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals(back_to=_edit_page)
def listing_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    listing = _own_listing(request, pk)
    initial = {
        "title": listing.title,
        "category": listing.category.slug,
        "condition": listing.condition,
        # 450, not 450.00: whole kroner are shown without øre
        "price_dkk": _plain(listing.price_dkk) if listing.kind == Kind.SALE else None,
        "description": listing.description,
        "area": listing.area,
        "pickup_details": listing.pickup_details,
    }
    form = ListingForm(request.POST or None, tree=category_tree(), editing=True, initial=initial)
    if listing.kind != Kind.SALE or "price_dkk" in listing_frozen_terms(listing):
        del form.fields["price_dkk"]
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        with refusals_on(form):
            listing_services.listing_update(listing=listing, actor=_user(request), **fields)
            messages.success(request, _("Your changes are saved."))
            return redirect("frontend:listing_edit", pk=listing.pk)
    rows = photo_rows(listing)
    context = {
        "listing": listing,
        "form": form,
        "photos_form": PhotosForm(),
        "rows": rows,
        "pending": any(row["photo"].status == PhotoStatus.PENDING for row in rows),
        "frozen": listing_is_frozen(listing),
        "terms_frozen": bool(listing_frozen_terms(listing)),
    }
    return render(request, "frontend/listing_edit.html", context)


@login_required
def listing_photo_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The photos of a listing with their processing status (htmx polls this while one is pending)."""
    listing = _own_listing(request, pk)
    rows = photo_rows(listing)
    context = {
        "listing": listing,
        "rows": rows,
        "pending": any(row["photo"].status == PhotoStatus.PENDING for row in rows),
        "frozen": listing_is_frozen(listing),
    }
    return render(request, "frontend/_photo_list.html", context)


@login_required
@require_POST
def listing_photos_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Without JavaScript: a plain multipart POST of one or more photos, through the same upload service."""
    listing = _own_listing(request, pk)
    files = request.FILES.getlist("photos")
    if not files:
        messages.error(request, photo_services.missing_file_message())
    else:
        _report_uploads(request, len(files), _upload_files(request, listing))
    return redirect("frontend:listing_edit", pk=listing.pk)


def _photo_listing_edit_page(request: HttpRequest, pk: int, **_more: Any) -> str:
    return _edit_page(request, Photo.objects.filter(pk=pk).values_list("listing_id", flat=True).get())


@login_required
@require_POST
@shows_refusals(back_to=_photo_listing_edit_page)
def photo_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    photo = Photo.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404
    listing = _own_listing(request, photo.listing_id)
    photo_services.photo_delete(photo_id=photo.pk, user=_user(request))
    messages.success(request, _("The photo is deleted."))
    return redirect("frontend:listing_edit", pk=listing.pk)


@login_required
@require_POST
@shows_refusals(back_to=_photo_listing_edit_page)
def photo_arrange(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    """Make a photo the cover, or move it one place earlier or later (`listings.photos.photos_reorder`, which
    refuses a frozen listing)."""
    photo = Photo.objects.filter(pk=pk).first()
    if photo is None or action not in ("cover", "earlier", "later"):
        raise Http404
    listing = _own_listing(request, photo.listing_id)
    if action == "cover":
        photo_services.photo_make_cover(photo_id=photo.pk, user=_user(request))
        messages.success(request, _("The photo is now the cover."))
    else:
        step = -1 if action == "earlier" else 1
        photo_services.photo_move(photo_id=photo.pk, user=_user(request), step=step)
        messages.success(request, _("The photos are rearranged."))
    return redirect(reverse("frontend:listing_edit", kwargs={"pk": listing.pk}) + "#photo-list")


@login_required
@require_POST
@shows_refusals(back_to=_edit_page)
def listing_publish(request: HttpRequest, pk: int) -> HttpResponseBase:
    listing = _own_listing(request, pk)
    listing_services.listing_publish(listing=listing, actor=_user(request))
    messages.success(request, _("Your listing is published."))
    return redirect("frontend:listing_edit", pk=listing.pk)


@login_required
@require_POST
@shows_refusals(back_to=_edit_page)
def listing_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    listing = _own_listing(request, pk)
    listing_services.listing_withdraw(listing=listing, actor=_user(request))
    messages.success(request, _("Your listing is withdrawn. It is no longer shown to others."))
    return redirect("frontend:profile")
