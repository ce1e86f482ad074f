from anxiao.core.testing import Case


def test_it_derives_statuses_from_scope() -> None:
    case = Case("x", lambda w: "/", target="a2", kind="write")
    assert case.expected(None) == 302
    assert case.expected("bureau_admin") == 200
    assert case.expected("bureau_viewer") == 403
    assert case.expected("school_admin") == 404
    assert case.expected("outsider") == 404
