"""How passwords are stored: Argon2id with OWASP's recommended parameters (settings.PASSWORD_HASHERS puts it first).

OWASP's Password Storage Cheat Sheet recommends Argon2id first, "with a minimum configuration of 19 MiB of memory,
an iteration count of 2, and 1 degree of parallelism", and lists PBKDF2 (Django's default) only where FIPS-140
compliance is required. Argon2 is memory-hard: a guess costs an attacker memory bandwidth as well as arithmetic,
which GPUs and ASICs have far less of. Django's own Argon2 parameters (100 MiB, 8 lanes) cost ~160 ms of CPU per
check on our hosts, PBKDF2's million rounds ~210 ms; these ~18 ms. Every check is a unit of CPU an attacker can make
us spend, so a cheaper check of equal strength also makes a flood of log-in attempts (throttled per address and per
account, core.throttle and django-axes) cost the hosts less.

Older hashes (PBKDF2, or Argon2 with other parameters) still verify and are re-hashed with these at the next
successful log-in (Django's `must_update`)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id (Django's Argon2 hasher uses the id variant), at OWASP's parameters: 19 MiB, 2 passes, 1 lane."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
