from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.signals import workshop_applied


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Django requires models, and modules that import them, to be imported once the app registry is ready.
        from .services import on_workshop_applied

        # Accounts cannot import notifications: a workshop's application tells the moderators by its own signal.
        workshop_applied.connect(on_workshop_applied, dispatch_uid="notifications.workshop_applied")
