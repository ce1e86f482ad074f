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
}


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    BUREAU_ADMIN = "bureau_admin", _("教育局管理员")
    BUREAU_VIEWER = "bureau_viewer", _("教育局查看")
    SCHOOL_ADMIN = "school_admin", _("学校管理员")
    SCHOOL_MEMBER = "school_member", _("学校成员")


# Roles that may change organisation records inside their scope.
WRITE_ROLES = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN}
