from django.contrib import messages
from django.forms import Form
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from pivot_site.exceptions import DomainError
from shops.viewsets import check_object_access

from . import services
from .forms import OfferMarkSoldForm
from .models import Offer


class OfferActionMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """An admin page acting on one offer the user may reach, with a way back to its edit page."""

    model = Offer
    edit_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        offer = get_object_or_404(Offer.objects.select_related("product", "organisation"), pk=kwargs["pk"])
        self.object = check_object_access(request.user, offer)

    def get_context_data(self, **kwargs):
        cancel_url = reverse(self.edit_url_name, args=[self.object.pk])
        return {**super().get_context_data(**kwargs), "object": self.object, "cancel_url": cancel_url}


class OfferDuplicateView(OfferActionMixin, TemplateView):
    """Asks for confirmation, then makes a draft copy through offers.services.offer_duplicate."""

    permission_required = "add"
    template_name = "offers/offer_duplicate.html"
    page_title = gettext_lazy("Duplicate this offer")
    header_icon = "copy"

    def post(self, request, *args, **kwargs):
        copy = services.offer_duplicate(offer=self.object, actor=request.user)
        messages.success(
            request, _("Draft copy of “%(offer)s” created: adjust it, then publish it.") % {"offer": self.object}
        )
        return redirect(self.edit_url_name, copy.pk)


class OfferSoldMarkView(OfferActionMixin, FormView):
    """Marks a published offer sold (or cancels the mark) through offers.services, after a confirmation."""

    permission_required = "change"
    header_icon = "tick"

    def form_valid(self, form):
        try:
            self.apply(form)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        return redirect(self.edit_url_name, self.object.pk)


class OfferMarkSoldView(OfferSoldMarkView):
    form_class = OfferMarkSoldForm
    template_name = "offers/offer_mark_sold.html"
    page_title = gettext_lazy("Mark as sold")

    def apply(self, form):
        services.offer_mark_sold(
            offer=self.object,
            quantity=form.cleaned_data["quantity"],
            sold_at=form.cleaned_data["sold_at"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            _("“%(offer)s” is marked sold: its impact now counts on the impact pages.") % {"offer": self.object},
        )


class OfferMarkUnsoldView(OfferSoldMarkView):
    form_class = Form
    template_name = "offers/offer_mark_unsold.html"
    page_title = gettext_lazy("Cancel the sale")
    header_icon = "undo"

    def apply(self, form):
        services.offer_mark_unsold(offer=self.object, actor=self.request.user)
        messages.success(self.request, _("The sale of “%(offer)s” is cancelled.") % {"offer": self.object})
