"""Pages of parties: the list I may see, a party's record (masked) with its cases, the
logged reveal of the full details, and corrections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from civicloop.core.api import client_ip
from civicloop.core.errors import NotPermitted
from civicloop.core.views import bind_form, forbidden, service_form_view

from . import services
from .forms import CorrectPartyForm
from .links import party_links
from .models import Party
from .permissions import may_correct, may_reveal


def scoped_parties(user):
    return Party.objects.visible_to(user)


@login_required
def party_list(request):
    q = request.GET.get("q", "")
    parties = scoped_parties(request.user).search(q).order_by("name", "id")
    page = Paginator(parties, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "parties/party_list.html",
        {"page_obj": page, "parties": page.object_list, "q": q, "query": f"q={q}" if q else ""},
    )


def _detail(request, party: Party, *, revealed: dict | None = None, status: int = 200):
    linked = {name: links.records(request.user, party) for name, links in party_links.items()}
    return render(
        request,
        "parties/party_detail.html",
        {
            "party": party,
            "shown": revealed or party.masked(),
            "revealed": revealed is not None,
            "may_reveal": may_reveal(request.user, party),
            "may_correct": may_correct(request.user, party),
            "history": party.history.select_related("actor"),
            **linked,
        },
        status=status,
    )


@login_required
def party_detail(request, pk):
    return _detail(request, get_object_or_404(scoped_parties(request.user), pk=pk))


@login_required
@require_POST
def party_reveal(request, pk):
    """The full details, for those who must reach the party; each view is logged."""
    party = get_object_or_404(scoped_parties(request.user), pk=pk)
    try:
        revealed = services.reveal_party(
            party, by=request.user, channel="web", ip_address=client_ip(request)
        )
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    response = _detail(request, party, revealed=revealed)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def party_correct(request, pk):
    party = get_object_or_404(scoped_parties(request.user), pk=pk)
    if not may_correct(request.user, party):
        return forbidden(
            request, _("Only those handling this party's cases may correct its details.")
        )

    def correct(data):
        return services.correct_party(
            party,
            by=request.user,
            reason=data["reason"],
            data=services.PartyData(
                kind=data["kind"],
                name=data["name"],
                id_number=data["id_number"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                phone=data["phone"],
                address=data["address"],
            ),
        )

    def done(_party):
        messages.success(request, _("The party's details were corrected."))
        return redirect("parties:detail", pk=party.pk)

    return service_form_view(
        request,
        form=bind_form(request, CorrectPartyForm, initial=party.unmasked() | {"kind": party.kind}),
        perform_with=correct,
        done=done,
        context={"party": party},
        template="parties/party_form.html",
    )
