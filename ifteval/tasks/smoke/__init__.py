"""Bundled smoke sets: tiny hand-written examples in each hub schema, written by ``make_smoke.py``."""
