"""The page a workshop's invitation mail links to: see the invitation, accept or decline it (logged in with the
invited address). Thin: `accounts.invitations` decides, exactly as for the API; refusals are shown by
`@shows_refusals` (a message above this page; an unknown link is the 404 page)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import invitations
from accounts.models import InvitationStatus, User

from .refusals import shows_refusals


@require_http_methods(["GET", "POST"])
@shows_refusals()
def invitation(request: HttpRequest, token: str) -> HttpResponseBase:
    found = invitations.invitation_get(token=token)
    login_url = f"{reverse('frontend:login')}?{urlencode({'next': request.path})}"
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(login_url)
        user: User = request.user  # type: ignore[assignment]
        action = request.POST.get("action", "")
        if action == "accept":
            membership = invitations.invitation_accept(token=token, user=user)
            messages.success(request, _("Welcome to %(workshop)s!") % {"workshop": membership.workshop.name})
            return redirect("frontend:workshop", slug=membership.workshop.slug)
        if action == "decline":
            invitations.invitation_decline(token=token, user=user)
            messages.success(request, _("You have declined the invitation."))
            return redirect("frontend:home")
        return redirect(request.path)
    context = {
        "invitation": found,
        "open": found.status == InvitationStatus.OPEN,
        "may_answer": invitations.invitation_may_answer(invitation=found, user=request.user),  # type: ignore[arg-type]
        "login_url": login_url,
        "signup_url": f"{reverse('frontend:signup')}?{urlencode({'next': request.path})}",
    }
    return render(request, "frontend/accounts/invitation.html", context)
