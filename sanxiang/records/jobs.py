from sanxiang.jobs.schedules import register

register("remove_abandoned_uploads", "清理未完成的上传", "sanxiang.records.tasks.remove_abandoned_uploads", 3600)
