"""Answering a question: reading it, retrieving clauses, composing a cited answer, and evaluating that.

Owns the question model (``analysis``, with ``detect`` for licence names), hybrid retrieval over the index
(``retrieval``), the extractive answer with citations, checklists and verdicts (``compose``), the optional
LLM answer and its verification (``llm``) and the gold-set evaluation (``evaluation``). Backends (the
store, the encoder, a chat model) are passed in. May import the ground floor, ``corpus``, ``index`` and
``knowledge``; never ``ui``, ``cli`` or ``service``.
"""
