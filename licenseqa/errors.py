"""One exception tree; every message is written for the person reading it."""

from __future__ import annotations


class LicenseQAError(Exception):
    """Base of every error licenseqa raises on purpose. ``str(err)`` is user-facing."""

    exit_code = 1


class ConfigError(LicenseQAError):
    """A setting is invalid or names something that does not exist."""

    exit_code = 2


class CorpusError(LicenseQAError):
    """The corpus folder or a document in it cannot be used."""


class IndexMissingError(LicenseQAError):
    """No index has been built yet at the configured location."""


class IndexCorruptError(LicenseQAError):
    """The index exists but cannot be read."""


class IndexModelMismatchError(LicenseQAError):
    """The index was built with a different embedding model than the configured one."""


class EmbeddingModelError(LicenseQAError):
    """The embedding model cannot be loaded."""


class StoreError(LicenseQAError):
    """The vector store (Chroma) failed or cannot be reached."""


class InputError(LicenseQAError):
    """A question or argument given by the user is not acceptable."""

    exit_code = 2
