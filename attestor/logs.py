"""Structured JSON logs on stderr. Never pass keys, passwords or tokens in ``fields``."""

from __future__ import annotations

import json
import logging
import sys
import time

from ecoai_chain.redact import redact

_SECRET_WORDS = ("password", "private", "secret", "token", "seed", "key")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": round(record.created, 3), "level": record.levelname,
               "logger": record.name, "msg": redact(record.getMessage())}
        for k, v in (getattr(record, "fields", None) or {}).items():
            # defence in depth: a field that looks secret is redacted, whatever its value,
            # and a URL in any text field loses its userinfo and key-like path segments
            out[k] = ("[redacted]" if any(w in k.lower() for w in _SECRET_WORDS)
                      else redact(v) if isinstance(v, str) else v)
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, default=str)


def setup_logging(level: str = "INFO", stream: object = None) -> logging.Logger:
    log = logging.getLogger("ecoai.attestor")
    log.handlers.clear()
    h = logging.StreamHandler(stream or sys.stderr)
    h.setFormatter(JsonFormatter())
    log.addHandler(h)
    log.setLevel(level.upper())
    log.propagate = False
    logging.Formatter.converter = time.gmtime
    return log


def event(log: logging.Logger, msg: str, level: int = logging.INFO, exc_info: bool = False,
          **fields: object) -> None:
    log.log(level, msg, exc_info=exc_info, extra={"fields": fields})
