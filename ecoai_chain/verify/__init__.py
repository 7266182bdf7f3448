"""`ecoai verify`: re-check certificates from the chain alone, trusting no indexer or API."""
