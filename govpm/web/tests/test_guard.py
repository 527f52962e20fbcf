"""No business logic in the web UI's views: they parse, check the role rule, call one lifecycle
function or selector, and render. A view that writes a model itself fails here."""

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
WRITES = {
    "save",
    "update",
    "create",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "select_for_update",
    "refresh_from_db",
}
# Modules of the web package that must only read (views may also call the lifecycle).
READ_ONLY = [
    "views.py",
    "queries.py",
    "workbench.py",
    "presenters.py",
    "forms.py",
    "permissions.py",
    "templatetags/web.py",
]


def _calls(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.func.attr, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]


def test_views_and_helpers_never_write_a_model():
    offenders = [
        f"{name}:{line} .{attr}(" for name in READ_ONLY for attr, line in _calls(WEB / name) if attr in WRITES
    ]
    assert offenders == [], "write through a lifecycle function instead: " + ", ".join(offenders)


def test_views_import_no_model_and_change_state_only_through_the_lifecycle():
    views = (WEB / "views.py").read_text(encoding="utf-8")
    tree = ast.parse(views)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if node.module and node.module.endswith("models")
    }
    assert imported <= {"CATEGORY_LABELS", "Level"}, imported  # choice labels for filters, never a model
    assert "lifecycle.ACTION_FUNCTIONS[action](" in views and "lifecycle.create_project(" in views
    assert "inputs.parse(inputs.ACTION_INPUTS[action]" in views


def test_the_guard_catches_a_write():
    """The check above can fail: a view that saves is caught."""
    sample = WEB / "tests" / "_guard_sample.py"
    sample.write_text(
        "def view(request, project):\n    project.save()\n    Project.objects.create(name='x')\n"
    )
    try:
        assert {attr for attr, _ in _calls(sample)} & WRITES == {"save", "create"}
    finally:
        sample.unlink()
