"""The event category (事件类别) moves from the events app to the matters app, whose catalog
is sorted by it. State only: the table keeps its name (``events_category``), so an existing
database keeps its rows, keys and constraints untouched. ``events.0005`` then drops the old
model from the events app's state once every foreign key points here."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the content type (and the permissions and admin log that refer to it)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label="matters", model="category").exists():
        types.filter(app_label="events", model="category").update(app_label="matters")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label="events", model="category").exists():
        types.filter(app_label="matters", model="category").update(app_label="events")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0004_event_matter"),
        ("matters", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="matters.category",
                                verbose_name="parent",
                            ),
                        ),
                        (
                            "handling_level",
                            models.CharField(
                                choices=[
                                    ("village", "village / community"),
                                    ("town", "town / street"),
                                ],
                                default="town",
                                max_length=10,
                                verbose_name="handled at",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                limit_choices_to={"kind": "department"},
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="categories",
                                to="org.unit",
                                verbose_name="owning county department",
                            ),
                        ),
                        (
                            "town_may_handle",
                            models.BooleanField(
                                default=True,
                                help_text=(
                                    "If not, general events of this category go to the county "
                                    "department."
                                ),
                                verbose_name="towns may handle",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "position",
                            models.PositiveIntegerField(default=0, verbose_name="position"),
                        ),
                    ],
                    options={
                        "verbose_name": "event category",
                        "verbose_name_plural": "event categories",
                        "db_table": "events_category",
                        "ordering": ["position", "code"],
                    },
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="category",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="matters",
                        to="matters.category",
                        verbose_name="event category",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=False),
    ]
