"""Thread search: per-participant search documents with a GIN index on PostgreSQL.

On PostgreSQL the documents of existing threads are built here; elsewhere the table stays
empty (search matches substrings there) and the GIN index, which only PostgreSQL has, is
not created.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GIN_INDEX = django.contrib.postgres.indexes.GinIndex(
    fields=["user", "document"], name="search_document_gin"
)

# The documents as messaging/search.py writes them, frozen as of this migration.
BACKFILL = """
INSERT INTO messaging_searchdocument (participant_id, user_id, document)
SELECT p.id, p.user_id,
    setweight(to_tsvector('simple',
        coalesce(replace(o.number, '-', ''), '') || ' ' || coalesce(replace(o.number, '-', ' '), '')
        || ' ' || coalesce(pr.title, '') || ' '
        || CASE WHEN p.role = 'buyer' THEN coalesce(sp.shop_name, su.display_name)
           ELSE bu.display_name END
    ), 'A')
    || to_tsvector('simple', coalesce((
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


def gin_index_create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("messaging", "SearchDocument"), GIN_INDEX)


def gin_index_drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("messaging", "SearchDocument"), GIN_INDEX)


def documents_build(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)
        schema_editor.execute("ANALYZE messaging_searchdocument")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0006_inbound_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("orders", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                condition=models.Q(("is_deleted", False)),
                fields=["user", "-last_message_at", "-id"],
                name="participant_all_idx",
            ),
        ),
        # Lets the GIN index hold the user id next to the words (does nothing off PostgreSQL).
        BtreeGinExtension(),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "participant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="messaging.participant",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="searchdocument", index=GIN_INDEX)],
            database_operations=[migrations.RunPython(gin_index_create, gin_index_drop)],
        ),
        migrations.RunPython(documents_build, migrations.RunPython.noop),
    ]
