"""Writing the simulated rows fast, county by county, and removing an earlier run.

PostgreSQL gets ``COPY … FROM STDIN`` (psycopg 3, one row at a time from Python lists, so
a county's rows are the only ones in memory); SQLite gets ``bulk_create``. Primary keys are
allocated above the largest in each table (the sequences are moved past them at the end),
so the rows of every table can refer to one another before anything is written. Run it
alone: a second writer at the same time could take the same keys.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from civicloop.cases.models import (
    Case,
    CaseDeadline,
    CaseHandler,
    CaseParty,
    LegalReview,
    Payment,
    ReviewSeat,
)
from civicloop.core.crypto import DigestField, EncryptedCharField, EncryptedJSONField
from civicloop.events.models import Assignment, Check, Event, EventRating, Feedback
from civicloop.leniency.models import AppliedItem, CreditRepair

from .calendar import FIRST_YEAR, LAST_YEAR
from .cases import ensure_parties, generate_cases, party_count
from .events import generate_events, number_prefix
from .regions import (
    CASES_PER_SCALE,
    EVENTS_PER_SCALE,
    CountyPlan,
    county_world,
    ensure_categories,
    plan_counties,
    volumes,
)
from .tables import Tables

# Insertion order: a row's references are written before it.
MODELS: tuple[type[models.Model], ...] = (
    Event,
    Assignment,
    Feedback,
    Check,
    EventRating,
    Case,
    CaseHandler,
    CaseParty,
    CaseDeadline,
    LegalReview,
    ReviewSeat,
    Payment,
    AppliedItem,
    CreditRepair,
)
BATCH_SIZE = 2000
ROLLUPS = "civicloop.cockpit.rollups"


@dataclass
class TableTiming:
    rows: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Report:
    counties: list[tuple[CountyPlan, int, int, float]] = field(default_factory=list)
    tables: dict[str, TableTiming] = field(default_factory=dict)
    setup_seconds: float = 0.0  # removing an earlier run, regions, units, staff, parties
    generate_seconds: float = 0.0
    commit_seconds: float = 0.0
    total_seconds: float = 0.0
    rollups_seconds: float | None = None

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def simulated_prefixes(plan: CountyPlan, year: int) -> tuple[str, str]:
    """The number prefixes of a county-year's simulated events and cases."""
    events = number_prefix(plan.code, year)
    return events, f"{events}-"


def live_data_present() -> bool:
    """Whether the database holds events or cases that were not simulated."""
    return (
        Event.objects.exclude(number__startswith="SIM").exists()
        or Case.objects.exclude(number__startswith="SIM").exists()
    )


def already_simulated(plans: list[CountyPlan], year: int) -> list[CountyPlan]:
    found = []
    for plan in plans:
        events, cases = simulated_prefixes(plan, year)
        if (
            Event.objects.filter(number__startswith=events).exists()
            or Case.objects.filter(number__startswith=cases).exists()
        ):
            found.append(plan)
    return found


def delete_simulated(plan: CountyPlan, year: int) -> None:
    """Remove a county-year's simulated rows, children first, with a few DELETE statements.
    Rows another app added to them (if any) make it fail rather than vanish."""
    events, cases = simulated_prefixes(plan, year)
    t = {m: connection.ops.quote_name(m._meta.db_table) for m in (*MODELS,)}
    case_ids = f"SELECT id FROM {t[Case]} WHERE number LIKE %s"
    event_ids = f"SELECT id FROM {t[Event]} WHERE number LIKE %s"
    review_ids = f"SELECT id FROM {t[LegalReview]} WHERE case_id IN ({case_ids})"
    statements = [
        (f"DELETE FROM {t[m]} WHERE case_id IN ({case_ids})", cases)
        for m in (AppliedItem, CreditRepair, Payment)
    ]
    statements.append((f"DELETE FROM {t[ReviewSeat]} WHERE review_id IN ({review_ids})", cases))
    statements += [
        (f"DELETE FROM {t[m]} WHERE case_id IN ({case_ids})", cases)
        for m in (LegalReview, CaseDeadline, CaseParty, CaseHandler)
    ]
    statements.append((f"DELETE FROM {t[Case]} WHERE number LIKE %s", cases))
    statements += [
        (f"DELETE FROM {t[m]} WHERE event_id IN ({event_ids})", events)
        for m in (EventRating, Check, Feedback, Assignment)
    ]
    statements.append((f"DELETE FROM {t[Event]} WHERE number LIKE %s", events))
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, prefix in statements:
            cursor.execute(sql, [prefix + "%"])


class Writer:
    """Writes :class:`Tables` with COPY (PostgreSQL) or bulk_create, timing each table."""

    def __init__(self, report: Report):
        self.report = report
        self.copy = connection.vendor == "postgresql"
        self.now = timezone.now()

    def next_ids(self) -> dict[type[models.Model], int]:
        return {m: (m.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for m in MODELS}

    def _columns(self, model, given: dict[str, list]):
        """Every concrete column: the given ones, and the model's default for the others."""
        names, fill = [], []
        for f in model._meta.concrete_fields:
            names.append(f.attname)
            if f.attname in given:
                fill.append(None)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fill.append(self.now)
            elif f.has_default():
                fill.append(f.get_default())
            elif f.null:
                fill.append(None)
            else:
                fill.append("")
        return names, fill

    def write(self, tables: Tables) -> None:
        for model in MODELS:
            given = tables.columns.get(model)
            if not given:
                continue
            started = time.perf_counter()
            count = len(next(iter(given.values())))
            for f in model._meta.concrete_fields:
                if f.is_relation and f.attname in given:
                    # 0 stands for "no row" in the generators' id arrays.
                    given[f.attname] = [v or None for v in given[f.attname]]
            names, fill = self._columns(model, given)
            columns = [
                given[name] if constant is None and name in given else [constant] * count
                for name, constant in zip(names, fill, strict=True)
            ]
            if self.copy:
                self._copy(model, names, columns)
            else:
                model.objects.bulk_create(
                    (
                        model(**dict(zip(names, row, strict=True)))
                        for row in zip(*columns, strict=True)
                    ),
                    batch_size=BATCH_SIZE,
                )
            timing = self.report.tables.setdefault(model._meta.label, TableTiming())
            timing.rows += count
            timing.seconds += time.perf_counter() - started

    def _copy(self, model, names: list[str], columns: list[list]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        for i, name in enumerate(names):
            if isinstance(fields[name], models.JSONField):
                columns[i] = [json.dumps(v, ensure_ascii=False) for v in columns[i]]
        # COPY bypasses the fields: personal data is encrypted and its digests computed here.
        plain = {name: list(column) for name, column in zip(names, columns, strict=True)}
        for i, name in enumerate(names):
            field = fields[name]
            if isinstance(field, EncryptedCharField | EncryptedJSONField):
                columns[i] = [field.get_db_prep_save(v, connection) for v in columns[i]]
            elif isinstance(field, DigestField) and field.source_attname() in plain:
                columns[i] = [field.digest(v) for v in plain[field.source_attname()]]
        quote = connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(fields[n].column) for n in names)
        )
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)

    def reset_sequences(self) -> None:
        if not self.copy:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyse() -> None:
    """Bulk-loaded tables have no planner statistics until autovacuum comes round; without
    them PostgreSQL plans a town's figures as if the events table held a few rows (seconds
    instead of milliseconds), and SQLite picks the wrong index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in MODELS:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def refresh_rollups(year: int) -> bool:
    """Build the cockpit's rollups for the year, when the cockpit app offers them."""
    try:
        rollups = importlib.import_module(ROLLUPS)
    except ModuleNotFoundError as error:
        if error.name in ("civicloop.cockpit", ROLLUPS):
            return False
        raise
    refresh = getattr(rollups, "refresh", None)
    if refresh is None:
        return False
    refresh(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return True


def simulate(
    *,
    county: str,
    year: int,
    scale: float,
    seed: int,
    replace: bool = False,
    say: Callable[[str, CountyPlan, int, int, float], None] | None = None,
) -> Report:
    """Generate and write ``scale`` × Haiyan's year, one county (one transaction) at a time."""
    started = time.perf_counter()
    report = Report()
    plans = plan_counties(county, scale)
    event_counts = volumes(plans, scale, EVENTS_PER_SCALE)
    case_counts = volumes(plans, scale, CASES_PER_SCALE)
    ensure_categories()
    writer = Writer(report)
    # One generator per county, spawned from the seed: a county's rows do not depend on how
    # many counties come before it.
    streams = np.random.SeedSequence(seed).spawn(len(plans))
    for plan, events, cases, stream in zip(plans, event_counts, case_counts, streams, strict=True):
        county_started = time.perf_counter()
        with transaction.atomic():
            if replace:
                delete_simulated(plan, year)
            world = county_world(plan)
            parties = ensure_parties(world, party_count(cases))
            rng = np.random.default_rng(stream)
            generated = time.perf_counter()
            report.setup_seconds += generated - county_started
            tables = Tables(writer.next_ids())
            year_events = generate_events(world, year=year, count=events, rng=rng, tables=tables)
            generate_cases(
                world,
                year=year,
                count=cases,
                rng=rng,
                tables=tables,
                events=year_events,
                parties=parties,
            )
            report.generate_seconds += time.perf_counter() - generated
            writer.write(tables)
            committing = time.perf_counter()
        # PostgreSQL checks the (deferred) foreign keys of the county's rows at COMMIT.
        report.commit_seconds += time.perf_counter() - committing
        seconds = time.perf_counter() - county_started
        report.counties.append((plan, events, cases, seconds))
        if say:
            say("county", plan, events, cases, seconds)
    writer.reset_sequences()
    analyse()
    rollups_started = time.perf_counter()
    if refresh_rollups(year):
        report.rollups_seconds = time.perf_counter() - rollups_started
    report.total_seconds = time.perf_counter() - started
    return report


def year_is_supported(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR
