from django.core.management.base import BaseCommand

from govpm.projects.lifecycle import process_deadlines, remind_stale_reviews


class Command(BaseCommand):
    help = "标记逾期时限、解除到期的僵尸系统限制并记录提醒（可重复运行）"

    def handle(self, *args, **options):
        report = process_deadlines()
        stale = remind_stale_reviews()
        self.stdout.write(
            f"逾期 {report.overdue} 项，新提醒 {report.reminders} 条，解除限制 {report.lifted} 项，评审超时督办 {stale} 条，"
            f"逾期未付款项 {report.overdue_payments} 项"
        )
