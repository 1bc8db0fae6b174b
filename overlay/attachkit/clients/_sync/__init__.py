# Generated from overlay/attachkit/clients/_async/__init__.py by scripts/unasync: do not edit.
"""The async facades: the single source their sync twins in ``clients/_sync/`` come from."""
