"""Files as French users make them: Excel, LibreOffice, csv from Excel or other tools."""

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.utils import translation
from openpyxl import Workbook

from imports.readers import Detected, UnreadableFile, detect_format, open_table, parse_decimal, read_dataset
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


# open_table: the streaming reader of bulk imports

FILES = Path(__file__).parent / "files"


def workbook_bytes(workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def with_cached_results(data: bytes, results: dict[str, str]) -> bytes:
    """What Excel saves and openpyxl does not: the last result of each formula next to it."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for formula, result in results.items():
                    content = content.replace(
                        f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{result}</v>".encode()
                    )
            target.writestr(item, content)
    return output.getvalue()


def price_list_xlsx() -> bytes:
    """As a wholesaler sends it: a merged title, a date line, a blank row, column A left empty,
    dates, decimals, an EAN typed as a number and formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tarif"
    sheet["B1"] = "Tarif 2026 — Biocoop Grossiste"
    sheet.merge_cells("B1:F1")
    sheet["B2"], sheet["C2"] = "Édité le", datetime(2026, 1, 5)
    for column, heading in zip("BCDEF", [" EAN ", "Désignation", "Prix HT", "Date limite", "Prix TTC"]):
        sheet[f"{column}4"] = heading
    sheet.append([None, 3017620422003, "Lentilles vertes 5 kg", 12.5, datetime(2026, 3, 31), "=D5*1.055"])
    sheet.append([None, 3017620422010, "  Farine T80  ", 31.0, datetime(2026, 6, 30), "=D6*1.055"])
    sheet.append([])
    sheet.append([None, None, "Total", "=SUM(D5:D6)"])
    return with_cached_results(workbook_bytes(workbook), {"D5*1.055": "13.1875", "SUM(D5:D6)": "43.5"})


def test_xlsx_price_list_below_a_title_with_an_empty_first_column():
    table = open_table(price_list_xlsx())
    assert table.detected == Detected(file_format="xlsx", header_line=4, sheet="Tarif")
    assert table.headers == ["EAN", "Désignation", "Prix HT", "Date limite", "Prix TTC"]
    assert isinstance(table.rows, Iterator)
    assert list(table.rows) == [
        (5, [3017620422003, "Lentilles vertes 5 kg", 12.5, datetime(2026, 3, 31), 13.1875]),  # Excel's saved result
        (6, [3017620422010, "Farine T80", 31, datetime(2026, 6, 30), ""]),  # a formula never calculated: empty
        (8, ["", "Total", 43.5, "", ""]),
    ]


def test_xlsx_first_visible_sheet_is_read():
    workbook = Workbook()
    workbook.active.title = "Paramètres"
    workbook.active.append(["interne", "caché"])
    workbook.active.sheet_state = "hidden"
    visible = workbook.create_sheet("Produits")
    visible.append(["Nom", "Prix"])
    visible.append(["Chaise", 12])
    table = open_table(workbook_bytes(workbook))
    assert (table.detected.sheet, table.headers, list(table.rows)) == (
        "Produits",
        ["Nom", "Prix"],
        [(2, ["Chaise", 12])],
    )


def test_xls_from_a_wholesaler():
    """Excel 97, written by xlwt (see files/make_fixtures.py): a hidden first sheet, a merged title,
    a date line, column A empty, dates, booleans and a formula without a saved result."""
    table = open_table(FILES / "tarif_grossiste.xls")
    assert table.detected == Detected(file_format="xls", header_line=4, sheet="Tarif")
    assert table.headers == ["EAN", "Désignation", "Prix HT", "Bio", "Date limite"]
    assert list(table.rows) == [
        (5, [3017620422003, "Lentilles vertes 5 kg", 12.5, True, datetime(2026, 3, 31)]),
        (6, [3017620422010, "Farine T80 – 25 kg", 31, False, datetime(2026, 6, 30)]),
        (7, ["", "Total", "", "", ""]),
    ]


@pytest.mark.parametrize("name", ["tarif_protege.xlsx", "tarif_protege.xls"])
def test_a_workbook_protected_by_a_password_is_explained(name, english):
    data = (FILES / name).read_bytes()
    for read in (open_table, read_dataset):
        with pytest.raises(UnreadableFile, match="protected by a password") as error:
            read(data)
        assert error.value.code == "file_protected"


def test_ods_through_open_table():
    source = tablib.Dataset(headers=["Nom", "Prix"])
    source.append(["Chaise", "12,50"])
    source.title = "Feuille des prix"
    table = open_table(source.export("ods"))
    assert (table.detected.file_format, table.detected.sheet, table.detected.decimal_comma) == (
        "ods",
        "Feuille des prix",
        True,
    )
    assert list(table.rows) == [(2, ["Chaise", "12,50"])]


CSV_TEXT = "Nom{d}Prix{d}Ville\r\nChaise{d}12,50{d}Montreuil\r\nCafé{d}3{d}Pézenas\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encoding_and_delimiter_are_detected(encoding, delimiter):
    text = CSV_TEXT.replace("12,50", "12,50" if delimiter != "," else '"12,50"').format(d=delimiter)
    table = open_table(text.encode(encoding))
    assert (table.detected.encoding, table.detected.delimiter) == (encoding, delimiter)
    assert table.detected.decimal_comma
    assert table.headers == ["Nom", "Prix", "Ville"]
    assert list(table.rows) == [(2, ["Chaise", "12,50", "Montreuil"]), (3, ["Café", "3", "Pézenas"])]


def test_csv_bytes_windows_1252_leaves_undefined_are_read_as_latin_1():
    table = open_table(b"Nom;Code\r\nA\x81\x8d\x8f\x90\x9d;\x80\r\n")
    assert table.detected.encoding == "cp1252"
    assert list(table.rows) == [(2, ["A\x81\x8d\x8f\x90\x9d", "€"])]


def test_csv_title_lines_multi_line_cells_and_formulas():
    text = (
        "Tarif 2026 — Biocoop Grossiste;;\r\n"
        "Édité le 05/01/2026;;\r\n"
        ";;\r\n"
        "Désignation;Prix HT;Note\r\n"
        'Lentilles;1 234,50;"bio\r\nen vrac"\r\n'
        "Farine;0,055;=SUM(A1:A3)\r\n"
    )
    table = open_table(text.encode("cp1252"))
    assert table.detected == Detected(
        file_format="csv", encoding="cp1252", delimiter=";", decimal_comma=True, header_line=4
    )
    assert table.headers == ["Désignation", "Prix HT", "Note"]
    assert list(table.rows) == [
        (5, ["Lentilles", "1 234,50", "bio\r\nen vrac"]),
        (7, ["Farine", "0,055", "=SUM(A1:A3)"]),
    ]


@pytest.mark.parametrize(
    ("prices", "decimal_comma"),
    [
        (["12,50", "3", "1 234,5"], True),
        (["1,234", "12"], True),  # alone, 1,234 is read the French way
        (["1,234.50", "12.5"], False),
        (["1,234", "1.5"], False),
        (["1.234", "7"], False),
        (["1.234,50", "2"], True),
        (["12", "13"], False),
    ],
)
def test_decimal_mark_is_detected_from_the_data_rows(prices, decimal_comma):
    data = ("Nom;Prix\r\n" + "".join(f"Article;{price}\r\n" for price in prices)).encode()
    assert open_table(data).detected.decimal_comma is decimal_comma


def test_native_numbers_say_nothing_of_the_decimal_mark():
    workbook = Workbook()
    workbook.active.append(["Nom", "Prix"])
    workbook.active.append(["Chaise", 12.5])
    assert open_table(workbook_bytes(workbook)).detected.decimal_comma is False


@pytest.mark.parametrize(
    ("lines", "header_line"),
    [
        (["Nom;Prénom;Ville", "Dupont;Jean;Paris", "Martin;Léa;Lyon"], 1),  # rows of text only
        (["Client :;Association Les Paniers;", "Date :;05/01/2026;", "", "Produit;Prix;Poids", "Pain;2;1"], 4),
        (["Fournisseur : Biocoop;Date :;05/01/2026", "Produit;Prix;Poids", "Pain;2;1", "Lait;1,5;1"], 2),  # as wide
        (["EAN;Modèle;36;37;38", "3017620422003;Derby;NC;2;0", "3017620422010;Botte;1;0;4"], 1),  # sizes
        (["Tarif", "Produit;Prix", "Pain;2"], 2),
    ],
)
def test_header_row_detection(lines, header_line):
    table = open_table("\r\n".join(lines).encode())
    assert table.detected.header_line == header_line


def test_columns_without_heading_and_headings_twice_are_refused(english):
    with pytest.raises(UnreadableFile, match="Column 3 has values but no heading"):
        open_table(b"Nom;Prix\r\nChaise;12;oublie\r\n")
    with pytest.raises(UnreadableFile, match="appears twice"):
        open_table(b"Nom;Prix;NOM\r\nChaise;12;Table\r\n")
    far_down = b"Nom;Prix\r\n" + b"Chaise;12\r\n" * 500 + b"Table;3;oublie\r\n"
    table = open_table(far_down)  # read ahead: the first rows only
    with pytest.raises(UnreadableFile, match="Column 3 has values but no heading"):
        list(table.rows)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \r\n\t", "The file is empty."),
        (b"\xef\xbb\xbf\r\n;;\r\n", "The file is empty."),
        (b"Nom;Prix\r\n", "headings but no rows"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>", "PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"<html><body><table><tr><td>Nom</td></tr></table>", "web page"),
        ("Nom\tPrix\r\n".encode("utf-16"), "UTF-16"),
        (b"\x13\x07\x99\x02\x1b\x05\x8f\x04\x03\x14\x15\x16", "not a spreadsheet"),
        (b"Nom;Prix\r\n" + b"Chaise;12\r\n" * 500 + b"Table\x00;3\r\n", "Line 502 contains binary data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xls"),
    ],
)
def test_open_table_refuses_what_it_cannot_read(data, message, english):
    with pytest.raises(UnreadableFile) as error:
        list(open_table(data).rows)
    assert message in error.value.message


def test_huge_cells(english):
    big = "x" * 200_000
    assert list(open_table(f"Nom;Note\r\nA;{big}\r\n".encode()).rows) == [(2, ["A", big])]
    with pytest.raises(UnreadableFile, match="longer than .* characters"):
        list(open_table(b'Nom;Note\r\nA;"never closed\r\n' + b"y" * (1024 * 1024 + 10)).rows)


def test_size_limit(english, settings, tmp_path):
    data = b"Nom;Prix\r\nChaise;12\r\n"
    with pytest.raises(UnreadableFile, match="larger than") as error:
        open_table(data, max_bytes=len(data) - 1)
    assert error.value.code == "file_too_large"
    assert list(open_table(data, max_bytes=len(data)).rows) == [(2, ["Chaise", "12"])]
    settings.PIVOT_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    path = tmp_path / "grand.csv"
    path.write_bytes(data + b"Table;3\r\n" * 300_000)
    with pytest.raises(UnreadableFile, match="larger than 2 MB"):
        open_table(path)
    with pytest.raises(UnreadableFile, match="larger than 2 MB"), open(path, "rb") as file:
        open_table(file)
    assert open_table(str(path), max_bytes=10 * 1024 * 1024).headers == ["Nom", "Prix"]


def test_zip_bomb_is_refused(english):
    """An xlsx of a few kilobytes that would inflate to 2 MB, with a limit of 100 kB (10 × = 1 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(UnreadableFile, match="once uncompressed"):
        open_table(buffer.getvalue(), max_bytes=100_000)


def test_corrupt_xlsx_gives_a_clear_error():
    data = bytearray(price_list_xlsx())
    start = data.index(b"xl/worksheets/sheet1.xml")  # the local header's name: damage the compressed data after it
    data[start + 200 : start + 400] = b"\x00" * 200
    with pytest.raises(UnreadableFile):
        list(open_table(bytes(data)).rows)


@pytest.mark.parametrize(
    ("value", "decimal_comma", "expected"),
    [
        ("12,50", True, "12.50"),
        ("12,50", False, "12.50"),
        ("1 234,50", True, "1234.50"),
        ("1\u00a0234,50", True, "1234.50"),
        ("1\u202f234,50", True, "1234.50"),
        ("1.234,50", True, "1234.50"),
        ("1,234.50", False, "1234.50"),
        ("1,234.50", True, "1234.50"),
        ("1,234", True, "1.234"),
        ("1,234", False, "1234"),
        ("1.234", True, "1234"),
        ("1.234", False, "1.234"),
        ("1,234,567", True, "1234567"),
        ("0,055", False, "0.055"),
        ("12.5", True, "12.5"),
        ("12,5 €", True, "12.5"),
        ("€ 12,5", True, "12.5"),
        ("12,50 EUR", True, "12.50"),
        ("5,5 %", True, "5.5"),
        ("-3", True, "-3"),
        ("\u2212 3,5", True, "-3.5"),
        ("+7", False, "7"),
        ("3,01762E+12", True, "3.01762E+12"),
        (" 42 ", False, "42"),
        (12.5, True, "12.5"),
        (0.1, False, "0.1"),
        (7, True, "7"),
        (Decimal("2.50"), True, "2.50"),
    ],
)
def test_parse_decimal(value, decimal_comma, expected):
    assert parse_decimal(value, decimal_comma=decimal_comma) == Decimal(expected)
    assert str(parse_decimal(value, decimal_comma=decimal_comma)) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0"])
def test_parse_decimal_of_an_empty_cell_is_none(value):
    assert parse_decimal(value, decimal_comma=True) is None


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "12,5,3",
        "1.2.3",
        "12 5",
        "1,23.4",
        "12.5,3",
        "--3",
        "12€50",
        "NaN",
        "inf",
        "1e999",
        "9" * 41,
        True,
        float("nan"),
        float("inf"),
        datetime(2026, 1, 5),
        "١٢٣",
    ],
)
def test_parse_decimal_refuses_what_is_no_number(value):
    with pytest.raises(ValueError):
        parse_decimal(value, decimal_comma=True)
