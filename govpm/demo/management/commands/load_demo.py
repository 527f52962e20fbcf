from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govpm.demo import loader as demo


class Command(BaseCommand):
    help = (
        "加载演示数据：每个角色一个演示账号，以及分布在各阶段的演示项目（仅限演示环境）；每次都列出演示账号"
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="演示服务的端口，用于打印的链接")

    def handle(self, *args, **options):
        if not settings.GOVPM_DEMO:
            raise CommandError("演示数据只能在演示环境加载（GOVPM_DEMO=1）")
        base_url = f"http://127.0.0.1:{options['port']}"
        if demo.load():
            self.stdout.write("演示数据已加载。")
        else:
            self.stdout.write("演示数据已存在，未重复加载（make demo-reset 可重新加载）。")
        self.stdout.write(f"演示账号（密码均为 {demo.PASSWORD}）：")
        for line in demo.account_lines(base_url):
            self.stdout.write("  " + line)
