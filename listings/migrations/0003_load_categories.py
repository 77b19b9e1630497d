from django.db import migrations


def load(apps, schema_editor):
    from listings.categories import categories_load

    categories_load(model=apps.get_model("listings", "Category"))


class Migration(migrations.Migration):
    dependencies = [("listings", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
