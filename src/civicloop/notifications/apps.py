from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "civicloop.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from civicloop.core import registry

        # Whatever a lost enqueue, a failed push or a task past its retries left undelivered.
        registry.register_periodic_task(
            "notifications.redeliver",
            "civicloop.notifications.tasks.redeliver_notifications",
            every="civicloop.notifications.tasks.redeliver_seconds",
            option="--redeliver-every",
            help=_(
                "seconds between sweeps delivering the notifications still undelivered; 0 turns "
                "them off (default: CIVICLOOP_TASK_LEASE_SECONDS, 120)"
            ),
            order=5,
        )
        registry.register_periodic_task(
            "notifications.resend_texts",
            "civicloop.notifications.tasks.resend_texts",
            every="civicloop.notifications.tasks.redeliver_seconds",
            option="--resend-texts-every",
            help=_(
                "seconds between sweeps sending the text messages still unsent; 0 turns them "
                "off (default: CIVICLOOP_TASK_LEASE_SECONDS, 120)"
            ),
            order=6,
        )
