"""Duty counts per holder, counted by hand from the seed documents (not from the packs).

Tests compare these numbers with the duty lists in s002.yaml, s003.yaml and s004.yaml, so a
list that loses or gains an item during editing is caught.

Counting rules, per document:
- S002 numbers its items (一)…(四) under each part; inside 四(二)–四(五) it enumerates
  "一是、二是 …" without numbers. Each "N是" counts as one duty; an item without such an
  enumeration counts as one.
- S003 numbers everything: (1)… under 三(一)/三(二), 1、2、 and (1)… under 三(三), 1、… under
  四(三)/四(四)/五. An item of 三(三)2 counts once for every department it names.
- S004 numbers nothing below 二(四). A chief's duties in 二(二) are the tasks listed with "、";
  the office's and each member agency's duties are the "；"-separated segments (a "。" also
  ends a segment). Member agencies whose text is lost to the truncation count 0.
"""

EXPECTED = {
    "s002": {
        # 四(一) 1 + 四(二) 一是–三是 3 + 四(三) 一是–六是 6 + 四(四) 一是–四是 4
        # + 四(五) 一是–四是 4 + 五(一) 1 + 五(二) 1 + 五(三) 问题整改落实 1 + 六(四) 1
        "s002.school": 22,
        # 六(一) 切实加强组织领导 (the only item addressed to 校(园)长 personally)
        "s002.principal": 1,
        # 五(三) 开展督查推进, 五(四) 考评, 六(二) 定期和不定期检查调度, 六(三) 督查问责
        "s002.bureau": 4,
        # 四(一) "责任到人到岗": the items of 四(一)–四(五) addressed to a post, given to that post
        "s002.staff": 1,
        # 四(三) 二是/三是 (weekly lesson, parent meetings), 四(四) 四是 (班主任签到)
        "s002.homeroom": 2,
        # 四(三) 一是 (有课时安排、有备课、授课)
        "s002.teacher": 1,
        # 四(五) 一是 (每月演练), 三是 (每学期≥3天脱产培训), 四是 (护学岗)
        "s002.guard": 3,
        # 四(二) 三是 (安全办公室标牌、制度上墙、档案柜、视频监控)
        "s002.safety_office": 1,
    },
    "s003": {
        # 三(一) 校长职责 (1)–(4)
        "s003.principal": 4,
        # 三(二) 分管校长职责 (1)–(5)
        "s003.safety_deputy": 5,
        # 三(三)1 共同职责 (1)–(4) + 四(一) 各处室主要领导为安全第一责任人
        "s003.dept.common": 5,
        # 三(三)2 items naming 总务处: (1), (2), (5)
        "s003.dept.general_affairs": 3,
        # 三(三)2 items naming 安保处: (1), (2), (3), (5), (6)
        "s003.dept.security": 5,
        # 三(三)2 items naming 教技室: (2)
        "s003.dept.edu_tech": 1,
        # 三(三)2 items naming 教务处: (4)
        "s003.dept.academic": 1,
        # 三(三)2 items naming 德育处: (4), (6)
        "s003.dept.moral": 2,
        # 三(三)2 items naming 办公室: (7), (9)
        "s003.dept.office": 2,
        # 三(三)2 items naming 人事科: (8)
        "s003.dept.personnel": 1,
        # 二 领导小组下设办公室，负责日常工作 (one sentence)
        "s003.group_office": 1,
        # 四(四) lead sentence (每月一次大检查) + 四(四)1–5
        "s003.inspection_team": 6,
        # 四(一) 1 + 四(二) 1 + 四(三)1–5 + 五3
        "s003.school": 8,
        # 四(一) 班主任为安全第一责任人 + 三(三)2(5) 指导班主任做好健康教育
        "s003.homeroom": 2,
        # 五1, 五2 (addressed to 全体干部师生 / 全校师生)
        "s003.staff": 2,
    },
    "s004": {
        # 二(二) 区级: 组织领导 / 总督导、总协调 / 研究解决重大问题 = 3;
        # 二(三) 每年至少一次全体成员单位会议 + 按需专题会议 = 2
        "s004.chief.district": 5,
        # 二(二) 镇级 "、"-list: 落实制度 / 周边综治 / 矛盾纠纷 / 重点人员 = 4; 二(三) 每月例会 = 1
        "s004.chief.town": 5,
        # 二(二) 村级 "、"-list: 护学岗 / 校园安全管理 / 周边隐患 / 重点人员 / 矛盾纠纷
        "s004.chief.village": 5,
        # 二(一) 办公室 "；"-segments: 组织实施 / 落实事项督促履职 / 协调调度考核报送;
        # the 4th segment (日常工作由区教育局牵头承担) says who hosts it, not a task
        "s004.office": 3,
        # 二(四) 区委宣传部: 3 "；"-segments, then a 4th sentence after "。" (网上法治宣传)
        "s004.agency.propaganda": 4,
        # 二(四) 区委政法委: 3 segments
        "s004.agency.politics_law": 3,
        # 二(四) 区教育局: 8 segments
        "s004.agency.education": 8,
        # 二(四) XX公安分局: 5 segments
        "s004.agency.police": 5,
        # 二(四) 区财政局: cut off after "将学校安全风险防"
        "s004.agency.finance": 0,
        # 二(三) named member units whose 二(四) text is lost to the truncation
        "s004.agency.ecology": 0,
        "s004.agency.construction": 0,
        "s004.agency.transport": 0,
        "s004.agency.culture_sports_tourism": 0,
        "s004.agency.health": 0,
        "s004.agency.emergency": 0,
        "s004.agency.market_regulation": 0,
        # "XX交警大队" is listed twice in 二(三); counted once
        "s004.agency.traffic_police": 0,
        "s004.agency.fire_rescue": 0,
        "s004.agency.towns": 0,
        "s004.agency.villages": 0,
    },
}
