"""PDF copies of signed records (text, signature, hash), drawn with fpdf2.

Text is placed as text, never interpreted as markup, so nothing a person typed can inject
content into the document.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF

from .consent import ConsentSignature

FONTS = Path(__file__).resolve().parent.parent / "practice" / "fonts"


def _document(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Practice")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _paragraphs(pdf: FPDF, text: str, size: int = 10) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, 5, text, markdown=False, new_x="LMARGIN", new_y="NEXT")


def consent_pdf(signature: ConsentSignature) -> bytes:
    pdf = _document(signature.version.title)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, "Signed consent", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _paragraphs(pdf, signature.rendered_text)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, "Signature", new_x="LMARGIN", new_y="NEXT")
    signed = signature.signed_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        f"Typed name: {signature.typed_name}",
        f"Account: {signature.signer.email}",
        f"Signed at: {signed}",
        f"From address: {signature.ip_address or 'unknown'}",
        f"Signature id: {signature.pk}",
        f"SHA-256 of the signed text: {signature.text_sha256}",
    ]
    revocation = getattr(signature, "revocation", None)
    if revocation is not None:
        when = revocation.revoked_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(f"WITHDRAWN at {when}" + (f": {revocation.reason}" if revocation.reason else ""))
    _paragraphs(pdf, "\n".join(lines), size=9)
    return bytes(pdf.output())
