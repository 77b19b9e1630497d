"""Signals accounts sends, for whoever must hear about them (receivers are connected in `AccountsConfig.ready`)."""

from django.dispatch import Signal

# Sent with `user` once a changed password is saved — whoever changed it: the reset page, the admin,
# `manage.py changepassword`, a service. Not sent when Django only re-hashes the same password at log-in (a
# hasher upgrade), nor for a new user.
password_changed = Signal()

# Sent with `workshop` (unverified, its applicant its owner) inside the transaction that creates it, from
# `services.workshop_create` — the site's application form and the API alike. Notifications tells the moderators.
workshop_applied = Signal()
