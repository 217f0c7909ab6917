"""A renamed party's threads are re-indexed, wherever the rename happens (PostgreSQL).

Each search document holds the other party's public name: the shop's name for a seller with a
profile, else the user's display name. Triggers on those columns write a ``SearchRefresh`` row
in the renaming transaction, so the admin, a profile page, the API and a bulk update are all
seen; the search sweep rebuilds the party's documents and deletes the row. Elsewhere (SQLite)
there are no documents and no triggers.
"""

import django.db.models.functions.datetime
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TRIGGERS = """
CREATE FUNCTION messaging_search_refresh_request(party_id bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO messaging_searchrefresh (user_id, requested_at) VALUES (party_id, now())
    ON CONFLICT (user_id) DO UPDATE SET requested_at = EXCLUDED.requested_at;
$$;

CREATE FUNCTION messaging_user_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM messaging_search_refresh_request(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER messaging_user_renamed
AFTER UPDATE OF display_name ON accounts_user
FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name)
EXECUTE FUNCTION messaging_user_renamed();

-- A shop name that appears, changes or goes away changes the name buyers see.
CREATE FUNCTION messaging_shop_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM messaging_search_refresh_request(OLD.user_id);
    ELSE
        PERFORM messaging_search_refresh_request(NEW.user_id);
        IF TG_OP = 'UPDATE' AND OLD.user_id IS DISTINCT FROM NEW.user_id THEN
            PERFORM messaging_search_refresh_request(OLD.user_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER messaging_shop_named
AFTER INSERT OR DELETE ON accounts_sellerprofile
FOR EACH ROW EXECUTE FUNCTION messaging_shop_renamed();
CREATE TRIGGER messaging_shop_renamed
AFTER UPDATE OF shop_name, user_id ON accounts_sellerprofile
FOR EACH ROW WHEN (
    OLD.shop_name IS DISTINCT FROM NEW.shop_name OR OLD.user_id IS DISTINCT FROM NEW.user_id
)
EXECUTE FUNCTION messaging_shop_renamed();
"""

DROP = """
DROP TRIGGER messaging_shop_renamed ON accounts_sellerprofile;
DROP TRIGGER messaging_shop_named ON accounts_sellerprofile;
DROP FUNCTION messaging_shop_renamed();
DROP TRIGGER messaging_user_renamed ON accounts_user;
DROP FUNCTION messaging_user_renamed();
DROP FUNCTION messaging_search_refresh_request(bigint);
"""


def triggers_create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS)


def triggers_drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("messaging", "0013_search_document_folder_copies"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchRefresh",
            fields=[
                ("user_id", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "requested_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
            ],
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
