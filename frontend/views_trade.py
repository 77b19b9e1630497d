"""The buyer's and seller's side of a listing (reserve, message, report, confirm), conversations,
notifications and saved searches. Every write goes through `marketplace.services`, as in the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from listings.models import Kind, Listing, ListingStatus
from listings.selectors import category_tree, listing_is_frozen, listing_managed_by
from marketplace import selectors as trade_selectors
from marketplace import services as trade_services
from marketplace.models import (
    OPEN_RESERVATION_STATUSES,
    AlertFrequency,
    Conversation,
    Reservation,
    ReservationStatus,
    SavedSearch,
)
from notifications import selectors as notification_selectors
from notifications import services as notification_services

from .forms import BrowseForm
from .forms_post import MessageForm, ReportForm
from .refusals import refusals_on, shows_refusals
from .selectors.browse import browse_query, category_choices


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def listing_trade_context(request: HttpRequest, listing: Listing) -> dict[str, Any]:
    """What the listing page shows around reserving: the buyer's own reservation (with the pickup details
    once confirmed), the seller's open reservations with their actions, and the message and report forms."""
    user = request.user
    if not user.is_authenticated:
        # (an item donated for repair is not reserved by anyone: no "log in to reserve" on it)
        can_reserve = listing.status == ListingStatus.ACTIVE and listing.kind != Kind.REPAIR
        return {"trade": {"anonymous": True, "can_reserve": can_reserve}}
    is_seller = listing_managed_by(listing=listing, user=user)
    context: dict[str, Any] = {"is_seller": is_seller, "anonymous": False}
    if is_seller:
        context["reservations"] = list(
            Reservation.objects.filter(listing=listing, status__in=OPEN_RESERVATION_STATUSES)
            .select_related("buyer")
            .order_by("-created_at")
        )
        context["edit"] = not listing_is_frozen(listing)
        if not context["reservations"]:  # a sold item says to whom, not "nobody has reserved it yet"
            context["handed_over"] = (
                Reservation.objects.filter(listing=listing, status=ReservationStatus.COMPLETED)
                .select_related("buyer")
                .order_by("-completed_at", "-id")
                .first()
            )
    else:
        mine = Reservation.objects.filter(listing=listing, buyer=user).order_by("-created_at").first()
        context["my_reservation"] = mine
        context["pickup_details"] = mine and trade_selectors.reservation_pickup_details(reservation=mine, user=user)
        context["can_reserve"] = listing.status == ListingStatus.ACTIVE and listing.kind != Kind.REPAIR
        context["conversation"] = Conversation.objects.filter(listing=listing, started_by=user).first()
        context["can_message"] = listing.kind != Kind.REPAIR
        context["message_form"] = MessageForm(auto_id="id_message_%s")
        context["report_form"] = ReportForm(auto_id="id_report_%s")
    return {"trade": context}


def _public_listing(pk: int) -> Listing:
    listing = Listing.objects.select_related("seller", "workshop").filter(pk=pk).first()
    if listing is None or not listing.is_public:
        raise Http404
    return listing


def _listing_page(request: HttpRequest, pk: int) -> str:
    return reverse("frontend:listing", args=[pk])


def _login_first(request: HttpRequest, pk: int) -> HttpResponseBase | None:
    if not request.user.is_authenticated:
        return redirect_to_login(f"/listings/{pk}/", login_url="frontend:login")
    return None


@require_POST
@shows_refusals(back_to=_listing_page)
def listing_reserve(request: HttpRequest, pk: int) -> HttpResponseBase:
    if (response := _login_first(request, pk)) is not None:
        return response
    listing = _public_listing(pk)
    trade_services.reservation_create(listing=listing, buyer=_user(request))
    messages.success(
        request, _("It is reserved for you. The seller confirms the hand-over and you will see the pickup details.")
    )
    return redirect(listing.get_absolute_url())


@require_POST
@shows_refusals(back_to=_listing_page)
def listing_message(request: HttpRequest, pk: int) -> HttpResponseBase:
    if (response := _login_first(request, pk)) is not None:
        return response
    listing = _public_listing(pk)
    form = MessageForm(request.POST, auto_id="id_message_%s")
    if not form.is_valid():
        messages.error(request, _("Write a message."))
        return redirect(listing.get_absolute_url())
    conversation, _message = trade_services.conversation_start(
        listing=listing, buyer=_user(request), body=form.cleaned_data["body"]
    )
    messages.success(request, _("Your message is sent."))
    return redirect("frontend:conversation", pk=conversation.pk)


@require_POST
@shows_refusals(back_to=_listing_page)
def listing_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    if (response := _login_first(request, pk)) is not None:
        return response
    listing = _public_listing(pk)
    form = ReportForm(request.POST, auto_id="id_report_%s")
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed reasons."))
        return redirect(listing.get_absolute_url())
    trade_services.report_create(listing=listing, reporter=_user(request), **form.cleaned_data)
    messages.success(request, _("Thank you. A moderator will look at the listing."))
    return redirect(listing.get_absolute_url())


CONFIRMED = gettext_noop("The reservation is confirmed. The buyer sees your pickup details.")
COMPLETED = gettext_noop("The hand-over is recorded. The listing is sold.")
CANCELLED = gettext_noop("The reservation is cancelled.")
RESERVATION_ACTIONS = {
    "confirm": (trade_services.reservation_confirm, CONFIRMED),
    "complete": (trade_services.reservation_complete, COMPLETED),
    "cancel": (trade_services.reservation_cancel, CANCELLED),
}


def _reservation_page(request: HttpRequest, listing_id: int) -> str:
    """Back where the reservation was acted on: My page, or the listing's page."""
    if request.POST.get("next") == "my-page":
        return reverse("frontend:profile")
    return _listing_page(request, listing_id)


def _reservation_back(request: HttpRequest, pk: int, action: str) -> str:
    return _reservation_page(request, Reservation.objects.filter(pk=pk).values_list("listing_id", flat=True).get())


@login_required
@require_POST
@shows_refusals(back_to=_reservation_back)
def reservation_act(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    if action not in RESERVATION_ACTIONS:
        raise Http404
    reservation = trade_selectors.reservation_get(pk=pk, user=_user(request))
    service, done = RESERVATION_ACTIONS[action]
    service(reservation=reservation, actor=_user(request))
    messages.success(request, _(done))
    return redirect(_reservation_page(request, reservation.listing_id))


# --- Conversations ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals()
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    conversation = trade_selectors.conversation_get(pk=pk, user=user)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            trade_services.message_send(conversation=conversation, sender=user, body=form.cleaned_data["body"])
            return redirect("frontend:conversation", pk=conversation.pk)
    trade_services.conversation_mark_read(conversation=conversation, reader=user)
    context = {
        "conversation": conversation,
        "messages_list": list(trade_selectors.conversation_messages(conversation=conversation)),
        "form": form,
        "role": trade_services.conversation_parties(conversation=conversation, user=user),
    }
    return render(request, "frontend/conversation.html", context)


# --- My page: notifications and saved searches -----------------------------------------------------


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponseBase:
    raw = request.POST.get("id")
    ids = [int(raw)] if raw and raw.isdigit() else None
    notification_services.notifications_mark_read(user=_user(request), ids=ids)
    return redirect("frontend:profile")


def browse_url(query: dict[str, Any]) -> str:
    """A saved search's filters back as a home page address."""
    kept = {"q", "category", "condition", "area", "min_price", "max_price"}
    params = {k: str(v) for k, v in query.items() if k in kept}
    if query.get("kind") == Kind.FREE:
        params["free"] = "on"
    if query.get("upcycled") is True:
        params["upcycled"] = "on"
    return "/?" + urlencode(params) if params else "/"


def _my_page(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    return reverse("frontend:profile")


def _posted_search(request: HttpRequest) -> dict[str, str]:
    """The filters of the browse form posted to save a search, in the names and by the rules of browsing itself."""
    form = BrowseForm(request.POST, categories=category_choices(category_tree()))
    form.is_valid()
    return browse_query(form.filters())


def _search_back(request: HttpRequest) -> str:
    return browse_url(_posted_search(request))


@login_required
@require_POST
@shows_refusals(back_to=_search_back)
def saved_search_create(request: HttpRequest) -> HttpResponseBase:
    query = _posted_search(request)
    name = (request.POST.get("name") or "").strip() or query.get("q", "") or _("My search")
    frequency = request.POST.get("frequency") or AlertFrequency.DAILY
    trade_services.saved_search_create(user=_user(request), name=name, query=query, frequency=frequency)
    if frequency == AlertFrequency.INSTANT:
        messages.success(request, _("Search saved. We tell you at once when something new matches it."))
    else:
        messages.success(request, _("Search saved. We email you when something new matches it."))
    return redirect(browse_url(query))


@login_required
@require_POST
@shows_refusals(back_to=_my_page)
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    saved = SavedSearch.objects.filter(pk=pk).first()
    if saved is None:
        raise Http404
    trade_services.saved_search_delete(saved_search=saved, user=_user(request))
    messages.success(request, _("The saved search is deleted."))
    return redirect("frontend:profile")


def my_page_context(user: User) -> dict[str, Any]:
    """My page's trade sections: repair requests with their timeline, reservations on both sides,
    conversations with unread counts, unread notifications and saved searches (a fixed number of queries)."""

    reservations = list(trade_selectors.reservations_for(user=user).order_by("-created_at")[:30])
    conversations = list(trade_selectors.conversations_for(user=user).order_by("-last_message_at", "-created_at")[:30])
    saved = [
        {"search": search, "url": browse_url(search.query)}
        for search in trade_selectors.saved_searches_for(user=user).order_by("-created_at")[:30]
    ]
    return {
        "buying": [r for r in reservations if r.buyer_id == user.pk],
        "selling": [r for r in reservations if r.buyer_id != user.pk],
        "conversations": conversations,
        "unread_notifications": notification_selectors.notifications_for(user=user, unread_only=True).count(),
        "saved_searches": saved,
    }
