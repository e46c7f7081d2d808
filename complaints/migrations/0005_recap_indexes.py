"""Indexes for the recap and the dashboard: covering, so their sums and counts are index-only scans."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0004_social_channel'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='dailycount',
            name='daily_count_unit_day',
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['unit', 'verified_at'], include=('created_at', 'verification_due_at'), name='complaint_unit_verified_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['unit', 'resolved_at'], include=('created_at', 'resolution_due_at', 'rating'), name='complaint_unit_resolved_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('status__in', ['new', 'verified', 'in_progress', 'waiting_reporter'])), fields=['unit', 'status'], include=('verification_due_at', 'response_due_at', 'resolution_due_at', 'first_response_at'), name='complaint_open_due_idx'),
        ),
        migrations.AddIndex(
            model_name='dailycount',
            index=models.Index(fields=['unit', 'day'], include=('kind', 'status', 'count'), name='daily_count_unit_day_cover'),
        ),
    ]
