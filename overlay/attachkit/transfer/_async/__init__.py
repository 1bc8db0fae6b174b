"""The transfer drivers: written once as async code in ``_async/``; ``_sync/`` is generated."""
