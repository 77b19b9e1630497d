from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = _("Accounts and workshops")

    def ready(self) -> None:
        # Django requires models, and modules that import them, to be imported once the app registry is ready.
        from .services import password_changed_receiver
        from .signals import password_changed

        password_changed.connect(password_changed_receiver, dispatch_uid="accounts.password_changed")
