"""Who may open which page. Every view names the roles it admits; anything unnamed is refused.

Which projects a role sees is the selectors' business (`visible_projects`); which actions it may take
is the lifecycle's (stages.ACTIONS plus the checks inside each function). This module only decides
whether a page opens at all."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from govpm.accounts.roles import Role
from govpm.promotion.services import SUPERVISORS

EVERYONE = frozenset(Role.values)
# Roles that take part in the lifecycle's reviews and decisions, or watch them.
OFFICIALS = EVERYONE - {"owner"}

PAGE_ROLES: dict[str, frozenset[str]] = {
    "workbench": EVERYONE,
    "pool": EVERYONE,
    "project": EVERYONE,
    "project_new": frozenset({"owner"}),
    "project_edit": frozenset({"owner"}),
    "action": EVERYONE,  # narrowed per action by stages.ACTIONS in the view
    "joint_review": EVERYONE,
    "needs_review": frozenset({"bdb", "smart_office", "observer"}),
    "zombies": EVERYONE,
    "dashboard": EVERYONE,
    "promotion": frozenset(SUPERVISORS),  # the API's rule: the 1+1+N units and observers (ORG-01)
}


def may_open(user, page: str) -> bool:
    return getattr(user, "role", None) in PAGE_ROLES[page]


def role_required(page: str):
    """Login first (anonymous users go to the login page), then the page's role rule."""
    roles = PAGE_ROLES[page]

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied(_("当前角色无权访问此页面"))
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
