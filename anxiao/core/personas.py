"""Who a user is at work (教师, 保安, 安全员, 分管副校长, 校长, 局股室, 局领导, 总校长, 成员单位): read from the posts
the user's person holds, else from the user's grants. The home page shows each persona its own sections
(``core.home.HomeSection.personas``)."""

from __future__ import annotations

from typing import Any

from anxiao.core.choices import PostKind, Role

TEACHER, GUARD, SAFETY_OFFICER, DEPUTY, PRINCIPAL = "teacher", "guard", "safety_officer", "deputy", "principal"
OFFICE, DIRECTOR, CHIEF, LIAISON = "office", "director", "chief", "liaison"
LABELS = {TEACHER: "教职工", GUARD: "保安员", SAFETY_OFFICER: "安全员", DEPUTY: "分管安全副校长", PRINCIPAL: "校长",
          OFFICE: "教育局股室", DIRECTOR: "教育局领导", CHIEF: "安全总校(园)长", LIAISON: "成员单位"}
SCHOOL_LEADERS = frozenset({PRINCIPAL, DEPUTY, SAFETY_OFFICER})
BUREAU = frozenset({OFFICE, DIRECTOR})

BY_POST: dict[str, str] = {
    PostKind.HOMEROOM_TEACHER: TEACHER, PostKind.TEACHER: TEACHER,
    PostKind.SECURITY_GUARD: GUARD, PostKind.SAFETY_OFFICER: SAFETY_OFFICER,
    PostKind.SAFETY_DEPUTY: DEPUTY, PostKind.DEPUTY_PRINCIPAL: DEPUTY, PostKind.SCHOOL_DEPT_HEAD: DEPUTY,
    PostKind.PRINCIPAL: PRINCIPAL, PostKind.SCHOOL_PARTY_SECRETARY: PRINCIPAL,
    PostKind.BUREAU_DEPT_HEAD: OFFICE, PostKind.BUREAU_DEPT_STAFF: OFFICE, PostKind.SUPERVISOR: OFFICE,
    PostKind.BUREAU_PRINCIPAL: DIRECTOR, PostKind.BUREAU_SAFETY_LEADER: DIRECTOR, PostKind.BUREAU_LEADER: DIRECTOR,
    PostKind.CHIEF_DISTRICT: CHIEF, PostKind.CHIEF_TOWN: CHIEF, PostKind.CHIEF_VILLAGE: CHIEF,
    PostKind.AGENCY_LIAISON: LIAISON, PostKind.AGENCY_MEMBER: LIAISON,
}
# A user without a post is read from the grant: an account of the bureau's office, a read-only leader.
BY_GRANT: dict[str, str] = {Role.BUREAU_ADMIN: OFFICE, Role.BUREAU_VIEWER: DIRECTOR, Role.SCHOOL_ADMIN: PRINCIPAL}


def personas_of(user: Any) -> frozenset[str]:
    """The user's personas, read once per request (cached on the user object). Empty for a system admin
    without a post: they see every section."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_anxiao_personas", None)
    if cached is not None:
        return cached
    from anxiao.core.access import model, user_grants

    Post = model("org", "Post")

    kinds = set(Post.objects.filter(holder_id=user.person_id, is_active=True).values_list("kind", flat=True)) \
        if getattr(user, "person_id", None) else set()
    found = {BY_POST[k] for k in kinds if k in BY_POST}
    if not found:
        found = {BY_GRANT[g.role] for g in user_grants(user) if g.role in BY_GRANT}
    result = frozenset(found)
    user._anxiao_personas = result
    return result
