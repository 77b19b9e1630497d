"""A person's notifications: the in-app list, and whether each was emailed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .texts import render


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The title and body as message ids and parameters (`notifications.texts`), put into words in the reader's
    # language when shown; `title` and `body` keep them rendered in the recipient's language (for the email,
    # and for rows made before these were stored).
    title_text = models.JSONField(default=dict, blank=True)
    body_text = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The email owed: wanted when the notification was made, tried `email_attempts` times (last queued or tried at
    # `email_last_try_at`), given up at `email_failed_at`. `notifications_sweep` re-queues what is still owed.
    email_wanted = models.BooleanField(default=False)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_last_try_at = models.DateTimeField(null=True, blank=True)
    email_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table was made by the trade app, where notifications lived before they had an app of their own.
        db_table = "trade_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
            # The sweep's question, "which emails are still owed?", reads only the few rows it is about.
            models.Index(
                fields=["email_last_try_at"],
                condition=models.Q(email_wanted=True, emailed_at__isnull=True, email_failed_at__isnull=True),
                name="notification_email_owed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def shown_title(self) -> str:
        """The title in the active language (the reader's), or as stored for an older row."""
        return render(self.title_text)[:200] if self.title_text else self.title

    @property
    def shown_body(self) -> str:
        return render(self.body_text) if self.body_text else self.body
