"""QR codes as SVG (vector: sharp on a projector, small on a cheap phone, prints at any size)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def qr_svg(data: str, *, box_size: int = 10, border: int = 4) -> str:
    """Return an SVG document of a QR code for `data` (error correction M)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=box_size,
        border=border,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue().decode()


def qr_svg_inline(data: str, *, box_size: int = 10, border: int = 4) -> str:
    """The same SVG without the XML declaration, to embed in an HTML page."""
    svg = qr_svg(data, box_size=box_size, border=border)
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return svg
