"""Walk both audit chains (projects.Event, core.AuditEvent) and check their database guards.

Exit status 0 when the trail is whole; 1 with one line per problem otherwise: a gap (an event missing
before the named one, or reordered), a change (an event that no longer matches its hash), or a missing
trigger. Run it from cron and after restoring a backup."""

from django.core.management.base import BaseCommand, CommandError

from govpm.core import audit


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains and triggers; exits non-zero on any gap or change."

    def handle(self, *args, **options):
        problems = audit.verify()
        for problem in problems:
            self.stderr.write(f"{problem.kind}: {problem.message}")
        if problems:
            raise CommandError(f"audit trail: {len(problems)} problem(s)", returncode=1)
        self.stdout.write("audit trail intact")
