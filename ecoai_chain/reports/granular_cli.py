"""``ecoai report --format granular-csv``: the granular export of an index, as CSV."""

from __future__ import annotations

from pathlib import Path

from ecoai_chain.errors import ConfigError


def granular_csv(index_db: str | None, certificate_ids: list[int], manifest: str | None) -> str:
    """CSV of the given (default: every indexed) certificates and their claims; the issuer's
    contract comes from ``manifest`` when given."""
    from ecoai_chain.api.claims_queries import ClaimQueries
    from ecoai_chain.api.granular import GranularExports
    from ecoai_chain.api.queries import Queries
    from ecoai_chain.indexer.db import make_engine
    from ecoai_chain.reports.granular import to_csv

    if not index_db:
        raise ConfigError("--format granular-csv reads the index: give --index-db URL "
                          "(the database of `ecoai indexer run`)")
    if index_db.startswith("sqlite:///") and not Path(index_db[len("sqlite:///"):]).is_file():
        raise ConfigError(f"--index-db {index_db}: no such database file")
    engine = make_engine(index_db)  # an index made before claims existed gets empty tables
    queries = Queries(engine)
    exports = GranularExports(queries, ClaimQueries(engine), manifest)
    ids = list(certificate_ids)
    if not ids:
        cursor = None
        while True:
            page = queries.certificates(200, cursor)
            ids += [c["certificate_id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        ids.sort()
    certs = []
    for cid in ids:
        gc = exports.certificate(cid)
        if gc is None:
            raise ConfigError(f"certificate {cid} is not in the index {index_db}")
        certs.append(gc)
    return to_csv(certs)
