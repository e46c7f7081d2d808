"""The subscribers' consent record (evidence of consent under UU 27/2022)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mailing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SubscriberEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('subscribed', 'Subscribed (consent given)'), ('imported', 'Imported by staff'), ('confirmed', 'Confirmed'), ('preferences', 'Preferences changed'), ('unsubscribed', 'Unsubscribed'), ('bounced', 'Bounce recorded'), ('complained', 'Marked as spam')], max_length=20, verbose_name='what')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('channel', models.CharField(blank=True, max_length=20, verbose_name='through')),
                ('ip_hash', models.CharField(blank=True, max_length=64, verbose_name='address hash')),
                ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by (staff)')),
                ('subscriber', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='mailing.subscriber', verbose_name='subscriber')),
            ],
            options={
                'verbose_name': 'subscriber event',
                'verbose_name_plural': 'subscriber events',
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.AddIndex(
            model_name='subscriberevent',
            index=models.Index(fields=['subscriber', '-at'], name='subscriber_event_time'),
        ),
    ]
