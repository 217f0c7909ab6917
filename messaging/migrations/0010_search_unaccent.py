"""Search ignores accents: "envio" finds "envío", "cafe" finds "Café" (PostgreSQL only).

A text search configuration of our own, ``message_search``: the ``simple`` one (lower-cased
words, no stemming) with the ``unaccent`` dictionary in front. The documents are built again
with it. Elsewhere (SQLite) search matches substrings and nothing changes.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

WORD_TOKENS = "word, hword, hword_part, numword, numhword, hword_numpart"

# The documents as messaging/search.py writes them, frozen as of this migration.
REBUILD = """
INSERT INTO messaging_searchdocument (participant_id, user_id, document)
SELECT p.id, p.user_id,
    setweight(to_tsvector('{config}',
        coalesce(replace(o.number, '-', ''), '') || ' ' || coalesce(replace(o.number, '-', ' '), '')
        || ' ' || coalesce(pr.title, '') || ' '
        || CASE WHEN p.role = 'buyer' THEN coalesce(sp.shop_name, su.display_name)
           ELSE bu.display_name END
    ), 'A')
    || to_tsvector('{config}', coalesce((
        SELECT string_agg(m.body, ' ' ORDER BY m.created_at, m.id)
        FROM messaging_message m
        WHERE m.thread_id = p.thread_id AND (m.status = 'delivered' OR m.sender_id = p.user_id)
    ), ''))
FROM messaging_participant p
JOIN messaging_thread t ON t.id = p.thread_id
JOIN accounts_user su ON su.id = t.seller_id
JOIN accounts_user bu ON bu.id = t.buyer_id
LEFT JOIN accounts_sellerprofile sp ON sp.user_id = t.seller_id
LEFT JOIN orders_order o ON o.id = t.order_id
LEFT JOIN orders_product pr ON pr.id = t.product_id
ON CONFLICT (participant_id) DO UPDATE SET document = EXCLUDED.document
"""


def configuration_create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(
        "CREATE TEXT SEARCH CONFIGURATION message_search (COPY = pg_catalog.simple)"
    )
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION message_search ALTER MAPPING FOR {WORD_TOKENS} "
        "WITH unaccent, simple"
    )
    schema_editor.execute(REBUILD.format(config="message_search"))
    schema_editor.execute("ANALYZE messaging_searchdocument")


def configuration_drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REBUILD.format(config="simple"))
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION message_search")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0009_restriction_lift")]

    operations = [migrations.RunPython(configuration_create, configuration_drop)]
