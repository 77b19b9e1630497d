"""Areas become a fixed list of Aalborg Øst's neighbourhoods (`listings/data/areas.csv`, issue 15): each listing's
free-text area is read as the neighbourhood it names (`listings.areas.area_normalise`: the name or an alias, any
case, also inside a longer text such as "Kildeparken 12, 2. th."); a text that names none of them becomes empty —
it was never the pickup address (that is `pickup_details`), and an empty area shows as "Aalborg Øst"."""

from django.db import migrations

from listings.areas import area_normalise


def areas_from_list(apps, schema_editor):  # type: ignore[no-untyped-def]
    Listing = apps.get_model("listings", "Listing")
    for pk, area in Listing.objects.exclude(area="").values_list("pk", "area").iterator():
        name = area_normalise(area)
        if name != area:
            Listing.objects.filter(pk=pk).update(area=name)


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_merge_0005_category_weight_bounds_0006_photo_withheld")]

    operations = [migrations.RunPython(areas_from_list, migrations.RunPython.noop)]
