# Generated from overlay/attachkit/_async/__init__.py by scripts/unasync: do not edit.
"""Async modules that are the single source of a sync twin in ``attachkit/_sync/``."""
