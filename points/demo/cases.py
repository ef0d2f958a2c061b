"""Demo cases in the first village of each town: claims (申报) — a live 公示 notice with an
objection, a posted award, a rejection and a claim waiting in the queue — hazard reports (隐患)
in every state, and a few disputes (矛盾纠纷)."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from points import rules
from points.cases import claims, disputes, hazards, photos, publicity
from points.clock import utcnow

CLAIM_ITEMS = [
    {
        "code": "rescue",
        "name": "抢险救灾",
        "name_en": "Emergency rescue",
        "points": 20,
        "unit": "case",
        "publicity_days": 5,
    },
    {
        "code": "lost_found",
        "name": "拾金不昧",
        "name_en": "Returning lost property",
        "points": 5,
        "unit": "case",
    },
    {
        "code": "volunteer",
        "name": "志愿服务",
        "name_en": "Volunteering",
        "points": 2,
        "unit": "hour",
        "publicity_days": 3,
        "caps": [{"per": "resident", "period": "month", "max_points": 40}],
    },
]


def seed_demo(session: Session, rng: random.Random, people) -> None:
    """The first village adds claimable items to its book; a few claims go through them."""
    village = people.villages[0]
    admin = people.admins[village.id]
    day = rules.today()
    rules.publish(
        session,
        None,
        village_id=village.id,
        adoption=rules.Adoption(
            effective_from=day,
            adopted_on=day,
            body="村民代表大会",
            votes_for=36,
            votes_against=0,
            votes_abstain=1,
        ),
        items=CLAIM_ITEMS,
    )
    # Its own picks, so the other demo steps' random draws stay as they were.
    mine = [p for p in people.residents if p.village_id == village.id]
    picked = random.Random(village.id).sample(mine, k=5)
    rescuer, finder, helper, late, neighbour = picked
    rescue = claims.submit(
        session,
        claimant=rescuer,
        rule_code="rescue",
        title="台风夜帮助独居老人转移",
        description="凌晨两点和网格员一起把老人背到村委会避险点。",
    )
    claims.approve(session, actor=admin, case_id=rescue.id)
    volunteer = claims.submit(
        session, claimant=helper, rule_code="volunteer", title="文化礼堂反诈宣传值守", units=3
    )
    notice = claims.approve(session, actor=admin, case_id=volunteer.id).posting
    publicity.object_to(
        session,
        actor=neighbour,
        posting_id=notice.id,
        reason="那天下午礼堂没开门，请核实。",
    )
    wallet = claims.submit(
        session, claimant=finder, rule_code="lost_found", title="在菜场捡到钱包交还失主"
    )
    claims.approve(session, actor=admin, case_id=wallet.id)
    doubtful = claims.submit(session, claimant=late, rule_code="rescue", title="帮忙搬沙袋")
    claims.reject(session, actor=admin, case_id=doubtful.id, reason="当天没有抢险任务记录")
    claims.submit(session, claimant=late, rule_code="volunteer", title="清扫村道", units=2)
    seed_hazards(session, people)


# --- hazards and disputes ---------------------------------------------------------------------
# The photos the demo's cases show (written by `seed-demo` under the instance's uploads).
DEMO_PHOTOS = {
    "demo-hazard-1.webp": (180, 60, 40),
    "demo-hazard-2.webp": (60, 110, 170),
    "demo-hazard-3.webp": (90, 150, 70),
    "demo-fixed.webp": (40, 160, 90),
    "demo-agreement.webp": (235, 230, 210),
}


def write_photos(instance_path: str | Path) -> None:
    """Draw the demo's photos (plain colours) where the case photos are kept."""
    from PIL import Image

    folder = Path(instance_path) / photos.PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, colour in DEMO_PHOTOS.items():
        if not (folder / name).exists():
            buffer = io.BytesIO()
            Image.new("RGB", (320, 240), colour).save(buffer, "WEBP")
            (folder / name).write_bytes(buffer.getvalue())


HAZARDS = [
    # (what, where, how far it came, days ago it was reported)
    ("村口电线杆倾斜", "村口小卖部旁", "submitted", 0),
    ("老祠堂灭火器过期", "老祠堂东门", "submitted", 6),  # overdue to verify
    ("池塘边护栏缺失", "村东池塘", "verified", 0),  # on 公示 now
    ("池塘边护栏缺失（同一处）", "村东池塘", "duplicate", 0),
    ("路边堆放柴草", "文化礼堂后", "rejected", 3),
    ("桥面裂缝", "溪上小桥", "assigned", 12),  # overdue to fix
    ("路灯不亮", "村委会门口", "assigned", 1),
    ("下水道井盖缺失", "菜场路口", "fixed", 9),
    ("电动车楼道充电", "3 号楼", "closed", 20),
]
DISPUTES = [
    ("宅基地边界纠纷", [("王某某", "13700001111"), ("李某某", "13700002222")], "found"),
    ("邻里漏水纠纷", [("赵某某", "13700003333"), ("钱某某", "")], "mediating"),
    ("土地流转租金纠纷", [("孙某某", "13700004444"), ("周某某", "13700005555")], "resolved"),
    ("婚姻家庭纠纷", [("吴某某", "")], "failed"),
    ("工程欠薪纠纷", [("郑某某", "13700006666"), ("某工程队", "")], "handed_on"),
]


def seed_hazards(session: Session, people) -> None:
    """Hazards in every state and a few disputes in the town's first village."""
    village = people.villages[0]
    admin = people.admins[village.id]
    mine = [p for p in people.residents if p.village_id == village.id]
    picked = random.Random(village.id + 12).sample(mine, k=8)
    now = utcnow()
    names = list(DEMO_PHOTOS)
    first = None
    for n, (title, where, state, days) in enumerate(HAZARDS):
        at = now - timedelta(days=days, hours=2)
        case = hazards.report(
            session,
            reporter=picked[n % len(picked)],
            title=title,
            place_text=where,
            photos=[names[n % 3]],
            now=at,
        )
        if state == "submitted":
            continue
        if state == "rejected":
            hazards.reject(session, actor=admin, case_id=case.id, reason="属于个人财物堆放，已提醒")
            continue
        if state == "duplicate":
            hazards.mark_duplicate(session, actor=admin, case_id=case.id, duplicate_of=first)
            continue
        hazards.verify(session, actor=admin, case_id=case.id, now=at + timedelta(hours=3))
        first = first or case.id
        if state == "verified":
            continue
        worker = people.staff[village.id]
        hazards.assign(
            session,
            actor=admin,
            case_id=case.id,
            assignee_id=worker.id if n % 2 else None,
            department="" if n % 2 else "镇城建办",
            now=at + timedelta(hours=4),
        )
        if state == "assigned":
            continue
        hazards.fix(
            session,
            actor=admin,
            case_id=case.id,
            photos=["demo-fixed.webp"],
            now=at + timedelta(days=2),
        )
        if state == "closed":
            hazards.rate(
                session,
                actor=picked[n % len(picked)],
                case_id=case.id,
                rating=5,
                comment="处理及时，谢谢网格员",
                now=at + timedelta(days=3),
            )
    mediators = picked[-2:]
    for title, parties, state in DISPUTES:
        case = disputes.record(
            session,
            actor=admin,
            title=title,
            parties=[{"name": name, "phone": phone} for name, phone in parties],
            village_id=village.id,
        )
        if state == "found":
            continue
        if state == "handed_on":
            disputes.hand_on(session, actor=admin, case_id=case.id, reason="移交镇矛调中心")
            continue
        disputes.mediate(session, actor=admin, case_id=case.id, mediators=[m.id for m in mediators])
        if state == "resolved":
            disputes.resolve(
                session,
                actor=admin,
                case_id=case.id,
                photos=["demo-agreement.webp"],
                tier="较复杂",
            )
            disputes.follow_up(session, actor=admin, case_id=case.id, note="双方按协议履行")
        elif state == "failed":
            disputes.fail(
                session, actor=admin, case_id=case.id, reason="一方不愿调解，已告知诉讼途径"
            )
