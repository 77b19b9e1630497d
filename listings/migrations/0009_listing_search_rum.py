"""An optional RUM index for relevance search at scale (`listings.search`, "bounded candidates").

On PostgreSQL where the third-party `rum` extension is installed (Debian: `postgresql-15-rum`), create it and
the index `listing_fts_rum` over `search_document` with `created_at` attached, so that "the newest N listings
matching a search" is read from the index in order, without visiting every match (GIN's bitmap scan reads them
all). Where `rum` is not available — or on SQLite (`make run`) — nothing happens and search uses the GIN index.
"""

from django.db import migrations

RUM_INDEX = (
    "CREATE INDEX IF NOT EXISTS listing_fts_rum ON listings_listing "
    "USING rum (search_document rum_tsvector_addon_ops, created_at) "
    "WITH (attach = 'created_at', to = 'search_document')"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    schema_editor.execute(RUM_INDEX)
    schema_editor.connection.kredslob_rum = True  # listings.search.rum_available, for this connection


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS listing_fts_rum")
        schema_editor.connection.kredslob_rum = False


class Migration(migrations.Migration):
    dependencies = [("listings", "0008_listing_search_fts")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
