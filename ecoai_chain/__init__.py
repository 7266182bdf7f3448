"""EcoAI Chain: blockchain-anchored carbon certification for AI compute."""

__version__ = "0.1.0"
