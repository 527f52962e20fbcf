import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import govpm.core.clock
from govpm.core.audit import guard


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('actor_name', models.CharField(max_length=150, verbose_name='操作人姓名')),
                ('actor_role', models.CharField(blank=True, max_length=20, verbose_name='角色')),
                ('actor_unit', models.CharField(blank=True, max_length=100, verbose_name='单位')),
                ('object_type', models.CharField(max_length=60, verbose_name='对象类型')),
                ('object_id', models.CharField(max_length=40, verbose_name='对象编号')),
                ('action', models.CharField(max_length=40, verbose_name='动作')),
                ('changes', models.JSONField(default=dict, verbose_name='变更')),
                ('payload', models.JSONField(default=dict, verbose_name='内容')),
                ('created_at', models.DateTimeField(db_index=True, default=govpm.core.clock.now, verbose_name='时间')),
                ('prev_hash', models.CharField(blank=True, max_length=64, verbose_name='前一记录哈希')),
                ('hash', models.CharField(max_length=64, verbose_name='哈希')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
            ],
            options={
                'verbose_name': '审计记录',
                'verbose_name_plural': '审计记录',
                'ordering': ['id'],
                'indexes': [models.Index(fields=['object_type', 'object_id'], name='auditevent_object')],
            },
        ),
        guard('core_auditevent'),
    ]
