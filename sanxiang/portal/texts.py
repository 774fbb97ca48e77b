"""Words the portal shows for codes (roles, sources, states): people read names, never keys."""


def role_labels(roles) -> str:
    from sanxiang.orgs.models import Role

    return "、".join(Role(r).label for r in roles) if roles else "系统自动"
