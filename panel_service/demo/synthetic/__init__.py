"""``panel-service load-synthetic``: a large fictional force over ten years, in minutes.

What it makes, for the ten years to the day of the load: ~20 agencies, a few hundred staff,
one weekly MARAC per area (an area per ~7,000 cases), their meetings (held ones with
circulated minutes and attendance, six weeks of scheduled ones), victims and perpetrators
(~32% of referrals repeat a pair, some perpetrators are serial), cases with criteria, a
DASH assessment and children for about half, listings, victims' voices, and actions, a
realistic share of them still open and overdue. No action status history is written.

It loads alongside whatever the database holds: rows take ids after the highest ones,
and names, emails and ``SYN-`` references cannot collide with the app's. A second load
into the same database is refused. Ids are planned before writing, so nothing else may
write meanwhile. The data is the same for the same seed, day and starting database.
Loading commits in chunks, so a load that fails part-way leaves what it wrote: start
again on a fresh database.
"""

from __future__ import annotations

import time
from datetime import date

from piccolo.table import Table

from panel_service import db
from panel_service.accounts.actor import SYSTEM
from panel_service.agencies.tables import Agency
from panel_service.audit.trail import record_event
from panel_service.cases.tables import Case
from panel_service.demo.synthetic.bulk import bulk_writer
from panel_service.demo.synthetic.hearings import hearing_rows
from panel_service.demo.synthetic.organisation import build_organisation
from panel_service.demo.synthetic.plan import Context, Rows
from panel_service.demo.synthetic.referrals import referral_rows
from panel_service.demo.synthetic.vocabulary import AGENCIES, REFERENCE_PREFIX
from panel_service.errors import Conflict, Invalid
from panel_service.piccolo_app import TABLES


def synthetic_rows(ctx: Context, cases: int, actions: int) -> list[Rows]:
    """Every table's rows, parents before children."""
    organisation = build_organisation(ctx, cases)
    referrals, referral_tables = referral_rows(ctx, organisation, cases)
    hearing_tables = hearing_rows(ctx, organisation, referrals, actions)
    return [*organisation.rows, *referral_tables, *hearing_tables]


async def _refuse_a_second_load() -> None:
    loaded = await Case.exists().where(Case.reference.like(f"{REFERENCE_PREFIX}%"))
    if loaded or await Agency.exists().where(Agency.name.is_in([a.name for a in AGENCIES])):
        raise Conflict("synthetic data is already loaded here: load it into a fresh database")


async def load_synthetic_data(
    cases: int, actions: int, seed: int, as_of: date | None = None
) -> str:
    """Load ``cases`` referrals and ``actions`` actions of a fictional force over the ten
    years to ``as_of`` (default today); returns a one-line summary."""
    if cases < 1 or actions < 0:
        raise Invalid("give at least one case and a number of actions that is not negative")
    await _refuse_a_second_load()
    started = time.perf_counter()
    writer = bulk_writer(db.get_engine())
    ctx = Context(seed, as_of or date.today(), await writer.first_free_ids(TABLES))
    written: dict[type[Table], int] = {}
    for rows in synthetic_rows(ctx, cases, actions):
        written[rows.table] = await writer.write(rows)
    await writer.finish(list(written))
    counts = {table._meta.tablename: count for table, count in written.items()}
    async with db.transaction():
        await record_event(SYSTEM, "loaded", "synthetic_data", 0, {"seed": seed, **counts})
    seconds = time.perf_counter() - started
    tables = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    return f"loaded synthetic data (seed {seed}) in {seconds:.1f} s: {tables}"
