"""The node-operator agent: meters energy and work, signs hash-chained windows, seals epochs
into zero-knowledge certificates and submits them on-chain exactly once.

Layout (split by domain): energy sources come from the library (`ecoai_chain.energy`, shared
with the optimizer and the reports), ``work/`` work sources, ``window`` the
pure window aggregation, ``signing`` canonical records and EIP-191 signatures, ``keystore``,
``store`` (SQLite via sqlmodel), ``config``, ``pipeline`` (sampler + window close),
``sealer`` (epoch -> proof -> EIP-712), ``submitter`` (outbox -> chain), ``scheduler``,
``metrics``, ``cli``.
"""
