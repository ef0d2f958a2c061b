"""Uploaded pictures: judged from their header here, decoded and re-encoded in a child process.

The header (format, width × height) is read in the web worker without decoding a pixel, so a
decompression bomb is refused at once. The decoding itself — the part that costs CPU and ~3
bytes a pixel — runs in a small pool of child processes, one per web worker process, each
held under an address-space limit: a picture that would take more memory kills nothing but
its child, and a slow one never holds the web worker's GIL, so pages keep being served.
At most `WAITING` uploads of one worker wait for the pool at once; the next is told to try
again (503 with Retry-After) instead of piling up until gunicorn's worker timeout.

Re-encoding to WebP from the decoded pixels keeps nothing of an upload but its picture: no
EXIF (no GPS position, camera or time) and nothing appended after the image data.
"""

from __future__ import annotations

import io
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from points.errors import N_, DomainError

FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
CHILD_MEMORY = 1024 * 1024 * 1024  # address space of a decoding child: 1 GiB
CHILD_TASKS = 50  # a child is replaced after this many pictures (memory never creeps)
WAITING = 4  # uploads of one web worker that may wait for the pool at once
WAIT_SECONDS = 10  # how long the next one waits for a place before it is told to retry
DECODE_SECONDS = 20  # a picture that takes longer is given up (well inside the worker timeout)


class NotAPicture(DomainError):
    code = "bad_image"
    template = N_("不是有效的图片文件")


class PicturesBusy(DomainError):
    code = "busy"
    category = "busy"
    template = N_("正在处理其他照片，请稍后再试。")
    retry_after = 5


@dataclass(frozen=True)
class Header:
    kind: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def header(data: bytes) -> Header:
    """Format and size from the file's header; no pixel is decoded. Raises NotAPicture."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            found = Header(probe.format or "", *probe.size)
            # Pillow refuses far beyond its own limit here too (DecompressionBombError).
    except Image.DecompressionBombError:
        return Header("BOMB", 1 << 20, 1 << 20)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise NotAPicture() from None
    return found


# --- in the child ------------------------------------------------------------------------
def _limit_child() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def _reencode(data: bytes, max_pixels: int, max_side: int, quality: int) -> bytes | None:
    """Decode, turn upright, shrink to max_side and re-encode as WebP; None if it isn't one."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (max_side, max_side))  # JPEG: decode scaled down
            image.load()
            # Turn the picture the way the camera held it, before the EXIF that says so goes.
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, MemoryError):
        return None
    except Image.DecompressionBombError:
        return None
    picture.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture.save(out, "WEBP", quality=quality)
    return out.getvalue()


# --- in the web worker -------------------------------------------------------------------
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_pid: int | None = None
_pool_tasks = 0
_places = threading.BoundedSemaphore(WAITING)


def _executor() -> ProcessPoolExecutor:
    """This process's pool (a gunicorn worker forked after import makes its own), replaced
    after CHILD_TASKS pictures. Not `max_tasks_per_child`: on Python 3.11 a child leaving
    after its last task is now and then taken for one that died (BrokenProcessPool), and a
    good picture was refused; here the old pool finishes what it has and shuts down."""
    import os

    global _pool, _pool_pid, _pool_tasks
    with _lock:
        if _pool is not None and _pool_pid == os.getpid() and _pool_tasks >= CHILD_TASKS:
            _pool.shutdown(wait=False)
            _pool = None
        if _pool is None or _pool_pid != os.getpid():
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_limit_child,
            )
            _pool_pid = os.getpid()
            _pool_tasks = 0
        _pool_tasks += 1
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Drop a broken or stuck pool (its children are killed); the next upload starts another."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def child_pids() -> list[int]:
    """The decoding children of this process (for tests and health checks)."""
    pool = _pool
    return [p.pid for p in getattr(pool, "_processes", {}).values()] if pool else []


def reencode(data: bytes, *, max_pixels: int, max_side: int, quality: int = 80) -> bytes:
    """WebP bytes of a checked picture, decoded in a child. Raises NotAPicture, PicturesBusy."""
    if not _places.acquire(timeout=WAIT_SECONDS):
        raise PicturesBusy()
    try:
        for attempt in (1, 2):
            pool = _executor()
            try:
                result = pool.submit(_reencode, data, max_pixels, max_side, quality).result(
                    timeout=DECODE_SECONDS
                )
                break
            except BrokenProcessPool:  # the child died: out of its memory, or killed
                _discard(pool)
                if attempt == 2:  # in a fresh child too: it is this picture
                    raise NotAPicture() from None
            except FutureTimeout:
                _discard(pool)
                raise NotAPicture() from None
    finally:
        _places.release()
    if result is None:
        raise NotAPicture()
    return result
