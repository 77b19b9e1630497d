"""PostgreSQL-only search column and indexes for browse and search on `listings_listing`.

They live in the trade app (which owns browse and search of the marketplace) rather than in `listings`, so
they don't collide with the photo pipeline's `listings` migrations. Django's models don't declare them: a
generated tsvector column, a pg_trgm index are PostgreSQL-only (a SearchVectorField would not be portable),
and the partial keyset indexes are only worth their writes there. SQLite skips this migration's SQL.

- search_document:        a STORED generated column, to_tsvector('danish', title || ' ' || description):
                          PostgreSQL keeps it current on every insert and update; Django never writes it and
                          only `listings.search` reads it. Stored, ranking reads it instead of re-parsing
                          every matching row's text (2-5x faster for a common word at 100k listings).
- listing_fts:            GIN on search_document (Danish full text)
- listing_title_trgm:     GIN trigram on title (typo tolerance, `%>`)
- listing_public_newest:  (created_at DESC, id DESC) over public listings — browse's default keyset
- listing_public_price:   (price_dkk, id) over public listings — price ordering, both directions
- listing_public_category:(category_id, created_at DESC, id DESC) over public listings — category browse
"""

from django.db import migrations

PUBLIC = "status IN ('active', 'reserved', 'sold')"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE listings_listing ADD COLUMN IF NOT EXISTS search_document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('danish'::regconfig, title || ' ' || description)) STORED",
    "CREATE INDEX IF NOT EXISTS listing_fts ON listings_listing USING GIN (search_document)",
    "CREATE INDEX IF NOT EXISTS listing_title_trgm ON listings_listing USING GIN (title gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS listing_public_newest ON listings_listing (created_at DESC, id DESC) WHERE {PUBLIC}",
    f"CREATE INDEX IF NOT EXISTS listing_public_price ON listings_listing (price_dkk, id) WHERE {PUBLIC}",
    "CREATE INDEX IF NOT EXISTS listing_public_category ON listings_listing "
    f"(category_id, created_at DESC, id DESC) WHERE {PUBLIC}",
]
BACKWARD = [
    "DROP INDEX IF EXISTS listing_public_category",
    "DROP INDEX IF EXISTS listing_public_price",
    "DROP INDEX IF EXISTS listing_public_newest",
    "DROP INDEX IF EXISTS listing_title_trgm",
    "DROP INDEX IF EXISTS listing_fts",
    "ALTER TABLE listings_listing DROP COLUMN IF EXISTS search_document",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FORWARD:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0001_initial"),
        ("listings", "0003_load_categories"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
