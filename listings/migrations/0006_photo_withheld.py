import logging
import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import migrations, models
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def withhold_photos_of_hidden_listings(apps, schema_editor):
    """The photos of listings hidden before a hide took them down: withhold them as a hide does now
    (listings.photos.photos_withhold) — a new token, no derivatives (deleted, their URLs purged)."""
    Photo = apps.get_model("listings", "Photo")
    public = []
    for photo in Photo.objects.filter(listing__status="hidden", status__in=["ready", "pending"]).iterator():
        public += [v["name"] for v in (photo.variants or {}).values() if v.get("name")]
        Photo.objects.filter(pk=photo.pk).update(status="withheld", variants={}, upload_token=secrets.token_urlsafe(24))
    storage = storages["default"]
    urls = [storage.url(name) for name in public]
    for name in public:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s", name, exc_info=True)
    if urls and getattr(settings, "MEDIA_CDN_PURGE", ""):
        import_string(settings.MEDIA_CDN_PURGE)(urls)


def release_withheld_photos(apps, schema_editor):
    apps.get_model("listings", "Photo").objects.filter(status="withheld").update(status="pending")


class Migration(migrations.Migration):

    dependencies = [
        ('listings', '0005_listing_hidden_by_a_moderator'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='photo',
            name='photo_status_valid',
        ),
        migrations.AlterField(
            model_name='photo',
            name='status',
            field=models.CharField(choices=[('pending', 'Processing'), ('ready', 'Ready'), ('failed', 'Failed'), ('withheld', 'Withheld while the listing is hidden')], default='pending', max_length=10, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='photo',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'ready', 'failed', 'withheld'])), name='photo_status_valid'),
        ),
        migrations.RunPython(withhold_photos_of_hidden_listings, release_withheld_photos, elidable=False),
    ]
