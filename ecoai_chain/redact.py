"""One redaction for secrets carried by URLs (RPC endpoints), used wherever a URL or an
error that may quote one is logged or stored.

An RPC URL can carry a secret in its userinfo (``https://user:pass@host``), in its path
(a project key: ``/v3/<key>``, ``/v2/<key>``, ``/<token>/``) or in its query
(``?apikey=...``). `redact_url` keeps scheme, host, port and the short path segments and
replaces the rest with ``***``; `redact` does that to every URL found in a text and also
removes the secret parts of the given ``urls`` wherever they appear on their own (HTTP
libraries quote the path without the host: ``Max retries exceeded with url: /v3/<key>``).
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>()\[\]{},]+")
_KEYLIKE = re.compile(r"[A-Za-z0-9_\-.~=+]{16,}")  # long opaque path segment: a key or token


def _secret_segment(seg: str) -> bool:
    return bool(_KEYLIKE.fullmatch(seg)) and any(c.isdigit() for c in seg)


def url_secrets(url: str) -> list[str]:
    """The secret substrings of ``url`` (userinfo, key-like path segments, query values)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    out = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        out += [s for s in userinfo.split(":", 1) if s]
    out += [s for s in parts.path.split("/") if _secret_segment(s)]
    for pair in parts.query.split("&"):
        _k, sep, v = pair.partition("=")
        if sep and v:
            out.append(v)
    return sorted(set(out), key=len, reverse=True)


def redact_url(url: str) -> str:
    """``url`` without its secrets: ``https://***@host:8545/v3/***?apikey=***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    path = "/".join(MASK if _secret_segment(s) else s for s in parts.path.split("/"))
    query = "&".join(f"{k}={MASK}" if sep else k
                     for k, sep, _v in (p.partition("=") for p in parts.query.split("&"))
                     ) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, path, query, parts.fragment and MASK))


def redact(text: str, urls: Iterable[str] = ()) -> str:
    """``text`` with every URL in it redacted, and the secrets of ``urls`` removed."""
    out = _URL.sub(lambda m: redact_url(m.group(0)), str(text))
    for url in urls:
        for secret in url_secrets(url):
            out = out.replace(secret, MASK)
    return out
