"""Read the spreadsheets people actually upload.

French users send Excel xlsx, old Excel 97 xls (wholesalers' systems still write it), LibreOffice ods
and csv saved by Excel (``;`` separators, Windows-1252) or by other tools (``,`` or tabs, UTF-8 with
or without a BOM). The format is detected from the content, never trusted from the file name.

Two doors:

- ``open_table`` streams a table for bulk imports: it finds the header row below titles, dates and
  merged title cells, drops empty leading columns, tells whether numbers in text cells are written
  ``12,50`` or ``12.50``, and yields the rows lazily with their line in the file.
- ``read_dataset`` reads the whole file into one ``tablib.Dataset`` whose first non-blank row holds
  the headings (the generic table import and its exports), with ``dataset.line_numbers``.

Cells and headings are stripped, blank rows and unnamed empty columns are dropped, and line numbers
are those of the original file so that errors point at the line the person sees. Every refusal is an
``UnreadableFile`` with a message for people.
"""

import codecs
import csv
import io
import math
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import chain, islice

import tablib
import xlrd
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from pivot_site.exceptions import DomainError

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"  # compound document: Excel 97 xls, or an Office file encrypted by a password
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
DELIMITERS = ";,\t"  # in order of preference on ties: French Excel writes ``;``
MAX_REPEATED_ROWS = 10_000  # LibreOffice stores runs of identical rows once; a forged count must not explode
MAX_UNZIPPED_RATIO = 10  # an xlsx or ods may hold at most 10 times the size limit once uncompressed (zip bombs)
MAX_CSV_CELL = 1024 * 1024  # characters; beyond it a cell is almost always an unclosed quote
HEADER_WINDOW = 30  # non-blank rows among which the header row is looked for
SNIFF_ROWS = 20  # csv records that decide the delimiter
DECIMAL_SAMPLE_ROWS = 200  # data rows read ahead to tell ``12,50`` from ``12.50``

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
SPACE_GROUPING = "\\s\u00a0\u2007\u202f\u2009'’"
CURRENCY = re.compile(r"^(?:€|eur)\s*|\s*(?:€|eur|%)$", re.IGNORECASE)
SIGNED_SPACES = re.compile(r"^([+-])\s+")
SPACE_GROUPED = re.compile(rf"[+-]?\d{{1,3}}(?:[{SPACE_GROUPING}]\d{{3}})+(?:[.,]\d*)?(?:[eE][+-]?\d+)?", re.ASCII)
SPACES = re.compile(rf"[{SPACE_GROUPING}]")
COMMA_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+", re.ASCII)
DOT_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+", re.ASCII)
# The usual cell ("12,50", "5.5", "6"): read at once, unless its mark could be a thousands separator ("1,234").
SIMPLE_NUMBER = re.compile(r"-?[0-9]{1,20}(?:([.,])([0-9]{1,20}))?")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?", re.ASCII)
NUMBER_LIKE = re.compile(r"[+-]?[\d.,]*\d[\d.,]*", re.ASCII)
DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:[ T]\d{1,2}[:h]\d{2}(?::\d{2})?)?", re.ASCII)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")  # not tab, line ends, \x0b \x0c (line breaks
# in cells for some tools) nor \x1a (the end-of-file mark of old DOS tools)
IMAGES = (b"\x89PNG\r\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


class UnreadableFile(DomainError):
    code = "unreadable_file"


def _protected():
    return UnreadableFile(
        _("This workbook is protected by a password: save it without a password and upload it again."),
        code="file_protected",
    )


def _not_a_spreadsheet():
    return UnreadableFile(_("This file is not a spreadsheet (xlsx, xls, ods or csv)."))


def _megabytes(size: int) -> str:
    return floatformat(size / (1024 * 1024), -2)


@dataclass
class Detected:
    """What was found out about an uploaded file, to show the person and to read its numbers."""

    file_format: str  # "xlsx" | "xls" | "ods" | "csv"
    encoding: str = ""  # csv only: "utf-8", "utf-8-sig" (BOM) or "cp1252"
    delimiter: str = ""  # csv only: ";" "," or "\t"
    decimal_comma: bool = False  # numbers in text cells written "12,50" (French), detected from the data rows
    header_line: int = 1  # 1-based line/row number of the header row in the file
    sheet: str = ""  # name of the sheet read (spreadsheets)


@dataclass
class Table:
    """Headings and a lazy iterator of ``(line in the file, cells aligned with the headings)``.

    Consuming ``rows`` may raise ``UnreadableFile`` (a broken file, a value under no heading further down).
    """

    detected: Detected
    headers: list[str]
    rows: Iterator[tuple[int, list]]


# Formats


def detect_format(data: bytes) -> str:
    """``xlsx``, ``xls``, ``ods`` or ``csv`` from the first bytes and, for zip and OLE2 files, their content.

    ``UnreadableFile`` for a workbook protected by a password and for files that are no spreadsheet.
    """
    if data.startswith(ZIP_SIGNATURES):
        kind = _zip_kind(data)
        if kind == "protected":
            raise _protected()
        if kind == "xlsb":
            raise UnreadableFile(_("Excel binary workbooks (xlsb) cannot be read: save the file as xlsx."))
        if kind is None:
            raise UnreadableFile(_("This file is neither an Excel (xlsx) nor a LibreOffice (ods) spreadsheet."))
        return kind
    if data.startswith(OLE2_SIGNATURE):
        streams = _ole_streams(data)
        if {"EncryptionInfo", "EncryptedPackage"} & streams:
            raise _protected()  # an xlsx saved with a password is an OLE2 file holding the encrypted zip
        if streams and not {"Workbook", "Book"} & streams:
            raise _not_a_spreadsheet()  # Word, Outlook… documents are OLE2 files too
        return "xls"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        raise UnreadableFile(
            _("This file is a PDF document, not a spreadsheet: upload the Excel, LibreOffice or csv file instead.")
        )
    if data.startswith(IMAGES):
        raise UnreadableFile(
            _("This file is an image, not a spreadsheet: upload an Excel (xlsx, xls), LibreOffice (ods) or csv file.")
        )
    if head.startswith(b"<") and any(tag in head for tag in (b"<html", b"<table", b"<?xml", b"<!doctype")):
        raise UnreadableFile(
            _(
                "This file is a web page or an XML export, not a real spreadsheet: open it in Excel or LibreOffice "
                "and save it as xlsx."
            )
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            _(
                "This text file is saved as “Unicode text” (UTF-16): save it as “CSV UTF-8” or as xlsx and upload it again."
            )
        )
    if b"\x00" in data[:4096]:
        raise _not_a_spreadsheet()
    return "csv"


def _zip_kind(data: bytes) -> str | None:
    """``ods``, ``xlsx``, ``xlsb``, ``protected`` (an ods saved with a password) or ``None``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                return "protected" if b"encryption-data" in manifest else "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
    except Exception:  # not a zip, a damaged or an encrypted one: zipfile raises many kinds of errors
        pass
    return None


class _Silent:
    """Where xlrd writes its warnings."""

    def write(self, text):
        pass

    def flush(self):
        pass


def _ole_streams(data: bytes) -> set[str]:
    """The names in an OLE2 compound document's directory (empty when it is too broken to tell)."""
    from xlrd.compdoc import CompDoc

    try:
        return {node.name for node in CompDoc(data, logfile=_Silent()).dirlist}
    except Exception:
        return set()


def _check_unzipped_size(data: bytes, max_bytes: int):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_RATIO * max_bytes:
            # zipfile never inflates an entry beyond its declared size, so the declared sizes are a bound.
            raise UnreadableFile(
                _("The file would be larger than %(max)s MB once uncompressed: it cannot be read.")
                % {"max": _megabytes(MAX_UNZIPPED_RATIO * max_bytes)},
                code="file_too_large",
            )


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


# csv


def _latin1_fallback(error: UnicodeDecodeError):
    """The five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as Latin-1."""
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("pivot_latin1_fallback", _latin1_fallback)


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 with a BOM, UTF-8, else Windows-1252 (never fails)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="pivot_latin1_fallback"), "cp1252"


def _lines(text: str) -> Iterator[str]:
    """Physical lines with their ends (``\\r\\n``, ``\\r`` or ``\\n``), without copying the text."""
    return (match.group() for match in LINE.finditer(text))


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(first physical line, fields)``: quoted multi-line cells keep the following lines' numbers right."""
    csv.field_size_limit(MAX_CSV_CELL)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise UnreadableFile(
                    _(
                        "A cell starting on line %(line)s is longer than %(max)s characters: check that every "
                        'quote (") in the file is closed.'
                    )
                    % {"line": start, "max": floatformat(MAX_CSV_CELL, "0g")}
                ) from error
            raise UnreadableFile(
                _("Line %(line)s could not be read (%(error)s).") % {"line": start, "error": error}
            ) from error
        yield start, record
        start = reader.line_num + 1


def _sniff_delimiter(text: str) -> str:
    """The separator that cuts the first records into the same number (> 1) of fields most often.

    ``;`` wins ties (French Excel), then ``,``; a file of one column gets ``;``.
    """
    scores = {}
    for delimiter in DELIMITERS:
        counts = []
        try:
            for _line, record in _csv_records(text, delimiter):
                if any(field.strip() for field in record):
                    counts.append(len(record))
                    if len(counts) == SNIFF_ROWS:
                        break
        except UnreadableFile:
            pass
        widths = Counter(count for count in counts if count > 1)
        scores[delimiter] = widths.most_common(1)[0][1] if widths else 0
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best] else ";"


def _read_csv(data: bytes, detected: Detected) -> Iterator[tuple[int, list]]:
    text, detected.encoding = _decode(data)
    nul = text.find("\x00")
    if nul >= 0:
        raise UnreadableFile(
            _("Line %(line)s contains binary data (NUL characters): this is not a csv text file.")
            % {"line": text.count("\n", 0, nul) + 1}
        )
    sample = text[:4096]
    if len(CONTROL_CHARACTERS.findall(sample)) * 50 > len(sample):
        raise _not_a_spreadsheet()
    detected.delimiter = _sniff_delimiter(text)
    return _csv_records(text, detected.delimiter)


# Spreadsheets


def _read_xlsx(data: bytes, detected: Detected) -> Iterator[tuple[int, list]]:
    """The first visible sheet, streamed (``read_only``); formulas give the result Excel saved with them."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = workbook.worksheets
    if not sheets:
        workbook.close()
        return iter(())
    sheet = next((sheet for sheet in sheets if sheet.sheet_state == "visible"), sheets[0])
    detected.sheet = sheet.title
    sheet.reset_dimensions()  # some tools write a wrong <dimension>: read every row there is

    def rows():
        try:
            for line, row in enumerate(sheet.iter_rows(values_only=True), 1):
                yield line, list(row)
        finally:
            workbook.close()

    return rows()


def _xls_value(cell, datemode):
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return cell.value


def _read_xls(data: bytes, detected: Detected) -> Iterator[tuple[int, list]]:
    """The first visible sheet of an Excel 97 workbook (xlrd reads one sheet at a time)."""
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=_Silent())
        sheet = None
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility == 0:
                break
            book.unload_sheet(index)
            sheet = None
        if sheet is None and book.nsheets:
            sheet = book.sheet_by_index(0)
    except xlrd.XLRDError as error:
        if "encrypted" in str(error).lower():
            raise _protected() from error
        raise UnreadableFile(
            _("This old Excel (xls) file could not be read: open it in Excel and save it as xlsx.")
        ) from error
    except Exception as error:
        raise UnreadableFile(
            _("This old Excel (xls) file could not be read: open it in Excel and save it as xlsx.")
        ) from error
    if sheet is None:
        book.release_resources()
        return iter(())
    detected.sheet = sheet.name

    def rows():
        try:
            for index in range(sheet.nrows):
                yield index + 1, [_xls_value(cell, book.datemode) for cell in sheet.row(index)]
        finally:
            book.release_resources()

    return rows()


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


def _read_ods(data: bytes, detected: Detected) -> Iterator[tuple[int, list]]:
    """The first sheet, expanding LibreOffice's repeated rows and cells (it stores runs once).

    odfpy loads the whole document; the rows are built one at a time."""
    from odf.opendocument import load
    from odf.table import Table as OdsTable
    from odf.table import TableRow

    document = load(io.BytesIO(data))
    tables = document.spreadsheet.getElementsByType(OdsTable)
    if not tables:
        return iter(())
    detected.sheet = tables[0].getAttribute("name") or ""

    def rows():
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

    return rows()


READERS = {"csv": _read_csv, "xlsx": _read_xlsx, "xls": _read_xls, "ods": _read_ods}


# Reading


def _read_at_most(file, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes, by chunks (``read(n)`` may reserve ``n`` bytes at once)."""
    chunks, size = [], 0
    while size <= max_bytes:
        chunk = file.read(min(1024 * 1024, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def too_large(max_bytes: int | None = None) -> UnreadableFile:
    """The error of a file over ``max_bytes`` (default ``PIVOT_IMPORT_MAX_BYTES``), for every door that gets one."""
    max_bytes = settings.PIVOT_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    return UnreadableFile(
        _("The file is larger than %(max)s MB.") % {"max": _megabytes(max_bytes)}, code="file_too_large"
    )


def _load(data, max_bytes: int | None) -> bytes:
    """The bytes of ``data`` (bytes, a path or an open binary file), refused beyond ``max_bytes``."""
    max_bytes = settings.PIVOT_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(data, (str, os.PathLike)):
        if os.stat(data).st_size > max_bytes:
            raise too_large(max_bytes)
        with open(data, "rb") as file:
            data = _read_at_most(file, max_bytes)
    elif hasattr(data, "read"):
        data = _read_at_most(data, max_bytes)
    data = bytes(data)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    return data


def _non_blank(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """Cleaned cells without trailing empty ones; blank rows skipped; reading errors made ``UnreadableFile``."""
    try:
        for line, row in rows:
            cells = [clean_cell(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                yield line, cells
    except UnreadableFile:
        raise
    except Exception as error:  # corrupt zip, broken XML…
        raise UnreadableFile(_("The file could not be read (%(error)s).") % {"error": error}) from error


def _open_rows(
    data, max_bytes: int | None, file_format: str | None = None
) -> tuple[Detected, Iterator[tuple[int, list]]]:
    data = _load(data, max_bytes)
    if not data or data.isspace():
        raise UnreadableFile(_("The file is empty."))
    detected = Detected(file_format=file_format or detect_format(data))
    if detected.file_format in ("xlsx", "ods"):
        _check_unzipped_size(data, settings.PIVOT_IMPORT_MAX_BYTES if max_bytes is None else max_bytes)
    try:
        rows = READERS[detected.file_format](data, detected)
    except UnreadableFile:
        raise
    except Exception as error:  # corrupt zip, broken XML…
        raise UnreadableFile(_("The file could not be read (%(error)s).") % {"error": error}) from error
    return detected, _non_blank(rows)


def _heading(value) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _columns(header: list, rows: list[tuple[int, list]]) -> tuple[list[str], list[int]]:
    """The headings and the positions of their columns; unnamed empty columns are dropped.

    ``UnreadableFile`` for values under no heading (in ``rows``) and for a heading given twice."""
    headers = [_heading(h) for h in header]
    width = max([len(headers)] + [len(row) for _line, row in rows])
    headers += [""] * (width - len(headers))
    for _line, row in rows:
        _check_named(headers, row)
    keep = [i for i, h in enumerate(headers) if h]
    seen = set()
    for i in keep:
        if headers[i].casefold() in seen:
            raise UnreadableFile(_("The column “%(name)s” appears twice.") % {"name": headers[i]})
        seen.add(headers[i].casefold())
    return [headers[i] for i in keep], keep


def _check_named(headers: list[str], row: list):
    for i, value in enumerate(row):
        if value != "" and (i >= len(headers) or not headers[i]):
            raise UnreadableFile(
                _("Column %(number)s has values but no heading: give it the name of a column.") % {"number": i + 1}
            )


def _looks_like_value(text: str) -> bool:
    """A number or a date written as text: what a heading is not."""
    if DATE_LIKE.fullmatch(text):
        return True
    try:
        parse_decimal(text, decimal_comma=True)
    except ValueError:
        return False
    return True


def _header_index(window: list[tuple[int, list]]) -> int:
    """Which of the first non-blank rows holds the headings, below titles, dates and notes.

    A candidate has at least 2 text cells (neither numbers nor dates) and is not narrower than most
    rows below it, at least two of them (a title, an address or a "Client: X" line is; a row with one
    value too many below the headings is not). The first candidate wins; a later
    one of the same width only if it has more text cells and no value while the first has values
    (a "Supplier: X; Date: 05/01/2026" line as wide as the table, above the real headings).
    Without candidate, the first non-blank row.
    """
    shapes = []
    for _line, cells in window:
        filled = [v for v in cells if v != ""]
        text = sum(1 for v in filled if isinstance(v, str) and not _looks_like_value(v))
        shapes.append((len(filled), text, len(filled) - text))
    best = None
    for i, (filled, text, values) in enumerate(shapes):
        if text < 2:
            continue
        below = shapes[i + 1 :]
        wider = sum(1 for other in below if other[0] > filled)
        if wider >= 2 and wider * 2 > len(below):
            continue
        if best is None:
            best = i
        elif filled == shapes[best][0] and text > shapes[best][1] and shapes[best][2] and not values:
            best = i
    return best or 0


def _decimal_votes(text: str) -> tuple[int, int, int, int]:
    """(comma, dot, comma maybe, dot maybe): what a number written as text says of its decimal mark."""
    text = CURRENCY.sub("", text.strip())
    text = SIGNED_SPACES.sub(r"\1", text)
    if SPACES.search(text):
        if not SPACE_GROUPED.fullmatch(text):
            return 0, 0, 0, 0
        text = SPACES.sub("", text)
    if not NUMBER_LIKE.fullmatch(text):
        return 0, 0, 0, 0
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        return (1, 0, 0, 0) if text.rfind(",") > text.rfind(".") else (0, 1, 0, 0)
    if commas == 1:
        return (0, 0, 1, 0) if COMMA_GROUPED.fullmatch(text) else (1, 0, 0, 0)
    if commas:
        return (0, 1, 0, 0) if COMMA_GROUPED.fullmatch(text) else (0, 0, 0, 0)
    if dots == 1:
        return (0, 0, 0, 1) if DOT_GROUPED.fullmatch(text) else (0, 1, 0, 0)
    if dots:
        return (1, 0, 0, 0) if DOT_GROUPED.fullmatch(text) else (0, 0, 0, 0)
    return 0, 0, 0, 0


def _uses_decimal_comma(rows: list[tuple[int, list]]) -> bool:
    """Whether numbers in text cells are written ``12,50``: the mark most cells show; ``1,234``
    alone (a thousand or one point two three four) is read the French way."""
    comma = dot = maybe_comma = maybe_dot = 0
    for _line, cells in rows:
        for value in cells:
            if isinstance(value, str) and value and any(c.isdigit() for c in value):
                votes = _decimal_votes(value)
                comma, dot = comma + votes[0], dot + votes[1]
                maybe_comma, maybe_dot = maybe_comma + votes[2], maybe_dot + votes[3]
    if comma or dot:
        return comma >= dot
    return maybe_comma > 0 and maybe_comma >= maybe_dot


def open_table(data, *, max_bytes: int | None = None) -> Table:
    """Open an uploaded spreadsheet (bytes, a path or an open binary file) as a streamed ``Table``.

    ``max_bytes`` defaults to ``settings.PIVOT_IMPORT_MAX_BYTES``. The header row is looked for among the
    first 30 non-blank rows; the rows below it are read lazily (the first ones are read ahead to detect the
    decimal mark). ``UnreadableFile`` for a file that cannot be read, has no headings or no rows, has values
    under no heading, or a heading twice; consuming ``rows`` may raise it too, further down the file.
    """
    detected, rows = _open_rows(data, max_bytes)
    window = list(islice(rows, HEADER_WINDOW))
    if not window:
        raise UnreadableFile(_("The file is empty."))
    index = _header_index(window)
    detected.header_line, header = window[index]
    ahead = window[index + 1 :]
    ahead += islice(rows, max(0, DECIMAL_SAMPLE_ROWS - len(ahead)))
    headers, keep = _columns(header, ahead)
    if not ahead:
        raise UnreadableFile(_("The file has headings but no rows."))
    detected.decimal_comma = _uses_decimal_comma(ahead)
    named = [_heading(h) for h in header]

    def aligned():
        for line, cells in chain(ahead, rows):
            if len(cells) > len(named) or "" in named:
                _check_named(named, cells)
            yield line, [cells[i] if i < len(cells) else "" for i in keep]

    return Table(detected=detected, headers=headers, rows=aligned())


def read_dataset(data: bytes, file_format: str | None = None) -> tablib.Dataset:
    """A dataset with stripped headers and cells, no blank rows, and ``line_numbers``; the headings
    are in the first non-blank row.

    Raises ``UnreadableFile`` (a ``DomainError``) for an empty, unreadable or header-only file.
    ``file_format`` skips the detection when the caller knows it.
    """
    detected, rows = _open_rows(data, None, file_format)
    lines = list(rows)
    if not lines:
        raise UnreadableFile(_("The file is empty."))
    (_header_line, header), rows = lines[0], lines[1:]
    headers, keep = _columns(header, rows)
    dataset = tablib.Dataset(headers=headers)
    for _line, row in rows:
        dataset.append([row[i] if i < len(row) else "" for i in keep])
    dataset.line_numbers = [line for line, _row in rows]
    dataset.file_format = detected.file_format
    if not rows:
        raise UnreadableFile(_("The file has headings but no rows."))
    return dataset


# Numbers


def parse_decimal(value, *, decimal_comma: bool) -> Decimal | None:
    """A number from a cell: native ints and floats (a float through its ``repr``), French text
    (``1 234,50``, ``12,5 €``, ``5,5 %``, non-breaking or narrow spaces) and English text (``1,234.50``).

    ``decimal_comma`` settles the ambiguous ``1,234`` and ``1.234`` (one point two three four with it,
    one thousand two hundred and thirty-four without). ``None`` for an empty cell; ``ValueError`` for
    anything that is not a number.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a number: {value!r}")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a number: {value!r}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a number: {value!r}")
    simple = SIMPLE_NUMBER.fullmatch(value)
    if simple is not None:
        mark, fraction = simple.groups()
        if mark is None or len(fraction) != 3 or (mark == ",") == decimal_comma:
            return Decimal(value.replace(",", ".") if mark == "," else value)
    text = value.replace("\u2212", "-").strip()
    if not text:
        return None
    text = SIGNED_SPACES.sub(r"\1", CURRENCY.sub("", text))
    if SPACES.search(text):
        if not SPACE_GROUPED.fullmatch(text):
            raise ValueError(f"not a number: {value!r}")
        text = SPACES.sub("", text)
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        mark, grouping = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        whole, _mark, fraction = text.rpartition(mark)
        grouped = COMMA_GROUPED if grouping == "," else DOT_GROUPED
        if mark in whole or not grouped.fullmatch(whole):
            raise ValueError(f"not a number: {value!r}")
        text = whole.replace(grouping, "") + "." + fraction
    elif commas:
        if COMMA_GROUPED.fullmatch(text) and (commas > 1 or not decimal_comma):
            text = text.replace(",", "")
        elif commas == 1:
            text = text.replace(",", ".")
    elif dots:
        if DOT_GROUPED.fullmatch(text) and (dots > 1 or decimal_comma):
            text = text.replace(".", "")
    if len(text) > 40 or not PLAIN_NUMBER.fullmatch(text):
        raise ValueError(f"not a number: {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
