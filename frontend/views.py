from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from listings.models import Listing, ListingStatus


def home(request: HttpRequest) -> HttpResponse:
    listings = (
        Listing.objects.filter(status=ListingStatus.ACTIVE)
        .select_related("category")
        .order_by("-created_at", "-id")[:24]
    )
    return render(request, "frontend/home.html", {"listings": listings})
