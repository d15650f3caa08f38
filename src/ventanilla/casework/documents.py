"""Issued documents as PDF: one A4 page (more only if the lines do not fit) with who issued
it, to whom, what, and a QR code leading to the public page that says whether it is genuine.

Drawn with ReportLab's standard Helvetica, whose WinAnsi encoding covers Spanish and the
other Western European languages without embedding a font. The bytes are deterministic
for the same inputs (fixed document id, creation date taken from the issue date), so the
SHA-256 of a stored document can be recomputed and a copy compared byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

# Crockford's base32: no I, L, O or U, so a number read aloud or retyped is not mistaken.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_RANDOM_CHARS = 8  # 40 random bits

_WIDTH, _HEIGHT = A4
_MARGIN = 56.0
_TEXT_WIDTH = _WIDTH - 2 * _MARGIN
_LABEL_WIDTH = 190.0
_QR_SIZE = 110.0
_FOOTER_TOP = _MARGIN + _QR_SIZE + 20
_INK = (0.043, 0.047, 0.047)  # the portal's #0b0c0c
_GREY = (0.31, 0.34, 0.36)  # #505a5f
_BLUE = (0.114, 0.439, 0.722)  # #1d70b8


def document_number_new(*, issued_at: dt.datetime) -> str:
    """A fresh document number such as DOC-2026-7K3F-9QXA: the year, then random
    characters (not sequential, so one number says nothing about the others)."""
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _i in range(NUMBER_RANDOM_CHARS))
    year = timezone.localtime(issued_at).year
    return f"DOC-{year}-{chars[:4]}-{chars[4:]}"


def holder_name_masked(name: str) -> str:
    """Only the initial of each word ("José Núñez" reads "J*** N****"): enough to tell that a
    document is someone's, too little to learn a name from a public page."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def _pdf_date(issued_at: dt.datetime) -> str:
    at = issued_at.astimezone(dt.UTC)
    return f"D:{at:%Y%m%d%H%M%S}+00'00'"


class _Page:
    """Writes down a page from the top; starts a new page before the footer is reached."""

    def __init__(self, canvas: Canvas, footer: _Footer) -> None:
        self.canvas = canvas
        self.footer = footer
        self.y = _HEIGHT - _MARGIN

    def room(self, height: float) -> None:
        if self.y - height < _FOOTER_TOP:
            self.footer.draw(self.canvas)
            self.canvas.showPage()
            self.y = _HEIGHT - _MARGIN

    def text(
        self,
        text: str,
        *,
        font: str = "Helvetica",
        size: float = 11,
        colour: tuple[float, float, float] = _INK,
        x: float = _MARGIN,
        width: float = _TEXT_WIDTH,
        after: float = 4,
    ) -> None:
        leading = size * 1.3
        for line in simpleSplit(text, font, size, width) or [""]:
            self.room(leading)
            self.y -= leading
            self.canvas.setFont(font, size)
            self.canvas.setFillColorRGB(*colour)
            self.canvas.drawString(x, self.y + size * 0.25, line)
        self.y -= after

    def row(self, label: str, value: str) -> None:
        """A label and its value side by side, as a GOV.UK summary list row."""
        size, leading = 11, 11 * 1.3
        labels = simpleSplit(label, "Helvetica-Bold", size, _LABEL_WIDTH - 12) or [""]
        values = simpleSplit(value, "Helvetica", size, _TEXT_WIDTH - _LABEL_WIDTH) or [""]
        height = max(len(labels), len(values)) * leading
        self.room(height + 10)
        top = self.y - 4
        for i, line in enumerate(labels):
            self.canvas.setFont("Helvetica-Bold", size)
            self.canvas.setFillColorRGB(*_INK)
            self.canvas.drawString(_MARGIN, top - (i + 1) * leading + size * 0.25, line)
        for i, line in enumerate(values):
            self.canvas.setFont("Helvetica", size)
            self.canvas.drawString(
                _MARGIN + _LABEL_WIDTH, top - (i + 1) * leading + size * 0.25, line
            )
        self.y = top - height - 6
        self.canvas.setStrokeColorRGB(0.69, 0.71, 0.71)  # #b1b4b6
        self.canvas.setLineWidth(0.5)
        self.canvas.line(_MARGIN, self.y, _WIDTH - _MARGIN, self.y)


class _Footer:
    """The number, the issue date and the QR code, at the foot of every page."""

    def __init__(self, *, number: str, issued_on: str, verify_url: str) -> None:
        self.number = number
        self.issued_on = issued_on
        self.verify_url = verify_url
        self.qr = qr_drawing(verify_url, size=_QR_SIZE)

    def draw(self, canvas: Canvas) -> None:
        renderPDF.draw(self.qr, canvas, _WIDTH - _MARGIN - _QR_SIZE, _MARGIN)
        x, top = _MARGIN, _MARGIN + _QR_SIZE
        canvas.setFillColorRGB(*_GREY)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(x, top - 10, _("Document number"))
        canvas.setFillColorRGB(*_INK)
        canvas.setFont("Courier-Bold", 18)
        canvas.drawString(x, top - 32, self.number)
        canvas.setFillColorRGB(*_GREY)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(x, top - 54, _("Issued on"))
        canvas.setFillColorRGB(*_INK)
        canvas.setFont("Helvetica", 11)
        canvas.drawString(x, top - 68, self.issued_on)
        canvas.setFillColorRGB(*_GREY)
        canvas.setFont("Helvetica", 9)
        width = _TEXT_WIDTH - _QR_SIZE - 20
        check = _("Check that this document is genuine: scan the code or go to")
        lines = simpleSplit(check, "Helvetica", 9, width)
        lines += simpleSplit(self.verify_url, "Helvetica", 9, width)
        for i, line in enumerate(lines[:3]):  # the QR code holds the whole address
            canvas.drawString(x, top - 86 - i * 11, line)


def qr_drawing(value: str, *, size: float) -> Drawing:
    """A square QR code of ``value``, ``size`` points wide, quiet zone included."""
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def document_render_pdf(
    *,
    number: str,
    title: str,
    holder_name: str,
    lines: list[tuple[str, str]],
    issued_at: dt.datetime,
    agency_name: str,
    verify_url: str,
    language: str,
    body: str = "",
) -> bytes:
    """The document as PDF bytes, its own words in ``language``.

    ``lines`` are (label, value) pairs shown in order; ``verify_url`` is what the QR code
    encodes and must be absolute. Same inputs, same bytes.
    """
    buffer = io.BytesIO()
    with translation.override(language):
        issued_on = formats.date_format(timezone.localtime(issued_at).date(), "DATE_FORMAT")
        canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1, lang=language)
        canvas.setDateFormatter(lambda *_parts: _pdf_date(issued_at))
        canvas.setTitle(title)
        canvas.setAuthor(agency_name)
        canvas.setSubject(number)
        canvas.setCreator("Ventanilla")
        canvas.setProducer("Ventanilla")
        footer = _Footer(number=number, issued_on=str(issued_on), verify_url=verify_url)
        page = _Page(canvas, footer)

        page.text(agency_name, font="Helvetica-Bold", size=13, after=6)
        canvas.setFillColorRGB(*_BLUE)
        canvas.rect(_MARGIN, page.y, _TEXT_WIDTH, 4, stroke=0, fill=1)
        page.y -= 28
        page.text(title, font="Helvetica-Bold", size=22, after=18)
        page.text(_("Issued to"), size=11, colour=_GREY, after=0)
        page.text(holder_name, font="Helvetica-Bold", size=15, after=14)
        if body:
            for paragraph in body.splitlines():
                page.text(paragraph, size=11, after=6)
            page.y -= 8
        for label, value in lines:
            page.row(label, value)
        footer.draw(canvas)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
