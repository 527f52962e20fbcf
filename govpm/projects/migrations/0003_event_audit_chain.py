"""Events keep the actor's name and the changed fields, carry a hash chain, and the database refuses to
change or delete them. Existing events get the name their actor has now and are chained in id order."""

from django.db import migrations, models

import govpm.core.clock
from govpm.core.audit import EVENT_FIELDS, chain_hash, content_of, guard


def backfill(apps, schema_editor):
    Event = apps.get_model("projects", "Event")
    previous = ""
    for event in Event.objects.select_related("actor").order_by("id").iterator(chunk_size=2000):
        event.actor_name = event.actor.display_name or event.actor.username
        event.prev_hash = previous
        event.hash = chain_hash(previous, content_of(event, EVENT_FIELDS))
        Event.objects.filter(pk=event.pk).update(
            actor_name=event.actor_name, prev_hash=event.prev_hash, hash=event.hash
        )
        previous = event.hash


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_auditevent'),
        ('projects', '0002_review_reminder'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='actor_name',
            field=models.CharField(default='', max_length=150, verbose_name='操作人姓名'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='event',
            name='changes',
            field=models.JSONField(default=dict, verbose_name='变更'),
        ),
        migrations.AddField(
            model_name='event',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64, verbose_name='前一记录哈希'),
        ),
        migrations.AddField(
            model_name='event',
            name='hash',
            field=models.CharField(default='', max_length=64, verbose_name='哈希'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='event',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=govpm.core.clock.now, verbose_name='时间'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        guard('projects_event'),
    ]
