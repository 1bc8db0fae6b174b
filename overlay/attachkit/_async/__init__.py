"""Async modules that are the single source of a sync twin in ``attachkit/_sync/``."""
