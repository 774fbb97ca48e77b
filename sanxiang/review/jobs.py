from sanxiang.jobs.schedules import register

# 法制审核时限预警: each open round's clock (an obligation) gives its yellow/red warning and due date.
register("review_clock_warnings", "法制审核时限预警", "sanxiang.review.tasks.review_clock_warnings", 900)
