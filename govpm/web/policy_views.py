"""Pages outside the action table: a new need from a rejected one (DOC-01) and the top-level designs
(PLAN-06). Each calls one service, as the API does."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govpm.core import access
from govpm.core.errors import GovpmError, NotFound
from govpm.projects import selectors
from govpm.projects.api import inputs
from govpm.projects.api.policy_views import CreateDesign
from govpm.projects.facts import ARCHITECTURE_LAYERS
from govpm.projects.lifecycle.designs import FOUR_HORIZONTAL, create_design
from govpm.projects.lifecycle.intake import copy_need

from . import forms
from .permissions import role_required


@require_POST
@role_required("project_new")
def copy_need_view(request, pk):
    """以此为基础新建需求 (DOC-01): the new draft opens in the need form, to be corrected."""
    try:
        project = copy_need(pk, actor=request.user)
    except NotFound:
        raise Http404(_("项目不存在或无权查看")) from None
    except GovpmError as error:
        messages.error(request, error.message)
        return redirect("web:project", pk=pk)
    messages.success(request, _("已以此为基础新建需求，请修改后重新提交。"))
    return redirect("web:project_edit", pk=project.pk)


def design_controls() -> list[forms.Control]:
    return forms.derive(
        CreateDesign,
        {
            "layers": {
                "kind": "checkboxes",
                "choices": list(ARCHITECTURE_LAYERS.items()),
                "help": "至少选择“四横”（"
                + "、".join(ARCHITECTURE_LAYERS[c] for c in FOUR_HORIZONTAL)
                + "）中的一层",
            },
            "tasks": {"kind": "rows", "initial": [""]},
        },
    )


@role_required("designs")
def designs_view(request):
    """顶层设计 (PLAN-06): every design with its tasks; bdb and bizenv record new ones here."""
    may_keep = access.can(request.user, "designs.keep")
    form = forms.Form(design_controls(), request.POST if request.method == "POST" else None, action="design")
    status = 200
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied(_("当前角色不能登记顶层设计"))
        try:
            data = inputs.parse(CreateDesign, form.payload())
            design = create_design(actor=request.user, **data)
        except GovpmError as error:
            form.fail(error)
            status = error.status
        else:
            messages.success(request, _("已登记顶层设计「%(title)s」。") % {"title": design.title})
            return redirect("web:designs")
    designs = list(selectors.designs()[:200])
    return render(
        request,
        "web/designs.html",
        {
            "designs": designs,
            "layer_labels": ARCHITECTURE_LAYERS,
            "form": form if may_keep else None,
        },
        status=status,
    )
