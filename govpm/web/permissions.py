"""Whether a page opens at all: the access module's `page.<name>` capabilities. Anything unnamed is
refused.

Which projects a role sees is `selectors.visible_projects`; which actions it may take is the stage
table (`project.action.<code>` in govpm.core.access, then each action's preconditions)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from govpm.core import access


def may_open(user, page: str) -> bool:
    return access.can(user, f"page.{page}")


def role_required(page: str):
    """Login first (anonymous users go to the login page), then the page's role rule."""
    capability = f"page.{page}"
    if capability not in access.CAPABILITIES:
        raise KeyError(page)  # a typo in a view's page name fails at import, not as a silent refusal

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not access.can(request.user, capability):
                raise PermissionDenied(_("当前角色无权访问此页面"))
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
