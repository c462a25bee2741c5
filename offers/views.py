from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from shops.viewsets import check_object_access

from . import services
from .models import Offer


class OfferDuplicateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Asks for confirmation, then makes a draft copy through offers.services.offer_duplicate."""

    model = Offer
    permission_required = "add"
    template_name = "offers/offer_duplicate.html"
    page_title = gettext_lazy("Duplicate this offer")
    header_icon = "copy"
    edit_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        offer = get_object_or_404(Offer.objects.select_related("product", "organisation"), pk=kwargs["pk"])
        self.object = check_object_access(request.user, offer)

    def get_context_data(self, **kwargs):
        cancel_url = reverse(self.edit_url_name, args=[self.object.pk])
        return {**super().get_context_data(**kwargs), "object": self.object, "cancel_url": cancel_url}

    def post(self, request, *args, **kwargs):
        copy = services.offer_duplicate(offer=self.object, actor=request.user)
        messages.success(
            request, _("Draft copy of “%(offer)s” created: adjust it, then publish it.") % {"offer": self.object}
        )
        return redirect(self.edit_url_name, copy.pk)
