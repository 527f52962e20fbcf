"""Where a project and its unit stand, said at the top of the page: the latest return reason, the rule
findings that rejected the need, the bar on the owner unit, what would make submitting now a 不予受理,
and what blocks the user's next action; each with what the user can do next.

`standing(project, user)` returns the items the project page and the edit form show (one template,
web/_standing.html); `unit_standing(user)` the bar a unit sees on its workbench and the new-need page.
`next_steps(project, user)` builds every "what you can do next" list: a new step is one line there.

Reads: at most the latest intake event (when the project was returned, rejected or found out of scope
and the page did not pass its events) and the unit's bar (only while the need can still be submitted).
No write, no rule: the findings are the rules' own, the blocked actions the table's preconditions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from govpm.core import access
from govpm.core.clock import date_zh
from govpm.core.errors import NotFound
from govpm.policy.catalog import RULES
from govpm.projects import selectors
from govpm.projects.models import Event, Project
from govpm.projects.stages import ACTIONS, ActionSpec, Stage

from . import presenters

INTAKE_ACTIONS = ("submit", "review_needs", "reopen")
# The stages in which the owner can still submit the need (and so meets the unit's bar and the rules).
SUBMITTABLE = frozenset(ACTIONS["submit"].sources)


@dataclass
class FindingLine:
    """One rule finding as the page says it: the rule's meaning and clause, then what it found."""

    code: str
    title: str  # the rule's text in the catalogue (its meaning)
    citation: str  # 衢政办发〔2020〕8号 and the clause
    message: str  # what the rule found in this need
    reason: str = ""  # a reviewer's reason, for a judgement


def finding_line(code: str, message: str, reason: str = "") -> FindingLine:
    rule = RULES.get(code)
    return FindingLine(
        code=code,
        title=rule.text if rule else code,
        citation=rule.citation if rule else code,
        message=message,
        reason=reason,
    )


@dataclass
class NextStep:
    """One thing the user can do next: a link when there is a page or form for it, else a plain note."""

    label: str
    href: str = ""
    note: str = ""


@dataclass
class StandingItem:
    kind: str  # returned rejected out_of_scope bar precheck blocked
    tone: str  # bad (refused for good), warn (to act on), info
    title: str
    text: str = ""
    findings: list[FindingLine] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, text), e.g. blocked actions
    steps: list[NextStep] = field(default_factory=list)


def _project_url(project: Project, anchor: str = "") -> str:
    return reverse("web:project", kwargs={"pk": project.pk}) + (f"#{anchor}" if anchor else "")


def _is_owner(project: Project, user) -> bool:
    return user.unit_id == project.owner_unit_id and access.can_act(user, "submit")


def next_steps(project: Project, user) -> list[NextStep]:
    """What this user can do next about a returned, rejected or out-of-scope need. One line per step:
    a step another module offers (a document to download, a form to start from) is appended here."""
    steps: list[NextStep] = []
    stage = project.stage
    owner = _is_owner(project, user)
    if stage == Stage.RETURNED and owner:
        steps.append(NextStep(_("查看退回修改通知"), _project_url(project, "notice-documents")))
        steps.append(
            NextStep(_("按退回意见修改需求"), reverse("web:project_edit", kwargs={"pk": project.pk}))
        )
        steps.append(
            NextStep(
                _("修改后预检并重新提交需求"),
                _project_url(project, "action-submit"),
                _("重新提交后由市大数据局再次审核"),
            )
        )
    if stage in {Stage.REJECTED, Stage.OUT_OF_SCOPE} and owner:
        if stage == Stage.REJECTED:
            steps.append(NextStep(_("查看不予受理告知书"), _project_url(project, "notice-documents")))
        if stage == Stage.REJECTED and access.can(user, "project.create"):
            steps.append(
                NextStep(
                    _("以此为基础新建需求"),
                    _project_url(project, "copy-need"),
                    _("复制本需求的申报信息（不含审核结论）新建草稿，修改后重新提交"),
                )
            )
        if access.can(user, "page.project_new"):
            steps.append(
                NextStep(
                    _("另行填报新的需求"),
                    reverse("web:project_new"),
                    _("本需求不能再修改或提交；消除上述情形后可作为新需求申报"),
                )
            )
        steps.append(
            NextStep(
                _("对判定有异议的，向市大数据局说明情况"),
                note=_("市大数据局可说明理由后豁免并重新受理"),
            )
        )
    if stage in {Stage.REJECTED, Stage.OUT_OF_SCOPE} and access.can_act(user, "reopen"):
        steps.append(NextStep(_("豁免并重新受理"), _project_url(project, "action-reopen")))
    return steps


def _latest_intake(project: Project, events) -> Event | None:
    if events is None:
        return selectors.latest_event(project.pk, INTAKE_ACTIONS)
    return next((e for e in reversed(events) if e.action in INTAKE_ACTIONS), None)


def _hits(project: Project, rules: list[str] | None) -> list[FindingLine]:
    """The findings behind the rules an intake event named, the latest of each (findings prefetched);
    when the event named none (a reopen that left the need rejected), every hit not overridden."""
    if rules is None:
        rules = list(
            dict.fromkeys(
                f.rule_code for f in project.findings.all() if f.outcome == "hit" and not f.overridden_by_id
            )
        )
    latest = {}
    for finding in project.findings.all():
        if finding.rule_code in rules and finding.outcome == "hit" and not finding.overridden_by_id:
            latest[finding.rule_code] = finding
    return [
        finding_line(code, latest[code].message, latest[code].reason)
        if code in latest
        else finding_line(code, "")
        for code in rules
    ]


def bar_item(bar) -> StandingItem:
    """REJ-09, TIME-04: the unit's bar, its end date and its clause."""
    system = bar.system_name or (bar.project.name if bar.project_id else "")
    end = date_zh(bar.bar_ends_on)
    return StandingItem(
        kind="bar",
        tone="bad",
        title=_("本单位在%(date)s前不得申报数字化项目需求") % {"date": end},
        text=_(
            "%(listed)s，本单位的“%(system)s”列入僵尸系统；此期间提交的需求将被不予受理，%(end)s起可再次申报。"
        )
        % {"listed": date_zh(bar.listed_on), "system": system, "end": end},
        findings=[finding_line("REJ-09", ""), finding_line("TIME-04", "")],
        steps=[NextStep(_("可先保存草稿，%(end)s起再提交") % {"end": end})],
    )


def standing(project: Project, user, *, events=None, bar=None, blocked=None) -> list[StandingItem]:
    """The items the top of the project page and the edit form show, most decisive first. `events`,
    `bar` and `blocked` pass what the page has already loaded (its audit trail, `selectors.unit_bar`,
    `presenters.blocked_actions`); the function reads only what is missing."""
    items: list[StandingItem] = []
    stage = project.stage
    if stage in {Stage.RETURNED, Stage.REJECTED, Stage.OUT_OF_SCOPE}:
        event = _latest_intake(project, events)
        payload = event.payload if event else {}
        when = date_zh(event.created_at.date()) if event else ""
        if stage == Stage.RETURNED:
            comment = payload.get("comment", "")
            items.append(
                StandingItem(
                    kind="returned",
                    tone="warn",
                    title=_("需求已被退回修改"),
                    text=_("%(when)s，%(who)s退回意见：%(comment)s")
                    % {"when": when, "who": event.actor_unit or _("市大数据局"), "comment": comment}
                    if event
                    else "",
                    findings=_hits(project, payload.get("hits", [])),
                    steps=next_steps(project, user),
                )
            )
        else:
            rejected = stage == Stage.REJECTED
            items.append(
                StandingItem(
                    kind="rejected" if rejected else "out_of_scope",
                    tone="bad",
                    title=_("需求不予受理") if rejected else _("需求不属于受理范围"),
                    text=(
                        _("%(when)s，本需求命中下列不予受理情形，已作不予受理处理，不能再修改或提交。")
                        if rejected
                        else _("%(when)s，本需求不属于实施意见二(一)的受理范围，已退回，不能再修改或提交。")
                    )
                    % {"when": when},
                    findings=_hits(project, payload.get("hits")),
                    steps=next_steps(project, user),
                )
            )
    if stage in SUBMITTABLE and _is_owner(project, user):
        if bar is None:
            bar = selectors.unit_bar(project.owner_unit_id)
        if bar is not None:
            items.append(bar_item(bar))
        # The bar is said above; the precheck item lists what else would reject the need.
        hits = [hit for hit in selectors.prescreen_hits(project, bar) if hit.rule != "REJ-09" or bar is None]
        if hits:
            items.append(
                StandingItem(
                    kind="precheck",
                    tone="warn",
                    # SCOPE-05: a need outside 二(一) is returned as out of scope, before any 不予受理 rule.
                    title=_("按现有申报事实提交，本需求将因不属于受理范围被退回")
                    if any(hit.rule.startswith("SCOPE-") for hit in hits)
                    else _("按现有申报事实提交，本需求将被不予受理"),
                    text=_("系统按实施意见二(二)自动判定，命中下列情形。请修改申报事实后再提交。"),
                    findings=[finding_line(hit.rule, hit.message) for hit in hits],
                    steps=[NextStep(_("修改需求"), reverse("web:project_edit", kwargs={"pk": project.pk}))],
                )
            )
    if blocked is None:
        blocked = presenters.blocked_actions(project, user)
    if blocked:
        items.append(
            StandingItem(
                kind="blocked",
                tone="info",
                title=_("暂不能办理的事项"),
                lines=[(b.spec.label, b.reason) for b in blocked],
            )
        )
    return items


def unit_standing(user) -> list[StandingItem]:
    """The bar a unit that writes needs sees on its workbench and on the new-need page (one query)."""
    if not user.unit_id or not access.can(user, "page.project_new"):
        return []
    bar = selectors.unit_bar(user.unit_id)
    return [bar_item(bar)] if bar else []


def announce(request, spec: ActionSpec, result, project: Project | None = None) -> None:
    """The message after an action on `project`: what happened, in the tone it deserves, and who acts
    next."""
    if spec.code == "precheck":
        if not result:
            messages.success(
                request, _("预检完成：未发现不予受理情形，可以提交需求；提交后由市大数据局审核。")
            )
            return
        titles = "；".join(RULES[hit.rule].text for hit in result)
        if project is not None and project.stage not in SUBMITTABLE:  # a need already submitted
            messages.warning(
                request,
                _("预检发现 %(n)d 项不予受理情形：%(titles)s。") % {"n": len(result), "titles": titles},
            )
            return
        messages.warning(
            request,
            _("预检发现 %(n)d 项不予受理情形，现在提交将被不予受理：%(titles)s。各项依据见页面顶部。")
            % {"n": len(result), "titles": titles},
        )
        return
    if spec.code == "submit" and isinstance(result, Project):
        if result.stage == Stage.REJECTED:
            messages.error(
                request, _("需求已提交，但命中不予受理情形，已作不予受理处理。依据与下一步见页面顶部。")
            )
        elif result.stage == Stage.OUT_OF_SCOPE:
            messages.error(request, _("需求不属于受理范围，已退回。依据与下一步见页面顶部。"))
        else:
            messages.success(request, _("需求已提交，等待市大数据局需求审核。"))
        return
    done = presenters.done_message(spec, result)
    if spec.targets and project is not None:  # the stage moved: say what comes next and who does it
        try:
            done = (
                f"{done} {presenters.next_step(selectors.project_detail(request.user, project.pk))}".strip()
            )
        except NotFound:
            pass  # no longer visible to this user (e.g. merged away): nothing more to say
    messages.success(request, done)
