"""Cross-validation folds by item: every row of one item (document, prompt) lands in the same fold.

Cross-fitted maps and weights (the jury, `ifteval calibrate`, `estimate --calibrate`) use these folds so
that nothing is scored on an item it was fitted on, even through another system's output for that item.
"""

from __future__ import annotations

import numpy as np


def item_folds(items: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold number per row; items are dealt to min(k, #items) folds in a seeded random order."""
    unique, inverse = np.unique(np.asarray(items).astype(str), return_inverse=True)
    k = max(1, min(k, unique.size))
    order = np.random.default_rng(seed).permutation(unique.size)
    fold_of_item = np.empty(unique.size, dtype=int)
    fold_of_item[order] = np.arange(unique.size) % k
    return fold_of_item[inverse]
