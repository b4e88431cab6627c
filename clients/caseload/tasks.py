"""Thin Celery tasks for the clients app: ids in, services do the work."""

from celery import shared_task

from clients.caseload.models import Client
from clients.caseload.services import notify_therapists


@shared_task(name="sessions.tasks.notify_attention")  # its name before it moved here: queued tasks still run
def notify_attention(client_id: str) -> int:
    """Tell the client's therapists that something needs their attention today (no content)."""
    return notify_therapists(Client.objects.select_related("practice").get(pk=client_id))
