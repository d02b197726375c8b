"""Hearings: each referral on an agenda, the victim's voice, and the actions agreed."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from panel_service.actions.tables import Action, ActionStatus
from panel_service.demo.synthetic import vocabulary as words
from panel_service.demo.synthetic.organisation import MAX_CASES_PER_MEETING, Organisation, Sitting
from panel_service.demo.synthetic.plan import Context, Rows, at
from panel_service.demo.synthetic.referrals import Referral
from panel_service.errors import Invalid
from panel_service.meetings.tables import (
    Listing,
    ListingKind,
    ListingOutcome,
    VictimVoice,
    VoiceNotObtainedReason,
)

DEFERRAL_SHARE = 0.04
ACTIONS_REVIEW_SHARE = 0.10
LAPSE_REVIEW_SHARE = 0.05
VOICE_OBTAINED_SHARE = 0.85
OWNER_NAMED_SHARE = 0.6
RESEARCH_TIME = timedelta(days=8)  # the default five working days for agencies to research
ACTIONS_REVIEW_AFTER = timedelta(weeks=4)
LAPSE_REVIEW_AFTER = timedelta(days=365)
DUE_IN = tuple(timedelta(days=d) for d in (7, 14, 21, 28, 42))
# Most actions are closed soon after they fall due; a few stall and stay open, fewer the
# older they are. Those are what the coordinator chases, and what "overdue actions by
# agency" has to find.
STATUSES = tuple(ActionStatus)  # open, completed, circumstances changed, not done
STATUS_ODDS_BY_AGE = (  # (due at least this long ago, cumulative odds of each status)
    (timedelta(days=365), tuple(accumulate((2, 870, 78, 50)))),
    (timedelta(weeks=8), tuple(accumulate((30, 850, 70, 50)))),
    (timedelta(days=1), tuple(accumulate((350, 550, 50, 50)))),
    (timedelta.min, tuple(accumulate((750, 250, 0, 0)))),
)
CLOSED_AROUND_DUE = tuple(timedelta(days=d) for d in range(-7, 8))


LISTING_COLUMNS = (
    Listing.id,
    Listing.meeting,
    Listing.case,
    Listing.kind,
    Listing.outcome,
    Listing.deferral_reason,
    Listing.listed_at,
)
VOICE_COLUMNS = (
    VictimVoice.id,
    VictimVoice.listing,
    VictimVoice.submitted_by,
    VictimVoice.views,
    VictimVoice.wishes,
    VictimVoice.fears,
    VictimVoice.safety_concerns,
    VictimVoice.contact_date,
    VictimVoice.contact_means,
    VictimVoice.not_obtained_reason,
    VictimVoice.contact_attempts,
    VictimVoice.submitted_at,
)
ACTION_COLUMNS = (
    Action.id,
    Action.listing,
    Action.case,
    Action.panel,
    Action.agency,
    Action.owner,
    Action.owner_name,
    Action.description,
    Action.due_date,
    Action.status,
    Action.outcome_note,
    Action.closed_on,
    Action.created_at,
)


@dataclass(slots=True)
class Listed:
    id: int
    referral: Referral
    sitting: Sitting
    kind: ListingKind
    outcome: ListingOutcome


def hearing_rows(
    ctx: Context, org: Organisation, referrals: list[Referral], actions: int
) -> list[Rows]:
    """Rows for listings, victims' voices and ``actions`` actions. Who is heard when is
    planned here; the rows are generated lazily as they are written."""
    listings = _plan_listings(ctx, referrals)
    heard = [listing for listing in listings if listing.outcome == ListingOutcome.HEARD]
    if actions and not heard:
        raise Invalid("no meeting has heard a case yet to agree actions at: add cases")
    return [
        Rows(Listing, LISTING_COLUMNS, _listings(ctx, listings)),
        Rows(VictimVoice, VOICE_COLUMNS, _voices(ctx, listings)),
        Rows(Action, ACTION_COLUMNS, _actions(ctx, org, heard, actions)),
    ]


def _plan_listings(ctx: Context, referrals: list[Referral]) -> list[Listed]:
    """Each referral on the first sitting of its area with room after research time;
    deferred ones on the next; some come back for an actions or a lapse review."""
    rng = ctx.rng
    taken: Counter[int] = Counter()
    planned: list[Listed] = []

    def place(referral: Referral, kind: ListingKind, earliest: date) -> Listed | None:
        area = referral.area
        index = bisect_left(area.days, earliest)
        while index < len(area.sittings) and taken[area.sittings[index].id] >= (
            MAX_CASES_PER_MEETING
        ):
            index += 1
        if index == len(area.sittings):
            return None
        sitting = area.sittings[index]
        taken[sitting.id] += 1
        if not sitting.held:
            outcome = ListingOutcome.LISTED
        elif rng.random() < DEFERRAL_SHARE:
            outcome = ListingOutcome.DEFERRED
        else:
            outcome = ListingOutcome.HEARD
        (listing_id,) = ctx.ids(Listing, 1)
        planned.append(Listed(listing_id, referral, sitting, kind, outcome))
        return planned[-1]

    next_day = timedelta(days=1)
    for referral in referrals:
        kind = ListingKind.REPEAT if referral.repeat_of else ListingKind.NEW
        listing = place(referral, kind, referral.day + RESEARCH_TIME)
        while listing and listing.outcome == ListingOutcome.DEFERRED:
            listing = place(referral, kind, listing.sitting.day + next_day)
        if listing is None:
            continue
        # Each later listing is on a later sitting: a case is on an agenda once.
        if listing.outcome == ListingOutcome.HEARD and rng.random() < ACTIONS_REVIEW_SHARE:
            review = place(
                referral, ListingKind.ACTIONS_REVIEW, listing.sitting.day + ACTIONS_REVIEW_AFTER
            )
            listing = review or listing
        if rng.random() < LAPSE_REVIEW_SHARE:
            lapse_day = max(referral.day + LAPSE_REVIEW_AFTER, listing.sitting.day + next_day)
            place(referral, ListingKind.LAPSE_REVIEW, lapse_day)
    return planned


def _listings(ctx: Context, listings: list[Listed]) -> Iterator[tuple[Any, ...]]:
    rng = ctx.stream("listings")
    listed_ahead = timedelta(weeks=1)
    for listing in listings:
        deferred = listing.outcome == ListingOutcome.DEFERRED
        yield (
            listing.id,
            listing.sitting.id,
            listing.referral.id,
            listing.kind.value,
            listing.outcome.value,
            rng.choice(words.DEFERRAL_REASONS) if deferred else "",
            listing.sitting.starts_at - listed_ahead,
        )


def _voices(ctx: Context, listings: list[Listed]) -> Iterator[tuple[Any, ...]]:
    """The victim's voice for every new or repeat hearing (a case never reaches the panel
    without it or the reason), and for some listings of the coming week."""
    rng = ctx.stream("voices")
    coming_week = ctx.today + timedelta(weeks=1)
    yesterday = ctx.today - timedelta(days=1)
    reasons = tuple(VoiceNotObtainedReason)
    for listing in listings:
        sitting = listing.sitting
        if listing.kind not in (ListingKind.NEW, ListingKind.REPEAT) or not (
            sitting.held or (sitting.day <= coming_week and rng.random() < 0.6)
        ):
            continue
        idva = listing.referral.idva
        contact_day = min(sitting.day - timedelta(days=rng.randint(2, 6)), yesterday)
        (voice_id,) = ctx.ids(VictimVoice, 1)
        if rng.random() < VOICE_OBTAINED_SHARE:
            yield (
                voice_id,
                listing.id,
                idva.id if idva else None,
                rng.choice(words.VOICE_VIEWS),
                rng.choice(words.VOICE_WISHES),
                rng.choice(words.VOICE_FEARS),
                rng.choice(words.VOICE_SAFETY_CONCERNS),
                contact_day,
                rng.choice(words.CONTACT_MEANS),
                None,
                rng.randint(1, 2),
                at(contact_day, 16),
            )
        else:
            reason = rng.choice(reasons)
            attempts = 3 if reason == VoiceNotObtainedReason.NO_SAFE_CONTACT else 1
            submitted = idva.id if idva else None
            yield (
                voice_id,
                listing.id,
                submitted,
                "",
                "",
                "",
                "",
                None,
                "",
                reason.value,
                attempts,
                at(contact_day, 16),
            )


def _actions(
    ctx: Context, org: Organisation, heard: list[Listed], total: int
) -> Iterator[tuple[Any, ...]]:
    """``total`` actions over the hearings (new and repeat cases get most), each owned by
    one invited agency, mostly closed once long due."""
    rng = ctx.stream("actions")
    weights = [3 if h.kind in (ListingKind.NEW, ListingKind.REPEAT) else 1 for h in heard]
    per_listing = Counter(rng.choices(range(len(heard)), weights, k=total)) if total else Counter()
    descriptions = {
        agency: words.ACTIONS.get(profile.agency_type, ()) + words.GENERIC_ACTIONS
        for agency, profile in org.agencies.items()
    }
    agency_weights = {
        area.panel_id: [org.agencies[a].action_weight for a in area.agencies] for area in org.areas
    }
    today = ctx.today
    ids = iter(ctx.ids(Action, total))
    for index, listing in enumerate(heard):
        count = per_listing[index]
        if not count:
            continue
        sitting, area = listing.sitting, listing.referral.area
        for agency in rng.choices(area.agencies, agency_weights[area.panel_id], k=count):
            due = sitting.day + rng.choice(DUE_IN)
            overdue_by = today - due
            odds = next(odds for age, odds in STATUS_ODDS_BY_AGE if overdue_by >= age)
            (status,) = rng.choices(STATUSES, cum_weights=odds)
            closed = status != ActionStatus.OPEN
            owner = area.representatives[agency] if rng.random() < OWNER_NAMED_SHARE else None
            yield (
                next(ids),
                listing.id,
                listing.referral.id,
                area.panel_id,
                agency,
                owner.id if owner else None,
                owner.name if owner else "",
                rng.choice(descriptions[agency]),
                due,
                status.value,
                rng.choice(words.OUTCOME_NOTES[status]) if closed else "",
                min(today, max(sitting.day, due + rng.choice(CLOSED_AROUND_DUE)))
                if closed
                else None,
                sitting.ends_at,
            )
