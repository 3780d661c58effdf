"""The clause splitter on texts nobody tuned it on: hand-labelled LicenseDB texts and one regression
test per kind of structure (the kind the issue names, plus a sibling of it), with the real tokenizer."""

from __future__ import annotations

import pytest

from ingest.splitter import DocumentText
from ingest.splitter_eval import GOLD, run


def split(splitter, body: str):
    return splitter.split(DocumentText("T", "Test Licence", "test", "corpus/t.txt", body, first_line=1))


def at(clauses, first_words: str):
    """The chunk that starts with ``first_words`` (after its marker's indentation)."""
    found = [c for c in clauses if c.text.lstrip().startswith(first_words)]
    assert found, f"no chunk starts with {first_words!r}; have {[(c.section, c.text[:30]) for c in clauses]}"
    return found[0]


def test_gold_labels_of_unseen_licensedb_texts(splitter):
    report = run(GOLD, splitter)
    summary = report.summary()
    wrong = [(r.doc, r.line, r.label, r.got, r.note) for r in report.results if not r.ok]
    assert summary["texts"] >= 20 and summary["clauses"] >= 300
    assert summary["accuracy"] >= 0.97, wrong
    assert summary["merged"] <= 3, wrong
    # the properties the splitter keeps on any text
    assert summary["chunks_over_limit"] == 0
    assert summary["chunks_outside_line_range"] == 0
    assert summary["year_or_version_labels"] == []
    assert all(r.line is not None for r in report.results), "a gold clause's first words are not in its text"


@pytest.mark.parametrize(
    ("folder", "floor"),
    [("splitter_heldout", 0.98), ("splitter_heldout2", 0.95), ("splitter_heldout4", 0.95)],
)
def test_labels_of_sets_once_held_out_do_not_fall_back(splitter, folder, floor):
    # these sets were held out, then used (2026-12-02; heldout4 on 2026-12-03) to find failure kinds: the
    # floors are what the splitter measured after that work; splitter_heldout3 stays held out and is
    # measured, not asserted
    gold = GOLD.parents[1] / folder / "gold.yaml"
    summary = run(gold, splitter).summary()
    assert summary["accuracy"] >= floor
    assert summary["chunks_over_limit"] == 0 and summary["chunks_outside_line_range"] == 0


# -- lower-case list items with no blank line before them --------------------------------------------

TIGHT = """\
1. DEFINITIONS

"Program" means the Contributions distributed in accordance with this Agreement.

2. GRANT OF RIGHTS

Each Contributor hereby grants Recipient a non-exclusive, worldwide, royalty-free copyright license.

3. REQUIREMENTS

A Contributor may choose to distribute the Program provided that:

a)\tit complies with the terms and conditions of this Agreement; and
b)\tits license agreement:
i)\teffectively disclaims on behalf of all Contributors all warranties;
ii) effectively excludes on behalf of all Contributors all liability for damages;
iii)\tstates that source code for the Program is available from such Contributor, and informs licensees \
how to obtain it in a reasonable manner.
When the Program is made available in source code form, a copy of this Agreement must be included with it.

4. COMMERCIAL DISTRIBUTION

Commercial distributors of software may accept certain responsibilities.
"""


def test_tight_lower_case_items_are_items(splitter):
    clauses = split(splitter, TIGHT)
    assert at(clauses, "b)").section == "3(b)"
    assert at(clauses, "ii)").section == "3(b)(ii)"
    assert at(clauses, "iii)").section == "3(b)(iii)"
    # the paragraph after the list (a long unwrapped line ended the item) is clause 3's own text
    assert at(clauses, "When the Program").section == "3"
    assert at(clauses, "4. COMMERCIAL").section == "4"


TIGHT_PAREN = """\
1.1 Subject to the terms and conditions of this Section 1, Licensor grants You a right to:
    (a) distribute or make available the Software or your Modifications;
    (b) use the Software, or your Modifications, only as part of Your Application, subject to the rules
    of this section; and
    (c) modify the Software, provided that Modifications remain subject to this Agreement.

  Developers that use the GNU GPL protect your rights with two steps:
(1) assert copyright on the software, and (2) offer you this License
giving you legal permission to copy, distribute and/or modify it.
"""


def test_tight_parenthesised_items_and_prose_that_only_looks_like_a_list(splitter):
    clauses = split(splitter, TIGHT_PAREN)
    assert at(clauses, "(a) distribute").section == "1.1(a)"
    assert at(clauses, "(b) use").section == "1.1(b)"
    assert at(clauses, "(c) modify").section == "1.1(c)"
    # "(1) assert" wraps a sentence of prose that ends in ":": it is no item
    assert not any(c.section and "(1)" in c.section for c in clauses)


# -- unnumbered headings ------------------------------------------------------------------------------

HEADINGS = """\
1. Definitions. "Software" means the program.

2. Grant.

(a) Licensor grants you the rights below, subject to this Agreement.

Limitations of Liability
In no event shall the Licensor be liable for any damages arising from the use of the Software.

Choice of Law
=============

This Agreement is governed by the laws of the State of New York.
"""


def test_unnumbered_headings_with_text_on_the_next_line_or_underlined(splitter):
    clauses = split(splitter, HEADINGS)
    assert at(clauses, "(a) Licensor").section == "2(a)"
    limits = at(clauses, "Limitations of Liability")
    assert limits.section is None and limits.heading == "Limitations of Liability"
    assert "In no event" in limits.text and "Licensor grants" not in limits.text
    law = [c for c in clauses if "State of New York" in c.text]
    assert law and law[0].section is None and law[0].heading == "Choice of Law"
    assert "In no event" not in law[0].text


SENTENCE_CASE = """\
You are encouraged to use and re-use the Information that is available under this licence freely and \
flexibly, with only a few conditions.
Exemptions

This licence does not cover personal data in the Information.

## Acceptance

By using the software, you agree to all of the terms and conditions below.

## 1. Patents

The licensor grants you a patent licence.
"""


def test_sentence_case_and_markdown_headings_in_a_plain_text(splitter):
    clauses = split(splitter, SENTENCE_CASE)
    assert at(clauses, "Exemptions").heading == "Exemptions"
    assert at(clauses, "## Acceptance").heading == "Acceptance"
    assert at(clauses, "## Acceptance").section is None
    patents = at(clauses, "## 1. Patents")
    assert patents.section == "1" and patents.heading == "Patents"


# -- nested lists that reuse the top-level style -----------------------------------------------------

NESTED = """\
1. Definitions. "The Program" refers to any copyrightable work licensed under this License.

2. Basic Permissions. All rights granted under this License are granted for the term of copyright.

3. Protecting Users' Legal Rights. No covered work shall be deemed part of an effective measure.

4. Conveying Verbatim Copies. You may convey verbatim copies of the Program's source code.

5. Conveying Modified Source Versions. You may convey a work based on the Program.

6. Conveying Non-Source Forms. You may convey the work in one of these ways:

(a) on a physical product;

(b) with a written offer;

(c) with a copy of the written offer;

(d) by offering access from a designated place, where:

1. the place is maintained by you;

2. the Corresponding Source stays available.

7. Additional Terms. Additional permissions are terms that supplement this License.

8. Termination. You may not propagate a covered work except as expressly provided.
"""


def test_nested_list_in_the_top_level_style_does_not_block_the_next_clause(splitter):
    clauses = split(splitter, NESTED)
    assert at(clauses, "1. the place").section == "6(d)(1)"
    assert at(clauses, "2. the Corresponding").section == "6(d)(2)"
    assert at(clauses, "7. Additional").section == "7"
    assert at(clauses, "8. Termination").section == "8"


NESTED_DEFINITIONS = """\
1. Definitions


1. "License" shall mean the terms and conditions for use.
2. "Data" means a collection of texts.
3. "Model" means any machine-learning based assembly.


Section II: INTELLECTUAL PROPERTY RIGHTS
2. Grant of Copyright License. Subject to this License, each Contributor grants You a copyright licence.
3. Grant of Patent License. Subject to this License, each Contributor grants You a patent licence.


Section III: CONDITIONS OF USAGE
4. Distribution and Redistribution. You may distribute the Model provided that You meet the \
following conditions:
1. Use-based restrictions as referenced in paragraph 5 MUST be included as an enforceable provision.
2. You must give any Third Party recipients of the Model or Derivatives of the Model a copy of this \
License.
You may add Your own copyright statement to Your modifications and may provide additional terms.
5. Use-based restrictions. The restrictions set forth in Attachment A are considered Use-based restrictions.
"""


def test_nested_definitions_and_conditions_in_the_top_level_style(splitter):
    clauses = split(splitter, NESTED_DEFINITIONS)
    assert at(clauses, '2. "Data"').section == "1(2)"
    assert at(clauses, '3. "Model"').section == "1(3)"
    assert at(clauses, "2. Grant of Copyright").section == "2"
    assert at(clauses, "4. Distribution").section == "4"
    assert at(clauses, "2. You must give").section == "4(2)"
    assert at(clauses, "You may add Your own").section == "4"
    assert at(clauses, "5. Use-based").section == "5"


# -- Roman numerals ------------------------------------------------------------------------------------

ROMAN_DECIMALS = """\
I. Effect.
These additional terms apply to all Covered Code.
II. Netscape's Branded Code means Covered Code that Netscape distributes.

III. Netscape and logo.
This License does not grant any rights to use the trademarks.

IV. Inability to Comply Due to Contractual Obligation.
Netscape has licensed third party code for use in Netscape's Branded Code.

V. Use of Modifications and Covered Code by Initial Developer.

V.1. In General.
The obligations of Section 3 apply to Netscape.
V.2. Other Products.
Netscape may include Covered Code in other products.

VI. Litigation.
Notwithstanding the limitations of Section 11 above, the provisions regarding litigation apply.
"""


def test_roman_numerals_with_decimals(splitter):
    clauses = split(splitter, ROMAN_DECIMALS)
    assert at(clauses, "IV.").section == "IV"
    assert at(clauses, "V.1.").section == "V.1"
    assert at(clauses, "V.2.").section == "V.2"
    assert at(clauses, "VI.").section == "VI"


ROMAN_OVER_ARABIC = """\
0. Information about the CRAPL

If you have questions about this license, please contact the author.


I. Preamble

Science thrives on openness.


II. Definitions

1. "This License" refers to version 0 beta 1 of the License.

2. "The Program" refers to the medley of source code.


III. Terms

1. By reading this sentence, You have agreed to the terms of this License.
"""


def test_upper_case_roman_sections_rank_above_numbered_items(splitter):
    clauses = split(splitter, ROMAN_OVER_ARABIC)
    assert at(clauses, "0. Information").section == "0"
    assert at(clauses, "I. Preamble").section == "I"
    assert at(clauses, '2. "The Program"').section == "II(2)"
    assert at(clauses, "1. By reading").section == "III(1)"


# -- labels keep the licence's own form -------------------------------------------------------------

LABEL_FORM = """\
I. Rights.

I.A. Scope. The grant covers the Work.

I.B. Conditions. The grant is subject to these conditions.

I.B.2. Notices. You must keep every copyright, patent and trademark notice of the Work intact.
"""

DECIMAL_FORM = """\
5. SCOPE OF RIGHTS GRANTED

The Licensor grants to the Licensee the following rights over the Software.

5.1 Right of Use

The Licensee may use the Software, which comprises:

   1. permanent or temporary reproduction of the Software;

   2. loading, displaying, running or storing the Software.

EXHIBIT A-Netscape Public License.

The contents of this file are subject to the Netscape Public License.
"""


def test_labels_keep_upper_case_and_decimals(splitter):
    clauses = split(splitter, LABEL_FORM)
    assert at(clauses, "I.B.2.").section == "I(B)(2)"
    assert at(clauses, "I.A.").section == "I(A)"
    clauses = split(splitter, DECIMAL_FORM)
    assert at(clauses, "2. loading").section == "5.1(2)"
    assert at(clauses, "EXHIBIT A").section == "Exhibit A"


def test_upper_case_letters_stay_upper_case(splitter):
    body = (
        "1. Grant of Rights\n\n(A) Copyright Grant- Each contributor grants you a licence.\n\n"
        "(B) Patent Grant- Each contributor grants you a patent licence.\n\n"
        "I. Scope.\nText of the first part.\n\nII. Other Terms.\nMore text here.\n"
    )
    clauses = split(splitter, body)
    assert at(clauses, "(B) Patent").section == "1(B)"
    assert at(clauses, "II. Other").section == "II"


# -- texts that lost their numbering: headings are the labels, no number is invented ------------------

LOST = """\
LICENSE GRANT AND CONDITIONS.
1.1 License. Subject to the terms of this Agreement, Confluent grants Licensee a licence.

TERM AND TERMINATION.
This Agreement will continue unless and until earlier terminated as set forth herein.

DISCLAIMER.
CONFLUENT HEREBY DISCLAIMS ANY AND ALL WARRANTIES AND CONDITIONS.

    Definitions. Capitalized terms used in this License but not defined herein have their meanings.

    Distribution. Subject to this License, you may Distribute copies of the Model.
"""


def test_lost_numbering_keeps_headings_and_invents_no_numbers(splitter):
    clauses = split(splitter, LOST)
    assert at(clauses, "1.1 License").section == "1.1"
    term = at(clauses, "TERM AND TERMINATION")
    assert term.section is None and term.heading == "Term And Termination"
    assert at(clauses, "DISCLAIMER").heading == "Disclaimer"
    assert at(clauses, "Definitions.").heading == "Definitions"
    distribution = at(clauses, "Distribution.")
    assert distribution.section is None and distribution.heading == "Distribution"


# -- the corpus cases the issue names ----------------------------------------------------------------


def test_bloom_rail_definitions_and_sections(split_corpus):
    clauses = split_corpus["bigscience-bloom-rail-1.0"]
    assert at(clauses, '1. "License"').section == "1(1)"
    assert at(clauses, "2. “Data”").section == "1(2)"
    assert at(clauses, '12. "Contributor"').section == "1(12)"
    assert at(clauses, "2. Grant of Copyright").section == "2"
    assert at(clauses, "3. Grant of Patent").section == "3"
    assert at(clauses, "4. Distribution").section == "4"
    assert at(clauses, "4. You must retain").section == "4(4)"
    assert at(clauses, "5. Use-based").section == "5"


def test_bigcode_openrail_sections_and_llama4_trailing_paragraph(split_corpus):
    bigcode = split_corpus["bigcode-openrail-m"]
    assert at(bigcode, "4. Use conditions").section == "4"
    assert at(bigcode, "6. The Output").section == "6"
    for n in range(7, 14):
        assert at(bigcode, f"{n}. ").section == str(n)
    assert at(bigcode, "c. Retain all copyright").section == "5.2(c)"
    assert "The Output You Generate" not in at(bigcode, "c. Retain all copyright").text
    aup = split_corpus["llama4-aup"]
    assert at(aup, "5. Interact").section == "5"
    trailing = at(aup, "With respect to any multimodal")
    assert trailing.section is None and "5. Interact" not in trailing.text


def test_falcon2_and_nvidia_headings_as_labels(split_corpus):
    falcon = split_corpus["falcon-2"]
    assert all(c.section is None for c in falcon)  # the text lost its numbers: none is invented
    assert at(falcon, "Grant of Copyright License.").heading == "Grant of Copyright License"
    assert at(falcon, "Disclaimer of Warranty.").heading == "Disclaimer of Warranty"
    nvidia = split_corpus["nvidia-open-model"]
    assert all(c.section is None for c in nvidia)
    assert at(nvidia, "Redistribution.").heading == "Redistribution"
    assert at(nvidia, "Governing Law.").heading == "Governing Law"


def test_preview_reads_a_licensedb_file_as_the_library_build_does(splitter, tmp_path):
    """`python -m ingest.preview X.LICENSE` and `licenseqa library build` read a .LICENSE file with one
    reader (`split_license_file`): the same chunks and lines, CRLF line ends included; a file without
    LicenseDB front matter is a clear error, not a split of its front matter."""
    from ingest.loader import library_document_text
    from ingest.preview import preview_file
    from licenseqa.corpus.library import split_license_file

    text = (
        "---\nkey: acme-1.0\nname: ACME Licence 1.0\n---\n\nACME LICENCE\n\n"
        "1. Grant. You may use the Software.\n\n2. Conditions. Keep this notice.\n"
    )
    path = tmp_path / "acme-1.0.LICENSE"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    meta, body, first_line = split_license_file(path.read_bytes(), path.name)
    built = splitter.split(library_document_text("acme-1.0", meta["name"], "x", body, first_line))
    shown = preview_file(path, splitter)
    assert shown.ok and shown.doc_id == "acme-1.0"
    assert [(c["section"], c["start_line"], c["end_line"]) for c in shown.clauses] == [
        (c.section, c.start_line, c.end_line) for c in built
    ]
    assert [c["section"] for c in shown.clauses][-2:] == ["1", "2"]
    assert shown.clauses[-1]["start_line"] == 10  # the file's own line numbers

    bare = tmp_path / "bare.LICENSE"
    bare.write_text("Just a text.\n", encoding="utf-8")
    broken = preview_file(bare, splitter)
    assert not broken.ok and broken.errors == ["cannot read LicenseDB file: bare.LICENSE has no front matter"]


# -- a nested list in the top-level style under a lettered item, with no lead-in ":" ---------------

NESTED_UNDER_LETTER = """\
1. GRANTS

A. Each Contributor grants the Recipient a licence to use and copy the Software.

2. DUTIES OF THE RECIPIENT

A. Every copy of the Software must carry this Agreement, save for additions under paragraph 2F.

1. A Recipient who passes on the Software must pass on a copy of this Agreement with it.
2. A Recipient who passes on object code must also say where the source code can be had.

B. Each Recipient keeps the copyright notice of the original release in the Software.

C. Each Contributor marks its changes as its own.

D. A Contributor may add its own copyright notice.

E. No Recipient may claim that the Agency endorses its product.

F. A Recipient may add files under other terms to a Larger Work.

G. Each Contributor states that its changes are its own creation.

H. A Recipient may charge a fee for support of its own.

I. A Recipient may combine the Software with separate software in a Larger Work.

J. Export of the Software may need a permit.

3. NO WARRANTY

A. The Software is provided as is.
"""


def test_a_list_numbered_from_one_under_an_open_lettered_item_is_that_items_list(splitter):
    # "1." while "2." has the open sub-item "A." does not restart the top level: it is A's nested list,
    # so "B." (and "I." after "H.", a letter, not the Roman one) stay in clause 2 and "3." is clause 3
    clauses = split(splitter, NESTED_UNDER_LETTER)
    assert at(clauses, "1. A Recipient who passes").section == "2(A)(1)"
    assert at(clauses, "2. A Recipient who passes").section == "2(A)(2)"
    assert at(clauses, "B. Each Recipient keeps").section == "2(B)"
    assert at(clauses, "I. A Recipient may combine").section == "2(I)"
    assert at(clauses, "J. Export").section == "2(J)"
    assert at(clauses, "A. The Software is provided").section == "3(A)"


def test_a_restart_with_nothing_open_below_stays_a_restart(splitter):
    # the sibling: "1." right after clause 2's own text (no sub-item open) is not nested under anything
    body = (
        "1. Scope. This licence covers the Software.\n\n2. Grant. You may use the Software.\n\n"
        "FEES AND PAYMENT\n\n1. Fees. A fee is due each year.\n\n2. Payment. Fees are paid in advance.\n"
    )
    clauses = split(splitter, body)
    assert at(clauses, "1. Fees").section == "1"
    assert at(clauses, "2. Payment").section == "2"


# -- clause numbers without a dot ("4 Making Products"), definitions in single quotes --------------

NUMBERED_TITLES = """\
Preamble

This licence lets anyone build on the design.

1 Definitions

  1.1 'Licence' means this document.

  1.2 'Design' means the files from which a product is made.

2 Applicability

  2.1 This Licence governs the use of the Design.

  2.2 'Notice' in this section means a copyright notice.

3 Making Products

You may make products from the Design if each product keeps its Notices.

4 LIABILITY

  4.1 The Design is provided as is.
"""


def test_a_bare_number_with_a_title_line_alone_is_a_clause(splitter):
    clauses = split(splitter, NUMBERED_TITLES)
    assert at(clauses, "1.1 'Licence' means").section == "1.1"
    assert at(clauses, "1.1 'Licence' means").heading == "Definitions"
    assert at(clauses, "1.2 'Design' means").section == "1.2"
    assert at(clauses, "2.2 'Notice'").section == "2.2"
    made = [c for c in clauses if "You may make products" in c.text]
    assert made and made[0].section == "3" and made[0].heading == "Making Products"
    assert at(clauses, "4.1 The Design").section == "4.1"


def test_a_bare_number_in_running_text_is_no_clause(splitter):
    # the sibling: "2 Applicants" inside a paragraph, and a bare number that skips ahead, are not clauses
    body = (
        "1 Definitions\n\n  1.1 'Work' means the program.\n\n"
        "The grant covers up to\n2 Applicants per year.\n\n7 Other Matters\n\nNothing else applies.\n"
    )
    clauses = split(splitter, body)
    assert all(c.section != "2" for c in clauses)
    assert all(c.section != "7" for c in clauses)


# -- the top level resumes at the margin after an indented list -----------------------------------

RESUMES_LEFT = """\
1. Definitions.

     a. "Work" means the material offered under this licence.

     b. "Compatible Licence" means a licence the steward lists.

        Compatible Licences

          i. share the aims of this licence, and

          ii. allow works under them to be offered under this licence.

2. Limits. Nothing in this licence reduces a use that the law allows.

3. Grant. The licensor grants you a licence to copy the Work.

     a. to copy the Work in any form;
"""


def test_the_top_level_resumes_left_of_a_list_opened_after_a_heading(splitter):
    clauses = split(splitter, RESUMES_LEFT)
    assert at(clauses, "2. Limits").section == "2"
    assert at(clauses, "3. Grant").section == "3"
    assert at(clauses, "a. to copy the Work").section == "3(a)"


# -- marker forms: "1- Title", "7a)", "(a)under", right-aligned Roman numerals -------------------------

MARKER_FORMS = """\
1- PURPOSE.
This licence sets the terms on which the work may be shared.

2- SHARING.
You may share the work if:

1.\tyou keep this licence with it;
2.\tyou name its authors.

3- GENERAL.

3a) Assignment. You may not assign this licence.

3b) Governing Law. The law of the licensor's seat governs this licence.

4- GRANT
4.1 The Grant. The licensor grants you a licence, subject to the terms below:
(a)under its copyright, to copy the work;
(b) under its patents, to use the work.

5- CONDITIONS
(a) Every copy shall:
                               (i)      carry this licence;
                             (ii)      carry the authors' notices;
                            (iii)      carry the change log;
                              (iv)      carry no other terms.
"""


def test_marker_forms_of_other_drafting_traditions(splitter):
    clauses = split(splitter, MARKER_FORMS)
    assert at(clauses, "1- PURPOSE").section == "1"
    assert at(clauses, "2.\tyou name").section == "2(2)"
    assert at(clauses, "3a) Assignment").section == "3(a)"
    assert at(clauses, "3b) Governing Law").section == "3(b)"
    assert at(clauses, "(a)under its copyright").section == "4.1(a)"
    assert at(clauses, "(b) under its patents").section == "4.1(b)"
    assert at(clauses, "(iii)").section == "5(a)(iii)"
    assert at(clauses, "(iv)").section == "5(a)(iv)"


def test_a_dash_or_glued_letter_in_running_text_is_no_marker(splitter):
    body = "1. Fees. The fee is due in\n2- 3 instalments a year.\n\n2. Term. This licence lasts a year.\n"
    clauses = split(splitter, body)
    assert at(clauses, "1. Fees").section == "1"
    assert at(clauses, "2. Term").section == "2"


# -- an annex's own numbering, and an annex or section named in running text ------------------------

ANNEX_ITEMS = """\
1. Definitions. Words have their usual meaning.

2. Grant.

2.1 You may use the software.

2.2 You may copy the software, and you must keep the notice in
Exhibit A.  You must also keep this licence with every copy.

3. Notices. Each file carries the notice of Exhibit A, as
Section 2 requires.

EXHIBIT A - Notice

The notice reads: "Licensed under this licence."

EXHIBIT B - Standards

1.0 Requirements. Each release meets the standards of the steward.

2.1 Naming. A release that does not meet them carries another name.
"""


def test_an_annex_keeps_its_own_numbering(splitter):
    clauses = split(splitter, ANNEX_ITEMS)
    assert at(clauses, "2.2 You may copy").section == "2.2"
    assert at(clauses, "3. Notices").section == "3"
    assert at(clauses, "1.0 Requirements").section == "Exhibit B (1.0)"
    assert at(clauses, "2.1 Naming").section == "Exhibit B (2.1)"
    assert [c.section for c in clauses if "You may use the software" in c.text] == ["2.1"]


# -- a paragraph between two items of a list does not end the list -------------------------------------

INTERRUPTED = """\
1.\tDEFINITIONS:
A.\t"Contribution" means any work of authorship submitted to the Licensor for inclusion in the Work.
B.\t"Covered Code" means the Original Code, the Modifications, or the combination of the Original Code
and Modifications, and in each case

including portions thereof, as defined in the documentation that accompanies the Work.
C.\t"Derivative Work" means any work based on the Covered Code.
D.\t"Larger Work" means a work that combines Covered Code with code not governed by this Licence.
2.\tGRANT OF RIGHTS:
2.1\tThe Licensor grants You a worldwide, royalty-free licence to:
A.\treproduce the Covered Code;
B.\tdistribute the Covered Code.
2.2\tIf You institute patent litigation against any Contributor, Your licence terminates.

The Licensor does not grant You a patent licence to any modification You make.
3.\tCONDITIONS OF DISTRIBUTION

When the Covered Code is distributed in Executable form only, You must make available:

 1. a copy of this Licence,

 2. a notice of the warranty disclaimer of clause 5,

and, where only the Executable form is distributed,

 3. a note stating how to obtain the Source Code of the Covered Code.
"""


def test_a_paragraph_between_two_items_does_not_end_their_list(splitter):
    clauses = split(splitter, INTERRUPTED)
    # "C." continues the list "A." "B." that the paragraph of item B interrupted: not plain text of 1
    assert at(clauses, 'C.\t"Derivative Work"').section == "1(C)"
    assert at(clauses, 'D.\t"Larger Work"').section == "1(D)"
    # "3." after the sentence between items 2 and 3 is item 3 of that list, not merged into clause 3
    assert at(clauses, "3. a note stating").section == "3(3)"
    assert at(clauses, "2.\tGRANT").section.startswith("2")


def test_a_paragraph_after_a_decimal_clause_is_that_clause_s_text(splitter):
    # a decimal is a clause (its parent is in its number), not an item of the list that "2.\tGRANT ...:"
    # introduced: the paragraph after 2.2 is clause 2.2's text, not clause 2's
    clauses = split(splitter, INTERRUPTED)
    holding = [c for c in clauses if "The Licensor does not grant You a patent" in c.text]
    assert holding and all(c.section == "2.2" for c in holding), [(c.section, c.text[:30]) for c in holding]
    assert at(clauses, "3.\tCONDITIONS").section == "3"


# -- bulleted clauses with run-in titles around an indented numbered list ------------------------------

BULLETED = """\
Purpose. The Licensor permits the Licensee to use the Software on the conditions below.

* Acceptance. This Licence is offered to every person who receives the Software.

* Conduct Principles.

    1. Principles. The Licensee shall follow the principles of the code of conduct.

    2. Indemnity. The Licensee shall hold the Licensor harmless against any claim.

* Failure to Comply. A failure to comply with this Licence ends it.

* Disclaimer. THE SOFTWARE IS PROVIDED AS IS, WITHOUT ANY WARRANTY.
"""


def test_a_bulleted_run_in_title_opens_its_section_and_closes_the_list_indented_before_it(splitter):
    clauses = split(splitter, BULLETED)
    acceptance = at(clauses, "* Acceptance.")
    assert acceptance.section is None and acceptance.heading == "Acceptance"
    assert at(clauses, "1. Principles.").section == "1"
    # the bullet at the margin is left of the indented "1." "2." list: not text of item 2
    failure = at(clauses, "* Failure to Comply.")
    assert failure.section is None and failure.heading == "Failure to Comply"


# -- a marker alone on its line, its text on the next ---------------------------------------------------

LONE_MARKERS = """\
1. GRANT OF LICENCE

The Licensor grants you the following rights:

(a)
to copy the Program and to give copies to others, provided that each copy carries this Licence;

(b)
to change the Program and to distribute your changes, provided that you mark them as yours;

(c)
to use the Program for any purpose.

2. RESTRICTIONS

You may not:

    a.
    remove the notices of the Program;

    b.
    sell copies of the Program without the source.

3. DEFINITIONS

"Initial Developer" means the person named as the Initial Developer in the notice of Exhibit
A.

"Larger Work" means a work that combines the Program with other code.
"""


def test_a_marker_alone_on_its_line_is_an_item(splitter):
    clauses = split(splitter, LONE_MARKERS)
    assert at(clauses, "(b)\nto change").section == "1(b)"
    assert at(clauses, "(c)\nto use").section == "1(c)"
    assert at(clauses, "a.\n").section == "2(a)"
    assert at(clauses, "b.\n").section == "2(b)"
    # "Exhibit\nA." ends a sentence: a letter alone on a wrapped line is no item where no list is open
    assert not any(c.section and c.section.startswith("3(") for c in clauses)


# -- a flat list in a preamble, then the numbered body; a list after a wrapped lead-in -----------------

PREAMBLE_LIST = """\
This Agreement sets out the terms under which the Customer may use the Software.

Under this Agreement, the Customer has bought one of the following kinds of licence:
(i) A perpetual licence, valid without a time limit;
(ii) A subscription licence, valid for the period paid for;
(iii) An evaluation licence, valid for thirty days.

1. DEFINITIONS

"Software" means the computer programs delivered under this Agreement.

2. GRANT

2.1 Licence. The Licensor grants the Customer a licence to use the Software.

3. TERMINATION

3.1 Termination. This Agreement and the rights granted under it will
terminate:
(a) automatically if the Customer fails to comply with any of its terms and does not cure
the failure within thirty days;
(b) immediately if the Customer becomes insolvent; or
(c) at the end of the period paid for.
"""


def test_a_titled_clause_after_a_list_in_unnumbered_text_opens_the_numbered_body(splitter):
    clauses = split(splitter, PREAMBLE_LIST)
    assert at(clauses, "1. DEFINITIONS").section == "1"  # not item (iii)'s sub-clause "iii(1)"
    assert at(clauses, "2.1 Licence.").section == "2.1"


def test_a_list_after_a_wrapped_lead_in_line_is_a_list(splitter):
    # "(a)" right after "terminate:" (a lead-in sentence wrapped over two lines) opens a list when its
    # "(b)" starts a line too; "(1) assert ... (2) offer ..." inline after prose stays text
    clauses = split(splitter, PREAMBLE_LIST)
    assert at(clauses, "(a) automatically").section == "3.1(a)"
    assert at(clauses, "(b) immediately").section == "3.1(b)"
    assert at(clauses, "(c) at the end").section == "3.1(c)"
