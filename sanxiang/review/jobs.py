from sanxiang.jobs.schedules import register

# 法制审核时限预警: each open round's clock (an obligation) gives its yellow/red warning and due date.
register("review_clock_warnings", "法制审核时限预警", "sanxiang.review.tasks.review_clock_warnings", 900)
# 征求意见查阅授权到期: consultants' access to the case's records ends with the round (review/flow.py).
register("end_consultation_access", "征求意见查阅授权到期", "sanxiang.review.flow_tasks.end_consultation_access", 3600)
# 法制审核补交材料预警: the handling unit's time to supplement (退回补充材料) gives yellow/red warnings.
register("review_supplement_warnings", "法制审核补交材料预警", "sanxiang.review.tasks.review_supplement_warnings", 900)
