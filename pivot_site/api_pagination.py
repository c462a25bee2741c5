"""Page-number pagination that answers every ``page`` with a 200 or a 400, never a 404 or a 500."""

import re

from django.core.paginator import Page
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as BasePageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

# Eighteen digits fit every database's integers and stay far below Python's int-parsing limit.
PAGE_NUMBER = re.compile(r"[0-9]{1,18}")


class PageNumberPagination(BasePageNumberPagination):
    """``page`` past the end gives an empty page (clients that walk pages stop cleanly);
    a page that is not a positive number is a 400 that says so."""

    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = _("Give a page number from 1 (or “last”).")

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return paginator.num_pages
        raw = raw.strip()
        if not PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
            raise ValidationError({self.page_query_param: [self.invalid_page_message]})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        if number > paginator.num_pages:
            self.page = Page([], number, paginator)
            return []
        self.page = paginator.page(number)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def _past_the_end(self):
        return self.page.number > self.page.paginator.num_pages

    def get_next_link(self):
        if self._past_the_end():
            return None
        return super().get_next_link()

    def get_previous_link(self):
        if not self._past_the_end():
            return super().get_previous_link()
        url = self.request.build_absolute_uri()
        last = self.page.paginator.num_pages
        if last == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, last)
