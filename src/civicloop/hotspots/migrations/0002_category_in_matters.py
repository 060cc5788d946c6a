"""A warning's category now points at ``matters.Category`` (the model moved from events;
same table, so state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotspots", "0001_warnings_and_duplicate_suggestions"),
        ("matters", "0002_category_from_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="warning",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="spike_warnings",
                        to="matters.category",
                        verbose_name="category",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
