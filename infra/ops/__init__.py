"""Operators' tools for a running motcua (local stack or deployment): ``python -m infra.ops``."""
