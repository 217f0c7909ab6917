from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_inbound_email")]

    operations: list[migrations.operations.base.Operation] = []
