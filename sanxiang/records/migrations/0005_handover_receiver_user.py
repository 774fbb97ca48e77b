"""The hand-over's receiver as an account (s19, issue 8): the archive check of 株洲's originals matched
the receiver's name against the keepers' names. Rows recorded before are linked as new ones are: to the
one who recorded it when the name is theirs, else to the only user of the agency whose person has it."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_receivers(apps, schema_editor):
    Handover = apps.get_model("records", "RecordingHandover")
    Person = apps.get_model("orgs", "Person")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for row in Handover.objects.filter(received_by_user__isnull=True).select_related("recording"):
        people = Person.objects.filter(agency_id=row.recording.agency_id, user__isnull=False)
        recorder = User.objects.filter(pk=row.recorded_by_id).first()
        full_name = f"{recorder.first_name} {recorder.last_name}".strip() if recorder else ""
        if recorder and (people.filter(user_id=recorder.pk, name=row.received_by).exists()
                         or full_name == row.received_by):
            user_id = recorder.pk
        else:
            users = set(people.filter(name=row.received_by).values_list("user_id", flat=True))
            user_id = users.pop() if len(users) == 1 else None
        if user_id is not None:
            Handover.objects.filter(pk=row.pk).update(received_by_user_id=user_id)


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0004_upload_multipart'),
        ('orgs', '0002_totpdevice_last_t'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='recordinghandover',
            name='received_by_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='接收人账号'),
        ),
        migrations.RunPython(link_receivers, migrations.RunPython.noop),
    ]
