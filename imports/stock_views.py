"""Admin door of the shops' stock feeds: ``/admin/imports/stock-feeds/``.

The page lists the shops the user may see with their last feed and whether their stock is stale
(``imports.selectors.shops_feed_status``), links each feed's report (``stock-feeds/<id>/``), and lets the staff
of a shop's organisation create and revoke the shop's own API keys (``imports.stock_tokens``). The views only
parse the request, call the selectors and services and show the result.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from offers.models import Product
from pivot_site.exceptions import DomainError
from shops.models import Shop
from shops.permissions import is_platform_admin, organisation_ids

from .choices import FeedMode, ImportStatus
from .models import StockFeedToken
from .selectors import shops_feed_status, stock_feed_jobs_visible
from .stock_kind import feed_mode
from .stock_tokens import NAME_LENGTH, stock_feed_token_create, stock_feed_token_list, stock_feed_token_revoke

SESSION_NEW_KEY = "pivot_stock_feed_new_key"
FAILED = {ImportStatus.REJECTED, ImportStatus.FAILED}


def key_shops(user):
    """Shops whose keys ``user`` may create: their organisations' (every shop for a platform admin)."""
    shops = Shop.objects.select_related("organisation").order_by("organisation__name", "name")
    return shops if is_platform_admin(user) else shops.filter(organisation_id__in=organisation_ids(user))


class KeyForm(forms.Form):
    shop = forms.ModelChoiceField(queryset=Shop.objects.none(), label=gettext_lazy("Shop"))
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NAME_LENGTH,
        help_text=gettext_lazy("Which till or program uses it, e.g. “Till at the counter”."),
    )

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops
        self.fields["shop"].label_from_instance = lambda shop: f"{shop.name} — {shop.organisation.name}"


class StockFeedAccessMixin:
    """Organisation staff, animators and platform admins: whoever may see import jobs."""

    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("imports.view_importjob"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StockFeedsView(StockFeedAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "imports/stock_feeds.html"
    page_title = gettext_lazy("Stock feeds")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        stale_only = self.request.GET.get("stale") == "1"
        shops = shops_feed_status(user=user)
        if stale_only:
            shops = shops.filter(stale=True)
        manageable = key_shops(user)
        can_manage = manageable.exists()
        tokens = list(stock_feed_token_list(user=user)) if can_manage else []
        revoking = None
        if can_manage and self.request.GET.get("revoke", "").isdigit():
            revoking = next(
                (t for t in tokens if t.pk == int(self.request.GET["revoke"]) and t.revoked_at is None), None
            )
        context.update(
            shops=[(shop, _mode_label(shop.last_feed_options)) for shop in shops],
            stale_only=stale_only,
            stale_hours=settings.PIVOT_STOCK_STALE_HOURS,
            can_manage=can_manage,
            tokens=tokens,
            revoking=revoking,
            form=form or (KeyForm(shops=manageable) if can_manage else None),
            new_key=self.request.session.pop(SESSION_NEW_KEY, None),
            failed_statuses=[str(status) for status in FAILED],
            show_organisation=not organisation_ids(user) or len(organisation_ids(user)) > 1,
            api_url=reverse("api-docs"),
            reference_products=Product.objects.filter(organisation__isnull=True).count(),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "create":
            return self._create(request)
        if action == "revoke":
            return self._revoke(request)
        raise Http404

    def _create(self, request):
        form = KeyForm(request.POST, shops=key_shops(request.user))
        if form.is_valid():
            try:
                token, raw_key = stock_feed_token_create(
                    shop=form.cleaned_data["shop"], name=form.cleaned_data["name"], actor=request.user
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                request.session[SESSION_NEW_KEY] = {"key": raw_key, "name": token.name, "shop": token.shop.name}
                messages.success(
                    request, _("Key “%(name)s” created for %(shop)s.") % {"name": token.name, "shop": token.shop}
                )
                return redirect("pivot_imports:stock_feeds")
        return self.render_to_response(self.get_context_data(form=form))

    def _revoke(self, request):
        token = get_object_or_404(StockFeedToken.objects.select_related("shop"), pk=request.POST.get("token") or 0)
        token = stock_feed_token_revoke(token=token, actor=request.user)
        messages.success(
            request,
            _("Key “%(name)s” of %(shop)s revoked: it no longer works.") % {"name": token.name, "shop": token.shop},
        )
        return redirect("pivot_imports:stock_feeds")


class StockFeedReportView(StockFeedAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """One feed: its counts, refused lines and notes, for the shop's staff and the animators."""

    template_name = "imports/stock_feeds.html"
    page_title = gettext_lazy("Stock feed")

    def get(self, request, *args, **kwargs):
        self.job = get_object_or_404(stock_feed_jobs_visible(user=request.user), pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.job.shop or "")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("pivot_imports:stock_feeds"), "label": _("Stock feeds")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        context.update(
            job=job,
            mode_label=feed_mode(job).label,
            counts=job.totals,
            errors=[error for error in job.errors if not error.get("note")],
            notes=[error for error in job.errors if error.get("note")],
        )
        return context


def _mode_label(options) -> str:
    mode = (options or {}).get("mode")
    return FeedMode(mode).label if mode in FeedMode.values else ""
