"""Choices shared across apps. Codes are documented in docs/vocabulary.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("教育局")
    BUREAU_DEPARTMENT = "bureau_department", _("局机关股室")
    SCHOOL = "school", _("学校/幼儿园")
    SCHOOL_DEPARTMENT = "school_department", _("学校处室")
    GOVERNMENT = "government", _("政府")
    MEMBER_AGENCY = "member_agency", _("成员单位")


class Stage(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    TWELVE_YEAR = "twelve_year", _("十二年一贯制")
    VOCATIONAL = "vocational", _("中职")
    SPECIAL = "special", _("特殊教育")


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县/区")
    TOWN = "town", _("镇/街道")
    VILLAGE = "village", _("村/社区")


REGION_LEVEL_ORDER = [c.value for c in RegionLevel]


class PostKind(models.TextChoices):
    BUREAU_PRINCIPAL = "bureau_principal", _("局主要负责人")
    BUREAU_SAFETY_LEADER = "bureau_safety_leader", _("局分管安全负责人")
    BUREAU_LEADER = "bureau_leader", _("局领导班子其他成员")
    BUREAU_DEPT_HEAD = "bureau_dept_head", _("股室负责人")
    BUREAU_DEPT_STAFF = "bureau_dept_staff", _("股室工作人员")
    SUPERVISOR = "supervisor", _("责任督学")
    PRINCIPAL = "principal", _("校长（第一责任人）")
    SCHOOL_PARTY_SECRETARY = "school_party_secretary", _("学校党组织书记")
    SAFETY_DEPUTY = "safety_deputy", _("分管安全副校长（直接责任人）")
    DEPUTY_PRINCIPAL = "deputy_principal", _("副校长")
    SCHOOL_DEPT_HEAD = "school_dept_head", _("学校处室负责人")
    HOMEROOM_TEACHER = "homeroom_teacher", _("班主任")
    TEACHER = "teacher", _("教职工")
    SAFETY_OFFICER = "safety_officer", _("安全员")
    SECURITY_GUARD = "security_guard", _("保安员")
    LEGAL_VICE_PRINCIPAL = "legal_vice_principal", _("法治副校长")
    CHIEF_DISTRICT = "chief_district", _("区级安全总校长")
    CHIEF_TOWN = "chief_town", _("镇级安全总校长")
    CHIEF_VILLAGE = "chief_village", _("村级安全总校长")
    AGENCY_MEMBER = "agency_member", _("成员单位成员")
    AGENCY_LIAISON = "agency_liaison", _("成员单位联络员")
    CANTEEN_STAFF = "canteen_staff", _("食堂从业人员")
    DORMITORY_STAFF = "dormitory_staff", _("宿舍管理员")


# Which unit kinds a post kind may sit in; checked when a post is created.
POST_KIND_UNIT_KINDS: dict[str, set[str]] = {
    PostKind.BUREAU_PRINCIPAL: {UnitKind.BUREAU},
    PostKind.BUREAU_SAFETY_LEADER: {UnitKind.BUREAU},
    PostKind.BUREAU_LEADER: {UnitKind.BUREAU},
    PostKind.BUREAU_DEPT_HEAD: {UnitKind.BUREAU_DEPARTMENT},
    PostKind.BUREAU_DEPT_STAFF: {UnitKind.BUREAU_DEPARTMENT},
    PostKind.SUPERVISOR: {UnitKind.BUREAU, UnitKind.BUREAU_DEPARTMENT},
    PostKind.PRINCIPAL: {UnitKind.SCHOOL},
    PostKind.SCHOOL_PARTY_SECRETARY: {UnitKind.SCHOOL},
    PostKind.SAFETY_DEPUTY: {UnitKind.SCHOOL},
    PostKind.DEPUTY_PRINCIPAL: {UnitKind.SCHOOL},
    PostKind.SCHOOL_DEPT_HEAD: {UnitKind.SCHOOL_DEPARTMENT},
    PostKind.HOMEROOM_TEACHER: {UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT},
    PostKind.TEACHER: {UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT},
    PostKind.SAFETY_OFFICER: {UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT},
    PostKind.SECURITY_GUARD: {UnitKind.SCHOOL},
    PostKind.LEGAL_VICE_PRINCIPAL: {UnitKind.SCHOOL},
    PostKind.CHIEF_DISTRICT: {UnitKind.GOVERNMENT},
    PostKind.CHIEF_TOWN: {UnitKind.GOVERNMENT},
    PostKind.CHIEF_VILLAGE: {UnitKind.GOVERNMENT},
    PostKind.AGENCY_MEMBER: {UnitKind.MEMBER_AGENCY},
    PostKind.AGENCY_LIAISON: {UnitKind.MEMBER_AGENCY},
    PostKind.CANTEEN_STAFF: {UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT},
    PostKind.DORMITORY_STAFF: {UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT},
}


class UnitFunction(models.TextChoices):
    """What a department (股室/处室) does, so a document's "财务股" finds the unit that does finance whatever
    it is called locally (基建财务股, 计财科…)."""

    SECURITY = "security", _("安全保卫")
    OFFICE = "office", _("办公室")
    PERSONNEL = "personnel", _("人事")
    FINANCE = "finance", _("财务")
    CONSTRUCTION = "construction", _("基建")
    BASIC_EDUCATION = "basic_education", _("基础教育")
    PRESCHOOL = "preschool", _("学前教育")
    VOCATIONAL = "vocational", _("职业与终身教育")
    INSPECTORATE = "inspectorate", _("教育督导")
    ADMISSIONS = "admissions", _("招生考试")
    PARTY = "party", _("党建")
    HEALTH = "health", _("卫生保健")
    EQUIPMENT = "equipment", _("教技装备")
    TEACHER_DEVELOPMENT = "teacher_development", _("教师发展")
    UNION = "union", _("工会")
    DISCIPLINE = "discipline", _("纪检审计")
    ACADEMIC = "academic", _("教务")
    MORAL = "moral", _("德育")
    LOGISTICS = "logistics", _("后勤总务")
    CANTEEN = "canteen", _("食堂")
    DORMITORY = "dormitory", _("宿舍")
    PRIVATE_EDUCATION = "private_education", _("民办教育管理")
    # Member agencies of the 安全总校(园)长制 (seed 004).
    PROPAGANDA = "propaganda", _("宣传")
    POLITICS_LAW = "politics_law", _("政法")
    POLICE = "police", _("公安")
    TRAFFIC_POLICE = "traffic_police", _("交警")
    FIRE_RESCUE = "fire_rescue", _("消防救援")
    ECOLOGY = "ecology", _("生态环境")
    TRANSPORT = "transport", _("交通运输")
    CULTURE = "culture", _("文化体育旅游")
    EMERGENCY = "emergency", _("应急管理")
    MARKET_REGULATION = "market_regulation", _("市场监管")
    TOWN = "town", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


# Words in a department's name that say what it does; used when a unit records no functions of its own.
FUNCTION_KEYWORDS: list[tuple[str, str]] = [
    ("安全", UnitFunction.SECURITY), ("保卫", UnitFunction.SECURITY), ("安保", UnitFunction.SECURITY),
    ("办公室", UnitFunction.OFFICE), ("人事", UnitFunction.PERSONNEL), ("师资", UnitFunction.PERSONNEL),
    ("财务", UnitFunction.FINANCE), ("计财", UnitFunction.FINANCE), ("基建", UnitFunction.CONSTRUCTION),
    ("基础教育", UnitFunction.BASIC_EDUCATION), ("幼教", UnitFunction.PRESCHOOL),
    ("学前", UnitFunction.PRESCHOOL), ("职业", UnitFunction.VOCATIONAL), ("职成", UnitFunction.VOCATIONAL),
    ("终身", UnitFunction.VOCATIONAL), ("督导", UnitFunction.INSPECTORATE), ("招生", UnitFunction.ADMISSIONS),
    ("考试", UnitFunction.ADMISSIONS), ("党委", UnitFunction.PARTY), ("党建", UnitFunction.PARTY),
    ("卫生", UnitFunction.HEALTH), ("保健", UnitFunction.HEALTH), ("装备", UnitFunction.EQUIPMENT),
    ("教技", UnitFunction.EQUIPMENT), ("电教", UnitFunction.EQUIPMENT), ("教师发展", UnitFunction.TEACHER_DEVELOPMENT),
    ("教研", UnitFunction.TEACHER_DEVELOPMENT), ("工会", UnitFunction.UNION), ("纪检", UnitFunction.DISCIPLINE),
    ("审计", UnitFunction.DISCIPLINE), ("教务", UnitFunction.ACADEMIC), ("教导", UnitFunction.ACADEMIC), ("信息", UnitFunction.EQUIPMENT), ("德育", UnitFunction.MORAL),
    ("政教", UnitFunction.MORAL), ("总务", UnitFunction.LOGISTICS), ("后勤", UnitFunction.LOGISTICS),
    ("食堂", UnitFunction.CANTEEN), ("宿舍", UnitFunction.DORMITORY), ("民办", UnitFunction.PRIVATE_EDUCATION),
    ("宣传", UnitFunction.PROPAGANDA), ("政法", UnitFunction.POLITICS_LAW), ("公安", UnitFunction.POLICE),
    ("派出所", UnitFunction.POLICE), ("交警", UnitFunction.TRAFFIC_POLICE), ("消防", UnitFunction.FIRE_RESCUE),
    ("生态", UnitFunction.ECOLOGY), ("环境", UnitFunction.ECOLOGY), ("交通运输", UnitFunction.TRANSPORT),
    ("文体", UnitFunction.CULTURE), ("文旅", UnitFunction.CULTURE), ("科文", UnitFunction.CULTURE),
    ("卫生健康", UnitFunction.HEALTH), ("卫健", UnitFunction.HEALTH), ("应急", UnitFunction.EMERGENCY),
    ("市场监", UnitFunction.MARKET_REGULATION), ("建设局", UnitFunction.CONSTRUCTION),
    ("住建", UnitFunction.CONSTRUCTION), ("财政", UnitFunction.FINANCE), ("乡镇", UnitFunction.TOWN),
    ("街道办", UnitFunction.TOWN), ("居委会", UnitFunction.VILLAGE),
    ("村委会", UnitFunction.VILLAGE), ("社区", UnitFunction.VILLAGE),
]


def functions_in_name(name: str) -> list[str]:
    """The function codes a department's name states (基建财务股 → construction, finance)."""
    out: list[str] = []
    for word, code in FUNCTION_KEYWORDS:
        if word in name and code not in out:
            out.append(str(code))
    return out


class BusService(models.TextChoices):
    NONE = "", _("不使用校车")
    RUNS = "runs", _("自办校车")
    HIRES = "hires", _("购买校车服务")


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    BUREAU_ADMIN = "bureau_admin", _("教育局管理员")
    BUREAU_VIEWER = "bureau_viewer", _("教育局查看")
    SCHOOL_ADMIN = "school_admin", _("学校管理员")
    SCHOOL_MEMBER = "school_member", _("学校成员")


# Roles that may change organisation records inside their scope.
WRITE_ROLES = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN}
# Roles that only look (the director, 督学, a town chief): they change nothing anywhere (core.access.is_read_only).
READ_ONLY_ROLES = {Role.BUREAU_VIEWER}
