"""The clause index: the Chroma store, the sentence-transformers encoder and the index status.

Owns the collections and the index state (``store``), the embedding backends (``embeddings``) and the
comparison of the index with the corpus on disk (``status``). Knows nothing about questions or licences.
May import the ground floor and ``corpus``.
"""
