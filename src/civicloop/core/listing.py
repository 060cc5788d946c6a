"""The one base for filtered, paginated list pages (events, cases, matters, warnings…)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django_filters.views import FilterView


class FilteredListView(LoginRequiredMixin, FilterView):
    """A FilterView that tolerates stale page numbers and gives templates the query
    string (without the page) for pagination links and exports."""

    def paginate_queryset(self, queryset, page_size):
        # A stale page number (the list shrank since the link was made) shows the last page.
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        context["filtered"] = bool(query)
        return context

    def filtered_rows(self):
        """The rows the list shows, unpaginated (for an export): every row when nothing is
        filtered, none when a filter is invalid — as the list page decides."""
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            return filterset.qs
        return filterset.queryset.none()
