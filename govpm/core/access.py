"""Who may do what: one capability table and one `can(user, capability)`.

Every role decision of the platform is read here (`tests/test_architecture.py` fails on a `.role`
comparison anywhere else). A capability is a dotted name:

- `page.<name>`: whether a page of the web UI opens at all;
- `project.create`, `project.import_needs`: an owner unit writing its needs;
- `project.action.<code>`: a lifecycle action; its roles are the stage table's (`projects/stages.py`
  registers them when it is imported, so `core` does not import `projects`);
- `targets.<view|view_all|enter|assign|judge|import>`: the targets module;
- `promotion.<read|record_publicity|record_case|record_showcase>`: promotion and assessment (四, 五).

Which *projects* a user sees is `project_scope(user)`, turned into one query by
`govpm.projects.selectors.visible_projects`. Deny by default: anonymous or inactive users, unknown
capabilities and roles not named get False. There is no staff bypass: Django's `is_staff` opens the
admin site, not the platform's work (the admin edits rows there, audited by Django's own log).
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import Forbidden

EVERYONE = frozenset(
    {
        "owner",
        "bdb",
        "smart_office",
        "bizenv",
        "cac",
        "ndrc",
        "finance",
        "regulator",
        "review_center",
        "expert",
        "leading_group",
        "observer",
    }
)
# Who may read supervision figures: the 1+1+N units (ORG-01) and observers.
SUPERVISORS = frozenset(
    {"smart_office", "bdb", "bizenv", "ndrc", "finance", "regulator", "observer", "leading_group"}
)
# Entering and judging targets is the work of 市大数据局 and 市智慧办; the leading group and observers read.
TARGET_KEEPERS = frozenset({"bdb", "smart_office"})

CAPABILITIES: dict[str, frozenset[str]] = {
    # Pages of the web UI. Which projects and actions a page then shows is decided below and in the
    # stage table; these only say whether the page opens.
    "page.workbench": EVERYONE,
    "page.pool": EVERYONE,
    "page.project": EVERYONE,
    "page.project_new": frozenset({"owner"}),
    "page.project_edit": frozenset({"owner"}),
    "page.action": EVERYONE,  # narrowed per action by project.action.<code>
    "page.joint_review": EVERYONE,
    "page.needs_review": frozenset({"bdb", "smart_office", "observer"}),
    "page.zombies": EVERYONE,
    "page.dashboard": EVERYONE,
    "page.promotion": SUPERVISORS,
    "page.inventory": SUPERVISORS | {"owner", "cac", "review_center"},  # as inventory.read
    "page.statistics": SUPERVISORS | {"owner"},  # as portfolio.read
    "page.rate_risk": frozenset({"smart_office"}),  # as portfolio.rate_risk
    "page.set_plan": frozenset({"owner", "smart_office"}),  # as portfolio.plan
    "page.experts": frozenset({"smart_office", "observer"}),  # the expert library and its draws (COORD-07)
    "experts.keep": frozenset({"smart_office"}),  # 专家库 kept by 市智慧办 (COORD-07)
    # Owner units write their own needs, one by one or from the Excel form.
    "project.create": frozenset({"owner"}),
    "project.import_needs": frozenset({"owner"}),
    # Targets (衢政发〔2020〕10号 and the gazette's tables).
    # TGT-08: an owner unit opens the module too, but sees and enters only what it is responsible for
    # (its indicators; a county its share of decomposed tasks): the object check is targets.scope.
    "page.targets": TARGET_KEEPERS | {"leading_group", "observer", "owner"},
    "targets.view": TARGET_KEEPERS | {"leading_group", "observer", "owner"},
    "targets.view_all": TARGET_KEEPERS | {"leading_group", "observer"},
    "targets.enter": TARGET_KEEPERS | {"owner"},  # observations, task progress (owners: their own)
    "targets.assign": frozenset({"smart_office"}),  # names an indicator's responsible units
    "targets.judge": TARGET_KEEPERS,  # verdicts on qualitative targets
    "targets.import": TARGET_KEEPERS,  # uploads of indicator tables and observations
    # Promotion (四) and the yearly performance of units (ORG-03).
    "promotion.read": SUPERVISORS,
    "promotion.record_publicity": frozenset({"smart_office"}),  # PROMO-01
    "promotion.record_case": frozenset({"bdb"}),  # PROMO-02
    "promotion.record_showcase": frozenset({"smart_office"}),  # PROMO-03
    # The systems inventory (INV-01..04): owner units read their own systems (project_scope narrows).
    "inventory.read": SUPERVISORS | {"owner", "cac", "review_center"},
    "inventory.manage": frozenset({"bdb"}),  # import the register of pre-platform systems
    "inventory.report_use": frozenset({"bdb", "owner"}),  # monthly use; owners for their own systems
    # The portfolio (PORT-01..04).
    "portfolio.read": SUPERVISORS | {"owner"},
    "portfolio.plan": frozenset({"owner", "smart_office"}),  # planned dates of modules and milestones
    "portfolio.rate_risk": frozenset({"smart_office"}),  # PORT-03
    # 顶层设计 (PLAN-06): kept by the bdb–bizenv working group, read by all (needs name its tasks).
    "page.designs": EVERYONE,
    "designs.read": EVERYONE,
    "designs.keep": frozenset({"bdb", "bizenv"}),
    # 第三方概算评审 (COORD-08): smart_office reads it when fixing the 概算价; supervisors read it too.
    "estimate_reviews.read": SUPERVISORS | {"review_center"},
    # 申报批次 and the 年度项目计划 (PLAN-05): smart_office opens and closes them; supervisors read.
    "page.batches": SUPERVISORS,
    "batches.read": SUPERVISORS,
    "batches.manage": frozenset({"smart_office"}),
    # 监督总览: where the portfolio stands, the landing page of observers (who have no to-do list).
    "page.overview": SUPERVISORS,
    # Who lands there instead of on the to-do list: roles with nothing to do on projects.
    "landing.overview": frozenset({"observer"}),
}

ACTION_PREFIX = "project.action."


def register_actions(actions: Iterable[tuple[str, Iterable[str]]]) -> None:
    """The stage table feeds its action roles in: `project.action.<code>` → the roles of its row."""
    for code, roles in actions:
        CAPABILITIES[ACTION_PREFIX + code] = frozenset(roles)


def role_of(user) -> str | None:
    """The role a user acts in, or None for anonymous and deactivated accounts."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "role", None) or None


def roles_for(capability: str) -> frozenset[str]:
    return CAPABILITIES.get(capability, frozenset())


def can(user, capability: str) -> bool:
    role = role_of(user)
    return role is not None and role in roles_for(capability)


def require(user, capability: str, message: str = "无权进行此操作", **details) -> None:
    """Raises the platform's Forbidden (403, Chinese message) unless `can` allows."""
    if not can(user, capability):
        raise Forbidden(message, **details)


def can_act(user, action: str) -> bool:
    """May this user's role take this lifecycle action at all (the stage table's roles)?"""
    return can(user, ACTION_PREFIX + action)


# -- which projects a user sees ------------------------------------------------------------------------

OWN_UNIT = "own_unit"  # its own unit's projects, drafts included (an owner unit)
REVIEWED = "reviewed"  # only the projects it was asked to review (an outside expert)
ALL_BUT_DRAFTS = "all_but_drafts"  # every project but the drafts (the officials and observers)
NOTHING = "nothing"  # anonymous, deactivated, or a role not named

SCOPES: dict[str, str] = {role: ALL_BUT_DRAFTS for role in EVERYONE} | {
    "owner": OWN_UNIT,
    "expert": REVIEWED,
}


def project_scope(user) -> str:
    return SCOPES.get(role_of(user) or "", NOTHING)


def answers_in_own_name(user) -> bool:
    """An expert answers review tasks assigned to the person; everyone else those of the unit."""
    return role_of(user) == "expert"
