from sanxiang.jobs.schedules import register

# 公示义务预警: each open obligation's deadline gives its yellow (临期) / red (超期) warning.
register("publication_deadline_warnings", "公示义务期限预警", "sanxiang.publicity.tasks.publication_deadline_warnings",
         900)
# 公示期满停止公示 (SAMR: 3 months / 3 years), and the "may take down" prompts (乌鲁木齐: after one year).
register("expire_publications", "公示期满停止公示", "sanxiang.publicity.tasks.expire_publications", 3600)
# 当事人更正申请、提前停止公示申请的答复期限预警 (decision 0072).
register("party_request_warnings", "当事人申请答复期限预警", "sanxiang.publicity.party_tasks.party_request_warnings", 900)
# 执法决定信息公示告知书 (decision 0078): enqueued by each decision; the schedule catches a lost enqueue up.
register("make_publicity_notices", "生成执法决定信息公示告知书", "sanxiang.publicity.party_tasks.make_publicity_notices",
         300)
