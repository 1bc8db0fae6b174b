"""The async facades: the single source their sync twins in ``clients/_sync/`` come from."""
