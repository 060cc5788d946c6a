"""Text messages (短信) through a pluggable sender.

A county wires its SMS gateway (or 浙政钉 later) by naming a class in
``CIVICLOOP_SMS_SENDER`` (a dotted path); it is built without arguments and its
``send(phone=…, text=…, key=…)`` is called outside any database transaction by the delivery
task. ``key`` is the message's :attr:`TextMessage.delivery_key`, the same for every attempt,
so a gateway that drops repeated keys never sends a message twice. A sender raises to say the
message was not sent; it is then tried again by the periodic sweep.

The default, :class:`LoggingSender`, only writes the message to the log (the number masked):
nothing leaves the machine until a county configures its gateway."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from civicloop.privacy.masking import mask_phone

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str, key: str) -> object: ...


class LoggingSender:
    """Writes each message to the log instead of sending it."""

    def send(self, *, phone: str, text: str, key: str) -> None:
        logger.info("SMS %s to %s: %s", key, mask_phone(phone), text)


def sms_sender() -> SmsSender:
    path = getattr(settings, "CIVICLOOP_SMS_SENDER", "") or (
        "civicloop.notifications.sms.LoggingSender"
    )
    return import_string(path)()
