"""Demo parties (当事人) of each seed enforcement agency: companies, individual businesses, people.

Fictional names and addresses in each agency's own district; the numbers are built from the
district's division code and carry correct check digits (computed with python-stdnum, and the
GB 11714 organisation code inside each credit code with its own check character). Registered
through the actions as the demo actor; re-running adds nothing.
"""

from stdnum.cn import ric, uscc

from sanxiang.access.actors import DEMO
from sanxiang.orgs.models import Agency

from .actions import do_register_party
from .models import Party

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code(body: str) -> str:
    """GB 11714 组织机构代码: eight characters and their check character."""
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(kind: str, region: str, body: str) -> str:
    """统一社会信用代码: 91 (company) or 92 (individual business), the division code, the
    organisation code, the check character."""
    code = kind + region + org_code(body)
    return code + uscc.calc_check_digit(code)


def id_number(region: str, born: str, sequence: str) -> str:
    """公民身份号码: division code, date of birth (YYYYMMDD), sequence, check digit."""
    number = region + born + sequence
    return number + ric.calc_check_digit(number + "0")


PARTIES = {
    "urumqi-gxq-amr": [
        dict(kind="org", name="乌鲁木齐新鸿源餐饮管理有限公司", credit_code=credit_code("91", "650104", "MA77R3K8"),
             legal_representative="王振华", address="乌鲁木齐市新市区北京南路358号", phone="0991-3812266"),
        dict(kind="individual_business", name="新市区阿依夏木干果店", credit_code=credit_code("92", "650104", "MA78D1Q5"),
             operator="阿依夏木·吐尔逊", id_kind="ric", id_number=id_number("650102", "19820611", "204"),
             address="乌鲁木齐市新市区二工街道长春南路17号", phone="13899821456"),
        dict(kind="person", name="李明辉", id_kind="ric", id_number=id_number("650104", "19870315", "231"),
             address="乌鲁木齐市新市区安居南路70号", phone="13565412087"),
    ],
    "zhuzhou-amr": [
        dict(kind="org", name="株洲湘江源食品有限公司", credit_code=credit_code("91", "430202", "MA4L2W6C"),
             legal_representative="谭国强", address="株洲市荷塘区新华东路1087号", phone="0731-28456710"),
        dict(kind="individual_business", name="荷塘区刘记米粉店", credit_code=credit_code("92", "430202", "MA4P9E3H"),
             operator="刘春华", id_kind="ric", id_number=id_number("430203", "19750922", "046"),
             address="株洲市荷塘区红旗北路26号", phone="13807332619"),
        dict(kind="person", name="谭志勇", id_kind="ric", id_number=id_number("430202", "19900108", "151"),
             address="株洲市荷塘区茨菇塘街道", phone="15873321908"),
    ],
    "pingluo-commerce": [
        dict(kind="org", name="平罗县鑫源商贸有限公司", credit_code=credit_code("91", "640221", "MA76T5J2"),
             legal_representative="杨海东", address="平罗县城关镇鼓楼南街92号", phone="0952-6012389"),
        dict(kind="individual_business", name="平罗县马记牛羊肉店", credit_code=credit_code("92", "640221", "MA7A0B4N"),
             operator="马福林", id_kind="ric", id_number=id_number("640221", "19790504", "013"),
             address="平罗县城关镇唐徕南街农贸市场8号", phone="13995223706"),
    ],
    "urumqi-gxq-hrss": [
        dict(kind="org", name="乌鲁木齐新泰建筑劳务有限公司", credit_code=credit_code("91", "650104", "MA79H2X1"),
             legal_representative="韩志刚", address="乌鲁木齐市新市区喀什东路1255号", phone="0991-6651032"),
        dict(kind="person", name="努尔兰·别克", id_kind="ric", id_number=id_number("650106", "19920817", "372"),
             address="乌鲁木齐市头屯河区乌昌路", phone="18690012743"),
    ],
    "quanzhou-licheng-amr": [
        dict(kind="org", name="泉州市鲤城区聚福茶叶有限公司", credit_code=credit_code("91", "350502", "MA2Y6C0R"),
             legal_representative="陈志明", address="泉州市鲤城区中山中路211号", phone="0595-22186653"),
        dict(kind="individual_business", name="鲤城区阿娟海鲜排档", credit_code=credit_code("92", "350502", "MA31G8K4"),
             operator="黄娟", id_kind="ric", id_number=id_number("350502", "19860227", "128"),
             address="泉州市鲤城区新华北路美食街12号", phone="13905951278"),
        dict(kind="person", name="NGUYEN VAN AN", id_kind="passport", id_number="C4791035",
             address="泉州市鲤城区温陵南路", phone="15359708826"),
    ],
}


def _exists(agency, spec) -> bool:
    if spec.get("credit_code"):
        return Party.objects.filter(agency=agency, credit_code=spec["credit_code"]).exists()
    return Party.objects.filter(agency=agency, kind="person", id_number=spec["id_number"]).exists()


def load(stdout) -> list[str]:
    made = 0
    for code, specs in PARTIES.items():
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            continue
        for spec in specs:
            if not _exists(agency, spec):
                do_register_party(agency, **spec, actor=DEMO)
                made += 1
    return [f"演示当事人：新登记 {made} 个。"] if made else []
