from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AccessConfig(AppConfig):
    name = "sanxiang.access"
    label = "access"
    verbose_name = "访问控制"

    def ready(self):
        # Each app declares its models' policies in <app>/policies.py.
        autodiscover_modules("policies")
        # What a read-only request read of the role assignments is forgotten when one changes.
        from django.db.models.signals import post_delete, post_save

        from sanxiang.orgs.models import RoleAssignment

        from .policy import forget_roles_read

        post_save.connect(forget_roles_read, sender=RoleAssignment, dispatch_uid="access-forget-roles-saved")
        post_delete.connect(forget_roles_read, sender=RoleAssignment, dispatch_uid="access-forget-roles-deleted")
