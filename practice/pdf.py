"""PDF building blocks for copies of signed records (fpdf2, vendored DejaVu font).

Text is placed as text, never interpreted as markup, so nothing a person typed can inject
content into a document.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"


def document(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Practice")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def heading(pdf: FPDF, text: str, size: int = 14) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.5, text, markdown=False, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def paragraphs(pdf: FPDF, text: str, size: int = 10) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.multi_cell(0, 5, text, markdown=False, new_x="LMARGIN", new_y="NEXT")


def utc(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S UTC")


def output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
