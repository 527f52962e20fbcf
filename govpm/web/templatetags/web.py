"""Filters and tags of the web UI: money as officials write it, deadlines as countdowns, links that
may not exist yet."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from govpm.core import access, product
from govpm.core.money import format_wan, format_yuan
from govpm.policy.catalog import citation as cite

from .. import permissions, presenters

register = template.Library()


@register.filter
def yuan(amount) -> str:
    """¥1,234,567.00"""
    return format_yuan(amount)


@register.filter
def wan(amount) -> str:
    """123.46万元"""
    return format_wan(amount)


@register.filter
def deadline_state(deadline):
    return presenters.deadline_state(deadline)


@register.filter
def action_label(code: str) -> str:
    return presenters.action_label(code)


@register.simple_tag
def optional_url(name: str, *args, **kwargs) -> str:
    """A URL of a part that may not be installed yet (documents:docx …); "" when it is not."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters changed (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.filter
def may_open(user, page: str) -> bool:
    """{% if user|may_open:"promotion" %}: a nav link only for the roles its page admits."""
    return permissions.may_open(user, page)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def citation(rule_id: str) -> str:
    """A rule's ID with its clause (PERF-01 · 衢政办发〔2020〕8号 二(二)…): never a bare code on a page."""
    return presenters.mark_rule_codes(cite(rule_id))


@register.filter
def rules(text) -> str:
    """Escapes the text and marks each rule code in it (REJ-06, PLAN-04 …) with the rule's words on
    hover, so no page shows a bare code (docs/requirements.md, issue 15 item 3)."""
    return presenters.mark_rule_codes(text)


@register.filter
def rule_in(text) -> str:
    """The meanings of the rule codes in a text, for the title of an element that cannot hold markup
    (an <option>); empty when it names none."""
    return "；".join(presenters.rule_title(code) for code in presenters.RULE_CODE.findall(str(text or "")))


@register.filter
def decision_outcome(decision) -> str:
    return presenters.decision_outcome(decision)


@register.filter
def region_name(code: str) -> str:
    return presenters.region_name(code)


@register.filter
def category_label(number) -> str:
    """A project category by its name (数字化应用项目), never its number; '' when unset."""
    return presenters.category_label(number)


@register.filter
def waited(since) -> str:
    return presenters.waited(since)


@register.simple_tag
def product_name() -> str:
    """The product's one name (govpm.core.product)."""
    return product.NAME


@register.filter
def lands_on_overview(user) -> bool:
    """Observers' first page is the supervision overview, not the to-do list (access: landing.overview)."""
    return access.can(user, "landing.overview")
