"""Steps the publicity tests share: a publication walked from draft to published, and all it shows."""

from sanxiang.publicity import actions as P


def published_blob(version) -> str:
    return version.text + "".join(version.fields.values()) + "".join(version.summary.values())


def walk(pub, editor, head, on="2026-03-10"):
    P.do_submit_publication(pub, actor=editor)
    P.do_approve_publication(pub, actor=head, on=on)
    return P.do_publish_publication(pub, actor=head, on=on)
