"""Is a decompression bomb refused from its header, before a pixel is decoded?"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIDE = 13_000


def bomb_png(side: int = SIDE) -> bytes:
    """A valid grey PNG of side × side black pixels: ~20 KB of file, 169 M pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    packer = zlib.compressobj(9)
    row = b"\0" * (side + 1)  # filter byte + one byte a pixel
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_the_13000_pixel_png_bomb_is_refused_in_a_fifth_of_a_second(client, auth, town):
    from points.models import Reward

    bomb = bomb_png()
    assert len(bomb) < 300_000
    reward = Reward(name="大米", points_cost=10, village_id=town.village_a.id, town_id=town.town.id)
    from points.extensions import db

    db.session.add(reward)
    db.session.commit()
    headers = auth.headers(town.admin_a)
    started = time.perf_counter()
    answer = client.post(
        f"/api/v1/rewards/{reward.id}/image",
        data={"file": (io.BytesIO(bomb), "bomb.png")},
        headers=headers,
        content_type="multipart/form-data",
    )
    took = time.perf_counter() - started
    assert answer.status_code in (413, 422)
    assert answer.get_json()["reason"] == "image_too_large"
    assert took < 0.2, took


MEASURE = """
import resource, sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from hardening.test_upload_bomb import bomb_png
from points.shop import catalogue
bomb = bomb_png()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    catalogue.store_image({folder!r}, bomb, max_bytes=2 * 1024 * 1024)
except catalogue.BadImage as error:
    print(error.code)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_refusing_the_bomb_costs_under_100_mb(tmp_path):
    script = MEASURE.format(root=str(ROOT), tests=str(ROOT / "tests"), folder=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert out[0] == "image_too_large"
    assert int(out[1]) < 100 * 1024, f"{int(out[1]) / 1024:.0f} MB"  # ru_maxrss is in KB
