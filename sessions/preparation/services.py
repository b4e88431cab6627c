"""Writes of the preparation list: the client ticks or unticks items (each change a new row)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sessions.preparation.models import PreparationTick
from sessions.preparation.selectors import preparation
from sessions.scheduling.models import Kind, Status


@transaction.atomic
def preparation_tick(*, session, by, done_keys: set[str]) -> int:
    """Record the items whose state changed to match `done_keys`; returns how many changed."""
    if by.pk != session.client.membership_id:
        raise PermissionDenied("Only the client ticks their own list.")
    if session.kind != Kind.MEDICINE or session.status != Status.SCHEDULED:
        raise ValidationError("This session has no preparation list to tick any more.")
    lines = preparation(session)
    if lines is None:
        raise ValidationError("Your flight plan is not signed by both of you yet: the list appears once it is.")
    changed = [PreparationTick(session=session, key=line.key, done=line.key in done_keys, by=by)
               for line in lines if (line.key in done_keys) != line.done]
    PreparationTick.objects.bulk_create(changed)
    return len(changed)
