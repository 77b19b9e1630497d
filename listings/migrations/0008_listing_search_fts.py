"""Search covers brand and model, and SQLite gets a full-text table (`listings.search`).

- PostgreSQL: the generated `search_document` column (migration `trade.0002_listing_search_indexes`) is made again
  over title, description, brand and model, with its GIN index `listing_fts`.
- SQLite (development, `make run`): an FTS5 table `listings_listing_fts` (rowid = the listing's id) holding each
  listing's words stemmed by the Danish Snowball stemmer in Python (`listings.search_terms.stem_text`), filled
  here for the listings there are and kept current by `listings.search.search_index_listing` on every save.
Other databases: nothing.
"""

from django.db import migrations

from listings.search_terms import stem_text

PG_DOCUMENT = "to_tsvector('danish'::regconfig, title || ' ' || description || ' ' || brand || ' ' || model)"
PG_DOCUMENT_BEFORE = "to_tsvector('danish'::regconfig, title || ' ' || description)"


def _pg_document(expression: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS listing_fts",
        "ALTER TABLE listings_listing DROP COLUMN IF EXISTS search_document",
        f"ALTER TABLE listings_listing ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX listing_fts ON listings_listing USING GIN (search_document)",
    ]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in _pg_document(PG_DOCUMENT):
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS listings_listing_fts USING fts5("
            "document, tokenize = 'unicode61 remove_diacritics 0')"
        )
        Listing = apps.get_model("listings", "Listing")
        rows = Listing.objects.values_list("pk", "title", "description", "brand", "model")
        with schema_editor.connection.cursor() as cursor:
            for pk, *texts in rows.iterator():
                cursor.execute(
                    "INSERT INTO listings_listing_fts (rowid, document) VALUES (%s, %s)", [pk, stem_text(" ".join(texts))]
                )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in _pg_document(PG_DOCUMENT_BEFORE):
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS listings_listing_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0007_merge_0005_category_weight_bounds_0006_photo_withheld"),
        ("trade", "0002_listing_search_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
