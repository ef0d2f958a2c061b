"""What one rule says in one version: its points (fixed, tiers or up to a maximum), its unit
and its caps — and the arithmetic every award under it does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from points.rules.caps import Cap


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    points: int
    name_en: str = ""


@dataclass(frozen=True)
class Terms:
    """A rule as one version of its book words it (RuleVersion, resolved)."""

    rule_id: int
    code: str
    version_id: int  # the RuleVersion row
    version: int  # its book's version number
    name: str
    name_en: str
    kind: str  # earn | deduct
    points: int | None  # fixed (per unit), or the suggested amount of an "up to" rule
    points_max: int | None  # an "up to" rule: any amount 1..points_max
    tiers: tuple[Tier, ...] = ()
    unit: str = "event"
    caps: tuple[Cap, ...] = ()
    first_reporter_only: bool = False
    later_reporter_points: int | None = None
    confirm_by: str = "staff"
    evidence_required: bool = False
    publicity_days: int = 0
    effective_from: date | None = None
    description: str = ""
    subject: str = "resident"  # or "household": points.households.items

    @classmethod
    def from_row(cls, row) -> Terms:
        (
            rule_id,
            code,
            version_id,
            number,
            name,
            name_en,
            kind,
            points,
            points_max,
            tiers,
            unit,
            caps,
            first_only,
            later,
            confirm_by,
            evidence,
            publicity,
            effective,
            subject,
        ) = row
        return cls(
            rule_id=rule_id,
            code=code,
            version_id=version_id,
            version=number,
            name=name,
            name_en=name_en or "",
            kind=kind,
            points=points,
            points_max=points_max,
            tiers=tuple(
                Tier(t["name"], int(t["points"]), t.get("name_en", "")) for t in tiers or ()
            ),
            unit=unit,
            caps=tuple(
                Cap(c["per"], c["period"], c.get("max_times"), c.get("max_points"))
                for c in caps or ()
            ),
            first_reporter_only=bool(first_only),
            later_reporter_points=later,
            confirm_by=confirm_by,
            evidence_required=bool(evidence),
            publicity_days=publicity or 0,
            effective_from=effective,
            subject=subject or "resident",
        )

    @property
    def largest(self) -> int:
        """The most one unit may earn (or cost)."""
        if self.tiers:
            return max(t.points for t in self.tiers)
        if self.points_max is not None:
            return self.points_max
        return self.points or 0

    def allows(self, points: int) -> bool:
        """Do these points lie within the rule (an event's points, a claim's)?"""
        if self.tiers:
            return points in {t.points for t in self.tiers}
        if self.points_max is not None:
            return 1 <= points <= self.points_max
        if self.unit == "hour" and self.points:
            return points > 0 and points % self.points == 0
        return points == self.points

    def amount(self, *, asked: int | None = None, tier: str | None = None, units: int = 1) -> int:
        """What an award under this version is worth before caps.

        `asked`: the amount an event (or a claim) names, made to fit the rule as it stands
        now (a book may have changed since the event was set up); `tier`: a tier's name.
        """
        if self.tiers:
            if tier is not None:
                for t in self.tiers:
                    if tier in (t.name, t.name_en):
                        return t.points * units
            if asked is not None:
                fitting = [t.points for t in self.tiers if t.points <= asked]
                return max(fitting) if fitting else min(t.points for t in self.tiers)
            return min(t.points for t in self.tiers) * units
        if self.points_max is not None:
            wanted = self.points if asked is None else asked
            return max(1, min(wanted or 1, self.points_max)) * (units if asked is None else 1)
        per_unit = self.points or 0
        if asked is not None and self.unit == "hour" and per_unit:
            return per_unit * max(1, asked // per_unit)
        return per_unit * units

    def units_of(self, amount: int) -> int:
        """How many units (hours) an amount stands for; other units count one a time."""
        if self.unit == "hour" and not self.tiers and self.points_max is None and self.points:
            return max(1, amount // self.points)
        return 1

    def tier_named(self, tier: str | None) -> Tier | None:
        return next((t for t in self.tiers if tier in (t.name, t.name_en)), None)


def item_view(terms: Terms) -> dict:
    """A rule as the API and the public page show it (the contract's field names)."""
    found = {
        "code": terms.code,
        "name": terms.name,
        "name_en": terms.name_en,
        "kind": terms.kind,
        "unit": terms.unit,
        "caps": [cap.as_dict() for cap in terms.caps],
        "first_reporter_only": terms.first_reporter_only,
        "later_reporter_points": terms.later_reporter_points,
        "confirm_by": terms.confirm_by,
        "needs_evidence": terms.evidence_required,
        "publicity_days": terms.publicity_days,
        "version": terms.version,
        "effective_from": terms.effective_from,
        "description": terms.description,
    }
    if terms.subject != "resident":
        found["subject"] = terms.subject
    if terms.tiers:
        found["tiers"] = [
            {"name": t.name, "name_en": t.name_en, "points": t.points} for t in terms.tiers
        ]
    else:
        found["points"] = terms.points
        if terms.points_max is not None:
            found["points_max"] = terms.points_max
    return found
