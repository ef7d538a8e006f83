"""The office pack's part of the demo workbook: realistic rows for the registers a township
Party-government office keeps beside its 督办台账, each with a few typical mistakes (noted per row)
so that `assistant demo` shows every kind of check. Dates are relative to the day the workbook is
made, like the tasks, so the demo looks the same whenever it is run."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any

Rows = list[list[Any]]

ROSTER_HEADERS = ["姓名", "单位", "科室", "编制类型", "用工性质", "状态", "到岗日期", "是否领导", "手机", "邮箱"]
ROSTER_WIDTHS = [9, 12, 9, 9, 9, 8, 12, 9, 15, 26]

ROSTER: Rows = [
    ["张建国", "镇领导班子", "党委", "党政", "在编", "在岗", dt.date(2019, 3, 1), "是", "13981300001", "zhangjg@example.gov.cn"],
    ["李明", "镇领导班子", "政府", "党政", "在编", "在岗", dt.date(2021, 6, 15), "是", "13981300002", "liming@example.gov.cn"],
    ["王芳", "党政办", "文秘", "党政", "在编", "在岗", dt.date(2018, 7, 1), "否", "13981300003", "wangfang@example.gov.cn"],
    ["赵磊", "党政办", "信息", "党政", "在编", "在岗", dt.date(2020, 8, 10), "否", "13981300004", "zhaolei@example.gov.cn"],
    ["刘洋", "经济发展办", "综合", "党政", "在编", "在岗", dt.date(2017, 5, 2), "否", "13981300005", "liuyang@example.gov.cn"],
    ["陈静", "社会事务办", "民政", "党政", "在编", "抽调", dt.date(2016, 9, 1), "否", "13981300006", "chenjing@example.gov.cn"],
    # a digit short
    ["杨帆", "综治中心", "网格", "无", "临聘", "在岗", dt.date(2024, 3, 1), "否", "1398130007", "yangfan@example.gov.cn"],
    # phone stored as a number (fine), e-mail without its domain (a warning)
    ["黄伟", "党政办", "驾驶员", "工勤", "在编", "在岗", dt.date(2015, 4, 1), "否", 13981300008, "huangwei@example"],
    ["周婷", "党建办", "组织", "党政", "在编", "在岗", dt.date(2022, 1, 10), "否", "139 8130 0009", "zhouting@example.gov.cn"],
    ["吴刚", "应急办", "安全", "党政", "在编", "病休", dt.date(2014, 10, 8), "否", "13981300010", "wugang@example.gov.cn"],
    # 在职 is not a status of the list
    ["孙丽", "党政办", "综合", "无", "临聘", "在职", dt.date(2025, 2, 17), "否", "13981300011", ""],
    ["郑强", "规划建设办", "村建", "党政", "在编", "在岗", dt.date(2019, 11, 1), "否", "13981300012", "zhengqiang@example.gov.cn"],
    ["孙志强", "镇领导班子", "政府", "党政", "在编", "在岗", dt.date(2022, 9, 1), "是", "13981300013", "sunzq@example.gov.cn"],
    # still 在岗 here, but 人员变动 says 抽调 since
    ["钱进", "经济发展办", "招商", "党政", "在编", "在岗", dt.date(2020, 4, 20), "否", "13981300014", "qianjin@example.gov.cn"],
    # arrival typed 2062 for 2026
    ["马晓燕", "社会事务办", "社保", "无", "借调", "在岗", dt.date(2062, 3, 2), "否", "13981300015", "maxy@example.gov.cn"],
    # a temporary hire cannot hold a 工勤 post
    ["何志远", "综治中心", "综治", "工勤", "临聘", "在岗", dt.date(2025, 6, 1), "否", "13981300016", "hezy@example.gov.cn"],
    ["宋涛", "经济发展办", "统计", "党政", "在编", "离职", dt.date(2018, 3, 1), "否", "13981300017", "songtao@example.gov.cn"],
    # entered twice
    ["张伟", "规划建设办", "环保", "党政", "在编", "在岗", dt.date(2023, 7, 3), "否", "13981300018", "zhangwei@example.gov.cn"],
    ["张伟", "规划建设办", "环保", "党政", "在编", "在岗", dt.date(2023, 7, 3), "否", "13981300018", "zhangwei@example.gov.cn"],
    # 在编 with 编制类型 无
    ["林晓", "农业服务中心", "农技", "无", "在编", "在岗", dt.date(2021, 9, 1), "否", "13981300019", "linxiao@example.gov.cn"],
]


def _quotas(today: dt.date) -> Rows:
    return [
        ["镇领导班子", 9, 0], ["党政办", 6, 2], ["经济发展办", 5, 0], ["社会事务办", 6, 0],
        ["综治中心", 4, 0], ["党建办", 3, 0],
        ["应急办", 3, -1],  # a negative count
        ["规划建设办", "4人", 0],  # a unit typed after the number
        ["经济发展办", 5, 0],  # the same unit twice
        # 农业服务中心 (in the roster) has no row
    ]


def _changes(today: dt.date) -> Rows:
    d = _days(today)
    return [
        [d(-700), "黄伟", "党政办", "调入", "区机关事务管理局", "凤组[2024]7号"],  # [ ] for 〔 〕
        [d(-420), "马晓燕", "社会事务办", "调入", "区民政局（借调）", "凤组〔2025〕18号"],
        [d(-300), "陈静", "社会事务办", "抽调", "区第三轮巡察组", "凤组〔2026〕3号"],
        [d(-200), "何志远", "综治中心", "临聘入职", "社会招聘", ""],
        [d(-150), "宋涛", "经济发展办", "离职", "辞职", ""],
        [d(-90), "钱进", "经济发展办", "抽调", "区重点项目指挥部", ""],  # 抽调 without approval
        [d(-60), "周婷", "党建办", "抽调", "区委组织部", "凤组〔2026〕9号"],
        [d(-30), "刘强", "经济发展办", "调出", "区发改委", "凤组〔2026〕11号"],  # not in the roster
        [d(-20), "周婷", "党建办", "返岗", "区委组织部", ""],  # her latest: back at work
        [d(5), "李娜", "综治中心", "临聘入职", "社会招聘", ""],  # dated in the future
    ]


def _backups(today: dt.date) -> Rows:
    return [
        ["机要文书", "王芳", "赵磊"],
        ["财务报账", "刘洋", "刘洋"],  # A and B the same person
        ["信访接待", "陈静", "杨帆"],  # A is 抽调: only B at work (a warning)
        ["安全生产", "吴刚", "宋涛"],  # 病休 and 离职: nobody at work
        ["公车管理", "黄伟", "郑强"],
        ["档案管理", "赵磊", "李华"],  # 李华 is not in the roster
    ]


_STAFF = ["王芳", "赵磊", "刘洋", "周婷", "郑强", "黄伟", "张伟", "杨帆"]
_LEADERS = ["张建国", "李明", "孙志强"]
DUTY_PHONE = "025-57123456"


def _duty(today: dt.date) -> Rows:
    """The running month, every day but the 10th; the 15th twice."""
    last = calendar.monthrange(today.year, today.month)[1]
    rows: Rows = []
    for day in range(1, last + 1):
        if day == 10:
            continue
        date = today.replace(day=day)
        row = [date, _STAFF[day % len(_STAFF)], _LEADERS[day % len(_LEADERS)], DUTY_PHONE]
        if day == 3:
            row[1] = "陈静"  # 抽调: not at work
        if day == 5:
            row[2] = "王芳"  # not a leader
        if day == 7:
            row[3] = "5712345"  # no area code, a digit short
        rows.append(row)
        if day == 15:
            rows.append([date, "赵磊", "李明", DUTY_PHONE])  # the same day twice
    return rows


def _seals(today: dt.date) -> Rows:
    d = _days(today)
    return [
        [1, d(-30), "刘洋", "凤凰镇招商引资项目合作协议", "合同签订", 4, "李明", "王芳"],
        [2, d(-28), "陈静", "关于申请困难群众临时救助资金的请示", "上报材料", 2, "李明", "王芳"],
        [3, d(-25), "郑强", "村道路改造工程竣工验收意见", "工程验收", 3, "孙志强", "王芳"],
        [4, d(-21), "周婷", "2026年度党员发展计划", "上报材料", 1, "张建国", "王芳"],
        [5, d(-18), "吴刚", "安全生产大检查情况报告", "上报材料", 0, "李明", "王芳"],  # 0 copies
        [6, d(-15), "李明", "关于申请农村公路养护资金的报告", "上报材料", 2, "李明", "王芳"],  # approved himself
        [8, d(-12), "赵磊", "政务信息报送工作情况说明", "上报材料", 1, "张建国", "王芳"],  # 7 skipped
        [9, d(-9), "杨帆", "居民户籍情况证明", "开具证明", 1, "王芳", "王芳"],  # 王芳 is no leader
        [10, d(-6), "刘洋", "重点项目征地补偿协议", "合同签订", 6, "孙志强", "王芳"],
        [10, d(-4), "郑强", "自来水管网维修工程合同", "合同签订", 4, "李明", "王芳"],  # 10 twice
        [11, d(3), "王芳", "年度工作总结", "上报材料", 2, "张建国", "王芳"],  # dated in the future
    ]


def _documents(today: dt.date) -> Rows:
    d = _days(today)
    return [
        ["SW-2026-001", d(-40), "区委办公室", "宁委办发〔2026〕31号", "关于做好冬季森林防火工作的通知", "平件", "吴刚", None, "已办结", d(-32)],
        ["SW-2026-002", d(-25), "区应急管理局", "宁应急〔2026〕45号", "关于开展安全生产大检查的通知", "加急", "郑强", d(-20), "办理中", None],
        ["SW-2026-003", d(-12), "区民政局", "宁民发〔2026〕12号", "关于开展困难群众走访慰问的通知", "平件", "刘洋", None, "办理中", None],
        ["SW-2026-004", d(-3), "区政府办公室", "宁政办发〔2026〕88号", "关于报送年度工作总结的通知", "特急", "王芳", None, "待办", None],
        ["SW-2026-005", d(-5), "区农业农村局", "宁农发(2026)7号", "关于做好秋冬种工作的通知", "平件", "刘洋", d(10), "办理中", None],  # ( ) for 〔 〕
        ["SW-2026-006", d(-8), "区信访局", "宁信〔2026〕5号", "关于做好信访积案化解工作的通知", "加急", "张三", d(-4), "办理中", None],  # 张三 unknown
        ["SW-2026-007", d(-6), "区财政局", "宁财〔2026〕60号", "关于做好年终决算工作的通知", "平件", "赵磊", d(-9), "办理中", None],  # before 收文日期
        ["SW-2026-009", d(-2), "区卫健委", "宁卫〔2026〕21号", "关于开展冬季爱国卫生运动的通知", "平件", "郑强", None, "已办结", None],  # 008 skipped; no 办结日期
        ["SW-2026-010", d(-1), "区教育局", "宁教〔2026〕33号", "关于做好校园周边安全整治的通知", "急件", "周婷", d(6), "待办", None],  # 急件
    ]


def _meetings(today: dt.date) -> Rows:
    d = _days(today)
    return [
        ["第21次党委会", "党委会", d(-40), "张建国", "张建国、李明、孙志强、周婷", "", "王芳",
         "秸秆禁烧工作", "成立工作专班，分片包干", "DB-2026-001"],
        ["第9次政府常务会", "政府常务会", d(-15), "李明", "李明、孙志强、刘洋、吴刚", "吴刚", "王芳",
         "冬季森林防火", "储备防火物资", "DB-2026-006"],  # 吴刚 present and absent
        ["第3次党政联席会", "党政联席会", d(-10), "张建国", "张建国、李明、孙志强", "", "",
         "年度重点项目推进", "倒排工期，每周调度", ""],  # no 记录人
        ["农贸市场整治专题会", "专题会", d(-7), "孙志强", "孙志强、郑强、杨帆", "", "赵磊",
         "农贸市场噪音投诉", "", ""],  # no 议定事项
        ["信息报送推进会", "专题会", d(-3), "王芳", "王芳、赵磊", "", "赵磊",
         "信息报送", "每月每单位至少报送2篇", "DB-2026-099"],  # 王芳 no leader; no such task
        ["周一碰头会", "碰头会", d(-1), "李明", "李明、王芳", "", "赵磊", "本周工作安排", "按计划推进", ""],  # 碰头会
    ]


def _month_start(today: dt.date, back: int) -> dt.date:
    y, m = divmod(today.year * 12 + today.month - 1 - back, 12)
    return dt.date(y, m + 1, 1)


def _reports(today: dt.date) -> Rows:
    """Two completed months and the running one; 2 reports per unit and month are expected."""
    m2, m1, m0 = (_month_start(today, k) for k in (2, 1, 0))
    r = lambda day, title, unit, who, level: [day, title, unit, who, level]  # noqa: E731
    return [
        r(m2 + dt.timedelta(2), "我镇扎实推进秸秆禁烧工作", "党政办", "赵磊", "区级"),
        r(m2 + dt.timedelta(5), "凤凰镇招商引资签约3个项目", "经济发展办", "刘洋", "市级"),
        r(m2 + dt.timedelta(8), "社会事务办开展重阳节敬老活动", "社会事务办", "陈静", "区级"),
        r(m2 + dt.timedelta(11), "综治中心化解一起邻里纠纷", "综治中心", "杨帆", "未采用"),
        r(m2 + dt.timedelta(14), "我镇召开安全生产工作会议", "党政办", "赵磊", "国家级"),  # not a level
        r(m2 + dt.timedelta(17), "经济发展办走访规上企业", "经济发展办", "刘洋", "区级"),
        r(m2 + dt.timedelta(20), "凤凰镇完成低保年审", "社会事务办", "陈静", "未采用"),
        r(m2 + dt.timedelta(22), "网格员入户走访排查隐患", "综治中心", "杨帆", "区级"),
        r(m2 + dt.timedelta(25), "党政办开展公文写作培训", "党政办", "王芳", "未采用"),
        r(m1 + dt.timedelta(3), "我镇开展冬季森林防火宣传", "党政办", "赵磊", "市级"),
        r(m1 + dt.timedelta(9), "重点项目征地工作有序推进", "经济发展办", "刘洋", "区级"),  # its only one
        r(m1 + dt.timedelta(12), "凤凰镇开展困难群众走访慰问", "社会事务办", "陈静", "区级"),
        r(m1 + dt.timedelta(19), "社会事务办推进医保参保缴费", "社会事务办", "马晓燕", "未采用"),
        r(m1 + dt.timedelta(24), "凤凰镇村级活动阵地焕新颜", "党政办", "周婷", "省级"),
        # 综治中心 sent nothing last month
        r(m0, "我镇部署年终岁末安全稳定工作", "综治中心", "何志远", "未采用"),
        r(m0, "凤凰镇农贸市场整治见成效", "党政办", "钱小明", "区级"),  # 钱小明 not in the roster (a warning)
    ]


def _vehicles(today: dt.date) -> Rows:
    def t(days: int, hh: int, mm: int = 0) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days), dt.time(hh, mm))

    car, ev = "苏A12345", "苏AD67890"
    return [
        [car, "黄伟", "李明", "赴区政府参加经济运行分析会", t(-20, 8, 30), t(-20, 12), 45210, 45268, "张建国"],
        [car, "黄伟", "孙志强", "巡查秸秆禁烧", t(-20, 12), t(-20, 17, 30), 45268, 45330, "李明"],  # starts as the last ends: fine
        [car, "黄伟", "王芳", "送报材料至区档案馆", t(-18, 9), t(-18, 11), 45330, 45352, "李明"],
        [car, "黄伟", "吴刚", "检查企业安全生产", t(-15, 14), t(-15, 17), 45300, 45340, "李明"],  # odometer went back
        [ev, "赵磊", "刘洋", "招商项目考察", t(-14, 8), t(-14, 18), 12050, 12230, "李明"],
        [ev, "黄伟", "郑强", "村道路验收", t(-14, 15), t(-14, 16, 30), 12230, 12262, "孙志强"],  # the car is out
        [car, "赵磊", "周婷", "赴区委组织部报送材料", t(-14, 17), t(-14, 18, 30), 45340, 45372, "张建国"],  # 赵磊 is driving
        [car, "黄伟", "李明", "赴区应急局参加防汛会议", t(-10, 9), t(-10, 8), 45372, 45390, "张建国"],  # back before out
        [car, "黄伟", "孙志强", "走访规上企业", t(-8, 8), t(-8, 12), 45390, 45350, "李明"],  # end below start
        ["苏A·12345", "黄伟", "郑强", "督查村道路施工", t(-5, 8), t(-5, 11), 45350, 45380, "李明"],  # a dot in the plate
        [ev, "赵磊", "陈静", "慰问困难群众", t(-3, 9), t(-3, 12), 12262, 12301, "王芳"],  # 王芳 no leader
    ]


def _petitions(today: dt.date) -> Rows:
    d = _days(today)
    return [
        ["XF-2026-001", d(-70), "陈国庆", "13851234567", "反映三组自来水管网漏水", "规划建设办", None, "办理中", None],
        ["XF-2026-002", d(-50), "刘桂英", "13912345678", "反映低保资格认定问题", "社会事务办", None, "已办结", d(-30)],
        ["XF-2026-003", d(-20), "赵德明", "1391234567", "反映邻里宅基地纠纷", "综治中心", d(10), "办理中", None],  # a digit short
        ["XF-2026-004", d(-15), "孙红梅", "13705181234", "反映拖欠农民工工资", "综治中心", d(-20), "受理", None],  # before 登记日期
        ["XF-2026-005", d(-5), "周建华", "15150551234", "反映道路施工扬尘", "规划建设办", None, "已办结", None],  # no 答复日期
        ["XF-2026-007", d(-2), "吴秀兰", "18951234567", "咨询城乡居民医保缴费", "社会事务办", None, "已答复", None],  # 006 skipped; 已答复
    ]


def _days(today: dt.date) -> Callable[[int], dt.date]:
    return lambda days: today + dt.timedelta(days=days)


# (sheet, headers, rows, column widths) of each office-pack register after tasks and roster
PACK: list[tuple[str, list[str], Callable[[dt.date], Rows], list[int]]] = [
    ("编制情况", ["单位", "党政编制", "工勤编制"], _quotas, [14, 10, 10]),
    ("人员变动", ["日期", "姓名", "单位", "变动类型", "去向或来源", "审批文号"], _changes, [12, 9, 12, 10, 18, 18]),
    ("岗位AB角", ["岗位", "A角", "B角"], _backups, [14, 9, 9]),
    ("值班表", ["日期", "值班人员", "带班领导", "值班电话"], _duty, [12, 10, 10, 15]),
    ("用印登记", ["序号", "日期", "申请人", "文件名称", "用印事由", "份数", "审批人", "经办人"], _seals,
     [6, 12, 9, 32, 10, 6, 9, 9]),
    ("收文登记", ["收文编号", "收文日期", "来文单位", "文号", "标题", "紧急程度", "承办人", "办理时限", "办理状态", "办结日期"],
     _documents, [13, 12, 14, 20, 32, 9, 9, 12, 9, 12]),
    ("会议记录", ["会议名称", "会议类型", "会议日期", "主持人", "参会人员", "缺席人员", "记录人", "议题", "议定事项", "督办编号"],
     _meetings, [18, 11, 12, 9, 26, 10, 9, 16, 24, 13]),
    ("信息报送", ["报送日期", "标题", "报送单位", "撰稿人", "采用级别"], _reports, [12, 32, 12, 9, 9]),
    ("公车使用", ["车牌号", "驾驶员", "用车人", "事由", "出车时间", "返回时间", "起始里程", "结束里程", "审批人"], _vehicles,
     [11, 9, 9, 26, 17, 17, 10, 10, 9]),
    ("信访接待", ["登记编号", "登记日期", "来访人", "联系电话", "反映事项", "承办单位", "办理时限", "办理状态", "答复日期"],
     _petitions, [13, 12, 9, 14, 28, 12, 12, 9, 12]),
]
