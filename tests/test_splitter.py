"""Clause splitter on the real corpus texts, measured with the real tokenizer."""

from __future__ import annotations

import pytest

from ingest.splitter import ClauseSplitter, DocumentText


def by_section(clauses, section):
    found = [c for c in clauses if c.section == section]
    assert found, f"no clause {section}; have {[c.section for c in clauses]}"
    return found


def sections(clauses):
    return [c.section for c in clauses]


def test_apache_4a_to_4d_boundaries_and_paragraph_after(split_corpus):
    clauses = split_corpus["Apache-2.0"]
    a = by_section(clauses, "4(a)")[0]
    assert a.text.lstrip().startswith("(a) You must give any other recipients")
    assert a.text.rstrip().endswith("a copy of this License; and")
    b = by_section(clauses, "4(b)")[0]
    assert b.text.lstrip().startswith("(b) You must cause any modified files")
    c = by_section(clauses, "4(c)")[0]
    assert "excluding those notices that do not" in c.text
    d = by_section(clauses, "4(d)")[0]
    assert d.text.lstrip().startswith('(d) If the Work includes a "NOTICE" text file')
    assert "You may add Your own copyright statement" not in d.text
    after = [x for x in by_section(clauses, "4") if "You may add Your own copyright statement" in x.text]
    assert len(after) == 1 and after[0].start_line > d.end_line
    assert a.heading == "Redistribution"
    assert by_section(clauses, "2")[0].heading == "Grant of Copyright License"


def test_gpl3_sections_0_to_17(split_corpus):
    clauses = split_corpus["GPL-3.0-only"]
    top = {c.section.split("(")[0] for c in clauses if c.section}
    assert top == {str(n) for n in range(18)}
    assert by_section(clauses, "0")[0].heading == "Definitions"
    assert by_section(clauses, "13")[0].heading == "Use with the GNU Affero General Public License"
    assert any("Corresponding Source" in c.text for c in by_section(clauses, "6(d)"))


def test_agpl_13_network_interaction(split_corpus):
    (c13,) = [c for c in split_corpus["AGPL-3.0-only"] if c.section == "13"][:1]
    assert c13.heading.startswith("Remote Network Interaction")
    assert "interacting with it remotely through a computer" in c13.text


def test_mpl_3_1_to_3_5_and_exhibits(split_corpus):
    clauses = split_corpus["MPL-2.0"]
    for n in range(1, 6):
        by_section(clauses, f"3.{n}")
    assert by_section(clauses, "3.3")[0].heading == "Distribution of a Larger Work"
    assert by_section(clauses, "3.2(a)")[0].text.lstrip().startswith("(a) such Covered Software")
    assert "Incompatible With Secondary Licenses" in by_section(clauses, "Exhibit B")[0].text
    assert "Source Code Form License Notice" in by_section(clauses, "Exhibit A")[0].text


def test_llama2_1b_items_and_section_2(split_corpus):
    clauses = split_corpus["llama2"]
    for roman in ["i", "ii", "iii", "iv", "v"]:
        by_section(clauses, f"1(b)({roman})")
    assert "improve any other large language model" in by_section(clauses, "1(b)(v)")[0].text
    assert "700 million monthly active users" in by_section(clauses, "2")[0].text
    assert by_section(clauses, "1(a)")[0].heading == "Grant of Rights"


def test_cc_by_2b_and_3a(split_corpus):
    clauses = split_corpus["CC-BY-4.0"]
    assert "Moral rights" in by_section(clauses, "2(b)(1)")[0].text
    assert "Patent and trademark rights are not licensed" in by_section(clauses, "2(b)(2)")[0].text
    a1 = by_section(clauses, "3(a)(1)")[0]
    assert a1.text.lstrip().startswith("1. If You Share the Licensed Material")
    assert a1.heading == "Attribution"
    assert "a copyright notice" in by_section(clauses, "3(a)(1)(a)(ii)")[0].text
    assert "satisfy the conditions in Section 3(a)(1)" in by_section(clauses, "3(a)(2)")[0].text
    assert by_section(clauses, "1(a)")[0].text.lstrip().startswith("a. Adapted Material means")


def test_eupl_definitions_without_space(split_corpus):
    clauses = split_corpus["EUPL-1.2"]
    defs = by_section(clauses, "1")
    assert defs[0].heading == "Definitions"
    assert any("‘The Licence’" in c.text or "The Licence" in c.text for c in defs)
    assert {str(n) for n in range(1, 16)} <= set(sections(clauses))


def test_other_numbering_styles(split_corpus):
    assert by_section(split_corpus["gemma"], "3.2")[0].heading == "Use Restrictions"
    assert "1.1(a)" in sections(split_corpus["gemma"])
    odbl = sections(split_corpus["ODbL-1.0"])
    assert "4.2" in odbl and "4.4(a)" in odbl and "4.4(a)(iii)" in odbl
    assert "Neither the name" in by_section(split_corpus["BSD-3-Clause"], "3")[0].text
    rail = sections(split_corpus["bigscience-openrail-m"])
    assert "5" in rail and "Attachment A" in rail and "Attachment A (h)" in rail
    assert by_section(split_corpus["creativeml-openrail-m"], "4")


def test_unnumbered_text_uses_paragraphs(split_corpus):
    clauses = split_corpus["MIT"]
    assert all(c.section is None for c in clauses)
    assert len(clauses) >= 2
    assert any("\nPermission is hereby granted" in c.text for c in clauses)
    assert any(c.text.startswith('THE SOFTWARE IS PROVIDED "AS IS"') for c in clauses)


def test_guidance_markdown_sections(split_corpus):
    clauses = split_corpus["license-approval-policy"]
    numbered = [c for c in clauses if c.section]
    assert numbered and all(c.section.isdigit() for c in numbered)
    assert by_section(clauses, "1")[0].heading == "Scope"


def test_every_chunk_is_in_its_line_range_and_fits_the_model(split_corpus, corpus_docs, embedder):
    checked = 0
    for doc_id, clauses in split_corpus.items():
        lines = corpus_docs[doc_id].path.read_text(encoding="utf-8").split("\n")
        for c in clauses:
            window = "\n".join(lines[c.start_line - 1 : c.end_line])
            assert c.text and c.text in window, (doc_id, c.section, c.start_line, c.end_line)
            assert c.text.split("\n")[0].strip() in lines[c.start_line - 1]
            assert embedder.count_tokens(c.embed_text) <= embedder.max_tokens, (doc_id, c.section)
            checked += 1
    assert checked > 2000


def test_long_clause_becomes_overlapping_windows_with_same_label(splitter):
    sentence = "The licensee shall keep every notice intact and shall not remove attribution. "
    body = "1. Long Clause. " + sentence * 60 + "\n\n2. Short. Done.\n"
    doc = DocumentText("X", "Example License", "test", "corpus/x.txt", body, first_line=5)
    clauses = splitter.split(doc)
    first = [c for c in clauses if c.section == "1"]
    assert len(first) >= 2 and all(c.parts == len(first) for c in first)
    assert [c.part for c in first] == list(range(len(first)))
    assert all(c.start_line == 5 for c in first)
    # consecutive windows overlap
    assert first[0].text[-40:] in first[1].text
    assert [c.section for c in clauses][-1] == "2"


SYNTHETIC = """\
EXAMPLE PUBLIC LICENSE

Section 1 – Definitions.

  a. "Work" means the thing.

  b. "You" means the licensee.

Section 2 – Conditions.

  a. Notices. You must keep notices:

       (i) the copyright line;

       (ii) the licence text;

       (iv) never this one, the list skips.

1.Scope
This text has no space after the number.
"""


def test_synthetic_styles(splitter):
    doc = DocumentText("EX", "Example", "test", "corpus/ex.txt", SYNTHETIC, first_line=1)
    clauses = splitter.split(doc)
    labels = [c.section for c in clauses]
    assert "1(a)" in labels and "1(b)" in labels
    assert "2(a)(i)" in labels and "2(a)(ii)" in labels
    # "(iv)" does not continue the list after (ii): it stays inside 2(a)(ii)
    assert "2(a)(iv)" not in labels
    assert next(c for c in clauses if c.section == "2(a)(i)").heading == "Notices"
    assert next(c for c in clauses if c.section == "1(a)").heading == "Definitions"


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_empty_body_gives_no_clauses(splitter, text):
    doc = DocumentText("E", "Empty", "test", "corpus/e.txt", text, first_line=1)
    assert splitter.split(doc) == []


def test_word_windows_for_one_huge_line(splitter):
    body = " ".join(f"word{n}" for n in range(2000))
    doc = DocumentText("H", "Huge", "test", "corpus/h.txt", body, first_line=3)
    clauses = splitter.split(doc)
    assert len(clauses) > 3
    assert all(c.start_line == c.end_line == 3 for c in clauses)
    assert all(c.text in body for c in clauses)


def test_splitter_requires_counter_limit():
    s = ClauseSplitter(lambda t: len(t.split()), max_tokens=20)
    doc = DocumentText("W", "W", "t", "corpus/w.txt", "1. A. " + "x " * 100, first_line=1)
    assert all(len(c.embed_text.split()) <= 20 for c in s.split(doc))
