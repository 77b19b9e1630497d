"""Pages. Thin: read through selectors, write through the apps' services (the same ones the API calls)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User
from core import pagecache
from donations.selectors import listing_material_origin
from impact.selectors import listing_impact
from listings.selectors import category_tree, listing_seller_name
from repairs.selectors import listing_provenance

from .forms import BrowseForm, LoginForm, ProfileForm, SignupForm
from .forms_report import ReportForm
from .refusals import refusals_on, shows_refusals
from .selectors.browse import browse_listings, category_choices
from .selectors.charts import impact_summary
from .selectors.pages import (
    listing_for_page,
    my_listings,
    my_notifications,
    my_repairs,
    workshop_for_page,
    workshop_goods,
)
from .selectors.photos import photo_image
from .throttling import throttle_posts
from .views_social import listing_social_context, my_social_context, workshop_ratings_context
from .views_trade import listing_trade_context, my_page_context


def _remember_language(response: HttpResponseBase, language: str) -> HttpResponseBase:
    """Switch the site to the person's language: the same cookie Django's `set_language` view sets."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    translation.activate(language)
    return response


# --- Browse ----------------------------------------------------------------------------------------


def _browse_results(request: HttpRequest, form: BrowseForm, template: str) -> str:
    page = browse_listings(filters=form.filters(), cursor=request.GET.get("cursor", ""))
    more_url = None
    if page.next_cursor:
        params = {k: v for k, v in request.GET.items() if k != "cursor" and v}
        params["cursor"] = page.next_cursor
        more_url = f"{request.path}?{urlencode(params)}"
    context = {"form": form, "page": page, "more_url": more_url, "is_next_page": bool(request.GET.get("cursor"))}
    return render_to_string(template, context, request)


@pagecache.anonymous_page("home", params={*BrowseForm.base_fields, "cursor"})
def home(request: HttpRequest) -> HttpResponse:
    form = BrowseForm(request.GET or None, categories=category_choices(category_tree()))
    if form.is_bound:
        form.is_valid()
    if getattr(request, "htmx", False):
        return HttpResponse(_browse_results(request, form, "frontend/_browse_more.html"))
    results = _browse_results(request, form, "frontend/_browse_results.html")
    return render(request, "frontend/home.html", {"form": form, "results": mark_safe(results)})  # noqa: S308  # nosec B308 B703


@pagecache.anonymous_page("listing")
@shows_refusals()
def listing_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    listing = listing_for_page(pk=pk, viewer=request.user)
    photos = [image for photo in listing.ready_photos if (image := photo_image(photo))]  # type: ignore[attr-defined]
    context = {
        "listing": listing,
        "photos": photos,
        "provenance": listing_provenance(listing=listing),
        "material_origin": listing_material_origin(listing=listing),
        "seller_name": listing_seller_name(listing=listing, user=request.user),
        "savings": listing_impact(listing=listing),
        **listing_trade_context(request, listing),
        **listing_social_context(request, listing),
    }
    return render(request, "frontend/listing_detail.html", context)


@pagecache.anonymous_page("impact")
def impact(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/impact.html", {"impact": impact_summary()})


def impact_report(request: HttpRequest) -> HttpResponse:
    """The period report's form; a valid choice shows the link to the PDF (`GET /api/v1/impact/report.pdf`)."""
    workshops = list(
        account_selectors.workshops_visible_to(user=request.user).order_by("name").values_list("slug", "name")
    )
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    form = ReportForm(
        request.GET or None,
        workshops=workshops,
        initial={"period": "month", "year": last_month.year, "month": last_month.month, "quarter": 1},
    )
    pdf_url = None
    if form.is_bound and form.is_valid():
        query = {"from": form.cleaned_data["start"].isoformat(), "to": form.cleaned_data["end"].isoformat()}
        if form.cleaned_data.get("workshop"):
            query["workshop"] = form.cleaned_data["workshop"]
        pdf_url = f"{reverse('api:impact-report')}?{urlencode(query)}"
    return render(request, "frontend/impact_report.html", {"form": form, "pdf_url": pdf_url})


def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = workshop_for_page(slug=slug, viewer=request.user)
    if workshop is None:
        raise Http404
    context = {
        "workshop": workshop,
        "goods": workshop_goods(workshop=workshop),
        "impact": impact_summary(workshop=workshop),
        **workshop_ratings_context(workshop),
    }
    return render(request, "frontend/workshop_detail.html", context)


# --- Accounts --------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
@throttle_posts("signup")
@shows_refusals()
def signup(request: HttpRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        return redirect("frontend:profile")
    initial = {"language": translation.get_language() or "da"}
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            user = account_services.user_register(**form.cleaned_data)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Kredsløb, %(name)s!") % {"name": user.display_name})
            return _remember_language(redirect(_safe_next(request)), user.language)
    return render(request, "frontend/accounts/signup.html", {"form": form, "next": _safe_next(request)})


@method_decorator(throttle_posts("auth"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "frontend/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        _remember_language(response, form.get_user().language)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@method_decorator(throttle_posts("password_reset", per_email="password_reset_email"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "frontend/accounts/password_reset.html"
    email_template_name = "frontend/accounts/password_reset_email.txt"
    subject_template_name = "frontend/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("frontend:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "frontend/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "frontend/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("frontend:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "frontend/accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals()
def profile(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(
        request.POST or None, initial={"display_name": user.display_name, "area": user.area, "language": user.language}
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            account_services.user_update(user=user, **form.cleaned_data)
            with translation.override(user.language):
                messages.success(request, _("Your profile is saved."))
            return _remember_language(redirect("frontend:profile"), user.language)
    context = {
        "form": form,
        "listings": my_listings(user=user),
        "repairs": my_repairs(user=user),
        "notifications": my_notifications(user=user),
        "memberships": list(account_selectors.user_memberships(user=user)),
        **my_page_context(user),
        **my_social_context(user),
    }
    return render(request, "frontend/accounts/profile.html", context)
