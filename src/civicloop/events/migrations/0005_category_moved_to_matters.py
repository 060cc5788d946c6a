"""The event category now lives in the matters app (``matters.0002``). State only: the event's
foreign key points there, and the events app forgets the model; the table ``events_category``
and its rows stay as they are. Runs after every other app re-pointed its foreign keys."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_event_matter"),
        ("hotspots", "0002_category_in_matters"),
        ("matters", "0002_category_from_events"),
        ("router", "0002_category_in_matters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="matters.category",
                        verbose_name="category",
                    ),
                ),
                migrations.DeleteModel(name="Category"),
            ],
            database_operations=[],
        ),
    ]
