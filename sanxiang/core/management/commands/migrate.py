"""Django's `migrate`, which builds an empty database from the schema cache when one is set."""

from contextlib import nullcontext

from django.core.management.commands.migrate import Command as DjangoMigrate

from sanxiang.core.schema_cache import SchemaCache


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        cache = SchemaCache.for_migrate(options)
        if cache is not None and cache.load():
            if options["verbosity"] >= 1:
                self.stdout.write("数据库结构：已从结构缓存复制（与运行全部迁移的结果相同）。")
            return
        with cache.recording() if cache is not None else nullcontext():
            super().handle(*args, **options)
        if cache is not None:
            cache.store()
