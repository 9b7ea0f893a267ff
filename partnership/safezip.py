"""Reading zip archives (OOXML and OpenDocument files, later xlsx imports) without letting a
small upload unpack into gigabytes (issue 10 §1).

A zip's central directory states each entry's sizes; a bomb either lies about them or states
absurd ones. Before ``zipfile`` parses anything, the end-of-central-directory record is read to
refuse archives with too many entries or a huge directory; then the stated sizes and ratios are
checked; and an entry is only ever read through ``read_head`` (a few hundred bytes) or
``read_bounded`` (a fixed cap), so even a lying archive cannot make us inflate more than that.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MAX_ENTRIES = 5_000  # an office document has tens to a few hundred parts
MAX_DIRECTORY_BYTES = 2 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # a deflated XML part rarely compresses more than 20:1; 200 leaves room
RATIO_APPLIES_FROM = 1024 * 1024  # small entries may compress well (runs of spaces)
READ_CAP = 50 * 1024 * 1024  # the most ``read_bounded`` ever inflates

EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SIZE = 22
MAX_COMMENT = 0xFFFF


class UnsafeArchive(ValueError):
    """The archive is not one we are willing to read."""


class NotAZip(UnsafeArchive):
    """The bytes are no zip archive at all (no end record, or one zipfile cannot parse)."""


def _end_record(file) -> tuple[int, int]:
    """(entry count, central directory size) from the end-of-central-directory record."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    tail_size = min(size, EOCD_SIZE + MAX_COMMENT)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < EOCD_SIZE:
        raise NotAZip("no end-of-central-directory record")
    (_sig, _disk, _cd_disk, _here, total, cd_size, _cd_offset, _comment) = struct.unpack(
        "<4s4H2LH", tail[at : at + EOCD_SIZE]
    )
    if total == 0xFFFF or cd_size == 0xFFFFFFFF:
        raise UnsafeArchive("zip64 archives are not accepted")
    return total, cd_size


def open_checked(file) -> zipfile.ZipFile:
    """A ``ZipFile`` on ``file`` once its declared shape is sane, or ``UnsafeArchive``."""
    entries, directory_size = _end_record(file)
    if entries > MAX_ENTRIES:
        raise UnsafeArchive(f"{entries} entries")
    if directory_size > MAX_DIRECTORY_BYTES:
        raise UnsafeArchive(f"a central directory of {directory_size} bytes")
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise NotAZip(str(exc)) from exc
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:  # the record may understate; the parsed list does not
        raise UnsafeArchive(f"{len(infos)} entries")
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise UnsafeArchive("declared uncompressed size too large")
        if info.file_size > RATIO_APPLIES_FROM and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise UnsafeArchive(
                f"{info.filename!r} compresses {info.file_size}:{info.compress_size}"
            )
    return archive


def read_head(archive: zipfile.ZipFile, name: str, limit: int = 512) -> bytes:
    """At most ``limit`` bytes of an entry (the decompressor is asked for no more)."""
    try:
        with archive.open(name) as entry:
            return entry.read(limit)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:  # e.g. a size that lies
        raise UnsafeArchive(f"{name!r}: {exc}") from exc


def read_bounded(archive: zipfile.ZipFile, name: str, cap: int = READ_CAP) -> bytes:
    """An entry whole, refused once it inflates past ``cap`` whatever its header says."""
    try:
        with archive.open(name) as entry:
            data = entry.read(cap + 1)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:  # e.g. a size that lies
        raise UnsafeArchive(f"{name!r}: {exc}") from exc
    if len(data) > cap:
        raise UnsafeArchive(f"{name!r} unpacks to more than {cap} bytes")
    return data
