def load(stdout):
    from sanxiang.access.actors import DEMO
    from sanxiang.review.actions import seed_catalogues

    made = seed_catalogues(actor=DEMO)
    return [f"法制审核目录清单：已按规则配置为 {len(made)} 个机关生成第1版"] if made else []
