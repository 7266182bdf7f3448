"""Read-only explorer: server-rendered Jinja2 pages and server-side SVG charts."""
