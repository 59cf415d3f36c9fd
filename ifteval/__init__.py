"""ifteval: evaluate instruction-fine-tuned models, and the judges that score them."""

from __future__ import annotations

__version__ = "0.1.0"
