"""Writes of the readiness checklist: run it with the therapist's per-caution rationales, decide
(refused, needs a rationale, or clear) and keep the result as a GateCheck.

The checklist itself is sessions.readiness.rules; its facts are sessions.readiness.selectors."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError

from clients.caseload.models import Client
from practice.models import Membership
from screening.services import RATIONALE_MIN, gate_caution_acknowledge
from sessions.readiness import rules as gates
from sessions.readiness.models import GateCheck, GateRefusal


class GateBlocked(ValidationError):
    """The checklist stops this step; `lines` is the checklist to show; `refused` when red lines
    stood (not merely an amber line without its rationale)."""

    def __init__(self, message: str, lines, refused: bool = False):
        super().__init__(message)
        self.lines = lines
        self.refused = refused


def _decide(lines, rationale: str) -> str:
    """The outcome, or GateBlocked with what stops it."""
    result = gates.outcome(lines)
    if result == gates.REFUSED:
        waiting = sum(1 for line in lines if line.ack_key)
        extra = f" {waiting} caution(s) each need their own rationale (at least a sentence each)." if waiting else ""
        raise GateBlocked(f"Refused: the readiness checklist has red lines.{extra} Nothing was changed.", lines,
                          refused=True)
    if result == gates.RATIONALE and len(rationale.strip()) < RATIONALE_MIN:
        raise GateBlocked("Amber lines need your written rationale (at least a sentence) to proceed.", lines)
    return result


def _checked(client: Client, by: Membership, check, acknowledgements: dict[str, str]) -> list:
    """The checklist, after recording the rationale written for each caution on its own line."""
    lines = check()
    recorded = False
    for line in lines:
        text = (acknowledgements.get(line.ack_key) or "").strip() if line.ack_key else ""
        if len(text) >= RATIONALE_MIN:
            gate_caution_acknowledge(client=client, flag=line.flag, rationale=text, by=by)
            recorded = True
    return check() if recorded else lines


def _line_json(lines) -> list[dict]:
    return [{"level": ln.level, "code": ln.code, "text": ln.text, "fix": ln.fix, "hard": ln.hard} for ln in lines]


def run_gate(*, client: Client, by: Membership, check, rationale: str, acknowledgements: dict[str, str]):
    """(lines, outcome) of the checklist `check()` after recording each caution's own rationale;
    GateBlocked when it refuses or an amber line has no rationale."""
    lines = _checked(client, by, check, acknowledgements)
    return lines, _decide(lines, rationale)


def gate_check_record(*, session, stage: str, lines, outcome: str, rationale: str, by: Membership) -> GateCheck:
    return GateCheck.objects.create(session=session, stage=stage, lines=_line_json(lines), outcome=outcome,
                                    rationale=rationale.strip() if outcome == gates.RATIONALE else "", checked_by=by)



def records_refusals(stage: str):
    """Keep a GateRefusal when the decorated service is refused by red lines. It wraps the
    service's own transaction, so the refusal is written after that rollback and stays."""
    def decorate(service):
        @wraps(service)
        def run(**kwargs):
            try:
                return service(**kwargs)
            except GateBlocked as exc:
                if exc.refused:
                    session = kwargs.get("session")
                    GateRefusal.objects.create(
                        client=kwargs.get("client") or session.client, session=session, stage=stage,
                        codes=[line.code for line in exc.lines if line.level == gates.REFUSED],
                        by=kwargs.get("practitioner") or kwargs["by"])
                raise
        return run
    return decorate
