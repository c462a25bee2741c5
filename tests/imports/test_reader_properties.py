"""Whatever people upload, ``open_table`` reads it or says why it cannot: never another exception, never a hang.

And a table written as csv (any of the encodings and separators French tools use) reads back as written.
"""

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from imports.readers import UnreadableFile, clean_cell, open_table, parse_decimal

PROPERTY = settings(
    max_examples=200,
    deadline=5000,  # milliseconds: generous for a loaded machine, a hang still fails
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
SIGNATURES = [b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"%PDF-1.4"]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252"]
LINE_BREAK = re.compile(r"\r\n|\r|\n")
FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read_all(data: bytes):
    """The table read to its last row, or ``None`` when it is refused with ``UnreadableFile``."""
    try:
        table = open_table(data)
        return table, list(table.rows)
    except UnreadableFile as error:
        assert error.message
        return None


@PROPERTY
@given(prefix=st.sampled_from(SIGNATURES), data=st.binary(max_size=4000))
def test_random_bytes_are_read_or_refused(prefix, data):
    read_all(prefix + data)


@PROPERTY
@given(
    lines=st.lists(
        st.lists(st.one_of(st.just(""), st.text(max_size=12), st.integers().map(str)), max_size=8), max_size=40
    ),
    delimiter=st.sampled_from(";,\t"),
    encoding=st.sampled_from(ENCODINGS),
)
def test_ragged_tables_with_titles_and_holes_are_read_or_refused(lines, delimiter, encoding):
    """Rows of any width, empty cells anywhere, unquoted text that may hold separators, quotes and line ends."""
    text = "\r\n".join(delimiter.join(cells) for cells in lines)
    read_all(text.encode(encoding, errors="replace"))


def small_files() -> dict[str, bytes]:
    workbook = Workbook()
    workbook.active.append(["Nom", "Prix", "Date"])
    workbook.active.append(["Chaise", 12.5, "=B2*2"])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    ods = tablib.Dataset(["Chaise", 12.5], headers=["Nom", "Prix"]).export("ods")
    return {
        "xlsx": xlsx.getvalue(),
        "ods": ods,
        "xls": (FILES / "tarif_grossiste.xls").read_bytes(),
        "protected": (FILES / "tarif_protege.xlsx").read_bytes(),
    }


SMALL_FILES = small_files()


@settings(max_examples=100, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(SMALL_FILES)),
    damage=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.floats(0.05, 1),
)
def test_damaged_spreadsheets_are_read_or_refused(kind, damage, cut):
    """Real workbooks with bytes changed here and there, or cut short (an interrupted upload)."""
    data = bytearray(SMALL_FILES[kind])
    for where, byte in damage:
        data[int(where * len(data))] = byte
    read_all(bytes(data[: max(8, int(cut * len(data)))]))


@PROPERTY
@given(
    members=st.dictionaries(
        st.sampled_from(
            ["mimetype", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "content.xml", "META-INF/manifest.xml"]
        ),
        st.one_of(st.binary(max_size=200), st.just(b"application/vnd.oasis.opendocument.spreadsheet")),
    )
)
def test_zip_archives_with_spreadsheet_names_are_read_or_refused(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    read_all(buffer.getvalue())


# Round trips

# Characters of Windows-1252 (not the other separators: unquoted, they would make the separator ambiguous)
CELL_CHARACTERS = st.characters(codec="cp1252", exclude_categories=["Cc", "Cs"], exclude_characters=";,\t")
PIECES = st.sampled_from(["\r\n", "\r", "\n", '"', '""', "=", " ", "\u00a0", "€", "é"])
HEADING = st.text(st.characters(codec="ascii", categories=["L"]), min_size=1, max_size=8).map(lambda s: "Col " + s)


def cell(delimiter):
    text = st.lists(CELL_CHARACTERS | PIECES | st.just(delimiter), max_size=20).map("".join)
    return st.one_of(
        text,
        text.map(lambda s: "=" + s),  # formula-like text stays text in a csv
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=False, allow_infinity=False),
    )


@st.composite
def csv_tables(draw):
    delimiter = draw(st.sampled_from(";,\t"))
    headers = draw(st.lists(HEADING, min_size=2, max_size=6, unique_by=str.casefold))
    rows = draw(st.lists(st.lists(cell(delimiter), min_size=len(headers), max_size=len(headers)), max_size=15))
    if rows and draw(st.booleans()):  # a huge cell (100 kB) somewhere
        row = draw(st.sampled_from(rows))
        row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(["x", '"', "\r\n", delimiter])) * 100_000
    return delimiter, headers, rows


@PROPERTY
@given(table=csv_tables(), encoding=st.sampled_from(ENCODINGS))
def test_csv_tables_read_back_as_written(table, encoding):
    delimiter, headers, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    expected, line = [], 2
    for row in rows:
        start = buffer.tell()
        writer.writerow(row)
        cells = [clean_cell(str(value)) for value in row]
        if any(cells):
            expected.append((line, cells))
        line += len(LINE_BREAK.findall(buffer.getvalue()[start:]))
    text = buffer.getvalue()
    if encoding == "cp1252" and not text.isascii():
        try:
            text.encode("cp1252").decode("utf-8")
            assume(False)  # these Windows-1252 bytes happen to be valid UTF-8 too: they will be read as UTF-8
        except UnicodeDecodeError:
            pass

    result = read_all(text.encode(encoding))

    assume(expected)  # a header row alone is refused ("no rows")
    assert result is not None
    table, read = result
    read_as = "utf-8" if encoding == "cp1252" and text.isascii() else encoding
    assert (table.detected.encoding, table.detected.delimiter) == (read_as, delimiter)
    assert table.detected.header_line == 1
    assert table.headers == headers
    assert read == expected


@settings(max_examples=25, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(HEADING, min_size=2, max_size=5, unique_by=str.casefold),
    values=st.lists(
        st.one_of(
            st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=15).filter(
                lambda s: not s.startswith("=")  # openpyxl would write a formula
            ),
            st.integers(min_value=-(10**12), max_value=10**12),
            st.integers(-(10**9), 10**9).map(lambda n: n / 100),  # floats of digits openpyxl writes exactly
        ),
        min_size=1,
        max_size=40,
    ),
)
def test_xlsx_tables_read_back_as_written(headers, values):
    workbook = Workbook()
    workbook.active.append(headers)
    rows = [values[i : i + len(headers)] for i in range(0, len(values), len(headers))]
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)

    result = read_all(output.getvalue())

    expected = [(line, cells) for line, cells in enumerate(([clean_cell(v) for v in row] for row in rows), 2)]
    expected = [
        (line, cells + [""] * (len(headers) - len(cells))) for line, cells in expected if any(c != "" for c in cells)
    ]
    assume(expected)
    assert result is not None
    table, read = result
    assert table.headers == headers
    assert read == expected


# Numbers


def french(number: Decimal) -> str:
    sign, digits = ("-", str(-number)) if number < 0 else ("", str(number))
    whole, _dot, fraction = digits.partition(".")
    groups = [whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)][::-1]
    return sign + "\u202f".join(groups) + ("," + fraction if fraction else "")


def english(number: Decimal) -> str:
    return f"{number:,f}"


NUMBERS = st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False)


@PROPERTY
@given(number=NUMBERS, suffix=st.sampled_from(["", " €", "€", " %"]))
def test_french_numbers_read_back(number, suffix):
    assert parse_decimal(french(number) + suffix, decimal_comma=True) == number


@PROPERTY
@given(number=NUMBERS)
def test_english_numbers_read_back(number):
    assert parse_decimal(english(number), decimal_comma=False) == number


@PROPERTY
@given(value=st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none(), st.booleans()))
def test_parse_decimal_gives_a_decimal_none_or_value_error(value):
    try:
        result = parse_decimal(value, decimal_comma=True)
    except ValueError:
        return
    assert result is None or (isinstance(result, Decimal) and result.is_finite())
