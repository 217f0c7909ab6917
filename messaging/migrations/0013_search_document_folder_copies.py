"""Search documents carry their participant's sort key and folder flags (PostgreSQL).

A search of a big folder then reads the documents alone, newest first, where PostgreSQL can
judge how many of the user's threads hold the words: joined to the participant rows, the
user filter counts twice in its estimate, some forty times too few rows are expected, and
every match is read and sorted for one page. A trigger on the participant table keeps the
copies equal to the originals, whatever writes them (services, admin, bulk updates).
Elsewhere (SQLite) there are no documents and the columns stay unused.
"""

import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

COPIED = ("last_message_at", "last_message_is_mine", "is_archived", "is_deleted")

TRIGGER = f"""
CREATE FUNCTION messaging_search_document_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messaging_searchdocument
    SET {", ".join(f"{c} = NEW.{c}" for c in COPIED)}
    WHERE participant_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER messaging_participant_search_copies
AFTER UPDATE OF {", ".join(COPIED)} ON messaging_participant
FOR EACH ROW
WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COPIED)})
EXECUTE FUNCTION messaging_search_document_follow();
"""

BACKFILL = f"""
UPDATE messaging_searchdocument d
SET {", ".join(f"{c} = p.{c}" for c in COPIED)}
FROM messaging_participant p
WHERE p.id = d.participant_id
"""  # noqa: S608 (constant SQL)


def copies_fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER)
    schema_editor.execute(BACKFILL)


def copies_drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER messaging_participant_search_copies ON messaging_participant"
    )
    schema_editor.execute("DROP FUNCTION messaging_search_document_follow()")


def statistics_refresh(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # The planner's choice between the new index and the GIN one rests on fresh statistics.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE messaging_searchdocument")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0012_inbound_bounce_limit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="is_archived",
            field=models.BooleanField(db_default=False),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="is_deleted",
            field=models.BooleanField(db_default=False),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="last_message_at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="last_message_is_mine",
            field=models.BooleanField(db_default=False),
        ),
        migrations.RunPython(copies_fill, copies_drop),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                condition=models.Q(("is_deleted", False)),
                fields=["user", "-last_message_at", "-participant"],
                name="search_document_recent_idx",
            ),
        ),
        migrations.RunPython(statistics_refresh, migrations.RunPython.noop),
    ]
