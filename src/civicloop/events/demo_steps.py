"""The event loop's steps of ``civicloop demo`` (registered in ``EventsConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.management.commandline import format_table
from civicloop.core.registry import DemoContext

from .choices import EventState
from .deadlines import ensure_default_rules
from .demo import generate_demo_events, load_categories
from .demo_stories import play_demo_stories
from .models import Event

# The scripted stories (empowerment routing, spikes and duplicates) add a few dozen events on
# top of the generated ones; small demos (and their tests) skip them.
STORY_MIN_EVENTS = 100


def categories(context: DemoContext) -> None:
    # A database flush (``demo --reset`` on PostgreSQL) empties the rules a migration wrote.
    ensure_default_rules()
    counts = load_categories()
    context.say(_("Loaded %(n)d event categories.") % {"n": counts["created"] + counts["updated"]})


def events(context: DemoContext) -> None:
    existing = Event.objects.count()
    if existing:
        context.warn(
            _(
                "The database already holds %(n)d events; no demo events were added "
                "(use --reset to start again)."
            )
            % {"n": existing}
        )
        return
    if not context.events:
        return
    context.detail(
        _("Creating %(n)d events through the workflow services…") % {"n": context.events}
    )
    result = generate_demo_events(
        count=context.events,
        seed=context.seed,
        demo_usernames={login.username for login in context.logins},
        progress=context.detail,
    )
    context.say(
        _("Created %(n)d events between %(start)s and %(end)s; %(escalated)d were escalated.")
        % {
            "n": result.events,
            "start": f"{result.start:%Y-%m-%d}",
            "end": f"{result.end:%Y-%m-%d}",
            "escalated": result.escalated,
        }
    )
    rows = [(EventState(state).label, result.states.get(state, 0)) for state in EventState.values]
    context.detail(format_table([_("state"), _("events")], rows))
    for failure in result.failures:
        context.skip(failure)
    context.stories = context.events >= STORY_MIN_EVENTS


def stories(context: DemoContext) -> None:
    if not context.stories:
        return
    context.say(
        _("Played %(n)d scripted events that show routing by empowerment.")
        % {"n": play_demo_stories()}
    )
