# Generated from overlay/attachkit/transfer/_async/__init__.py by scripts/unasync: do not edit.
"""The transfer drivers: written once as async code in ``_sync/``; ``_sync/`` is generated."""
