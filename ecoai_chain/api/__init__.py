"""REST API (FastAPI, /api/v1) and the server-rendered explorer over the indexer's database."""
