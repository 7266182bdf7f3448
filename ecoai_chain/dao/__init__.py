"""The DAO from Python and the command line: typed actions, proposals, votes (issue 14)."""
