from sanxiang.jobs.schedules import register

# 公示义务预警: each open obligation's deadline gives its yellow (临期) / red (超期) warning.
register("publication_deadline_warnings", "公示义务期限预警", "sanxiang.publicity.tasks.publication_deadline_warnings",
         900)
# 公示期满停止公示 (SAMR: 3 months / 3 years), and the "may take down" prompts (乌鲁木齐: after one year).
register("expire_publications", "公示期满停止公示", "sanxiang.publicity.tasks.expire_publications", 3600)
