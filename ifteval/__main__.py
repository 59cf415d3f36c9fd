"""`python -m ifteval` (what `accelerate launch -m ifteval` runs)."""

from ifteval.cli import main

raise SystemExit(main())
