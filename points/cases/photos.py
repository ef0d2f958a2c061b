"""Photos sent with cases: judged by content, size-checked before decoding, re-encoded.

Decoded and re-encoded to WebP in a child process (points/images.py): nothing of the upload is
kept but its picture — no EXIF (so no GPS position, camera or time), nothing appended after it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from points import images
from points.errors import N_, DomainError

PHOTO_DIR = Path("uploads") / "cases"
FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused before it is decoded
MAX_SIDE = 1600


class BadPhoto(DomainError):
    code = "bad_photo"
    template = N_("照片无法使用：%(detail)s")


def store_photo(instance_path: str | Path, data: bytes) -> str:
    """Check and re-encode one photo; return the name it is stored under."""
    if not data:
        raise BadPhoto(detail="没有选择文件")
    if len(data) > MAX_BYTES:
        raise BadPhoto(detail=f"文件超过 {MAX_BYTES // (1024 * 1024)} MB")
    try:
        found = images.header(data)  # the header only: a bomb is refused before decoding
        if found.kind == "BOMB" or found.pixels > MAX_PIXELS:
            raise BadPhoto(detail="照片像素太多")
        if found.kind not in FORMATS:
            raise BadPhoto(detail="只接受 JPG、PNG 或 WebP 照片")
        webp = images.reencode(data, max_pixels=MAX_PIXELS, max_side=MAX_SIDE, quality=80)
    except images.NotAPicture:
        raise BadPhoto(detail="不是有效的图片文件") from None
    folder = Path(instance_path) / PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.webp"
    (folder / name).write_bytes(webp)
    return name


def photo_path(instance_path: str | Path, name: str) -> Path:
    return Path(instance_path) / PHOTO_DIR / Path(name).name


MAX_PER_CASE = 4


def store_photos(instance_path: str | Path, datas: list[bytes]) -> list[str]:
    """Check and re-encode up to four photos of a case (none: an empty list)."""
    if len(datas) > MAX_PER_CASE:
        raise BadPhoto(detail="最多 4 张照片")
    return [store_photo(instance_path, data) for data in datas]
