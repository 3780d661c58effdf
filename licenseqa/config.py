"""One typed settings object. Every field can be set with a ``LICENSEQA_`` environment variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from licenseqa.errors import ConfigError

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# how vectors are computed (licenseqa.index.embeddings): the model itself, or its ONNX export
EmbeddingBackend = Literal["torch", "onnx"]
EMBEDDING_BACKENDS: tuple[str, ...] = get_args(EmbeddingBackend)
DEFAULT_EMBEDDING_BACKEND: EmbeddingBackend = "torch"


class Settings(BaseSettings):
    """Configuration of licenseqa (environment prefix ``LICENSEQA_``)."""

    model_config = SettingsConfigDict(env_prefix="LICENSEQA_", extra="ignore", frozen=True)

    corpus_dir: Path = Field(Path("corpus"), description="Folder of corpus documents.")
    index_dir: Path = Field(Path(".index"), description="Folder of the embedded Chroma index.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (e.g. http://127.0.0.1:8000); overrides index_dir."
    )
    collection: str = Field("licenseqa", description="Name prefix of the Chroma collections.")
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="sentence-transformers model name or path; the default is bundled (offline).",
    )
    embed_batch_size: int = Field(32, ge=1, le=1024, description="Clauses embedded per batch.")
    embedding_backend: EmbeddingBackend = Field(
        DEFAULT_EMBEDDING_BACKEND,
        description="Encoder of the embedding model: torch or onnx (exported once, cached in cache_dir). "
        "The index records it; a different one rebuilds the index.",
    )
    onnx_queries: bool = Field(
        True,
        description="Embed questions with the ONNX export of the model even when the index was built with "
        "torch (the same vectors to float rounding; 2.7x faster per question on a 2-core CPU). Falls back "
        "to torch, with a warning, when the export cannot be made.",
    )
    cache_dir: Path = Field(Path(".cache"), description="Folder of derived files (the ONNX export).")
    log_level: str = Field("WARNING", description="Logging level (DEBUG, INFO, WARNING, ERROR).")
    llm: str | None = Field(
        None,
        description="Optional chat model, an init_chat_model spec (ollama:llama3.1, openai:gpt-4o-mini).",
    )
    llm_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible (or Ollama) server.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the LLM provider (never logged).")
    llm_timeout: float = Field(60.0, gt=0, le=600, description="Seconds before an LLM answer falls back.")
    admin_token: SecretStr | None = Field(
        None, description="Enables the Manage corpus page; sign in with it (never logged or audited)."
    )
    feedback_path: Path = Field(
        Path(".feedback/feedback.jsonl"), description="JSONL file where thumbs up/down on answers are stored."
    )

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,40}[A-Za-z0-9]", value):
            raise ValueError("use 3-42 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; invalid values become a :class:`ConfigError`."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"LICENSEQA_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"Invalid configuration: {problems}") from None
