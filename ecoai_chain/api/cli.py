"""`ecoai api serve`: the REST API and the explorer (uvicorn)."""

from __future__ import annotations

import typer

from ecoai_chain.indexer.db import DEFAULT_DB_URL

app = typer.Typer(help="Serve the REST API (/api/v1) and the explorer.", no_args_is_help=True)


@app.command()
def serve(
    db: str = typer.Option(DEFAULT_DB_URL, envvar="ECOAI_DB_URL", help="the indexer's database"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000, min=1, max=65535),
    manifest: str = typer.Option(None, envvar="ECOAI_MANIFEST",
                                 help="deployment manifest (enables /verify signature check)"),
    vkey: str = typer.Option(None, envvar="ECOAI_VKEY_PATH",
                             help="verification key JSON (enables /verify proof check)"),
    verify_engine: str = typer.Option("fast", envvar="ECOAI_VERIFY_ENGINE",
                                      help="/verify's Groth16 engine: fast or py-ecc"),
    cors: list[str] = typer.Option([], help="allowed CORS origin (repeatable)"),  # noqa: B008
    workers: int = typer.Option(1, min=1, help="uvicorn worker processes (each keeps its own "
                                "/verify cache and rate limits)"),
) -> None:
    """Serve until interrupted."""
    import os

    import uvicorn

    from ecoai_chain.zk.verifier import engine_of

    env = {"ECOAI_DB_URL": db, "ECOAI_CORS_ORIGINS": __import__("json").dumps(cors),
           "ECOAI_VERIFY_ENGINE": engine_of(verify_engine)}
    if manifest:
        env["ECOAI_MANIFEST"] = manifest
    if vkey:
        env["ECOAI_VKEY_PATH"] = vkey
    os.environ.update(env)  # workers build their settings from the environment
    uvicorn.run("ecoai_chain.api.cli:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning", access_log=False)


def app_from_env():
    from ecoai_chain.api.app import create_app
    from ecoai_chain.api.settings import ApiSettings

    return create_app(ApiSettings())
