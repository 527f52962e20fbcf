"""The raw-code scan: log in as a role, follow links from its landing page, and find internal codes in
what the pages show (enum values, region codes, bare rule codes, category numbers).

What counts as a code is data (tests/data/raw_codes.toml) plus the enums the models declare, so the scan
covers pages and choices added later without a change here. Used by tests/test_raw_codes.py; the
browser check there feeds rendered pages to `scan_html` as well."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html
from django.apps import apps
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

PATTERNS_FILE = Path(__file__).parent / "data" / "raw_codes.toml"
INVISIBLE = {"script", "style", "template", "noscript", "head", "title"}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Hit:
    url: str
    kind: str
    text: str
    context: str

    def __str__(self) -> str:
        return f"{self.url}  [{self.kind}] {self.text!r} in …{self.context}…"


@cache
def config() -> dict:
    with PATTERNS_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def enum_values() -> frozenset[str]:
    """Every lowercase choices value of every model field, and of the classes the data file names."""
    values: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and _CODE.match(value):
                    values.add(value)
    for dotted in config()["enums"]["classes"]:
        values.update(v for v in import_string(dotted).values if _CODE.match(v))
    for dotted in config()["enums"]["keyed"]:
        values.update(k for k in import_string(dotted) if _CODE.match(k))
    for dotted in config()["enums"]["serializers"]:
        for serializer in import_string(dotted).values():
            values.update(_serializer_choices(serializer()))
    # A one- or two-letter value ("a", "ok") is not distinctive enough to call a leak.
    return frozenset(v for v in values if len(v) > 2) - set(config()["enums"]["allowed"])


def _serializer_choices(serializer) -> set[str]:
    found: set[str] = set()
    for field in serializer.fields.values():
        child = getattr(field, "child", None)
        for candidate in (field, child):
            if hasattr(candidate, "fields"):
                found |= _serializer_choices(candidate)
            for value in getattr(candidate, "choices", None) or ():
                if isinstance(value, str) and _CODE.match(value):
                    found.add(value)
    return found


@cache
def _enum_regex() -> re.Pattern:
    words = sorted(enum_values(), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9_\-./@])(" + "|".join(map(re.escape, words)) + r")(?![A-Za-z0-9_\-/@])")


@cache
def _rule_regex() -> re.Pattern:
    codes = sorted(import_string(config()["rule_codes"]["catalog"]), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, codes)) + r")(?![0-9])")


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    return [(name, re.compile(expr)) for name, expr in config()["patterns"].items()]


def _visible_nodes(root):
    """(element, text) for each piece of visible text, with the element that holds it."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in INVISIBLE or element.get("hidden") is not None:
            continue
        if any(a.tag in INVISIBLE or a.get("hidden") is not None for a in element.iterancestors()):
            continue
        if element.text and element.text.strip():
            yield element, element.text
        parent = element.getparent()
        if element.tail and element.tail.strip() and parent is not None:
            yield parent, element.tail


def _titled(element, code: str) -> bool:
    """True when the element or an ancestor carries a title that says more than the code."""
    for node in [element, *element.iterancestors()]:
        title = (node.get("title") or "").strip()
        if title and title.replace(code, "").strip(" ·：:-"):
            return True
    return False


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 20) : end + 20].split())


def scan_html(url: str, html: str) -> list[Hit]:
    """The raw codes in one page's visible text."""
    root = lxml.html.document_fromstring(html)
    hits: list[Hit] = []
    for element, text in _visible_nodes(root):
        for match in _enum_regex().finditer(text):
            hits.append(Hit(url, "enum", match.group(1), _context(text, *match.span())))
        for match in _rule_regex().finditer(text):
            if not _titled(element, match.group(1)):
                hits.append(
                    Hit(url, "rule code without its title", match.group(1), _context(text, *match.span()))
                )
        for name, pattern in _patterns():
            for match in pattern.finditer(text):
                hits.append(Hit(url, name, match.group(0), _context(text, *match.span())))
    headers = config()["category_cells"]["headers"]
    for table in root.iter("table"):
        heads = [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th | .//tr[1]/th")]
        columns = [i for i, head in enumerate(heads) if head in headers]
        for row in table.xpath(".//tbody/tr"):
            cells = row.xpath("./td|./th")
            for i in columns:
                if i < len(cells) and cells[i].text_content().strip().isdigit():
                    hits.append(Hit(url, "category number", cells[i].text_content().strip(), heads[i]))
    return hits


def _kind(path: str, query: str) -> str:
    try:
        match = resolve(path)
        route = match.route or match.url_name or path
    except Resolver404:
        route = path
    return f"{route}?{','.join(sorted({k for k, _v in parse_qsl(query)}))}"


def crawl(client, start: str = "/") -> tuple[list[Hit], list[str]]:
    """Follow links from `start` with a logged-in Django test client. Returns the hits and the pages read."""
    crawl_config = config()["crawl"]
    skip_prefixes = tuple(crawl_config["skip_prefixes"])
    skip_suffixes = tuple(crawl_config["skip_suffixes"])
    queue, seen = [start], {start}
    kinds: Counter[str] = Counter()
    hits: list[Hit] = []
    read: list[str] = []
    while queue and len(read) < crawl_config["max_pages_per_role"]:
        url = queue.pop(0)
        parts = urlsplit(url)
        kind = _kind(parts.path, parts.query)
        if kinds[kind] >= crawl_config["max_per_kind"]:
            continue
        kinds[kind] += 1
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", "") or response.get("Content-Disposition"):
            continue
        read.append(url)
        html = response.content.decode()
        hits.extend(scan_html(url, html))
        root = lxml.html.document_fromstring(html)
        for anchor in root.iter("a"):
            href = anchor.get("href")
            if (
                not href
                or anchor.get("download") is not None
                or href.startswith(("#", "mailto:", "javascript:"))
            ):
                continue
            target = urlsplit(urljoin(url, href))
            if target.netloc and target.netloc != "testserver":
                continue
            if target.path.startswith(skip_prefixes) or target.path.lower().endswith(skip_suffixes):
                continue
            query = urlencode(sorted(parse_qsl(target.query)))
            link = target.path + (f"?{query}" if query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return hits, read
