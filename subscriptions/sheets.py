"""The reports of ``subscriptions.reports`` as files: delivery sheets in PDF (printed on delivery morning) and
xlsx, the farm's totals and the funders' report in xlsx (and csv).

PDFs are written by fpdf2 with its built-in Helvetica in the Windows-1252 encoding: French letters, “ ” and €
render without embedding a font; the rare character outside it prints as “?”.
"""

from __future__ import annotations

import io

import tablib
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .reports import DeliverySheet, DepotSheet, FarmTotals, FunderReport

ENCODING = "cp1252"
MONEY_FORMAT = '#,##0.00 "€"'
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def long_date(day) -> str:
    """“mardi 2 mars 2027” in the active language."""
    return formats.date_format(day, "l j F Y")


def _printable(text: str) -> str:
    return text.encode(ENCODING, errors="replace").decode(ENCODING)


# Delivery sheet: PDF


class _SheetPDF(FPDF):
    """A4 portrait, one page or more per depot; each page repeats the garden, date, depot and column heads."""

    ROW = 8
    # (heading, width in mm, alignment); the last column takes what is left of the 186 mm.
    COLUMNS = (("", 9, "C"), ("member", 52, "L"), ("phone", 27, "L"), ("product", 42, "L"), ("qty", 11, "R"))

    def __init__(self, sheet: DeliverySheet):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=16)
        self.sheet = sheet
        # Where each column starts, in mm from the page's left edge.
        self.starts = {}
        x = self.l_margin
        for key, width, _align in self.COLUMNS:
            self.starts[key] = x
            x += width
        self.starts["notes"] = x
        self.column_widths = {key: width for key, width, _align in self.COLUMNS}
        self.depot: DepotSheet | None = None
        self.depot_first_page = False
        self.date_text = long_date(sheet.date)
        self.headings = {
            "member": _("Member"),
            "phone": _("Phone"),
            "product": _("Product"),
            "qty": _("Qty"),
            "notes": _("Notes"),
        }
        self.set_title(_printable(f"{_('Delivery sheet')} — {sheet.organisation} — {self.date_text}"))
        self.set_creator("PIVOT")

    def latin(self, value) -> str:
        return _printable(str(value))

    def widths(self, text: str) -> list[float]:
        """Each character's width in mm in the current core font: fpdf2's own measure is ten times slower."""
        table, scale = self.current_font.cw, self.font_size / 1000
        return [table.get(char, 600) * scale for char in text.encode(ENCODING, errors="replace").decode("latin-1")]

    def fit(self, value: str, width: float) -> str:
        """``value`` cut with an ellipsis to fit ``width`` mm in the current font."""
        value = self.latin(value)
        room = width - 2 * self.c_margin
        widths = self.widths(value)
        if sum(widths) <= room:
            return value
        room -= sum(self.widths("…"))
        used = 0.0
        for index, char_width in enumerate(widths):
            used += char_width
            if used > room:
                return value[:index].rstrip() + "…"
        return value

    def wrap(self, text: str, width: float, lines: int) -> list[str]:
        """``text`` split at spaces into at most ``lines`` lines of ``width`` mm, the last one cut if need be."""
        room = width - 2 * self.c_margin
        space = sum(self.widths(" "))
        result, current, used = [], [], 0.0
        words = text.split(" ")
        for position, word in enumerate(words):
            word_width = sum(self.widths(word))
            if current and used + space + word_width > room:
                result.append(" ".join(current))
                current, used = [], 0.0
                if len(result) == lines - 1:
                    return [*result, self.fit(" ".join(words[position:]), width)]
            used += (space if current else 0) + word_width
            current.append(word)
        return [*result, self.fit(" ".join(current), width)]

    def header(self):
        if self.depot is None:
            return
        self.set_font("Helvetica", "B", 11)
        self.cell(120, 6, self.fit(f"{self.sheet.organisation} — {_('Delivery sheet')}", 120))
        self.set_font("Helvetica", "", 11)
        self.cell(0, 6, self.latin(self.date_text), align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "B", 18)
        self.cell(0, 10, self.fit(self.depot.name, 186), new_x="LMARGIN", new_y="NEXT")
        if self.depot_first_page:
            self.depot_first_page = False
            self.depot_details()
        self.ln(2)
        self.set_font("Helvetica", "B", 10)
        self.set_fill_color(230, 230, 230)
        for key, width, align in self.COLUMNS:
            self.cell(width, 7, self.latin(self.headings.get(key, "")), border=1, align=align, fill=True)
        self.cell(0, 7, self.latin(self.headings["notes"]), border=1, fill=True, new_x="LMARGIN", new_y="NEXT")

    def depot_details(self):
        depot = self.depot
        self.set_font("Helvetica", "", 11)
        where = " · ".join(filter(None, [depot.address, depot.hours]))
        if where:
            self.cell(0, 6, self.fit(where, 186), new_x="LMARGIN", new_y="NEXT")
        if depot.restricted:
            self.set_font("Helvetica", "B", 11)
            self.cell(0, 6, self.latin(_("Restricted depot")), new_x="LMARGIN", new_y="NEXT")
        if depot.public_note:
            self.set_font("Helvetica", "I", 10)
            self.multi_cell(0, 5, self.latin(depot.public_note), new_x="LMARGIN", new_y="NEXT")

    def footer(self):
        if self.depot is None:
            return
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(150, 5, self.fit(f"{self.depot.name} — {self.date_text}", 150))
        self.cell(
            0, 5, self.latin(_("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}), align="R"
        )

    def depot_pages(self, depot: DepotSheet):
        self.depot = depot
        self.depot_first_page = True
        self.add_page()
        for line in depot.lines:
            self.row(line)
        self.depot_totals(depot)

    def row(self, line):
        """One delivery: borders drawn as lines and text placed with ``text()``, four times faster than cells."""
        if self.will_page_break(self.ROW):
            self.add_page()
        left, y = self.l_margin, self.get_y()
        right = self.w - self.r_margin
        self.rect(left, y, right - left, self.ROW)
        x = left
        for _key, width, _align in self.COLUMNS:
            x += width
            self.line(x, y, x, y + self.ROW)
        box = 4.5
        self.rect(left + (self.COLUMNS[0][1] - box) / 2, y + (self.ROW - box) / 2, box, box)
        weight = "B" if line.doubled else ""
        name = f"{line.last_name.upper()} {line.first_name}".strip()
        starts, widths = self.starts, self.column_widths
        self.set_font("Helvetica", weight, 11)
        self.place(starts["member"], y, self.fit(name, widths["member"]))
        self.set_font("Helvetica", "", 10)
        self.place(starts["phone"], y, self.fit(line.phone, widths["phone"]))
        self.set_font("Helvetica", weight, 11)
        self.place(starts["product"], y, self.fit(line.product, widths["product"]))
        quantity = str(line.quantity)
        self.place(starts["notes"] - 2 * self.c_margin - sum(self.widths(quantity)), y, quantity)
        notes = ([_("Doubled")] if line.doubled else []) + list(line.notes)
        if notes:
            self.set_font("Helvetica", "", 8)
            lines = self.wrap(self.latin(" · ".join(notes)), right - starts["notes"], 2)
            for number, part in enumerate(lines):
                offset = (number - (len(lines) - 1) / 2) * self.ROW / 2
                self.place(starts["notes"], y + offset, part)
        self.set_xy(left, y + self.ROW)

    def place(self, x: float, y: float, text: str):
        """``text`` in the cell starting at ``x`` of the row at ``y``, vertically centred."""
        if text:
            self.text(x + self.c_margin, y + self.ROW / 2 + 0.35 * self.font_size, text)

    def depot_totals(self, depot: DepotSheet):
        if self.will_page_break(8 + 6 * len(depot.totals)):
            self.add_page()
        self.ln(3)
        self.set_font("Helvetica", "B", 11)
        summary = _("%(count)s deliveries, %(doubled)s doubled. To bring:") % {
            "count": len(depot.lines),
            "doubled": depot.doubled,
        }
        self.cell(0, 7, self.latin(summary), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 11)
        for product, quantity in depot.totals.items():
            self.cell(101, 6, self.fit(product, 101))
            self.cell(20, 6, str(quantity), align="R", new_x="LMARGIN", new_y="NEXT")


def sheet_pdf(sheet: DeliverySheet) -> bytes:
    pdf = _SheetPDF(sheet)
    for depot in sheet.depots:
        pdf.depot_pages(depot)
    if not sheet.depots:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 8, pdf.latin(f"{sheet.organisation} — {pdf.date_text}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(0, 8, pdf.latin(_("No delivery is planned on this date.")))
    return bytes(pdf.output())


# xlsx


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _widths(worksheet, widths) -> None:
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width


def _sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    title = "".join("-" if char in "[]:*?/\\" else char for char in name)[:31].strip() or "-"
    base, number = title, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.lower())
    return title


def sheet_xlsx(sheet: DeliverySheet) -> bytes:
    """One worksheet per depot: its details, then one row per delivery with an empty “collected” column."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    headings = [
        _("Collected"),
        _("Last name"),
        _("First name"),
        _("Phone"),
        _("Product"),
        _("Quantity"),
        _("Doubled"),
        _("Notes"),
    ]
    for depot in sheet.depots:
        worksheet = workbook.create_sheet(_sheet_title(depot.name, taken))
        worksheet.append([f"{sheet.organisation} — {_('Delivery sheet')}"])
        worksheet.append([depot.name, long_date(sheet.date)])
        worksheet.append([depot.address, depot.hours])
        worksheet.append([_("Restricted depot") if depot.restricted else "", depot.public_note])
        worksheet["A1"].font = TITLE
        worksheet["A2"].font = BOLD
        worksheet.append([])
        worksheet.append(headings)
        for cell in worksheet[worksheet.max_row]:
            cell.font = BOLD
        worksheet.freeze_panes = worksheet.cell(row=worksheet.max_row + 1, column=1)
        for line in depot.lines:
            worksheet.append(
                [
                    "",
                    line.last_name,
                    line.first_name,
                    line.phone,
                    line.product,
                    line.quantity,
                    _("yes") if line.doubled else "",
                    " · ".join(line.notes),
                ]
            )
        worksheet.append([])
        worksheet.append([_("To bring")])
        worksheet.cell(row=worksheet.max_row, column=1).font = BOLD
        for product, quantity in depot.totals.items():
            worksheet.append(["", "", "", "", product, quantity])
        _widths(worksheet, [10, 22, 18, 16, 26, 10, 10, 40])
        worksheet.print_options.gridLines = True
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    if not sheet.depots:
        worksheet = workbook.create_sheet(_sheet_title(str(sheet.date), taken))
        worksheet.append([sheet.organisation, long_date(sheet.date)])
        worksheet.append([_("No delivery is planned on this date.")])
    return _workbook_bytes(workbook)


def farm_totals_xlsx(totals: FarmTotals) -> bytes:
    """One row per date and depot, one column per product, then each date's total for all depots."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = _sheet_title(_("To prepare"), set())
    worksheet.append([_("Date"), _("Depot"), *totals.products])
    for cell in worksheet[1]:
        cell.font = BOLD
    worksheet.freeze_panes = "C2"
    for day in totals.days:
        for depot, counts in day.depots:
            worksheet.append([day.date, depot, *(counts.get(product, 0) for product in totals.products)])
            worksheet.cell(row=worksheet.max_row, column=1).number_format = "DD/MM/YYYY"
        worksheet.append([day.date, _("All depots"), *(day.totals.get(product, 0) for product in totals.products)])
        for cell in worksheet[worksheet.max_row]:
            cell.font = BOLD
        worksheet.cell(row=worksheet.max_row, column=1).number_format = "DD/MM/YYYY"
    _widths(worksheet, [12, 28, *(max(12, len(product) + 2) for product in totals.products)])
    return _workbook_bytes(workbook)


def funder_report_dataset(report: FunderReport) -> tablib.Dataset:
    """The report's detail, one row per funded subscription: what a csv export holds."""
    dataset = tablib.Dataset(
        headers=[
            _("Funder"),
            _("Member"),
            _("Product"),
            _("Baskets"),
            _("Discount per basket"),
            _("Discount"),
        ]
    )
    for line in report.lines:
        for funded in line.subscriptions:
            dataset.append(
                [
                    line.funder,
                    funded.member,
                    funded.product,
                    funded.baskets,
                    funded.discount_per_basket,
                    funded.discount,
                ]
            )
    return dataset


def funder_report_xlsx(report: FunderReport) -> bytes:
    """A summary per funder (what is invoiced to each), then the detail per subscription."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _sheet_title(_("Funders"), set())
    period = _("From %(start)s to %(end)s") % {
        "start": formats.date_format(report.date_from, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(report.date_to, "SHORT_DATE_FORMAT"),
    }
    summary.append([_("Solidarity baskets"), period])
    summary["A1"].font = TITLE
    summary.append([])
    summary.append([_("Funder"), _("Baskets"), _("Discount")])
    for cell in summary[3]:
        cell.font = BOLD
    for line in report.lines:
        summary.append([line.funder, line.baskets, line.discount])
        summary.cell(row=summary.max_row, column=3).number_format = MONEY_FORMAT
    summary.append([_("Total"), report.total_baskets, report.total_discount])
    for cell in summary[summary.max_row]:
        cell.font = BOLD
    summary.cell(row=summary.max_row, column=3).number_format = MONEY_FORMAT
    _widths(summary, [32, 12, 14])

    detail = workbook.create_sheet(_sheet_title(_("Detail"), {summary.title.lower()}))
    dataset = funder_report_dataset(report)
    detail.append(dataset.headers)
    for cell in detail[1]:
        cell.font = BOLD
    for row in dataset:
        detail.append(list(row))
        for column in (5, 6):
            detail.cell(row=detail.max_row, column=column).number_format = MONEY_FORMAT
    _widths(detail, [28, 28, 24, 10, 18, 14])
    return _workbook_bytes(workbook)
