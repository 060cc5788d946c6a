"""The notification gateway of ``bench/load.py``: ``CIVICLOOP_NOTIFICATION_PUSH=loadpush.push``.

Each push appends the notification's id and its delivery key to ``CIVICLOOP_LOAD_PUSH_LOG`` (one short line with
O_APPEND, so concurrent workers do not interleave); the bench counts notifications pushed more than once, and whether every push of one carried the
same key (a gateway that honours the key — an SMS platform's client message id — shows it once).
"""

import os


def push(notification) -> None:
    fd = os.open(os.environ["CIVICLOOP_LOAD_PUSH_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{notification.pk} {notification.delivery_key}\n".encode())
    finally:
        os.close(fd)
