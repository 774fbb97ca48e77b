from sanxiang.jobs.schedules import register

register("open_archive_obligations", "开始计算案卷归档期限", "sanxiang.archive.tasks.open_archive_obligations", 3600)
