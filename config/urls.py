from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from frontend import errors
from frontend.throttling import throttle_posts
from listings.media import media_serve
from marketplace import views as trade_views

admin.site.site_header = "Kredsløb — moderation"
admin.site.site_title = "Kredsløb"

urlpatterns = [
    # The admin's log-in counts with /login/ and the API's token in the `auth` throttle (the lockout is per email).
    path("admin/login/", throttle_posts("auth")(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("unsubscribe/<str:token>/", trade_views.unsubscribe, name="saved-search-unsubscribe"),
    path("", include("frontend.urls")),
]

if settings.SERVE_MEDIA:
    # Development only: the public derivatives. Originals live in another storage that no URL reaches.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            media_serve,
        )
    ]

handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error
