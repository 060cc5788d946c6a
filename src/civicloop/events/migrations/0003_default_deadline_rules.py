"""Starting deadlines for the event loop; a county changes them in the admin."""

from django.db import migrations

DEFAULTS = [
    # stage, urgency, span, amount, unit
    ("judge", "", "", 2, "working_hours"),
    ("accept", "urgent", "", 0.5, "calendar_hours"),
    ("accept", "general", "", 4, "working_hours"),
    ("accept", "general", "multi", 1, "working_days"),
    ("handle", "urgent", "single", 24, "calendar_hours"),
    ("handle", "urgent", "multi", 48, "calendar_hours"),
    ("handle", "general", "single", 5, "working_days"),
    ("handle", "general", "multi", 10, "working_days"),
    ("check", "", "", 1, "working_days"),
]


def add_defaults(apps, schema_editor):
    DeadlineRule = apps.get_model("events", "DeadlineRule")
    for stage, urgency, span, amount, unit in DEFAULTS:
        DeadlineRule.objects.get_or_create(
            stage=stage, urgency=urgency, span=span, defaults={"amount": amount, "unit": unit}
        )


def remove_defaults(apps, schema_editor):
    DeadlineRule = apps.get_model("events", "DeadlineRule")
    for stage, urgency, span, _amount, _unit in DEFAULTS:
        DeadlineRule.objects.filter(stage=stage, urgency=urgency, span=span).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0002_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
