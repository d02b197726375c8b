"""What the minutes record for each listing, and each approved version of a meeting's
minutes (a locked snapshot: never updated once written)."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from panel_service.accounts.tables import User
from panel_service.agencies.tables import Agency
from panel_service.meetings.tables import Listing, Meeting


class ListingMinutes(Table, tablename="listing_minutes"):
    """The risks identified for one listing; ``revision`` rises by one on every save, so a
    save made from an older revision is refused instead of overwriting someone else's."""

    id: Serial
    listing = ForeignKey(null=False, references=Listing, unique=True, on_delete=OnDelete.restrict)
    risks_identified = Text(default="")
    revision = Integer(default=1)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)


class InformationShared(Table, tablename="information_shared"):
    """What one agency shared about one listing at the meeting (one row per agency)."""

    id: Serial
    # Indexed by the unique (listing, agency) index of the next migration.
    listing = ForeignKey(null=False, references=Listing, on_delete=OnDelete.restrict)
    agency = ForeignKey(null=False, references=Agency, on_delete=OnDelete.restrict, index=True)
    text = Text(default="")


class MinutesVersion(Table, tablename="minutes_version"):
    """Version ``number`` of a meeting's minutes as approved: the full minutes data as
    built at approval, and a digest of what the minutes record (to tell whether the live
    minutes have changed since)."""

    id: Serial
    meeting = ForeignKey(null=False, references=Meeting, on_delete=OnDelete.restrict, index=True)
    number = Integer()
    approved_at = Timestamptz(default=TimestamptzNow())
    approved_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    content_digest = Varchar(length=64, default="")
    snapshot = JSON(default={})
