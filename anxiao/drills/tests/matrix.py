from anxiao.core.testing import Case

CASES: list[Case] = []
