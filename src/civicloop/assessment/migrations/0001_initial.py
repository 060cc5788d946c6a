"""The town assessment (一镇一评估) moves from the matters app into its own app, which sits
above events and cases (its indicators are computed from their records). State only: the
tables keep their names (``matters_*``), so an existing database keeps its rows, keys and
constraints untouched. ``matters.0003`` then drops the models from the matters app's state."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import civicloop.assessment.models

MODELS = [
    "assessmentround",
    "townassessment",
    "dimensionscore",
    "assessmentevidence",
    "assessmenthistory",
]


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    """Keep the content types (and the permissions and admin log that refer to them)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor):
    _move_content_types(apps, schema_editor, "matters", "assessment")


def move_content_types_back(apps, schema_editor):
    _move_content_types(apps, schema_editor, "assessment", "matters")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("matters", "0002_category_from_events"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AssessmentRound",
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
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("period_start", models.DateField(verbose_name="period from")),
                        ("period_end", models.DateField(verbose_name="period until")),
                        (
                            "weights",
                            models.JSONField(
                                default=civicloop.assessment.models.default_weights,
                                help_text="Weight of each dimension; they add up to 100.",
                                verbose_name="weights",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="created at"
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="created by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "assessment round",
                        "verbose_name_plural": "assessment rounds",
                        "db_table": "matters_assessmentround",
                        "ordering": ["-period_end", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="DimensionScore",
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
                        (
                            "dimension",
                            models.CharField(
                                choices=[
                                    ("systems", "system building"),
                                    ("organisation", "organisation and operation"),
                                    ("supervision", "supervision and inspection"),
                                    ("cases", "penalty case handling"),
                                    ("legal_review", "legal review"),
                                    ("effect", "implementation effect"),
                                    ("satisfaction", "public satisfaction"),
                                ],
                                max_length=20,
                                verbose_name="dimension",
                            ),
                        ),
                        (
                            "weight",
                            models.DecimalField(
                                decimal_places=2, max_digits=5, verbose_name="weight"
                            ),
                        ),
                        (
                            "indicator_value",
                            models.DecimalField(
                                blank=True,
                                decimal_places=4,
                                help_text="A rate between 0 and 1, computed from records.",
                                max_digits=7,
                                null=True,
                                verbose_name="indicator value",
                            ),
                        ),
                        (
                            "indicator_numerator",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="counted"
                            ),
                        ),
                        (
                            "indicator_denominator",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="out of"
                            ),
                        ),
                        (
                            "indicator_note",
                            models.TextField(
                                blank=True,
                                help_text="How the indicator was computed, or why there is none.",
                                verbose_name="indicator definition",
                            ),
                        ),
                        (
                            "prefilled_score",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=5,
                                null=True,
                                verbose_name="pre-filled score",
                            ),
                        ),
                        (
                            "score",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=5,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(Decimal("0")),
                                    django.core.validators.MaxValueValidator(Decimal("100")),
                                ],
                                verbose_name="score",
                            ),
                        ),
                        (
                            "override_reason",
                            models.TextField(blank=True, verbose_name="reason for overriding"),
                        ),
                        ("evidence", models.TextField(blank=True, verbose_name="evidence")),
                        ("comment", models.TextField(blank=True, verbose_name="comment")),
                        (
                            "updated_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="updated at"
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="updated by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "dimension score",
                        "verbose_name_plural": "dimension scores",
                        "db_table": "matters_dimensionscore",
                        "ordering": ["assessment", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="AssessmentEvidence",
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
                        (
                            "file",
                            models.FileField(
                                max_length=255,
                                upload_to=civicloop.assessment.models.evidence_upload_to,
                                verbose_name="file",
                            ),
                        ),
                        (
                            "original_name",
                            models.CharField(max_length=200, verbose_name="file name"),
                        ),
                        (
                            "content_type",
                            models.CharField(max_length=100, verbose_name="content type"),
                        ),
                        (
                            "uploaded_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="uploaded at"
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                        (
                            "score",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="files",
                                to="assessment.dimensionscore",
                                verbose_name="dimension score",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "evidence file",
                        "verbose_name_plural": "evidence files",
                        "db_table": "matters_assessmentevidence",
                        "ordering": ["uploaded_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="TownAssessment",
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
                        (
                            "state",
                            models.CharField(
                                choices=[("draft", "draft"), ("submitted", "submitted")],
                                default="draft",
                                max_length=20,
                                verbose_name="state",
                            ),
                        ),
                        ("comments", models.TextField(blank=True, verbose_name="overall comments")),
                        (
                            "total",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Weighted sum of the seven scores; empty until all are scored.",
                                max_digits=5,
                                null=True,
                                verbose_name="total score",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="created at"
                            ),
                        ),
                        (
                            "submitted_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="submitted at"
                            ),
                        ),
                        (
                            "assessor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="assessor",
                            ),
                        ),
                        (
                            "round",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assessments",
                                to="assessment.assessmentround",
                                verbose_name="round",
                            ),
                        ),
                        (
                            "town",
                            models.ForeignKey(
                                limit_choices_to={"level": "town"},
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assessments",
                                to="org.region",
                                verbose_name="town / street",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "town assessment",
                        "verbose_name_plural": "town assessments",
                        "db_table": "matters_townassessment",
                        "ordering": ["round", "town__code"],
                    },
                ),
                migrations.AddField(
                    model_name="dimensionscore",
                    name="assessment",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scores",
                        to="assessment.townassessment",
                        verbose_name="assessment",
                    ),
                ),
                migrations.CreateModel(
                    name="AssessmentHistory",
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
                        ("action", models.CharField(max_length=40, verbose_name="action")),
                        (
                            "from_state",
                            models.CharField(blank=True, max_length=30, verbose_name="from state"),
                        ),
                        (
                            "to_state",
                            models.CharField(blank=True, max_length=30, verbose_name="to state"),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="at"
                            ),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="reason")),
                        (
                            "details",
                            models.JSONField(blank=True, default=dict, verbose_name="details"),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty when the system acted (deadline sweep) or a member of the public.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="actor",
                            ),
                        ),
                        (
                            "assessment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="history",
                                to="assessment.townassessment",
                                verbose_name="assessment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "assessment history entry",
                        "verbose_name_plural": "assessment history",
                        "db_table": "matters_assessmenthistory",
                        "ordering": ["at", "id"],
                        "abstract": False,
                    },
                ),
                migrations.AddConstraint(
                    model_name="assessmentround",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="matters_round_period_ordered",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="townassessment",
                    constraint=models.UniqueConstraint(
                        fields=("round", "town"), name="matters_assessment_one_per_town"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="dimensionscore",
                    constraint=models.UniqueConstraint(
                        fields=("assessment", "dimension"), name="matters_score_one_per_dimension"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="dimensionscore",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("score__isnull", True),
                            models.Q(("score__gte", 0), ("score__lte", 100)),
                            _connector="OR",
                        ),
                        name="matters_score_between_0_and_100",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
