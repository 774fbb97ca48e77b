from sanxiang.jobs.schedules import register

# 年报预警: before the units' submission date and the publication date of the profile (issue 10 §6).
register("annual_report_warnings", "行政执法统计年报预警", "sanxiang.annual.tasks.annual_report_warnings", 3600)
# 年报 PDF: rendered after publication (enqueued then; this run catches up what was missed).
register("annual_report_pdfs", "生成已公开年报的 PDF", "sanxiang.annual.tasks.render_annual_report_pdfs", 3600)
