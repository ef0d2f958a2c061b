"""Are uploaded pictures decoded outside the web worker, under a memory limit, a few at a time?"""

from __future__ import annotations

import io
import os
import resource
import threading
import time

from hardening.test_upload_bomb import bomb_png
from PIL import Image

from points import images


def jpeg(side: int = 800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


def test_a_picture_is_decoded_in_a_child_process_and_comes_back_as_webp():
    webp = images.reencode(jpeg(), max_pixels=25_000_000, max_side=400)
    with Image.open(io.BytesIO(webp)) as back:
        assert back.format == "WEBP"
        assert back.size == (400, 400)
    children = images.child_pids()
    assert children and os.getpid() not in children


def test_a_picture_needing_more_memory_than_the_child_may_take_is_refused_and_the_next_works():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # 20000 × 20000 grey pixels: 400 MB decoded, 1.2 GB as colour — past the child's 1 GiB.
    # The header check is skipped here on purpose (max_pixels far above it).
    started = time.perf_counter()
    try:
        images.reencode(bomb_png(20_000), max_pixels=10**9, max_side=100)
    except images.NotAPicture:
        pass
    else:
        raise AssertionError("a picture past the child's memory was re-encoded")
    assert time.perf_counter() - started < images.DECODE_SECONDS
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100 * 1024, f"the web worker grew {grown_kb / 1024:.0f} MB"
    assert images.reencode(jpeg(), max_pixels=25_000_000, max_side=100)


def test_when_every_place_in_the_queue_is_taken_the_next_upload_is_told_to_retry(monkeypatch):
    monkeypatch.setattr(images, "WAIT_SECONDS", 0.2)
    taken = 0
    try:
        while images._places.acquire(blocking=False):
            taken += 1
        assert taken == images.WAITING
        started = time.perf_counter()
        try:
            images.reencode(jpeg(), max_pixels=25_000_000, max_side=100)
        except images.PicturesBusy as error:
            assert error.retry_after > 0
        else:
            raise AssertionError("an upload past the queue's bound was taken")
        assert time.perf_counter() - started < 2
    finally:
        for _ in range(taken):
            images._places.release()


def test_pages_keep_answering_while_uploads_decode(client, auth, town):
    """Four big photos decode at once; a read answers in well under a second meanwhile."""
    from points.extensions import db
    from points.models import Reward

    reward = Reward(name="大米", points_cost=10, village_id=town.village_a.id, town_id=town.town.id)
    db.session.add(reward)
    db.session.commit()
    headers = auth.headers(town.admin_a)
    big = jpeg(4000)
    images.reencode(jpeg(), max_pixels=25_000_000, max_side=100)  # the child is up

    statuses = []

    def upload():
        statuses.append(images.reencode(big, max_pixels=25_000_000, max_side=1024) is not None)

    workers = [threading.Thread(target=upload) for _ in range(4)]
    for worker in workers:
        worker.start()
    slowest = 0.0
    while any(worker.is_alive() for worker in workers):
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        slowest = max(slowest, time.perf_counter() - started)
        time.sleep(0.02)
    for worker in workers:
        worker.join()
    assert statuses == [True] * 4
    assert slowest < 1.0, slowest
    from points.shop.catalogue import image_folder

    folder = image_folder(client.application.instance_path)
    before = set(folder.iterdir()) if folder.exists() else set()
    answer = client.post(
        f"/api/v1/rewards/{reward.id}/image",
        data={"file": (io.BytesIO(big), "big.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code in (200, 201), answer.get_json()
    for stored in set(folder.iterdir()) - before:  # the instance folder is shared by tests
        stored.unlink()


def test_every_picture_is_decoded_when_the_child_is_replaced_after_its_share(monkeypatch):
    # The pool is replaced by hand after CHILD_TASKS pictures (Python 3.11's max_tasks_per_child
    # can break or hang a pool when its child leaves: cpython #115634).
    monkeypatch.setattr(images, "CHILD_TASKS", 2)
    children = set()
    for _ in range(7):
        assert images.reencode(jpeg(64), max_pixels=25_000_000, max_side=64)
        children.update(images.child_pids())
    assert len(children) >= 3  # a fresh child after every two pictures
