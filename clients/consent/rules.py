"""Which consent is in force: derived from signatures and revocations, never stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SignatureFact:
    signature_id: object
    version_number: int
    signed_at: datetime
    revoked: bool


@dataclass(frozen=True)
class ConsentState:
    code: str  # not_signed | in_force | resign | revoked | no_template
    label: str
    latest: SignatureFact | None

    @property
    def in_force(self) -> bool:
        return self.code in ("in_force", "resign")

    @property
    def outstanding(self) -> bool:
        """The client is asked to sign (again)."""
        return self.code in ("not_signed", "resign")


def consent_state(latest_version_number: int | None, signatures: list[SignatureFact],
                  resign_from: int | None = None) -> ConsentState:
    """The state of one consent document for one client.

    The newest signature decides: if it was revoked, consent is withdrawn (a revocation is
    never undone; the client signs again to give consent again). An unrevoked signature of an
    older version stays in force, and the client is asked to review and re-sign, unless every
    version since it is a correction: `resign_from` is the newest version that needs signing.
    """
    resign_from = latest_version_number if resign_from is None else resign_from
    if latest_version_number is None:
        return ConsentState("no_template", "No document yet", None)
    if not signatures:
        return ConsentState("not_signed", "Not signed", None)
    newest = max(signatures, key=lambda s: s.signed_at)
    if newest.revoked:
        return ConsentState("revoked", "Withdrawn", newest)
    if newest.version_number < resign_from:
        return ConsentState("resign", f"Signed v{newest.version_number}; v{latest_version_number} needs signing",
                            newest)
    return ConsentState("in_force", "In force", newest)
