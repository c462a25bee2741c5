"""Public impact pages: the platform, an organisation, a shop; they parse input and call the impact selectors."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from shops.models import Organisation, Shop

from .impact import impact_series, impact_summary
from .impact_chart import bar_chart

MONTH_CHOICES = (6, 12, 24)
DEFAULT_MONTHS = 12


def months_param(request) -> int:
    """``?mois=6|12|24``; anything else shows the last 12 months."""
    value = request.GET.get("mois", "")
    return int(value) if value in {str(choice) for choice in MONTH_CHOICES} else DEFAULT_MONTHS


def render_impact(request, *, title, shop=None, organisation=None, children=(), children_title=""):
    months = months_param(request)
    shop_id = shop.pk if shop else None
    organisation_id = organisation.pk if organisation and not shop else None
    series = impact_series(shop_id=shop_id, organisation_id=organisation_id, months=months)
    context = {
        "title": title,
        "shop": shop,
        "organisation": organisation,
        "totals": impact_summary(shop_id=shop_id, organisation_id=organisation_id),
        "series": series,
        "chart": bar_chart([(point.month, point.waste_kg, point.co2e_kg) for point in series]),
        "months": months,
        "month_choices": MONTH_CHOICES,
        "children": children,
        "children_title": children_title,
    }
    return TemplateResponse(request, "offers/impact.html", context)


def platform_impact(request):
    organisations = Organisation.objects.filter(active=True).only("name", "slug").order_by("name")
    return render_impact(
        request, title=_("Our environmental impact"), children=organisations, children_title=_("Organisations")
    )


def organisation_impact(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, active=True)
    shops = organisation.shops.filter(active=True).only("name", "slug", "organisation_id").order_by("name")
    return render_impact(
        request,
        title=_("Environmental impact of %(name)s") % {"name": organisation.name},
        organisation=organisation,
        children=shops,
        children_title=_("Its shops"),
    )


def shop_impact(request, slug):
    shop = get_object_or_404(
        Shop.objects.select_related("organisation"), slug=slug, active=True, organisation__active=True
    )
    return render_impact(
        request,
        title=_("Environmental impact of %(name)s") % {"name": shop.name},
        shop=shop,
        organisation=shop.organisation,
    )
