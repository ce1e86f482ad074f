"""Duty counts per holder, counted by hand from the seed documents (not from the packs).

Tests compare these numbers with the duty lists in s000.yaml and s001.yaml, so a list
that loses or gains an item during editing is caught.
"""

EXPECTED = {
    "s000": {
        # 六.2 包干管理, 六.3 督导检查, 六.4 例会 — the three 保障措施 items addressed to 领导小组成员
        "s000.leading_group": 3,
        # 一, sentence on 安全办 (日常管理、监督和考评) — unnumbered, counted as one
        "s000.safety_office": 1,
        # 二.1 主要领导职责 (1)–(6)
        "s000.bureau_principal": 6,
        # 二.2 分管领导职责 (1)–(5)
        "s000.bureau_safety_leader": 5,
        # 二.3 其他领导职责 (1)–(3); the lead sentence of 二.3 is not numbered
        "s000.bureau_leaders": 3,
        # 三.1 基础教育与安全保卫股（幼教组） (1)–(11)
        "s000.dept.jcjy": 11,
        # 三.2 办公室 (1)–(8)
        "s000.dept.office": 8,
        # 三.3 人事与师资管理股 (1)–(6)
        "s000.dept.rs": 6,
        # 三.4 基建财务股（财务结算中心、助学中心） (1)–(7)
        "s000.dept.jjcw": 7,
        # 三.5 职业教育与终身教育股 (1)–(6)
        "s000.dept.zc": 6,
        # 三.6 教育督导室（市人民政府教育督导室） (1)–(4)
        "s000.dept.dd": 4,
        # 三.7 招生考试股（市招生委员会办公室） (1)–(4)
        "s000.dept.zk": 4,
        # 三.8 机关党委 (1)–(5)
        "s000.dept.jgdw": 5,
        # 三.9 教育卫生保健所 (1)–(7)
        "s000.dept.wsbj": 7,
        # 三.10 教育装备中心 (1)–(7)
        "s000.dept.zb": 7,
        # 三.11 教师发展中心 (1)–(4)
        "s000.dept.jsfz": 4,
        # 三.12 教育工会 (1)–(4)
        "s000.dept.gh": 4,
        # 三.13 纪检组（内审组） (1)–(5)
        "s000.dept.jj": 5,
        # 四 局机关督导员（责任督学）职责 — one unnumbered paragraph
        "s000.supervisor": 1,
        # 五 各学校安全工作职责 1.–10.; the lead sentence of 五 is not numbered
        "s000.school": 10,
    },
    "s001": {
        # 一 领导班子 (一)–(七) and (九)–(十六): 7 + 8; the document has no (八)
        "s001.leadership": 15,
        # 二 主要负责人 (一)–(六)
        "s001.principal": 6,
        # 三 分管安全工作负责人 (一)–(八)
        "s001.safety_leader": 8,
        # 四 领导班子其他成员 (一)–(六)
        "s001.other_leaders": 6,
        # 五 学校安全处 (一)–(十二)
        "s001.dept.xxaq": 12,
        # 六 各处（室） (一)–(四); (五) names four specific 处室 and is counted under them
        "s001.depts": 4,
        # 六(五), the 体卫艺处 sentence (食品安全)
        "s001.dept.twy": 1,
        # 六(五), the 装备与信息中心 sentence (电教装备、危化品、实验室)
        "s001.dept.zbxx": 1,
        # 六(五), the 发展规划处 sentence (校舍和建筑物施工安全)
        "s001.dept.fzgh": 1,
        # 六(五), the 学校后勤管理中心 sentence (集中用餐招标采购)
        "s001.dept.hqgl": 1,
        # 七 直属学校领导班子 (一)–(十三)
        "s001.school": 13,
    },
}
