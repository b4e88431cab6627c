"""PDF copy of a signed consent: the exact text, the signature and the hash."""

from __future__ import annotations

from clients.consent.models import ConsentSignature
from practice.pdf import document, heading, output, paragraphs, utc


def consent_pdf(signature: ConsentSignature) -> bytes:
    pdf = document(signature.version.title)
    heading(pdf, "Signed consent")
    paragraphs(pdf, signature.rendered_text)
    pdf.ln(4)
    heading(pdf, "Signature", size=11)
    lines = [
        f"Typed name: {signature.typed_name}",
        f"Account: {signature.signer.email}",
        f"Signed at: {utc(signature.signed_at)}",
        f"From address: {signature.ip_address or 'unknown'}",
        f"Signature id: {signature.pk}",
        f"SHA-256 of the signed text: {signature.text_sha256}",
    ]
    revocation = getattr(signature, "revocation", None)
    if revocation is not None:
        lines.append(f"WITHDRAWN at {utc(revocation.revoked_at)}" + (f": {revocation.reason}" if revocation.reason else ""))
    paragraphs(pdf, "\n".join(lines), size=9)
    return output(pdf)
