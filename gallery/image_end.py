"""Where an image file's own data ends, so bytes appended after it can be cut off before storing.

A PNG with an HTML page appended still decodes as a PNG, and a browser that sniffs it may take it
for HTML; a JPEG with a ZIP appended is a valid ZIP too. The store keeps the image and drops what
follows its end marker (gallery.services._cut_after_image_end) rather than refusing the file:
phones append data after a JPEG's EOI on purpose (motion photos carry their video there), and
those users should get their still stored, not an error. Metadata *inside* the image (PNG tEXt/iTXt
chunks, JPEG APPn segments such as EXIF, GIF comment and application extensions, WebP EXIF/XMP
chunks) lies before the end marker and is kept.

Each walker reads the container's own structure (chunk lengths, segment lengths, block sizes)
from the file in small reads; it returns None when the structure is not what it expects, and the
decoder then judges the file as before.
"""

import struct
from typing import BinaryIO

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_end(f: BinaryIO) -> int | None:
    if f.read(8) != PNG_SIGNATURE:
        return None
    while True:
        header = f.read(8)
        if len(header) < 8:
            return None
        length, kind = struct.unpack(">I4s", header)
        f.seek(length + 4, 1)  # data and CRC
        if kind == b"IEND":
            return f.tell()


def _gif_skip_sub_blocks(f: BinaryIO) -> bool:
    while True:
        size = f.read(1)
        if not size:
            return False
        if size[0] == 0:
            return True
        f.seek(size[0], 1)


def _gif_end(f: BinaryIO) -> int | None:
    header = f.read(13)
    if len(header) < 13 or header[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    flags = header[10]
    if flags & 0x80:  # global colour table
        f.seek(3 * (2 ** ((flags & 7) + 1)), 1)
    while True:
        introducer = f.read(1)
        if not introducer:
            return None
        if introducer == b"\x3b":  # trailer
            return f.tell()
        if introducer == b"\x21":  # extension: label, then sub-blocks (comments, NETSCAPE loops, ...)
            if not f.read(1) or not _gif_skip_sub_blocks(f):
                return None
        elif introducer == b"\x2c":  # image descriptor, optional local colour table, LZW data
            descriptor = f.read(9)
            if len(descriptor) < 9:
                return None
            if descriptor[8] & 0x80:
                f.seek(3 * (2 ** ((descriptor[8] & 7) + 1)), 1)
            if not f.read(1) or not _gif_skip_sub_blocks(f):  # LZW minimum code size, then data
                return None
        else:
            return None


def _jpeg_scan_end(f: BinaryIO) -> int | None:
    """After a scan's header: skip entropy-coded data to the next marker; the offset of that marker."""
    while True:
        position = f.tell()
        chunk = f.read(65536)
        if len(chunk) < 2:
            return None
        at = 0
        while (at := chunk.find(b"\xff", at)) != -1:
            if at + 1 == len(chunk):  # the marker's second byte is in the next read
                f.seek(position + at)
                break
            following = chunk[at + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                at += 1  # a stuffed zero, a restart marker, or fill before a marker
                continue
            return position + at


def _jpeg_end(f: BinaryIO) -> int | None:
    if f.read(2) != b"\xff\xd8":
        return None
    while True:
        marker = f.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        code = marker[1]
        while code == 0xFF:  # fill bytes before a marker
            byte = f.read(1)
            if not byte:
                return None
            code = byte[0]
        if code == 0xD9:  # EOI
            return f.tell()
        if 0xD0 <= code <= 0xD7 or code == 0x01:  # markers without a length
            continue
        length_bytes = f.read(2)
        if len(length_bytes) < 2:
            return None
        (length,) = struct.unpack(">H", length_bytes)
        if length < 2:
            return None
        f.seek(length - 2, 1)  # APPn (EXIF, XMP, ICC), COM, DQT, SOFn, DHT ... and a scan's header
        if code == 0xDA:  # start of scan: entropy-coded data follows until the next marker
            next_marker = _jpeg_scan_end(f)
            if next_marker is None:
                return None
            f.seek(next_marker)


def _webp_end(f: BinaryIO) -> int | None:
    header = f.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WEBP":
        return None
    (size,) = struct.unpack("<I", header[4:8])
    return 8 + size + (size & 1)


_WALKERS = {"image/png": _png_end, "image/gif": _gif_end, "image/jpeg": _jpeg_end, "image/webp": _webp_end}


def image_data_end(f: BinaryIO, *, content_type: str) -> int | None:
    """The offset just past the image's end marker in ``f`` (read from its start), or None."""
    walker = _WALKERS.get(content_type)
    if walker is None:
        return None
    f.seek(0)
    try:
        return walker(f)
    finally:
        f.seek(0)
