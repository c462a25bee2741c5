"""Files as French users make them: Excel, LibreOffice, csv from Excel or other tools."""

import io
import zipfile
from decimal import Decimal

import pytest
import tablib
from django.utils import translation
from openpyxl import Workbook

from imports.readers import UnreadableFile, detect_format, read_dataset
from imports.widgets import DecimalWidget, IntegerWidget, parse_number


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_xlsx_keeps_native_values_and_strips_text():
    data = xlsx_bytes(
        [[" Nom ", "Prix", "EAN"], ["  Chaise ", 12.5, 3017620422003.0], [None, None, None], ["Table", 40, None]]
    )
    dataset = read_dataset(data)
    assert dataset.file_format == "xlsx"
    assert dataset.headers == ["Nom", "Prix", "EAN"]
    assert list(dataset) == [("Chaise", 12.5, 3017620422003), ("Table", 40, "")]
    assert dataset.line_numbers == [2, 4]  # the blank line 3 is dropped, errors still point at line 4


def test_ods_from_libreoffice():
    source = tablib.Dataset(headers=["Nom", "Prix"])
    source.append(["Chaise", 12.5])
    source.append(["Table", "40,00"])
    dataset = read_dataset(source.export("ods"))
    assert dataset.file_format == "ods"
    assert dataset.headers == ["Nom", "Prix"]
    assert list(dataset) == [("Chaise", 12.5), ("Table", "40,00")]


def test_csv_from_french_excel_semicolons_bom_blank_lines_and_trailing_spaces():
    text = "\ufeffNom ;Prix HT; Ville \r\n\r\nChaise ;12,50;Montreuil \r\n;;\r\nTable;1 234,50;Paris\r\n"
    dataset = read_dataset(text.encode("utf-8"))
    assert dataset.headers == ["Nom", "Prix HT", "Ville"]
    assert list(dataset) == [("Chaise", "12,50", "Montreuil"), ("Table", "1 234,50", "Paris")]
    assert dataset.line_numbers == [3, 5]


def test_csv_in_windows_1252_with_accents():
    data = "Prénom;Catégorie\nHélène;Adhérent\n".encode("cp1252")
    dataset = read_dataset(data)
    assert dataset.headers == ["Prénom", "Catégorie"]
    assert list(dataset) == [("Hélène", "Adhérent")]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_sniffed(delimiter):
    data = delimiter.join(["Nom", "Ville"]).encode() + b"\n" + delimiter.join(["Chaise", '"Paris, 2e"']).encode()
    assert list(read_dataset(data)) == [("Chaise", "Paris, 2e")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n \r\n", "empty"),
        (b"Nom;Ville\r\n", "no rows"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04garbage", "neither"),
        (b"\x00\x01\x02binary", "not a spreadsheet"),
    ],
)
def test_unreadable_files_give_a_clear_error(data, message):
    with translation.override("en"), pytest.raises(UnreadableFile) as error:
        read_dataset(data)
    assert message in error.value.message


def test_a_zip_that_is_no_spreadsheet_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(UnreadableFile):
        detect_format(buffer.getvalue())


def test_values_without_heading_and_duplicate_headings_are_refused():
    with translation.override("en"), pytest.raises(UnreadableFile, match="no heading"):
        read_dataset(b"Nom;\nChaise;12\n")
    with translation.override("en"), pytest.raises(UnreadableFile, match="twice"):
        read_dataset(b"Nom;nom\nChaise;Table\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,50", "12.50"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("1\u202f234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("12.5", "12.5"),
        ("-3", "-3"),
        ("12,50 €", "12.50"),
        (12.5, "12.5"),
        (7, "7"),
    ],
)
def test_numbers_as_french_spreadsheets_write_them(text, expected):
    assert parse_number(text) == Decimal(expected)


def test_text_in_a_number_column_names_the_column():
    widget = DecimalWidget()
    widget.column = "Poids (kg)"
    with pytest.raises(ValueError) as error:
        widget.clean("lourd")
    assert "lourd" in str(error.value) and "Poids (kg)" in str(error.value)
    integer = IntegerWidget()
    integer.column = "Stock"
    with pytest.raises(ValueError, match="Stock"):
        integer.clean("2,5")


def test_ods_repeated_rows_and_cells_as_libreoffice_stores_them():
    """LibreOffice writes runs of equal cells and of empty rows once, with a repeat count."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    def cell(text=None, repeat=None, **attributes):
        element = TableCell(**({"numbercolumnsrepeated": repeat} if repeat else {}), **attributes)
        if text is not None:
            element.addElement(P(text=str(text)))
        return element

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Feuille1")
    for cells, repeat in [
        ([cell("Nom"), cell("Stock"), cell("Ville"), cell(repeat=1020)], None),
        ([cell("Chaise"), cell(3, valuetype="float", value="3"), cell("Paris"), cell(repeat=1020)], None),
        ([cell(repeat=1024)], 2),  # two empty lines
        ([cell("Lot", repeat=2), cell("Lyon")], 2),  # the same row twice, "Lot" in two cells
    ]:
        row = TableRow(**({"numberrowsrepeated": repeat} if repeat else {}))
        for element in cells:
            row.addElement(element)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    output = io.BytesIO()
    document.write(output)

    dataset = read_dataset(output.getvalue())
    assert dataset.headers == ["Nom", "Stock", "Ville"]
    assert list(dataset) == [("Chaise", 3, "Paris"), ("Lot", "Lot", "Lyon"), ("Lot", "Lot", "Lyon")]
    assert dataset.line_numbers == [2, 5, 6]
