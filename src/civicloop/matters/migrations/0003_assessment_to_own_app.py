"""The town assessment's models leave the matters app's state: ``assessment.0001`` took them
over, tables (``matters_*``) and rows untouched. State only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("matters", "0002_category_from_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="assessmenthistory",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="assessmenthistory",
                    name="assessment",
                ),
                migrations.RemoveField(
                    model_name="assessmentround",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="townassessment",
                    name="round",
                ),
                migrations.RemoveField(
                    model_name="dimensionscore",
                    name="assessment",
                ),
                migrations.RemoveField(
                    model_name="dimensionscore",
                    name="updated_by",
                ),
                migrations.RemoveField(
                    model_name="townassessment",
                    name="assessor",
                ),
                migrations.RemoveField(
                    model_name="townassessment",
                    name="town",
                ),
                migrations.DeleteModel(
                    name="AssessmentEvidence",
                ),
                migrations.DeleteModel(
                    name="AssessmentHistory",
                ),
                migrations.DeleteModel(
                    name="AssessmentRound",
                ),
                migrations.DeleteModel(
                    name="DimensionScore",
                ),
                migrations.DeleteModel(
                    name="TownAssessment",
                ),
            ],
            database_operations=[],
        ),
    ]
