"""Print the benchmark's database URL, creating the database if it is missing.

BENCH_DATABASE_URL names it outright; otherwise it is the database `bench` on the server DATABASE_URL
points at (never DATABASE_URL's own database: that is the test suite's).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def bench_url() -> str:
    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: set DATABASE_URL (postgres://…) or BENCH_DATABASE_URL")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/bench"))


def ensure_exists(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"bench: created database {name}", file=sys.stderr)


if __name__ == "__main__":
    url = bench_url()
    ensure_exists(url)
    print(url)
