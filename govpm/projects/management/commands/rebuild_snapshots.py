from django.core.management.base import BaseCommand

from govpm.projects import readmodel


class Command(BaseCommand):
    help = "按记录重建全部项目快照（读模型，ADR 0402）：升级后或怀疑快照有误时运行，可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="每个事务重建的项目数")
        parser.add_argument("--missing", action="store_true", help="只建尚无快照的项目（如升级之后）")

    def handle(self, *args, **options):
        done = readmodel.rebuild_all(batch=max(1, options["batch"]), missing_only=options["missing"])
        self.stdout.write(f"已重建 {done} 个项目的快照")
