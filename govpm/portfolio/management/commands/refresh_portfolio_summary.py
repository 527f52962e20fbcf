"""Rebuild the portfolio summary now (the job engine does it every GOVPM_SUMMARY_SECONDS)."""

from django.core.management.base import BaseCommand

from govpm.portfolio import summary


class Command(BaseCommand):
    help = "重建统计看板与项目统计的汇总表（ADR 0302）"

    def handle(self, *args, **options):
        done = summary.refresh()
        self.stdout.write(f"汇总已重建：{done.projects} 个项目，用时 {done.seconds} 秒")
