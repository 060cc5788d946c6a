"""The notifications inbox (待办提醒): list, open, mark read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services


def _mine(request):
    """Only the signed-in user's own notifications are ever looked up."""
    return request.user.notifications.all()


@login_required
def inbox(request):
    only_unread = request.GET.get("unread") == "1"
    rows = _mine(request)
    if only_unread:
        rows = rows.unread()
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "only_unread": only_unread,
            "unread_total": _mine(request).unread().count(),
        },
    )


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(_mine(request), pk=pk)
    services.mark_read(notification, by=request.user)
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_notification.html", {"notification": notification})
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:inbox")


@login_required
def open_notification(request, pk):
    """Follow a notification's link, marking it read on the way."""
    notification = get_object_or_404(_mine(request), pk=pk)
    services.mark_read(notification, by=request.user)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("notifications:inbox")
