"""Make the binary fixtures of ``tests/imports/test_readers.py`` (run once; the files are committed).

The writers are not project requirements; install them in the venv for the time of the run, then remove them::

    .venv/bin/pip install xlwt msoffcrypto-tool
    .venv/bin/python tests/imports/files/make_fixtures.py
    .venv/bin/pip uninstall -y xlwt msoffcrypto-tool olefile cryptography cffi pycparser
"""

import io
from datetime import date
from pathlib import Path

import olefile
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook

HERE = Path(__file__).parent


def price_list_xls() -> bytes:
    """Excel 97 as wholesalers still send it: a hidden first sheet, a merged title, a date line, an empty
    column A, dates, decimals, an EAN typed as a number, a boolean and a cached formula result."""
    book = xlwt.Workbook(encoding="utf-8")
    hidden = book.add_sheet("Paramètres")
    hidden.write(0, 0, "interne")
    hidden.visibility = 1
    sheet = book.add_sheet("Tarif")
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sheet.write_merge(0, 0, 1, 5, "Tarif 2026 — Biocoop Grossiste")
    sheet.write(1, 1, "Édité le")
    sheet.write(1, 2, date(2026, 1, 5), day)
    for column, heading in enumerate(["EAN", "Désignation", "Prix HT", "Bio", "Date limite"], 1):
        sheet.write(3, column, heading)
    rows = [
        (3017620422003, "Lentilles vertes 5 kg", 12.5, True, date(2026, 3, 31)),
        (3017620422010, "Farine T80 – 25 kg", 31, False, date(2026, 6, 30)),
    ]
    for line, row in enumerate(rows, 4):
        for column, value in enumerate(row, 1):
            sheet.write(line, column, value, day if isinstance(value, date) else xlwt.Style.default_style)
    sheet.write(6, 2, "Total")
    sheet.write(6, 3, xlwt.Formula("D5+D6"))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def with_filepass(xls: bytes) -> bytes:
    """The same workbook marked as encrypted: its WINDOWPROTECT record (type 0x19, 2 bytes) becomes a FILEPASS
    record (0x2F), which is what Excel writes first in the globals of a workbook saved with a password."""
    ole = olefile.OleFileIO(io.BytesIO(xls), write_mode=True)
    stream = bytearray(ole.openstream("Workbook").read())
    position = 0
    while True:
        kind, length = (
            int.from_bytes(stream[position : position + 2], "little"),
            int.from_bytes(stream[position + 2 : position + 4], "little"),
        )
        if kind == 0x19:
            stream[position : position + 2] = (0x2F).to_bytes(2, "little")
            break
        position += 4 + length
    ole.write_stream("Workbook", bytes(stream))
    return ole.fp.getvalue()


def protected_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Nom", "Prix"])
    workbook.active.append(["Chaise", 12.5])
    plain = io.BytesIO()
    workbook.save(plain)
    plain.seek(0)
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    return encrypted.getvalue()


if __name__ == "__main__":
    xls = price_list_xls()
    (HERE / "tarif_grossiste.xls").write_bytes(xls)
    (HERE / "tarif_protege.xls").write_bytes(with_filepass(xls))
    (HERE / "tarif_protege.xlsx").write_bytes(protected_xlsx())
