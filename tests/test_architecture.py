"""How the code is allowed to change a project: only lifecycle functions write; views and the API call them."""

import ast
import re
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
LIFECYCLE = ROOT / "govpm" / "projects" / "lifecycle"


def python_files():
    for path in sorted((ROOT / "govpm").rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        yield path


def offences(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Attribute) and leaf.attr == "stage":
                        found.append(f"{path.name}:{node.lineno} assigns .stage")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"update", "bulk_update"} and any(k.arg == "stage" for k in node.keywords):
                found.append(f"{path.name}:{node.lineno} .update(stage=…)")
    return found


def test_only_lifecycle_functions_change_a_projects_stage():
    outside = [o for path in python_files() if LIFECYCLE not in path.parents for o in offences(path)]
    assert outside == []


def test_the_guard_itself_catches_a_stage_write(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("def f(p, qs):\n    p.stage = 'funded'\n    qs.update(stage='x')\n")
    assert len(offences(sample)) == 2


def test_api_views_hold_no_writes():
    """Views parse, call one function, render: no .save/.create/.delete/.update in the API modules."""
    writes = []
    for path in (ROOT / "govpm" / "projects" / "api").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr
                in {"save", "create", "delete", "update", "bulk_create", "get_or_create", "update_or_create"}
            ):
                if path.name == "views.py" and node.func.attr == "get_or_create":
                    continue  # the auth token, not a project record
                writes.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    assert writes == []


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_an_action_saves_what_it_changed_even_when_it_edits_the_facts_in_place(cast):
    """The audit write saves changed columns only; an in-place edit of the facts JSON is still a change."""
    from govpm.projects.lifecycle.base import transition
    from govpm.projects.models import Project

    from .factories import draft

    project = draft(cast.owner)
    with transition(project.pk, actor=cast.owner, action="update") as step:
        step.project.facts["category"] = 4

    assert Project.objects.get(pk=project.pk).facts["category"] == 4


# --- issue 8 item 1: one access module ------------------------------------------------------------------

# Where a role may be compared: the access module itself and the stage table that feeds it.
ROLE_DECIDERS = {ROOT / "govpm" / "core" / "access.py", ROOT / "govpm" / "projects" / "stages.py"}
TEMPLATE_ROLE_TEST = re.compile(r"{%[^%]*\buser\.role\b\s*(==|!=|\bin\b)")


def _is_role(node: ast.AST) -> bool:
    """`x.role`, or `getattr(x, "role", …)`: a user's role read in a decision."""
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value == "role"
    )


def role_checks(source: str, name: str = "<snippet>") -> list[str]:
    """Comparisons on a role (`==`, `!=`, `in`, `not in`) and roles fed to `actions_for`: each is a
    decision of who may do what, which belongs in govpm.core.access."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_is_role(side) for side in [node.left, *node.comparators]):
            found.append(f"{name}:{node.lineno} compares a role")
    return found


def role_deciding_files():
    for base in (ROOT / "govpm", ROOT / "config"):
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts or path in ROLE_DECIDERS:
                continue
            yield path


def test_no_page_endpoint_or_service_checks_a_role_outside_the_access_module():
    """Issue 8 item 1: `can(user, capability)` is the one place that decides roles."""
    found = [
        hit
        for path in role_deciding_files()
        for hit in role_checks(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    templates = [
        f"{path.relative_to(ROOT)}:{number}"
        for base in (ROOT / "templates", ROOT / "govpm")
        for path in sorted(base.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_ROLE_TEST.search(line)
    ]
    assert found == [] and templates == []


def test_the_role_guard_itself_catches_each_kind_of_role_check():
    snippet = (
        "def view(request, user, spec):\n"
        "    if request.user.role != 'owner':\n"
        "        pass\n"
        "    if user.role in spec.roles:\n"
        "        pass\n"
        "    if getattr(user, 'role', None) not in {'bdb'}:\n"
        "        pass\n"
        "    label = user.role_label  # reading a label decides nothing\n"
    )
    assert [hit.split(" ", 1)[0] for hit in role_checks(snippet)] == [
        "<snippet>:2",
        "<snippet>:4",
        "<snippet>:6",
    ]
    assert TEMPLATE_ROLE_TEST.search('{% if user.role == "owner" %}')
    assert not TEMPLATE_ROLE_TEST.search("{{ user.role_label }}")
