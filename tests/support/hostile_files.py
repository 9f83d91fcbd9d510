"""Files built to exhaust their reader: zip bombs, XML entities, YAML aliases."""

import io
import struct
import zipfile
import zlib
from functools import cache

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def workbook(rows: list[list[object]], extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook as openpyxl saves it, holding `rows` (and `extra` parts)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    if extra:
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, data in extra.items():
                archive.writestr(name, data)
    return buffer.getvalue()


def _parts(rows: list[list[object]]) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(workbook(rows))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_sheet(sheet: bytes, rows: list[list[object]] | None = None) -> bytes:
    """A real workbook whose first sheet's XML is `sheet`."""
    parts = {**_parts(rows or [["a"]]), SHEET: sheet}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _deflated_rows(megabytes: int) -> tuple[bytes, int, int]:
    """A sheet of `megabytes` MB of rows, deflated once per MB block: data, CRC, size."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = ROW * (1_000_000 // len(ROW))
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)  # decodes on its own
    data = packer.compress(HEAD) + packer.flush(zlib.Z_FULL_FLUSH)
    data += block * megabytes + packer.compress(TAIL) + packer.flush()
    crc = zlib.crc32(HEAD)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return data, zlib.crc32(TAIL, crc), len(HEAD) + len(chunk) * megabytes + len(TAIL)


def _with_packed_sheet(data: bytes, crc: int, size: int) -> bytes:
    """A real workbook whose sheet is the deflated `data`, its directory declaring crc and size."""
    buffer = io.BytesIO()
    parts = {name: part for name, part in _parts([["a"]]).items() if name != SHEET}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    body = buffer.getvalue()
    end = body.rindex(b"PK\x05\x06")
    directory_at = struct.unpack("<I", body[end + 16 : end + 20])[0]
    entries, body = body[directory_at:end], body[:directory_at]
    sheet, offset = SHEET.encode(), len(body)
    sizes = struct.pack("<III", crc, len(data), size)
    local = struct.pack("<IHHHHH", 0x04034B50, 20, 0, 8, 0, 0) + sizes
    body += local + struct.pack("<HH", len(sheet), 0) + sheet + data
    central = struct.pack("<IHHHHHH", 0x02014B50, 20, 20, 0, 8, 0, 0) + sizes
    central += struct.pack("<HHHHHII", len(sheet), 0, 0, 0, 0, 0, offset) + sheet
    directory, count = entries + central, len(parts) + 1
    tail = (0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    return body + directory + struct.pack("<IHHHHIIH", *tail)


@cache
def zip_bomb(megabytes: int = 500) -> bytes:
    """A valid workbook whose sheet unpacks to `megabytes` MB of rows, its size declared."""
    return _with_packed_sheet(*_deflated_rows(megabytes))


@cache
def lying_zip_bomb(megabytes: int = 500) -> bytes:
    """A workbook whose directory declares its sheet a tenth of what it unpacks to."""
    data, crc, size = _deflated_rows(megabytes)
    return _with_packed_sheet(data, crc, size // 10)


def entity_bomb() -> bytes:
    """A workbook whose sheet declares entities that expand a billion times ("billion laughs")."""
    entities = b'<!ENTITY l0 "ha">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    sheet = HEAD.replace(b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet", 1)
    sheet = sheet.replace(b"<sheetData>", b'<sheetData><row><c t="inlineStr"><is><t>&l9;</t>')
    return with_sheet(sheet + b"</is></c></row>" + TAIL)


def external_entity(path: str) -> bytes:
    """A workbook whose sheet takes a cell's text from a local file (XXE)."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file://' + path.encode() + b'">]>'
    sheet = HEAD.replace(b"<worksheet", doctype + b"<worksheet", 1)
    sheet = sheet.replace(
        b"<sheetData>", b'<sheetData><row><c t="inlineStr"><is><t>&secret;</t></is></c></row>'
    )
    return with_sheet(sheet + TAIL)


def wide_row(cells: int) -> bytes:
    """A workbook whose first row has `cells` cells."""
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * cells + b"</row>"
    return with_sheet(HEAD + row + TAIL)


def yaml_bomb(levels: int = 9) -> str:
    """A short YAML document whose nested aliases expand to 10**levels scalars."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def blank_rows(count: int) -> bytes:
    """A workbook within every bound whose sheet has `count` empty rows: slow to read whole."""
    rows = b"".join(b'<row r="%d"/>' % line for line in range(1, count + 1))
    return with_sheet(HEAD + rows + TAIL)
