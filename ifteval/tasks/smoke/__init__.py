"""Bundled smoke sets: tiny hand-written examples in each hub schema, written by ``tools/make_smoke.py``."""
