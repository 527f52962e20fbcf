"""HTTP headers every download shares, whichever app serves the file."""

from __future__ import annotations

from urllib.parse import quote


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266 with an ASCII fallback: Chinese file names survive every browser."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"download.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"
