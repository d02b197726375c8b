"""How dates, times and the service's codes read in a document."""

from __future__ import annotations

from datetime import date, datetime

from panel_service.actions.tables import ActionCategory, ActionStatus
from panel_service.cases.schemas import RfgvRead
from panel_service.meetings.tables import ListingKind, ListingOutcome

DASH = "\u2013"
NONE = "\u2014"  # an empty value, so a blank cell never looks like a lost one

KIND: dict[str, str] = {
    ListingKind.ACTIONS_REVIEW: "Actions review",
    ListingKind.NEW: "New",
    ListingKind.REPEAT: "Repeat",
    ListingKind.LAPSE_REVIEW: "Lapse review",
    ListingKind.PERPETRATOR: "Perpetrator",
}
OUTCOME: dict[str, str] = {
    ListingOutcome.LISTED: "",
    ListingOutcome.HEARD: "heard",
    ListingOutcome.DEFERRED: "deferred",
    ListingOutcome.WITHDRAWN: "withdrawn",
}
CRITERION: dict[str, str] = {
    "visible_high_risk": "Visible high risk",
    "professional_judgement": "Professional judgement",
    "potential_escalation": "Potential escalation",
    "repeat": "Repeat",
}
VOICE: dict[str, str] = {
    "obtained": "In",
    "not_obtained": "Not obtained",
    "missing": "Missing",
    "not_required": "Not required",
}
STATUS: dict[str, str] = {
    ActionStatus.OPEN: "Open",
    ActionStatus.COMPLETED: "Completed",
    ActionStatus.NOT_COMPLETED_CIRCUMSTANCES_CHANGED: (
        "Not completed \u2013 not possible, circumstances changed"
    ),
    ActionStatus.NOT_COMPLETED_NOT_DONE: "Not completed \u2013 the agency has not done it",
}
CATEGORY: dict[str, str] = {
    ActionCategory.SUPPORT: "Support",
    ActionCategory.DISRUPTION: "Disruption",
    ActionCategory.BEHAVIOUR_CHANGE: "Behaviour change",
}


def day(value: date) -> str:
    """3 December 2026"""
    return f"{value.day} {value:%B %Y}"


def long_day(value: date) -> str:
    """Thursday 3 December 2026"""
    return f"{value:%A} {day(value)}"


def short_day(value: date) -> str:
    """3 Dec 2026"""
    return f"{value.day} {value:%b %Y}"


def clock(value: datetime) -> str:
    """10:00"""
    return f"{value:%H:%M}"


def words(code: str) -> str:
    """A stored code as words: ``not_safe`` -> ``Not safe``."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def rfgv_lines(scores: RfgvRead) -> tuple[str, ...]:
    """The RFG-V scores where recorded: at entry, and at exit with the change."""
    found = []
    if scores.entry:
        found.append(f"RFG-V at entry: {scores.entry.score}")
    if scores.exit and scores.change is not None:
        found.append(f"RFG-V at exit: {scores.exit.score} ({scores.change:+d})")
    return tuple(found)
