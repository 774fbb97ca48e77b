from sanxiang.jobs.schedules import register

register("expire_access_grants", "调阅期限届满", "sanxiang.retrieval.tasks.expire_access_grants", 900)
