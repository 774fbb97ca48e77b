"""The ledger's work for the job runner: sequence entries left pending, within a tick."""

from sanxiang.jobs.schedules import register_tick

register_tick("integrate_ledger", "整合待排序留痕条目", "sanxiang.ledger.sequencer.integrate_tick")
