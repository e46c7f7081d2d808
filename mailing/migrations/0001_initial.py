"""The mailing list's models moved here from releases with their tables (state only: nothing in the
database changes but the content types' app label). releases 0005 removes them from releases' state."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

MOVED = ["mediapartner", "subscriber", "dispatch", "delivery"]


def relabel(app_label_from, app_label_to):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        taken = set(ContentType.objects.filter(app_label=app_label_to, model__in=MOVED).values_list("model", flat=True))
        ContentType.objects.filter(app_label=app_label_from, model__in=set(MOVED) - taken).update(
            app_label=app_label_to
        )

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('humas', '0002_outboxemail'),
        ('releases', '0004_delivery_dispatch_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MediaPartner',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('name', models.CharField(max_length=150, unique=True, verbose_name='outlet name')),
                        ('kind', models.CharField(choices=[('print', 'Print'), ('online', 'Online'), ('tv', 'Television'), ('radio', 'Radio'), ('agency', 'News agency')], default='online', max_length=10, verbose_name='kind')),
                        ('website', models.URLField(blank=True, verbose_name='website')),
                        ('verified', models.BooleanField(default=False, verbose_name='verified')),
                    ],
                    options={
                        'verbose_name': 'media partner',
                        'verbose_name_plural': 'media partners',
                        'db_table': 'releases_mediapartner',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Dispatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('preparing', 'Preparing'), ('sending', 'Sending'), ('done', 'Done'), ('stopped', 'Stopped (release withdrawn)')], default='preparing', max_length=10, verbose_name='state')),
                        ('recipients', models.PositiveIntegerField(default=0, verbose_name='recipients')),
                        ('cursor', models.BigIntegerField(default=0)),
                        ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='started at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('release', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='dispatch', to='releases.release', verbose_name='press release')),
                    ],
                    options={
                        'verbose_name': 'dispatch',
                        'verbose_name_plural': 'dispatches',
                        'db_table': 'releases_dispatch',
                    },
                ),
                migrations.CreateModel(
                    name='Subscriber',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('phone', models.CharField(blank=True, max_length=30, verbose_name='phone')),
                        ('language', models.CharField(choices=[('id', 'Bahasa Indonesia'), ('en', 'English')], default='id', max_length=2, verbose_name='language of the e-mails')),
                        ('status', models.CharField(choices=[('pending', 'Waiting for confirmation'), ('confirmed', 'Confirmed'), ('unsubscribed', 'Unsubscribed'), ('bounced', 'Bounced'), ('complained', 'Marked as spam')], default='pending', max_length=12, verbose_name='status')),
                        ('consent_at', models.DateTimeField(blank=True, null=True, verbose_name='consent given at')),
                        ('consent_ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='consent given from')),
                        ('consent_note', models.CharField(blank=True, max_length=200, verbose_name='consent note')),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                        ('unsubscribed_at', models.DateTimeField(blank=True, null=True, verbose_name='unsubscribed at')),
                        ('bounce_count', models.PositiveSmallIntegerField(default=0, verbose_name='bounces')),
                        ('last_bounce_at', models.DateTimeField(blank=True, null=True, verbose_name='last bounce at')),
                        ('categories', models.ManyToManyField(blank=True, related_name='+', to='releases.category', verbose_name='categories')),
                        ('outlet', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='subscribers', to='mailing.mediapartner', verbose_name='outlet')),
                        ('tags', models.ManyToManyField(blank=True, related_name='+', to='releases.tag', verbose_name='tags')),
                        ('units', models.ManyToManyField(blank=True, related_name='+', to='humas.unit', verbose_name='units')),
                    ],
                    options={
                        'verbose_name': 'subscriber',
                        'verbose_name_plural': 'subscribers',
                        'db_table': 'releases_subscriber',
                        'ordering': ['name', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Delivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=10)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('last_error', models.CharField(blank=True, max_length=300)),
                        ('message_id', models.CharField(blank=True, max_length=250)),
                        ('lease_until', models.DateTimeField(blank=True, null=True)),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('dispatch', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='mailing.dispatch')),
                        ('subscriber', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='mailing.subscriber')),
                    ],
                    options={
                        'verbose_name': 'delivery',
                        'verbose_name_plural': 'deliveries',
                        'db_table': 'releases_delivery',
                    },
                ),
                migrations.AddIndex(
                    model_name='subscriber',
                    index=models.Index(fields=['status', 'id'], name='subscriber_status_id'),
                ),
                migrations.AddConstraint(
                    model_name='subscriber',
                    constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), name='subscriber_email_ci_unique'),
                ),
                migrations.AddConstraint(
                    model_name='subscriber',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'])), name='subscriber_status_valid'),
                ),
                migrations.AddIndex(
                    model_name='delivery',
                    index=models.Index(fields=['dispatch', 'status', 'id'], name='delivery_dispatch_status'),
                ),
                migrations.AddIndex(
                    model_name='delivery',
                    index=models.Index(condition=models.Q(('status__in', ['pending', 'sending'])), fields=['lease_until'], name='delivery_open_lease'),
                ),
                migrations.AddConstraint(
                    model_name='delivery',
                    constraint=models.UniqueConstraint(fields=('dispatch', 'subscriber'), name='delivery_once_per_subscriber'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel("releases", "mailing"), relabel("mailing", "releases"), elidable=True),
    ]
