import json

from django.core.management.base import BaseCommand, CommandError

from govpm.ops.backup import check


class Command(BaseCommand):
    help = "Check a restored copy against the backup's manifest: row counts, document and media hashes, audit chain."

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="the manifest written by backup_manifest at dump time")

    def handle(self, *args, manifest, **options):
        with open(manifest, encoding="utf-8") as handle:
            expected = json.load(handle)
        problems = check(expected)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"restored copy differs from the backup: {len(problems)} problem(s)")
        self.stdout.write(
            f"restored copy matches: {len(expected['rows'])} tables, {len(expected['documents'])} documents, "
            f"{len(expected['media'])} media files"
        )
