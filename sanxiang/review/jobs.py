from sanxiang.jobs.schedules import register

register("end_consultation_access", "征求意见查阅授权到期", "sanxiang.review.flow_tasks.end_consultation_access", 3600)
