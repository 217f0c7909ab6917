"""Build good and hostile attachments in memory, so no binary fixture is ever committed."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any

from PIL import Image

# --- images --------------------------------------------------------------------------------


def image_bytes(format_name: str, size: tuple[int, int] = (16, 8), **options: Any) -> bytes:
    """Return a small real image: a red left half and a blue right half."""
    mode = "P" if format_name == "GIF" else "RGB"
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    output = io.BytesIO()
    image.convert(mode).save(output, format_name, **options)
    return output.getvalue()


def jpeg() -> bytes:
    return image_bytes("JPEG")


def png() -> bytes:
    return image_bytes("PNG")


def gif() -> bytes:
    return image_bytes("GIF")


def animated(format_name: str, frames: int, size: tuple[int, int] = (8, 8)) -> bytes:
    """Return an animation whose frames alternate between red and blue."""
    images = [Image.new("RGB", size, ("red", "blue")[i % 2]) for i in range(frames)]
    if format_name == "GIF":
        images = [image.convert("P") for image in images]
    output = io.BytesIO()
    images[0].save(
        output, format_name, save_all=True, append_images=images[1:], duration=100, loop=0
    )
    return output.getvalue()


def jpeg_with_gps(orientation: int = 6) -> bytes:
    """Return a 20x10 JPEG with a GPS position, a camera comment and an orientation tag."""
    exif = Image.Exif()
    exif[0x0112] = orientation  # 6: the viewer must rotate 90° clockwise
    exif[0x010F] = "SecretCam"  # camera make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 31.0, 12.0)
    gps[3] = "E"
    gps[4] = (13.0, 24.0, 36.0)
    return image_bytes("JPEG", (20, 10), exif=exif.tobytes(), comment=b"shot at home")


def png_with_text_chunk(text: bytes) -> bytes:
    """Return a PNG carrying `text` in a tEXt chunk."""
    data = png()
    chunk_data = b"Comment\x00" + text
    chunk = (
        struct.pack(">I", len(chunk_data))
        + b"tEXt"
        + chunk_data
        + struct.pack(">I", zlib.crc32(b"tEXt" + chunk_data))
    )
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + chunk + data[iend:]


def png_header_only(width: int, height: int, bit_depth: int = 1) -> bytes:
    """Return a PNG whose header claims width x height pixels (a decompression bomb's header)
    followed by a little all-zero image data."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


# --- executables and markup ------------------------------------------------------------------


def windows_executable() -> bytes:
    """Return the start of a PE executable: DOS header pointing at a PE header."""
    dos = bytearray(b"MZ" + b"\x00" * 62)
    struct.pack_into("<I", dos, 0x3C, 0x40)
    pe = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 0xF0, 0x22)
    return bytes(dos) + pe + b"\x00" * 512


def elf_executable() -> bytes:
    """Return a 64-bit x86-64 ELF executable header."""
    identity = b"\x7fELF\x02\x01\x01" + b"\x00" * 9  # 64-bit, little-endian, version 1
    fields = (2, 0x3E, 1, 0x401000, 64, 0, 0, 64, 56, 0, 64, 0, 0)  # executable, x86-64
    return identity + struct.pack("<HHIQQQIHHHHHH", *fields) + b"\x00" * 256


HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>\n"
)
SCRIPT = b"<script>alert(document.cookie)</script>"


# --- PDF -----------------------------------------------------------------------------------


def pdf(*extra_objects: bytes, catalog_extra: bytes = b"") -> bytes:
    """Return a one-page PDF with a classic xref table.

    Objects 1-3 are the catalog, the page tree and the page; `extra_objects` become objects
    4, 5, … and `catalog_extra` is spliced into the catalog dictionary to reference them.
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra_objects,
    ]
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        output += b"%010d 00000 n \n" % offset
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(output)


def stream_object(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), dictionary, data)


def pdf_with_object_stream(hidden: bytes) -> bytes:
    """Return a PDF whose object 5, `hidden`, lives in a compressed object stream (object 4)
    and is the catalog's open action; the cross-reference is an xref stream (object 6)."""
    header = b"5 0 "
    packed = zlib.compress(header + hidden)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        4: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(output)
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(output)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[number], 0) for number in range(1, 5)]
    rows.append(struct.pack(">BIH", 2, 4, 0))  # object 5: index 0 in object stream 4
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))  # object 6: this xref stream
    table = b"".join(rows)
    output += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    )
    return bytes(output)


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password, "owner-secret", algorithm="RC4-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# --- Word .docx ----------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
HYPERLINK = R_NS + "/hyperlink"
ATTACHED_TEMPLATE = R_NS + "/attachedTemplate"


def paragraphs_xml(*paragraphs: str) -> str:
    return "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)


def docx(
    body: str = paragraphs_xml("Hello", "World"),
    *,
    main_content_type: str = DOCX_MAIN,
    document_relationships: str = "",
    settings_relationships: str = "",
    extra_members: dict[str, bytes] | None = None,
    extra_content_types: str = "",
    content_types_first: bool = True,
    doctype: str = "",
) -> bytes:
    """Return a minimal .docx package built with zipfile."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_content_type}"/>'
        f"{extra_content_types}</Types>"
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>'
    )
    members = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": package_rels,
        "word/document.xml": document,
        "word/_rels/document.xml.rels": relationships(document_relationships),
    }
    if settings_relationships:
        members["word/settings.xml"] = f'<w:settings xmlns:w="{W_NS}"/>'
        members["word/_rels/settings.xml.rels"] = relationships(settings_relationships)
    order = list(members)
    if not content_types_first:
        order = [*order[1:], order[0]]
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            archive.writestr(name, members[name])
        for name, data in (extra_members or {}).items():
            archive.writestr(name, data)
    return output.getvalue()


def relationships(inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{inner}</Relationships>"
    )


def relationship(rel_id: str, rel_type: str, target: str, *, external: bool = True) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"{mode}/>'


def field(instruction: str) -> str:
    """Return a paragraph holding a complex field whose instruction is split over two runs."""
    half = len(instruction) // 2
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instruction[:half]}</w:instrText></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instruction[half:]}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>result</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def zip_with_declared_sizes(member_count: int, declared_size: int) -> bytes:
    """Return a zip whose central directory lists `member_count` stored members each claiming
    `declared_size` uncompressed bytes, while holding almost nothing."""
    local = bytearray()
    central = bytearray()
    for number in range(member_count):
        name = f"word/part{number}.xml".encode()
        if number == 0:
            name = b"[Content_Types].xml"
        offset = len(local)
        local += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, 0, declared_size, len(name), 0
        )
        local += name
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            0,
            0,
            declared_size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    end = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        min(member_count, 0xFFFF),
        min(member_count, 0xFFFF),
        len(central),
        len(local),
        0,
    )
    return bytes(local + central + end)


def deflate_bomb_docx(uncompressed_bytes: int) -> bytes:
    """Return a .docx whose document part inflates from a few kB to `uncompressed_bytes`."""
    filler = b"<w:p/>" * (uncompressed_bytes // 6)
    body = filler.decode()
    return docx(body)


# --- Word .doc (OLE2 compound file) ----------------------------------------------------------

OleTree = dict[str, "bytes | OleTree"]
_SECTOR = 512
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_FAT_SECTOR = 0xFFFFFFFD
_NO_STREAM = 0xFFFFFFFF
_EMPTY_DIRECTORY_ENTRY = b"\x00" * 68 + b"\xff" * 12 + b"\x00" * 48
WORD_CLSID = bytes.fromhex("0609020000000000c000000000000046")


def _ole_order(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def ole2(tree: OleTree, root_clsid: bytes = WORD_CLSID) -> bytes:
    """Return a compound file (the container of .doc) holding `tree`.

    Storages are dicts, streams are bytes. Every stream is padded to 4 kB so it lives in
    regular sectors and the file needs no mini stream.
    """
    entries: list[dict[str, Any]] = []

    def add(name: str, node: bytes | OleTree, kind: int) -> int:
        index = len(entries)
        entry: dict[str, Any] = {"name": name, "kind": kind, "children": [], "data": b""}
        entries.append(entry)
        if isinstance(node, dict):
            for child_name, child in node.items():
                entry["children"].append(
                    add(child_name, child, 1 if isinstance(child, dict) else 2)
                )
        else:
            entry["data"] = node.ljust(4096, b"\x00")
        return index

    add("Root Entry", tree, 5)

    sectors = bytearray()
    fat: list[int] = []
    for entry in entries:
        if entry["kind"] != 2:
            entry["start"], entry["size"] = _END_OF_CHAIN, 0
            continue
        data = entry["data"]
        count = -(-len(data) // _SECTOR)
        entry["start"], entry["size"] = len(fat), len(data)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [_END_OF_CHAIN]
        sectors += data.ljust(count * _SECTOR, b"\x00")

    for entry in entries:
        # Siblings form a tree ordered by name length, then upper-cased name.
        children = sorted(entry["children"], key=lambda i: _ole_order(entries[i]["name"]))
        entry["child"] = children[0] if children else _NO_STREAM
        for current, following in zip(children, [*children[1:], _NO_STREAM], strict=False):
            entries[current]["right"] = following

    directory = bytearray()
    for index, entry in enumerate(entries):
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["kind"],
            1,
            _NO_STREAM,
            entry.get("right", _NO_STREAM),
            entry["child"],
            root_clsid if index == 0 else b"\x00" * 16,
            0,
            0,
            0,
            entry["start"],
            entry["size"],
        )
    while len(directory) % _SECTOR:
        directory += _EMPTY_DIRECTORY_ENTRY
    directory_start = len(fat)
    directory_count = len(directory) // _SECTOR
    fat += [directory_start + i + 1 for i in range(directory_count - 1)] + [_END_OF_CHAIN]

    fat_count = 1
    while len(fat) + fat_count > fat_count * 128:
        fat_count += 1
    fat_start = len(fat)
    fat += [_FAT_SECTOR] * fat_count
    fat += [_FREE] * (fat_count * 128 - len(fat))

    difat = [fat_start + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("d0cf11e0a1b11ae1"),
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        fat_count,
        directory_start,
        0,
        4096,
        _END_OF_CHAIN,
        0,
        _END_OF_CHAIN,
        0,
    ) + struct.pack("<109I", *difat)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + bytes(sectors) + bytes(directory) + fat_bytes


def word_document_stream() -> bytes:
    """Return the start of a Word 97 WordDocument stream (its FIB identifies Word)."""
    return struct.pack("<HHHHH", 0xA5EC, 0x00C1, 0x0000, 0x0409, 0x0000) + b"\x00" * 1000


def doc(*, with_macros: bool = False, with_package: bool = False) -> bytes:
    tree: OleTree = {
        "WordDocument": word_document_stream(),
        "1Table": b"\x00" * 64,
    }
    if with_macros:
        tree["Macros"] = {
            "VBA": {"dir": b"\x01" * 32, "ThisDocument": b'Attribute VB_Name = "ThisDocument"'},
            "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisDocument',
        }
    if with_package:
        tree["ObjectPool"] = {"_1234": {"\x01Ole10Native": b"MZ" + b"\x00" * 64}}
    return ole2(tree)
