"""The suggested category now points at ``matters.Category`` (the model moved from events;
same table, so state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0002_category_from_events"),
        ("router", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="routingsuggestion",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="matters.category",
                        verbose_name="suggested category",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
