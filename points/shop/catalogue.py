"""The points supermarket's catalogue: rewards, their images, restocking, stock movements.

Stock is what is on the shelf and not reserved (null = unlimited). It only changes by
guarded relative UPDATEs, and every change is a StockMovement row, so a village can publish
its stock in and out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from points import images, policy
from points.admin import audit
from points.db import write_transaction
from points.errors import N_, DomainError, InvalidInput, NotFound
from points.models import Reward, StockMovement, User, Village
from points.places import get_town, village_place
from points.policy import Place

MAX_COST = 100_000
MAX_STOCK = 1_000_000
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
IMAGE_MAX_SIDE = 1024
# Decoding costs ~3 bytes a pixel whatever the file's size (a 20 KB PNG can hold 13000×13000):
# the header's size is checked before any pixel is decoded, and Pillow refuses beyond it too.
IMAGE_MAX_PIXELS = 25_000_000
Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
IMAGE_DIR = Path("uploads") / "rewards"


class OutOfStock(DomainError):
    code = "out_of_stock"
    category = "conflict"
    template = N_("「%(name)s」库存不足：还剩 %(left)s 件。")


class BadImage(DomainError):
    code = "bad_image"
    template = N_("图片无法使用：%(detail)s")


class ImageTooLarge(BadImage):
    code = "image_too_large"
    template = N_("图片像素太多（最多 %(pixels)s 万像素），请缩小后再上传。")


# --- input checks ----------------------------------------------------------------------
def _whole(value: object, what: str, low: int, high: int, *, optional: bool = False) -> int | None:
    """Return value as an int in [low, high]; '' / None is allowed only if optional."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise InvalidInput("请填写%(what)s。", what=what)
    if isinstance(value, bool):
        raise InvalidInput("%(what)s必须是整数。", what=what)
    if isinstance(value, str):
        if not value.strip().lstrip("-").isdigit():
            raise InvalidInput("%(what)s必须是整数。", what=what)
        value = int(value.strip())
    if not isinstance(value, int):
        raise InvalidInput("%(what)s必须是整数。", what=what)
    if not low <= value <= high:
        raise InvalidInput("%(what)s应在 %(low)s 到 %(high)s 之间。", what=what, low=low, high=high)
    return value


def _text(value: object, what: str, limit: int, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput("请填写%(what)s。", what=what)
    if len(text) > limit:
        raise InvalidInput("%(what)s不超过 %(limit)s 个字。", what=what, limit=limit)
    return text


@dataclass
class RewardFields:
    """What an admin fills in for a reward (values as typed: strings from a form are fine)."""

    name: object = None
    description: object = ""
    points_cost: object = None
    stock: object = None  # None / "" = unlimited (only when creating)
    monthly_limit: object = None
    village_id: int | None = None
    active: bool = True
    town_id: int | None = None  # a town-wide reward's town (default: the actor's)
    sort_order: object = 0


def _checked(fields: RewardFields) -> dict:
    return {
        "name": _text(fields.name, "奖品名称", 80, required=True),
        "description": _text(fields.description, "说明", 1000, required=False),
        "points_cost": _whole(fields.points_cost, "所需积分", 1, MAX_COST),
        "monthly_limit": _whole(fields.monthly_limit, "每人每月限兑", 1, 1000, optional=True),
        "active": bool(fields.active),
        "sort_order": _whole(fields.sort_order, "排序", -10_000, 10_000, optional=True) or 0,
    }


def place_of_reward(reward: Reward) -> Place:
    return Place(reward.town_id, reward.village_id)


def _place_for(session: Session, actor: User, fields: RewardFields) -> Place:
    """A new reward's place: its village's, else the named (or the actor's) town's."""
    if fields.village_id is not None:
        return village_place(session, fields.village_id)
    town_id = fields.town_id or actor.town_id
    if town_id is None:
        raise InvalidInput("请选择奖品所属的镇。")
    return Place(get_town(session, town_id).id)


# --- use cases -------------------------------------------------------------------------
def create_reward(
    session: Session, *, actor: User, fields: RewardFields, image_path: str | None = None
) -> Reward:
    """Add a reward to the catalogue; its opening stock is recorded as a restock."""
    values = _checked(fields)
    stock = _whole(fields.stock, "库存", 0, MAX_STOCK, optional=True)
    place = _place_for(session, actor, fields)
    policy.ensure_may_manage_catalogue(actor, place)
    village_id = place.village_id
    with write_transaction(session):
        reward = Reward(
            town_id=place.town_id,
            village_id=village_id,
            stock=stock,
            image_path=image_path,
            **values,
        )
        session.add(reward)
        session.flush()
        if stock:
            _movement(session, reward.id, "restock", stock, actor_id=actor.id, note="初始库存")
        audit.record(
            session,
            actor_id=actor.id,
            action="reward.create",
            town_id=place.town_id,
            village_id=village_id,
            target_type="reward",
            target_id=reward.id,
            after={**values, "stock": stock, "village_id": village_id},
        )
    return reward


def update_reward(
    session: Session,
    *,
    actor: User,
    reward_id: int,
    fields: RewardFields,
    image_path: str | None = None,
) -> Reward:
    """Change a reward's name, cost, limits, flags or image (stock changes by restocking)."""
    values = _checked(fields)
    with write_transaction(session):
        reward = _locked(session, reward_id)
        policy.ensure_may_manage_catalogue(actor, place_of_reward(reward))
        before = {key: getattr(reward, key) for key in values}
        for key, value in values.items():
            setattr(reward, key, value)
        if image_path is not None:
            values["image_path"] = reward.image_path = image_path
        audit.record(
            session,
            actor_id=actor.id,
            action="reward.update",
            town_id=reward.town_id,
            village_id=reward.village_id,
            target_type="reward",
            target_id=reward.id,
            before=before,
            after=values,
        )
    return reward


def restock(
    session: Session, *, actor: User, reward_id: int, quantity: object, note: str = ""
) -> Reward:
    """Put goods on the shelf (quantity > 0) or take them off (< 0, a correction)."""
    amount = _whole(quantity, "数量", -MAX_STOCK, MAX_STOCK)
    if amount == 0:
        raise InvalidInput("数量不能为 0。")
    note = _text(note, "备注", 200, required=False)
    with write_transaction(session):
        reward = _locked(session, reward_id)
        policy.ensure_may_manage_catalogue(actor, place_of_reward(reward))
        if reward.stock is None:
            raise InvalidInput("这件奖品不限库存，无需补货。")
        if amount < 0:
            reserve_stock(session, reward, -amount)
        else:
            session.execute(
                update(Reward)
                .where(Reward.id == reward.id)
                .values(stock=Reward.stock + amount)
                .execution_options(synchronize_session=False)
            )
        kind = "restock" if amount > 0 else "correction"
        _movement(session, reward.id, kind, amount, actor_id=actor.id, note=note)
        audit.record(
            session,
            actor_id=actor.id,
            action=f"reward.{kind}",
            town_id=reward.town_id,
            village_id=reward.village_id,
            target_type="reward",
            target_id=reward.id,
            after={"quantity": amount, "note": note},
        )
    session.refresh(reward)
    return reward


# --- stock pieces the redemption use cases share ------------------------------------------
def reserve_stock(session: Session, reward: Reward, quantity: int) -> None:
    """Take `quantity` off the shelf, or raise OutOfStock; unlimited stock is untouched."""
    if reward.stock is None:
        return
    result = session.execute(
        update(Reward)
        .where(Reward.id == reward.id, Reward.stock >= quantity)
        .values(stock=Reward.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(reward)
        raise OutOfStock(name=reward.name, left=reward.stock)
    session.expire(reward, ["stock"])


def release_stock(session: Session, reward: Reward, quantity: int) -> None:
    """Put reserved goods back on the shelf."""
    if reward.stock is None:
        return
    session.execute(
        update(Reward)
        .where(Reward.id == reward.id)
        .values(stock=Reward.stock + quantity)
        .execution_options(synchronize_session=False)
    )
    session.expire(reward, ["stock"])


def _movement(session: Session, reward_id: int, kind: str, quantity: int, **extra) -> None:
    session.add(StockMovement(reward_id=reward_id, kind=kind, quantity=quantity, **extra))


def record_movement(
    session: Session,
    reward_id: int,
    kind: str,
    quantity: int,
    *,
    redemption_id: int | None = None,
    actor_id: int | None = None,
) -> None:
    """Add a stock movement row to the current transaction."""
    _movement(session, reward_id, kind, quantity, redemption_id=redemption_id, actor_id=actor_id)


def _locked(session: Session, reward_id: int) -> Reward:
    reward = session.scalar(
        select(Reward)
        .where(Reward.id == reward_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if reward is None:
        raise NotFound(what=f"奖品 {reward_id}")
    return reward


# --- reading ---------------------------------------------------------------------------
def get_reward(session: Session, reward_id: int) -> Reward:
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise NotFound(what=f"奖品 {reward_id}")
    return reward


def reward_managed_by(session: Session, actor: User, reward_id: int) -> Reward:
    """A reward whose stock book and settings the actor may see and change."""
    reward = get_reward(session, reward_id)
    policy.ensure_may_manage_catalogue(actor, place_of_reward(reward))
    return reward


def get_reward_for(session: Session, viewer: User | None, reward_id: int) -> Reward:
    """A reward as a viewer may see it: one off the shelf only for those who manage it."""
    reward = get_reward(session, reward_id)
    if not reward.active and not policy.may_see_hidden_reward(viewer, place_of_reward(reward)):
        raise NotFound(what=f"奖品 {reward_id}")
    return reward


def visible_rewards(
    session: Session,
    village_id: int | None = None,
    *,
    town_id: int | None = None,
    include_inactive: bool = False,
) -> list[Reward]:
    """Rewards on a shelf: a village's own and its town's town-wide ones; a town's all; with
    neither, every town's."""
    query = select(Reward).order_by(Reward.sort_order, Reward.id)
    if village_id is not None:
        town = select(Village.town_id).where(Village.id == village_id).scalar_subquery()
        query = query.where(
            or_(
                Reward.village_id == village_id,
                Reward.village_id.is_(None) & (Reward.town_id == town),
            )
        )
    elif town_id is not None:
        query = query.where(Reward.town_id == town_id)
    if not include_inactive:
        query = query.where(Reward.active.is_(True))
    return list(session.scalars(query))


def listing(
    session: Session,
    viewer: User | None,
    *,
    village_id: int | None = None,
    town_id: int | None = None,
    include_inactive: bool = False,
) -> list[Reward]:
    """The catalogue as a reader sees it: a resident their village's shelf by default;
    rewards off the shelf only for admins, of the places they manage."""
    if include_inactive and policy.is_admin(viewer):
        return [
            reward
            for reward in managed_rewards(session, viewer)
            if village_id is None or reward.village_id in (village_id, None)
        ]
    if village_id is None and town_id is None and viewer is not None:
        village_id = viewer.village_id
    return visible_rewards(session, village_id, town_id=town_id)


def managed_rewards(session: Session, actor: User) -> list[Reward]:
    """Rewards an admin sees in the back office: those of their scope (a village admin also
    sees their town's town-wide ones, read-only)."""
    scope = policy.scope_of(actor)
    policy.ensure_may_manage_catalogue(actor, scope)
    return visible_rewards(session, scope.village_id, town_id=scope.town_id, include_inactive=True)


def movements(
    session: Session, *, actor: User, reward_id: int | None = None, limit: int = 200
) -> list[StockMovement]:
    """Stock in and out, newest first, within the actor's village."""
    query = (
        select(StockMovement)
        .join(Reward, Reward.id == StockMovement.reward_id)
        .order_by(StockMovement.id.desc())
        .limit(limit)
    )
    query = query.where(policy.within(actor, village=Reward.village_id, town=Reward.town_id))
    if reward_id is not None:
        query = query.where(StockMovement.reward_id == reward_id)
    return list(session.scalars(query))


# --- images ----------------------------------------------------------------------------
def store_image(instance_path: str | Path, data: bytes, *, max_bytes: int) -> str:
    """Check an upload is a real JPEG/PNG/WebP image, re-encode it, return its stored name.

    The file is judged by its content, never its name or declared type; re-encoding drops
    anything hidden after the pixels (metadata, appended scripts).
    """
    if not data:
        raise BadImage(detail="没有选择文件")
    if len(data) > max_bytes:
        raise BadImage(detail=f"文件超过 {max_bytes // 1024} KB")
    try:
        found = images.header(data)  # the header only: a bomb is refused before decoding
        if found.kind == "BOMB" or found.pixels > IMAGE_MAX_PIXELS:
            raise ImageTooLarge(pixels=IMAGE_MAX_PIXELS // 10_000)
        if found.kind not in IMAGE_FORMATS:
            raise BadImage(detail="只接受 JPG、PNG 或 WebP 图片")
        webp = images.reencode(
            data, max_pixels=IMAGE_MAX_PIXELS, max_side=IMAGE_MAX_SIDE, quality=82
        )
    except images.NotAPicture:
        raise BadImage(detail="不是有效的图片文件") from None
    folder = Path(instance_path) / IMAGE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.webp"
    (folder / name).write_bytes(webp)
    return name


def image_folder(instance_path: str | Path) -> Path:
    return Path(instance_path) / IMAGE_DIR
