from sanxiang.jobs.schedules import register

register("open_archive_obligations", "开始计算案卷归档期限", "sanxiang.archive.tasks.open_archive_obligations", 3600)
# Built when asked for (enqueued on request); the schedule only catches up a lost enqueue.
register("build_archive_exports", "生成归档信息包", "sanxiang.archive.tasks.build_archive_exports", 60)
register("expire_archive_exports", "删除过期的归档信息包", "sanxiang.archive.tasks.expire_archive_exports", 3600)
