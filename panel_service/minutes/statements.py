"""The statements that read a meeting's minutes, written out: a fixed number whatever the
number of listings. The victim's voice is read column by column, never how or when the
victim was contacted, and no statement touches the victim's contact details."""

from __future__ import annotations

from panel_service.meetings.tables import ListingOutcome, MeetingStatus

MEETING_SQL = (
    "SELECT m.id, m.panel AS panel_id, m.starts_at, m.ends_at, m.venue, m.video_link, m.status,"
    " m.chair AS chair_id, u.full_name AS chair_name, p.name AS panel_name,"
    " p.kind AS panel_kind, p.timezone, p.nation, p.minutes_deadline_working_days"
    " FROM meeting m JOIN panel p ON p.id = m.panel LEFT JOIN app_user u ON u.id = m.chair"
    " WHERE m.id = {}"
)
LISTINGS_SQL = (
    'SELECT l.id, l.kind, l.outcome, l.deferral_reason, l."case" AS case_id,'
    " l.subject AS subject_id, c.reference AS case_reference, c.is_repeat,"
    " v.full_name AS victim_name, pp.full_name AS perpetrator_name,"
    ' (SELECT COUNT(*) FROM child ch WHERE ch."case" = l."case") AS children,'
    " s.reference AS subject_reference, sp.full_name AS subject_name,"
    " ra.id AS referring_agency_id, ra.name AS referring_agency_name,"
    " vv.id AS voice_id, vv.views, vv.wishes, vv.fears, vv.safety_concerns,"
    " vv.not_obtained_reason, vv.contact_attempts, lm.risks_identified"
    " FROM listing l"
    ' LEFT JOIN marac_case c ON c.id = l."case"'
    " LEFT JOIN person v ON v.id = c.victim"
    " LEFT JOIN person pp ON pp.id = c.perpetrator"
    " LEFT JOIN perpetrator_subject s ON s.id = l.subject"
    " LEFT JOIN person sp ON sp.id = s.person"
    " LEFT JOIN agency ra ON ra.id = COALESCE(c.referring_agency, s.referring_agency)"
    " LEFT JOIN victim_voice vv ON vv.listing = l.id"
    " LEFT JOIN listing_minutes lm ON lm.listing = l.id"
    " WHERE l.meeting = {} AND l.outcome IN ({}, {}, {})"
    " ORDER BY l.id"
)
INFORMATION_SQL = (
    "SELECT i.listing AS listing_id, i.agency AS agency_id, a.name AS agency_name, i.text"
    " FROM information_shared i JOIN listing l ON l.id = i.listing"
    " JOIN agency a ON a.id = i.agency WHERE l.meeting = {} ORDER BY a.name, i.id"
)
_ACTION_COLUMNS = (
    "a.id, l.meeting AS agreed_at_meeting_id, a.listing AS listing_id,"
    ' a."case" AS case_id, a.subject AS subject_id, a.agency AS agency_id,'
    " ag.name AS agency_name, a.owner_name, a.description, a.due_date, a.category,"
    " a.sub_area, a.status, a.outcome_note, a.closed_on"
)
AGREED_SQL = (
    f"SELECT {_ACTION_COLUMNS}"  # noqa: S608 - constant text, values are placeholders
    " FROM action a JOIN listing l ON l.id = a.listing JOIN agency ag ON ag.id = a.agency"
    " WHERE l.meeting = {} ORDER BY a.due_date, a.id"
)
# The actions under review: those of the cases and subjects this meeting reviews, agreed at
# an earlier meeting and still open when the panel last sat (open now, or closed on or
# after that day).
REVIEWED_SQL = (
    f"SELECT {_ACTION_COLUMNS}"  # noqa: S608 - constant text, values are placeholders
    " FROM action a JOIN listing l ON l.id = a.listing JOIN agency ag ON ag.id = a.agency"
    " JOIN meeting m ON m.id = l.meeting"
    ' WHERE (a."case" IN (SELECT r."case" FROM listing r WHERE r.meeting = {}'
    ' AND r.kind = {} AND r.outcome IN ({}, {}) AND r."case" IS NOT NULL)'
    " OR a.subject IN (SELECT r.subject FROM listing r WHERE r.meeting = {}"
    " AND r.kind = {} AND r.outcome IN ({}, {}) AND r.subject IS NOT NULL))"
    " AND l.meeting <> {}"
    " AND m.starts_at < (SELECT here.starts_at FROM meeting here WHERE here.id = {})"
    " AND (a.status = {} OR a.closed_on >= {})"
    " ORDER BY a.due_date, a.id"
)
PREVIOUS_SITTING_SQL = (
    "SELECT m.starts_at FROM meeting m WHERE m.panel = {}"
    " AND m.starts_at < (SELECT here.starts_at FROM meeting here WHERE here.id = {})"
    " AND m.status IN ({}, {}, {}, {}) ORDER BY m.starts_at DESC LIMIT 1"
)
SAT = (
    MeetingStatus.IN_SESSION.value,
    MeetingStatus.MINUTES_DRAFTED.value,
    MeetingStatus.MINUTES_APPROVED.value,
    MeetingStatus.MINUTES_CIRCULATED.value,
)
# Listed and heard listings are minuted; deferred ones are noted with the reason.
MINUTED = (ListingOutcome.LISTED.value, ListingOutcome.HEARD.value)
