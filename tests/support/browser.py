"""A real server and a real browser: gunicorn as `make run` starts it, headless Chromium."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

from bench.served import Server, start

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def start_server(db_url: str, instance: Path, *, workers: int = 2, extra_env=None) -> Server:
    """Start gunicorn on a free port against `db_url`, as `make run` does; wait until it answers."""
    instance.mkdir(parents=True, exist_ok=True)
    env = {
        "DATABASE_URL": db_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": "0",
        **(extra_env or {}),
    }
    return start(env, instance / "server.log", workers=workers, wait=30)


def save_artifact(name: str, data: bytes) -> Path:
    """Keep a screenshot or file from a test under test-artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def write_y4m(image, path) -> None:
    """Write a one-frame Y4M video of a PIL picture: what Chromium's fake camera plays."""
    yuv = image.convert("YCbCr")
    width, height = yuv.size
    y, cb, cr = yuv.split()
    half = (width // 2, height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.write(b"FRAME\n")
        out.write(y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())


@contextmanager
def chromium_with_camera(browser, video_path):
    """A second Chromium from the session's Playwright whose camera plays `video_path`."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video_path}",
        ],
    )
    try:
        yield chromium
    finally:
        chromium.close()


@contextmanager
def phone_camera_showing(browser, folder: Path, text: str, *, size: int):
    """A phone-sized Chromium tab whose camera sees a QR code of `text`, `size` px, centred."""
    import qrcode
    from PIL import Image

    frame = Image.new("RGB", (640, 480), "white")
    code = qrcode.make(text, box_size=8).get_image().convert("RGB").resize((size, size))
    frame.paste(code, ((640 - size) // 2, (480 - size) // 2))
    video = folder / "camera.y4m"
    write_y4m(frame, video)
    with chromium_with_camera(browser, video) as chromium:
        context = chromium.new_context(viewport=PHONE, locale="zh-CN")
        context.grant_permissions(["camera"])
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        yield tab


def wait_until(tab, expression: str, timeout: float = 30_000) -> None:
    """Poll a JavaScript expression until it is true (Playwright's wait_for_function builds
    its predicate with eval, which the pages' CSP rightly refuses; evaluate is not page script)."""
    import time

    deadline = time.monotonic() + timeout / 1000
    while not tab.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {timeout} ms: {expression}")
        tab.wait_for_timeout(100)
