import json

from django.core.management.base import BaseCommand

from govpm.ops.backup import manifest


class Command(BaseCommand):
    help = "Write the manifest of a backup (row counts, document and media hashes) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        text = json.dumps(manifest(), ensure_ascii=False, indent=1, sort_keys=True)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
