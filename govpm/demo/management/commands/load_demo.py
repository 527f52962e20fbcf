from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govpm.demo import loader as demo


class Command(BaseCommand):
    help = "加载演示数据：每个角色一个演示账号，以及分布在各阶段的演示项目（仅限演示环境）"

    def handle(self, *args, **options):
        if not settings.GOVPM_DEMO:
            raise CommandError("演示数据只能在演示环境加载（GOVPM_DEMO=1）")
        lines = demo.load()
        self.stdout.write(f"演示账号（密码均为 {demo.PASSWORD}）：")
        for line in lines:
            self.stdout.write("  " + line)
        self.stdout.write("打开 http://127.0.0.1:8000/ 登录；API 文档 http://127.0.0.1:8000/api/docs/")
