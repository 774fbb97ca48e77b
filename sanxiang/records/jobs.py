from sanxiang.jobs.schedules import register

register("remove_abandoned_uploads", "清理未完成的上传", "sanxiang.records.tasks.remove_abandoned_uploads", 3600)
# The store itself has no app of its own: its daily check is registered here, beside the uploads that fill it.
register("check_stored_files", "抽检存储文件", "sanxiang.storage.tasks.check_stored_files", 86400)
