from django.db import migrations, models


class Migration(migrations.Migration):
    """Staff can lift a seller's restriction early; the audit trail records it."""

    dependencies = [
        ("messaging", "0008_saved_replies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moderationaction",
            name="action",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("reported", "Reported"),
                    ("released", "Released"),
                    ("confirmed", "Confirmed"),
                    ("restricted", "Restricted sender"),
                    ("dismissed", "Dismissed report"),
                    ("lifted", "Lifted restriction early"),
                ],
                max_length=12,
            ),
        ),
    ]
