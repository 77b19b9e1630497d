"""Notification now lives in the `notifications` app; its table stays (state only, see notifications.0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0002_listing_search_indexes"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
