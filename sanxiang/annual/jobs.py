from sanxiang.jobs.schedules import register

# 年报预警: before the units' submission date and the publication date of the profile (issue 10 §6).
register("annual_report_warnings", "行政执法统计年报预警", "sanxiang.annual.tasks.annual_report_warnings", 3600)
