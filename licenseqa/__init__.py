"""licenseqa: answers licensing questions with citations to the exact clause."""

__version__ = "0.1.0"
