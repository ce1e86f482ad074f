"""The drill's sign-in QR code (same pattern as the inspections patrol points)."""

from __future__ import annotations

import segno


def svg(url: str, scale: int = 4) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, border=2)
