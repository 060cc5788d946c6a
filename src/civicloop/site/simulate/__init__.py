"""``civicloop simulate``: a year of operations, bulk-loaded, for capacity planning.

The rows go through the same models as the demo but not through the workflow services:
they are built in Python (NumPy draws from one seeded generator, so a seed gives the same
data) and written with PostgreSQL ``COPY`` (``bulk_create`` on SQLite). No history rows
and no notifications are written: a simulated database is for measuring volume and speed,
never for audit.

* ``regions.py`` — which counties a scale means (the given county, the other real Jiaxing
  counties, then synthetic counties "模拟县NN" shaped like them) and the organisation each
  needs (units, a few staff accounts);
* ``calendar.py`` — the rhythm of a year: seasons, weekdays, the Spring Festival;
* ``events.py`` — events with their assignments, feedback, checks and ratings;
* ``cases.py`` — penalty cases with handlers, parties, deadlines, legal reviews, payments,
  leniency items applied and credit repairs;
* ``loader.py`` — primary keys, COPY or bulk_create, replacing an earlier run, timings.
"""
