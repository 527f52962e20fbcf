"""Filters and tags of the web UI: money as officials write it, deadlines as countdowns, links that
may not exist yet."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

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
    return cite(rule_id)
