"""Favourites ("Gem"), offers ("Giv et bud"), public profiles and ratings on the pages (issue 15). Every write goes
through `marketplace.services`, as in the API; who may do what is `marketplace.selectors`' rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User, Workshop
from listings.models import Listing
from listings.selectors import listing_get, photo_public_variants
from marketplace import selectors as trade_selectors
from marketplace import services as trade_services
from marketplace.models import OPEN_OFFER_STATUSES, Offer, Rating, ReservationStatus

from .forms_social import CounterForm, OfferForm, RatingForm, RatingReportForm
from .refusals import shows_refusals
from .selectors.browse import listing_cards


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _listing_page(request: HttpRequest, pk: int, *args: Any) -> str:
    return reverse("frontend:listing", args=[pk])


def _my_page(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return reverse("frontend:profile") + "#offers"


def listing_social_context(request: HttpRequest, listing: Listing) -> dict[str, Any]:
    """What the listing page shows for saving, sharing and offering: the heart, the share link and Open Graph tags
    (public listings only), and the offer form where `offer_may_be_made`."""
    user = request.user
    public = listing.is_public
    context: dict[str, Any] = {
        "public": public,
        "saved": public and listing.pk in trade_selectors.favourite_listing_ids(user=user, listing_ids=[listing.pk]),
        "share_url": request.build_absolute_uri(listing.get_absolute_url()) if public else "",
        "can_offer": trade_selectors.offer_may_be_made(listing=listing, user=user),
        "offer_form": OfferForm(auto_id="id_offer_%s"),
    }
    if public:
        context["og_image"] = _og_image(request, listing)
    my_offer = None
    if getattr(user, "is_authenticated", False):
        my_offer = trade_selectors.offers_for(user=_user(request)).filter(listing=listing, buyer=_user(request)).first()
    context["my_offer"] = my_offer
    open_offer = my_offer is not None and my_offer.effective_status in OPEN_OFFER_STATUSES  # type: ignore[attr-defined]
    context["show_offer_form"] = context["can_offer"] and not open_offer
    return {"social": context}


def _og_image(request: HttpRequest, listing: Listing) -> str:
    """The cover photo's largest public derivative, as an absolute URL (shared links show it)."""
    for photo in getattr(listing, "ready_photos", []):
        variants = photo_public_variants(photo)
        if variants:
            best = max(variants.values(), key=lambda v: v["width"] or 0)
            return request.build_absolute_uri(best["url"])
    return ""


def _login_first(request: HttpRequest, pk: int) -> HttpResponseBase | None:
    if not request.user.is_authenticated:
        return redirect_to_login(f"/listings/{pk}/", login_url="frontend:login")
    return None


@require_POST
@shows_refusals(back_to=_listing_page)
def listing_favourite(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Save or unsave (`action=remove`). With htmx, answers the heart button alone; without, back to the page."""
    if (response := _login_first(request, pk)) is not None:
        return response
    listing = listing_get(pk=pk, user=request.user)
    if request.POST.get("action") == "remove":
        trade_services.favourite_remove(listing=listing, user=_user(request))
        saved, note = False, _("Removed from your saved items.")
    else:
        trade_services.favourite_add(listing=listing, user=_user(request))
        saved, note = True, _("Saved. You will hear if the price drops or it is reserved.")
    if request.headers.get("HX-Request"):
        return render(request, "frontend/_favourite_button.html", {"listing": listing, "saved": saved, "note": note})
    messages.success(request, note)
    back = request.POST.get("next")
    return redirect(reverse("frontend:profile") + "#favourites" if back == "my-page" else listing.get_absolute_url())


@require_POST
@shows_refusals(back_to=_listing_page)
def listing_offer(request: HttpRequest, pk: int) -> HttpResponseBase:
    if (response := _login_first(request, pk)) is not None:
        return response
    listing = listing_get(pk=pk, user=request.user)
    form = OfferForm(request.POST, auto_id="id_offer_%s")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["price_dkk"]))
        return redirect(listing.get_absolute_url())
    trade_services.offer_create(listing=listing, buyer=_user(request), price_dkk=form.cleaned_data["price_dkk"])
    messages.success(request, _("Your offer is sent. The seller can accept, decline or make a counter-offer."))
    return redirect(listing.get_absolute_url())


OFFER_DONE = {
    "accept": lambda: _("The offer is accepted: the item is reserved for the buyer."),
    "decline": lambda: _("The offer is declined."),
    "counter": lambda: _("Your counter-offer is sent."),
}


@login_required
@require_POST
@shows_refusals(back_to=_my_page)
def offer_act(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    if action not in OFFER_DONE:
        raise Http404
    offer = trade_selectors.offer_get(pk=pk, user=_user(request))
    if action == "counter":
        form = CounterForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors["price_dkk"]))
            return redirect(_my_page(request))
        trade_services.offer_counter(offer=offer, actor=_user(request), price_dkk=form.cleaned_data["price_dkk"])
    elif action == "accept":
        trade_services.offer_accept(offer=offer, actor=_user(request))
    else:
        trade_services.offer_decline(offer=offer, actor=_user(request))
    messages.success(request, OFFER_DONE[action]())
    return redirect(_my_page(request))


@login_required
@require_POST
@shows_refusals(back_to=lambda request, pk: reverse("frontend:profile") + "#ratings")
def reservation_rate(request: HttpRequest, pk: int) -> HttpResponseBase:
    reservation = trade_selectors.reservation_get(pk=pk, user=_user(request))
    form = RatingForm(request.POST, auto_id=f"id_rating_{pk}_%s")
    if not form.is_valid():
        messages.error(request, _("Give 1 to 5 stars."))
        return redirect(reverse("frontend:profile") + "#ratings")
    trade_services.rating_create(reservation=reservation, rater=_user(request), **form.cleaned_data)
    messages.success(request, _("Thank you for your rating."))
    return redirect(reverse("frontend:profile") + "#ratings")


def _label_raters(ratings: list[Rating]) -> list[Rating]:
    for rating in ratings:
        rating.rater_label = trade_selectors.rating_rater_name(rating)  # type: ignore[attr-defined]
    return ratings


@shows_refusals()
def public_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's public profile: display name, since when, public listings, ratings received. Nothing private."""
    profile = trade_selectors.profile_public(pk=pk)
    _label_raters(profile["ratings"])
    context = {"profile": profile, "cards": listing_cards(profile["listings"]), "report_form": RatingReportForm()}
    return render(request, "frontend/public_profile.html", context)


def workshop_ratings_context(workshop: Workshop) -> dict[str, Any]:
    """The ratings a workshop's buyers gave it, for its public page."""
    ratings = trade_selectors.ratings_of(workshop=workshop)
    return {
        "rating": trade_selectors.rating_summary(ratings),
        "ratings": _label_raters(list(ratings[:50])),
        "report_form": RatingReportForm(),
    }


@login_required
@require_POST
@shows_refusals(back_to=lambda request, pk: request.POST.get("back") or reverse("frontend:home"))
def rating_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    rating = Rating.objects.select_related("reservation", "rated_workshop").filter(pk=pk).first()
    if rating is None:
        raise Http404
    back = (
        reverse("frontend:workshop", args=[rating.rated_workshop.slug])
        if rating.rated_workshop
        else reverse("frontend:public_profile", args=[rating.rated_user_id])
    )
    if rating.rater_id == request.user.pk:
        messages.error(request, _("You cannot report your own rating."))
        return redirect(back)
    form = RatingReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed reasons."))
        return redirect(back)
    trade_services.rating_report(rating=rating, reporter=_user(request), **form.cleaned_data)
    messages.success(request, _("Thank you. A moderator will look at the rating."))
    return redirect(back)


def my_social_context(user: User) -> dict[str, Any]:
    """My page: saved listings, offers made and received, and trades waiting for my rating."""
    completed = (
        trade_selectors.reservations_for(user=user)
        .filter(status=ReservationStatus.COMPLETED)
        .order_by("-completed_at")[:20]
    )
    to_rate = [r for r in completed if trade_selectors.rating_may_be_given(reservation=r, user=user) is not None]
    offers: list[Offer] = list(trade_selectors.offers_for(user=user).order_by("-created_at")[:30])
    for offer in offers:
        offer.role = "buyer" if offer.buyer_id == user.pk else "seller"  # type: ignore[attr-defined]
    return {
        "favourites": list(trade_selectors.favourites_for(user=user)[:50]),
        "offers": offers,
        "to_rate": to_rate,
        "rating_form": RatingForm(),
        "counter_form": CounterForm(),
    }
