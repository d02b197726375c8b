"""Checks on the staff a case or a perpetrator subject names (IDVA, case manager...)."""

from __future__ import annotations

from panel_service.accounts.tables import Role, User
from panel_service.errors import Invalid, NotFound


async def require_staff(user_id: int, role: Role, field: str) -> None:
    """Refuse a user who does not exist, is disabled or does not hold ``role``."""
    row = await User.select(User.role, User.active).where(User.id == user_id).first()
    if row is None:
        raise NotFound(f"user {user_id} does not exist", field=field)
    if not row["active"]:
        raise Invalid(f"user {user_id} is disabled", field=field)
    if row["role"] != role.value:
        raise Invalid(
            f"user {user_id} is a {row['role'].replace('_', ' ')}, not a "
            f"{role.value.replace('_', ' ')}",
            field=field,
        )
