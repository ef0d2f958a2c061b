"""The rule book's statements on the award path, built once (see points/ledger/sql.py)."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from points.models import Rule, RuleBookVersion, RuleVersion

rules = Rule.__table__
book_versions = RuleBookVersion.__table__
rule_versions = RuleVersion.__table__

# The version of a rule's book in force on a Shanghai day: the latest from that day or
# before (on one day, the higher number).
_in_force = (
    select(book_versions.c.id)
    .where(
        book_versions.c.book_id == rules.c.book_id,
        book_versions.c.effective_from <= bindparam("day"),
    )
    .order_by(book_versions.c.effective_from.desc(), book_versions.c.number.desc())
    .limit(1)
    .correlate(rules)
    .scalar_subquery()
)

# What a rule says on that day: None when its book had no version yet, or dropped it.
RULE_IN_FORCE = (
    select(
        rules.c.id,
        rules.c.code,
        rule_versions.c.id,
        book_versions.c.number,
        rule_versions.c.name_zh,
        rule_versions.c.name_en,
        rule_versions.c.kind,
        rule_versions.c.points,
        rule_versions.c.points_max,
        rule_versions.c.tiers,
        rule_versions.c.unit,
        rule_versions.c.caps,
        rule_versions.c.first_reporter_only,
        rule_versions.c.later_reporter_points,
        rule_versions.c.confirm_by,
        rule_versions.c.evidence_required,
        rule_versions.c.publicity_days,
        book_versions.c.effective_from,
        rule_versions.c.subject,
    )
    .select_from(
        rules.join(rule_versions, rule_versions.c.rule_id == rules.c.id).join(
            book_versions, book_versions.c.id == rule_versions.c.book_version_id
        )
    )
    .where(rules.c.id == bindparam("rule_id"), rule_versions.c.book_version_id == _in_force)
)

RULE_CODE = select(rules.c.code).where(rules.c.id == bindparam("rule_id"))
