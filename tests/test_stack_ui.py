"""The "Stack check" page with AppTest: paste a manifest, choose mode and outbound, read the report."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _entry() -> None:
    from licenseqa.ui.pages import BROWSER
    from licenseqa.ui.stack_page import stack_page

    stack_page(BROWSER)


LOCK = json.dumps(
    {
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "product"},
            "node_modules/ghostdb": {"version": "2.0.0", "license": "AGPL-3.0-only"},
            "node_modules/left-pad": {"version": "1.3.0", "license": "MIT"},
            "node_modules/mystery": {"version": "0.1.0"},
        },
    }
)


def _run(text: str, mode: str = "saas") -> AppTest:
    at = AppTest.from_function(_entry, default_timeout=120).run()
    assert not at.exception
    at.text_area(key="stack_paste").input(text)
    at.selectbox(key="stack_mode").set_value(mode)
    at.button(key="stack_run").click().run()
    assert not at.exception
    return at


def test_pasted_lock_shows_summary_conflict_and_links_to_the_clause():
    at = _run(LOCK)
    assert "3 components, 2 resolved, 1 need review, 1 conflicts" in at.subheader[0].value
    values = {m.label: m.value for m in at.metric}
    assert values["conflicts"] == "1" and values["needs review"] == "1"
    text = "\n".join(m.value for m in at.markdown)
    assert "**ghostdb@2\\.0\\.0**" in text and "**copyleft**" in text
    links = [el.proto.label for el in at.get("page_link")]
    assert "AGPL-3.0-only §13" in links, links
    table = at.dataframe[0].value
    assert table["status"].iloc[0] == "conflict"
    at.selectbox(key="stack_detail").set_value("mystery@0.1.0").run()
    assert any("no licence is declared" in m.value for m in at.markdown)
    assert "license-approval-policy §3" in [el.proto.label for el in at.get("page_link")]


def test_binary_mode_lists_obligations_and_bad_input_is_one_message():
    at = _run(LOCK, mode="binary")
    assert any("Obligations (" in m.value for m in at.markdown)
    at2 = _run('{"bomFormat": "CycloneDX", "specVersion": "1.5",')
    assert at2.error and "is not valid JSON" in at2.error[0].value
    at3 = AppTest.from_function(_entry, default_timeout=120).run()
    at3.button(key="stack_run").click().run()
    assert at3.error and "Upload a file or paste" in at3.error[0].value and not at3.metric


BOM = json.dumps(
    {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "acme-api", "bom-ref": "acme-api"}},
        "components": [
            {"type": "library", "name": "ghostdb", "version": "2.0.0", "bom-ref": "ghostdb",
             "licenses": [{"license": {"id": "AGPL-3.0-only"}}]},
            {"type": "library", "name": "orm-lite", "version": "1.1.0", "bom-ref": "orm-lite",
             "licenses": [{"expression": "MIT OR Apache-2.0"}]},
        ],
        "dependencies": [
            {"ref": "acme-api", "dependsOn": ["orm-lite"]},
            {"ref": "orm-lite", "dependsOn": ["ghostdb"]},
        ],
    }
)  # fmt: skip


def test_the_dependency_graph_shows_the_path_to_the_conflict():
    at = _run(BOM)
    graphs = at.get("graphviz_chart")
    assert graphs, "no dependency graph"
    dot = graphs[0].proto.spec
    assert '"acme-api" -> "orm-lite@1.1.0"' in dot and '"orm-lite@1.1.0" -> "ghostdb@2.0.0"' in dot


def _lock(packages: dict[str, str]) -> str:
    entries = {"": {"name": "product"}}
    entries.update({f"node_modules/{k}": {"version": "1.0.0", "license": v} for k, v in packages.items()})
    return json.dumps({"lockfileVersion": 3, "packages": entries})


def test_compare_two_versions_shows_a_relicensing():
    at = AppTest.from_function(_entry, default_timeout=120).run()
    at.text_area(key="stack_old_paste").input(_lock({"db": "Apache-2.0", "gone": "MIT"}))
    at.text_area(key="stack_new_paste").input(_lock({"db": "BUSL-1.1", "fresh": "ISC"}))
    at.button(key="stack_compare").click().run()
    assert not at.exception
    assert at.warning and "Relicensed: db" in at.warning[0].value and "BUSL-1.1" in at.warning[0].value
    table = at.dataframe[-1].value
    assert dict(zip(table["component"], table["change"], strict=True)) == {
        "db": "relicensed",
        "fresh": "added",
        "gone": "removed",
    }


def test_component_names_in_alerts_are_inert_markdown():
    """A component name is untrusted input: in an alert it shows as text, never as a link or an image."""
    evil = "[click](https://evil.example)"
    image = "![x](https://evil.example/p.png)"
    at = AppTest.from_function(_entry, default_timeout=120).run()
    at.text_area(key="stack_old_paste").input(_lock({evil: "Apache-2.0", image: "MIT"}))
    at.text_area(key="stack_new_paste").input(_lock({evil: "BUSL-1.1", image: "GPL-3.0-only"}))
    at.button(key="stack_compare").click().run()
    assert not at.exception
    shown = [w.value for w in at.warning if "Relicensed" in w.value]
    assert len(shown) == 2, shown
    for value in shown:
        # every bracket escaped: Markdown renders them as literal brackets, so no link or image forms
        assert "](" not in value.replace("\\]", ""), value
        assert "\\[" in value and "\\]" in value
