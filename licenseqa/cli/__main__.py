"""``python -m licenseqa.cli``."""

from licenseqa.cli import main

raise SystemExit(main())
