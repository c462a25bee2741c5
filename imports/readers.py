"""Read the spreadsheets people actually upload into one ``tablib.Dataset``.

French users send Excel xlsx, LibreOffice ods and csv saved by Excel (``;`` separators,
Windows-1252) or by other tools (``,`` or tabs, UTF-8 with a BOM). The format is detected from
the content, never trusted from the file name. Cells and headers are stripped, blank rows and
unnamed empty columns are dropped, and ``dataset.line_numbers`` keeps each row's line in the
original file so that errors point at the line the person sees in their spreadsheet.
"""

import csv
import io
import zipfile
from datetime import date, datetime

import tablib
from django.utils.translation import gettext as _

from pivot_site.exceptions import DomainError

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
DELIMITERS = ";,\t"
MAX_REPEATED_ROWS = 10_000  # LibreOffice stores runs of identical rows once; a forged count must not explode


class UnreadableFile(DomainError):
    code = "unreadable_file"


def detect_format(data: bytes) -> str:
    """``xlsx``, ``ods`` or ``csv`` from the first bytes and, for zip files, their content."""
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
                if "xl/workbook.xml" in names:
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise UnreadableFile(_("This file is neither an Excel (xlsx) nor a LibreOffice (ods) spreadsheet."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(_("Old Excel files (xls) cannot be read: save the file as xlsx or csv."))
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("This file is not a spreadsheet (xlsx, ods or csv)."))
    return "csv"


def clean_cell(value):
    """Text is stripped; whole floats become ints so that an EAN or postcode typed as a number
    does not gain a ``.0``; dates, numbers and booleans keep their type for the widgets."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\xa0", " ").strip() if value.strip() else ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str) -> str:
    """The separator that appears most in the header line (``;`` wins ties, as French Excel uses it)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data: bytes):
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    # csv.reader counts physical lines, so quoted multi-line cells keep the right line numbers.
    for row in reader:
        yield reader.line_num, row


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for line, row in enumerate(sheet.iter_rows(values_only=True), 1):
            yield line, list(row)
    finally:
        workbook.close()


def _ods_cell(cell):
    from odf import teletype
    from odf.text import P

    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        return float(cell.getAttribute("value"))
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    if kind == "date":
        value = cell.getAttribute("datevalue")
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))


def _read_ods(data: bytes):
    """The first sheet, expanding LibreOffice's repeated rows and cells (it stores runs once)."""
    from odf.opendocument import load
    from odf.table import Table, TableRow

    document = load(io.BytesIO(data))
    tables = document.spreadsheet.getElementsByType(Table)
    if not tables:
        return
    line = 0
    for row in tables[0].getElementsByType(TableRow):
        values = []
        for cell in row.childNodes:
            if cell.qname[1] in ("table-cell", "covered-table-cell"):
                value = _ods_cell(cell) if cell.qname[1] == "table-cell" else ""
                values.extend([value] * min(int(cell.getAttribute("numbercolumnsrepeated") or 1), 1000))
        repeat = int(row.getAttribute("numberrowsrepeated") or 1)
        if all(clean_cell(v) == "" for v in values):
            line += repeat
            continue
        for _i in range(min(repeat, MAX_REPEATED_ROWS)):
            line += 1
            yield line, values


READERS = {"csv": _read_csv, "xlsx": _read_xlsx, "ods": _read_ods}


def read_dataset(data: bytes, file_format: str | None = None) -> tablib.Dataset:
    """A dataset with stripped headers and cells, no blank rows, and ``line_numbers``.

    Raises ``UnreadableFile`` (a ``DomainError``) for an empty, unreadable or header-only file.
    """
    if not data or not data.strip():
        raise UnreadableFile(_("The file is empty."))
    file_format = file_format or detect_format(data)
    try:
        lines = [(line, [clean_cell(v) for v in row]) for line, row in READERS[file_format](data)]
    except UnreadableFile:
        raise
    except Exception as error:  # corrupt zip, broken XML, bad csv quoting…
        raise UnreadableFile(_("The file could not be read (%(error)s).") % {"error": error})
    lines = [(line, row) for line, row in lines if any(v != "" for v in row)]
    if not lines:
        raise UnreadableFile(_("The file is empty."))
    (_header_line, headers), rows = lines[0], lines[1:]
    headers = [str(h).strip() for h in headers]
    width = max([len(headers)] + [len(row) for _line, row in rows])
    headers += [""] * (width - len(headers))
    keep = [i for i, h in enumerate(headers) if h or any(i < len(row) and row[i] != "" for _line, row in rows)]
    unnamed = [i for i in keep if not headers[i]]
    if unnamed:
        raise UnreadableFile(
            _("Column %(number)s has values but no heading: give it the name of a column.") % {"number": unnamed[0] + 1}
        )
    seen = set()
    for i in keep:
        if headers[i].casefold() in seen:
            raise UnreadableFile(_("The column “%(name)s” appears twice.") % {"name": headers[i]})
        seen.add(headers[i].casefold())
    dataset = tablib.Dataset(headers=[headers[i] for i in keep])
    for _line, row in rows:
        row = row + [""] * (width - len(row))
        dataset.append([row[i] for i in keep])
    dataset.line_numbers = [line for line, _row in rows]
    dataset.file_format = file_format
    if not rows:
        raise UnreadableFile(_("The file has headings but no rows."))
    return dataset
