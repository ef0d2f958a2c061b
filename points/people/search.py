"""Finding a person the way people ask for them: by name, phone or the last digits of a phone.

Never by an internal id: "5" typed in a search box means a phone ending in 5, not user 5.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from points import policy
from points.errors import N_, DomainError, Msgid, NotFound
from points.models import User

MAX_TEXT = 64


class SeveralFound(DomainError):
    code = "several_found"
    category = "conflict"
    template = N_("有 %(count)s 位村民符合“%(text)s”，请从列表中选一位。")


def search_people(
    session: Session,
    viewer: User,
    text: str,
    *,
    limit: int = 20,
    active_only: bool = False,
    village_id: int | None = None,
    village_wide: bool = False,
) -> list[User]:
    """People the viewer may see whose name holds `text`, or whose phone is or ends with it.

    `village_wide`: a grid worker's whole village (for those who come to them in person: a
    check-in, 代办), not only their grids."""
    text = (text or "").strip()[:MAX_TEXT]
    if not text:
        return []
    digits = "".join(ch for ch in text if ch not in " -")
    if digits.isdigit():
        wanted = User.phone == digits if len(digits) >= 11 else User.phone.like(f"%{digits}")
    else:
        wanted = User.name.like(f"%{text}%")
    if village_wide:
        scope = policy.people_to_check_in(viewer, village=User.village_id, town=User.town_id)
    else:
        scope = policy.within(viewer, village=User.village_id, town=User.town_id, grid=User.grid_id)
    query = select(User).where(wanted, User.village_id.is_not(None), scope)
    if active_only:
        query = query.where(User.active.is_(True))
    if village_id is not None:
        query = query.where(User.village_id == village_id)
    return list(session.scalars(query.order_by(User.name, User.phone).limit(limit)))


def find_one(session: Session, viewer: User, text: str) -> User:
    """The one person `text` names, or NotFound / SeveralFound."""
    found = search_people(session, viewer, text, limit=21)
    if not found:
        raise NotFound(what=Msgid(N_("符合条件的村民")))
    if len(found) > 1:
        raise SeveralFound(count=len(found) if len(found) <= 20 else "20+", text=text[:MAX_TEXT])
    return found[0]
