"""The leaders' cockpit pages (placeholder until the page lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from civicloop.core.views import forbidden

from .access import may_read


@login_required
def board(request):
    if not may_read(request.user):
        return forbidden(request)
    return HttpResponse("cockpit")
