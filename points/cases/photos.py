"""Photos sent with cases: judged by content, size-checked before decoding, re-encoded.

Re-encoding to WebP from the decoded pixels keeps nothing of the upload but its picture: no
EXIF (so no GPS position, camera or time), nothing appended after the image data.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

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
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in FORMATS:
                raise BadPhoto(detail="只接受 JPG、PNG 或 WebP 照片")
            if width * height > MAX_PIXELS:
                raise BadPhoto(detail="照片像素太多")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Turn the picture the way the camera held it, before the EXIF that says so goes.
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except BadPhoto:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise BadPhoto(detail="不是有效的图片文件") from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    folder = Path(instance_path) / PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.webp"
    picture.save(folder / name, "WEBP", quality=80)
    return name


def photo_path(instance_path: str | Path, name: str) -> Path:
    return Path(instance_path) / PHOTO_DIR / Path(name).name


MAX_PER_CASE = 4


def store_photos(instance_path: str | Path, datas: list[bytes]) -> list[str]:
    """Check and re-encode up to four photos of a case (none: an empty list)."""
    if len(datas) > MAX_PER_CASE:
        raise BadPhoto(detail="最多 4 张照片")
    return [store_photo(instance_path, data) for data in datas]
