"""Compression bombs that are small on disk and cheap to build.

A deflate stream of ``n`` zero bytes is built from one compressed 1 MiB block repeated
(each block is compressed by a fresh compressor and ends with a full flush, so blocks
can be laid end to end), so a 2 GiB member costs ~2 MB and no 2 GiB buffer is ever made.
The CRC-32 is the real one (computed over 1 MiB of zeros at a time, ~0.8 s per GiB),
so the archives are valid and only a size check can refuse them.
"""

from __future__ import annotations

import functools
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

BLOCK = 1 << 20


@functools.cache
def _zero_block() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(bytes(BLOCK)) + compressor.flush(zlib.Z_FULL_FLUSH)


_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a final, empty, fixed-Huffman deflate block


@functools.cache
def crc32_of_zeros(size: int) -> int:
    crc, block = 0, bytes(BLOCK)
    whole, rest = divmod(size, BLOCK)
    for _ in range(whole):
        crc = zlib.crc32(block, crc)
    return zlib.crc32(bytes(rest), crc)


def raw_deflate_of_zeros(size: int) -> bytes:
    """Raw deflate data inflating to ``size`` zero bytes (``size`` a multiple of 1 MiB)."""
    if size % BLOCK:
        raise ValueError("size must be a multiple of 1 MiB")
    return _zero_block() * (size // BLOCK) + _FINAL_EMPTY_BLOCK


def gzip_of_zeros(size: int) -> bytes:
    """A gzip member of ``size`` zero bytes, with its real CRC."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc32_of_zeros(size), size & 0xFFFFFFFF)
    return header + raw_deflate_of_zeros(size) + trailer


def stacked_gzip_of_zeros(size: int, layers: int) -> bytes:
    """gzip(gzip(…(zeros))): the first layer built cheaply, the others by ``zlib``."""
    import gzip

    data = gzip_of_zeros(size)
    for _ in range(layers - 1):
        data = gzip.compress(data, compresslevel=9)
    return data


@dataclass(frozen=True)
class RawMember:
    name: str
    data: bytes
    """Raw deflate data (or the bytes themselves when ``stored``)."""
    crc: int
    size: int
    stored: bool = False
    mode: int = 0o100644
    method: int | None = None
    """A compression method number to write instead (e.g. 99, which zipfile cannot read)."""


def member_from_bytes(name: str, content: bytes, mode: int = 0o100644) -> RawMember:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = compressor.compress(content) + compressor.flush()
    return RawMember(name, data, zlib.crc32(content), len(content), mode=mode)


def zero_member(name: str, size: int) -> RawMember:
    return RawMember(name, raw_deflate_of_zeros(size), crc32_of_zeros(size), size)


def members_of(archive: Path, skip: set[str]) -> list[RawMember]:
    """The members of a real zip, except those whose path inside the top folder is in skip."""
    members = []
    with zipfile.ZipFile(archive) as zip_file:
        for info in zip_file.infolist():
            inner = info.filename.split("/", 1)[1] if "/" in info.filename else ""
            if inner in skip or info.is_dir():
                continue
            members.append(member_from_bytes(info.filename, zip_file.read(info)))
    return members


def write_zip(path: Path, members: list[RawMember]) -> Path:
    """A zip written field by field (so a member can be huge once inflated but not here)."""
    local, central = bytearray(), bytearray()
    for member in members:
        name = member.name.encode("utf-8", "surrogateescape")
        method = member.method if member.method is not None else (0 if member.stored else 8)
        offset = len(local)
        fixed = struct.pack(
            "<HHHHHIIIHH",
            20,
            0x800,
            method,
            0,
            0x21,
            member.crc,
            len(member.data),
            member.size,
            len(name),
            0,
        )
        local += struct.pack("<I", 0x04034B50) + fixed + name + member.data
        central += (
            struct.pack("<IH", 0x02014B50, 3 << 8 | 20)
            + fixed
            + struct.pack("<HHHI", 0, 0, 0, member.mode << 16)
            + struct.pack("<I", offset)
            + name
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    path.write_bytes(bytes(local + central + end))
    return path
