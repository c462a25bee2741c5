"""The CSA's reports in the Wagtail admin (menu "Deliveries"): delivery sheets to print, what the farm prepares,
the solidarity baskets per funder and the members' monthly statements, each with its downloads.

Pages only parse a GET form and call ``subscriptions.reports``; files come from ``subscriptions.sheets``. Staff see
their own gardens only: an organisation or member of another one in the query string is a 404.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from imports.services import dataset_response
from shops.choices import OrganisationKind
from shops.models import Depot, Member, Organisation
from shops.permissions import is_signed_in, organisation_ids, sees_everything

from . import reports, sheets
from .models import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LONGEST_PERIOD = dt.timedelta(days=366)


def report_organisations(user) -> QuerySet:
    """The CSA organisations whose deliveries ``user`` may read: their staff's, every one for animators and
    platform admins."""
    if not is_signed_in(user):
        return Organisation.objects.none()
    gardens = Organisation.objects.filter(
        Q(kind=OrganisationKind.CSA_GARDEN) | Q(pk__in=Plan.objects.values("organisation_id"))
    )
    if sees_everything(user):
        return gardens
    return gardens.filter(pk__in=organisation_ids(user))


def may_view_reports(user) -> bool:
    return report_organisations(user).exists()


def _month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


# Forms: GET forms whose missing fields take their defaults, so that a page always shows a report.


class ReportForm(forms.Form):
    organisation = forms.TypedChoiceField(label=gettext_lazy("Garden"), coerce=int)

    def __init__(self, data, *, organisations, organisation, defaults):
        given = {name: value for name, value in data.items() if value}
        super().__init__({**defaults, **given, "organisation": organisation.pk})
        field = self.fields["organisation"]
        field.choices = [(garden.pk, garden.name) for garden in organisations]
        if len(organisations) == 1:
            field.widget = forms.HiddenInput()

    def query(self, **extra) -> str:
        """The form's cleaned values as a query string: the same report, e.g. as a file."""
        values = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, dt.date):
                value = value.strftime("%Y-%m") if name == "month" else value.isoformat()
            values[name] = "" if value is None else value
        return "?" + urlencode({**values, **extra})


class PeriodForm(ReportForm):
    date_from = forms.DateField(label=gettext_lazy("From"), widget=AdminDateInput)
    date_to = forms.DateField(label=gettext_lazy("Until"), widget=AdminDateInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end must be on or after the start."))
        elif start and end and end - start > LONGEST_PERIOD:
            self.add_error("date_to", _("Choose a period of one year at most."))
        return data


class SheetForm(ReportForm):
    date = forms.DateField(label=gettext_lazy("Delivery date"), widget=AdminDateInput)
    depot = forms.TypedChoiceField(label=gettext_lazy("Depot"), coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, organisations, organisation, defaults):
        super().__init__(data, organisations=organisations, organisation=organisation, defaults=defaults)
        depots = Depot.objects.filter(organisation=organisation).order_by("name").values_list("pk", "name")
        self.fields["depot"].choices = [("", _("All depots")), *depots]


class MonthForm(ReportForm):
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


# Pages


class ReportView(WagtailAdminTemplateMixin, TemplateView):
    """A report of one garden: the first the user works for unless the query string names another of theirs.
    ``?download=<format>`` answers with the report as a file instead of the page."""

    form_class = ReportForm
    downloads: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        self.organisations = list(report_organisations(request.user).order_by("name", "pk"))
        if not self.organisations:
            raise PermissionDenied
        self.organisation = self.chosen_organisation()
        return super().dispatch(request, *args, **kwargs)

    def chosen_organisation(self) -> Organisation:
        wanted = self.request.GET.get("organisation")
        if not wanted:
            return self.organisations[0]
        for organisation in self.organisations:
            if str(organisation.pk) == wanted:
                return organisation
        raise Http404

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def defaults(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        self.form = self.form_class(
            request.GET, organisations=self.organisations, organisation=self.organisation, defaults=self.defaults()
        )
        self.report = self.build(self.form.cleaned_data) if self.form.is_valid() else None
        download = request.GET.get("download")
        if download:
            if download not in self.downloads or self.report is None:
                raise Http404
            return self.file(download)
        return super().get(request, *args, **kwargs)

    def build(self, data):
        raise NotImplementedError

    def file(self, file_format: str) -> HttpResponse:
        raise NotImplementedError

    def filename(self, name: str) -> str:
        """The garden's and the report's names, without extension."""
        return f"{slugify(self.organisation.name)}-{slugify(name)}"

    def attachment(self, content: bytes, content_type: str, filename: str, *, inline=False) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            report=self.report,
            organisation=self.organisation,
            downloads={file_format: self.form.query(download=file_format) for file_format in self.downloads}
            if self.report is not None
            else {},
        )
        return context


class DeliverySheetView(ReportView):
    page_title = gettext_lazy("Delivery sheets")
    header_icon = "clipboard-list"
    template_name = "subscriptions/admin/report_sheet.html"
    form_class = SheetForm
    downloads = ("pdf", "xlsx")

    def defaults(self):
        today = timezone.localdate()
        day = reports.next_delivery_date(organisation_id=self.organisation.pk, after=today) or today
        return {"date": day.isoformat()}

    def build(self, data):
        depot = data.get("depot")
        return reports.delivery_sheet(
            organisation_id=self.organisation.pk, date=data["date"], depot_ids=None if depot is None else [depot]
        )

    def file(self, file_format):
        name = f"{_('delivery-sheet')}-{self.report.date.isoformat()}"
        if file_format == "pdf":
            return self.attachment(
                sheets.sheet_pdf(self.report), "application/pdf", f"{self.filename(name)}.pdf", inline=True
            )
        return self.attachment(sheets.sheet_xlsx(self.report), XLSX, f"{self.filename(name)}.xlsx")


class FarmTotalsView(ReportView):
    page_title = gettext_lazy("To prepare")
    header_icon = "list-ul"
    template_name = "subscriptions/admin/report_farm.html"
    form_class = PeriodForm
    downloads = ("xlsx",)

    def defaults(self):
        today = timezone.localdate()
        start = reports.next_delivery_date(organisation_id=self.organisation.pk, after=today) or today
        return {"date_from": start.isoformat(), "date_to": (start + dt.timedelta(days=6)).isoformat()}

    def build(self, data):
        return reports.farm_totals(
            organisation_id=self.organisation.pk, date_from=data["date_from"], date_to=data["date_to"]
        )

    def file(self, file_format):
        name = f"{_('to-prepare')}-{self.report.date_from.isoformat()}-{self.report.date_to.isoformat()}"
        return self.attachment(sheets.farm_totals_xlsx(self.report), XLSX, f"{self.filename(name)}.xlsx")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.report is not None:
            products = self.report.products
            context["days"] = [
                {
                    "date": day.date,
                    "rows": [(depot, [counts.get(product, 0) for product in products]) for depot, counts in day.depots],
                    "totals": [day.totals.get(product, 0) for product in products],
                }
                for day in self.report.days
            ]
        return context


class FunderReportView(ReportView):
    page_title = gettext_lazy("Solidarity baskets")
    header_icon = "group"
    template_name = "subscriptions/admin/report_funders.html"
    form_class = PeriodForm
    downloads = ("xlsx", "csv")

    def defaults(self):
        start, end = _month_bounds(timezone.localdate())
        return {"date_from": start.isoformat(), "date_to": end.isoformat()}

    def build(self, data):
        return reports.funder_report(
            organisation_id=self.organisation.pk, date_from=data["date_from"], date_to=data["date_to"]
        )

    def file(self, file_format):
        name = f"{_('solidarity-baskets')}-{self.report.date_from.isoformat()}-{self.report.date_to.isoformat()}"
        if file_format == "csv":
            return dataset_response(
                sheets.funder_report_dataset(self.report), file_format="csv", filename=self.filename(name)
            )
        return self.attachment(sheets.funder_report_xlsx(self.report), XLSX, f"{self.filename(name)}.xlsx")


class StatementsView(ReportView):
    page_title = gettext_lazy("Monthly statements")
    header_icon = "doc-full"
    template_name = "subscriptions/admin/report_statements.html"
    form_class = MonthForm

    def defaults(self):
        return {"month": timezone.localdate().strftime("%Y-%m")}

    def build(self, data):
        month = data["month"]
        return reports.organisation_statements(organisation_id=self.organisation.pk, year=month.year, month=month.month)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.report is not None:
            query = self.form.query()
            context["statements"] = [
                (statement, reverse("csa_reports:statement", args=[statement.member.pk]) + query)
                for statement in self.report
            ]
            context["totals"] = {
                name: sum(getattr(statement, name) for statement in self.report)
                for name in ("total_baskets", "total_amount", "total_fees", "total_discounts", "total_due")
            }
        return context


class MemberStatementView(StatementsView):
    """One member's statement; the member must belong to one of the user's gardens."""

    template_name = "subscriptions/admin/report_statement.html"

    def chosen_organisation(self):
        self.member = get_object_or_404(
            Member.objects.filter(organisation__in=self.organisations), pk=self.kwargs["member_id"]
        )
        return next(garden for garden in self.organisations if garden.pk == self.member.organisation_id)

    def get_page_title(self):
        return _("Statement of %(member)s") % {"member": f"{self.member.first_name} {self.member.last_name}".strip()}

    def get_breadcrumbs_items(self):
        index = reverse("csa_reports:statements") + self.form.query() if self.report is not None else ""
        return self.breadcrumbs_items + [
            {"url": index, "label": StatementsView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def build(self, data):
        month = data["month"]
        return reports.member_statement(members=[self.member], year=month.year, month=month.month)

    def get_context_data(self, **kwargs):
        return {**super(StatementsView, self).get_context_data(**kwargs), "member": self.member}


app_name = "csa_reports"
urlpatterns = [
    path("sheets/", DeliverySheetView.as_view(), name="sheets"),
    path("to-prepare/", FarmTotalsView.as_view(), name="farm_totals"),
    path("solidarity/", FunderReportView.as_view(), name="funders"),
    path("statements/", StatementsView.as_view(), name="statements"),
    path("statements/<int:member_id>/", MemberStatementView.as_view(), name="statement"),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("csa/", include((urlpatterns, app_name), namespace=app_name))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_reports(request.user)


# Other apps may add their pages to the menu with this hook.
MENU_HOOK = "register_csa_reports_menu_item"


@hooks.register(MENU_HOOK)
def register_sheets_menu_item():
    return ReportMenuItem(_("Delivery sheets"), reverse("csa_reports:sheets"), icon_name="clipboard-list", order=100)


@hooks.register(MENU_HOOK)
def register_farm_totals_menu_item():
    return ReportMenuItem(_("To prepare"), reverse("csa_reports:farm_totals"), icon_name="list-ul", order=200)


@hooks.register(MENU_HOOK)
def register_funders_menu_item():
    return ReportMenuItem(_("Solidarity baskets"), reverse("csa_reports:funders"), icon_name="group", order=300)


@hooks.register(MENU_HOOK)
def register_statements_menu_item():
    return ReportMenuItem(_("Monthly statements"), reverse("csa_reports:statements"), icon_name="doc-full", order=400)


@hooks.register("register_admin_menu_item")
def register_deliveries_menu():
    return SubmenuMenuItem(
        _("Deliveries"), Menu(register_hook_name=MENU_HOOK), icon_name="clipboard-list", name="deliveries", order=206
    )
