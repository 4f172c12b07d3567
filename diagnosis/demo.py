"""The demo project: an online shop's service centre, August 2025 (the case in PRODUCT.md).

9,872 inquiries (+12% on July), online 68% (WeChat 40%, web chat 28%), phone 32%; CSAT down,
complaint rate 3.2% (July 2.5%); a new app release drove a peak of 1,256 inquiries in a day.
The texts are written in both languages; `demo_project(lang)` picks one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from diagnosis import catalog
from diagnosis.i18n import pick
from diagnosis.demo_tickets import LAUNCH, PROJECT_DEFINITIONS, demo_ticket_data
from diagnosis.project.model import (
    Cause,
    CheckIn,
    EvaluationRecord,
    Fishbone,
    Measure,
    Meta,
    Project,
    QuestionnaireRef,
)

QUESTIONNAIRE = "customer_service_diagnosis"
Bi = tuple[str, str]


# (category, (zh, en), ticket count, frequency, impact, stage, votes, children)
CAUSES: list[tuple[str, Bi, float | None, str, str, str, dict[str, int], list[Any]]] = [
    ("machine", ("客户历史记录未同步，客服需让客户重复描述", "Customer history not synced; customers repeat themselves"), 1450, "high", "high", "information_gathering",
     {"王经理": 2, "李敏": 1, "张伟": 1, "陈顾问": 2, "赵工": 1},
     [(("微信与电话渠道账户未打通", "WeChat and phone accounts not linked"), 900, [(("缺少统一客户ID", "No single customer ID"), 900, [])]),
      (("CRM 与工单系统无接口", "No interface between CRM and ticket system"), 550, [])]),
    ("material", ("知识库未随新版本更新", "Knowledge base not updated for the new app release"), 780, "high", "high", "handling",
     {"李敏": 2, "张伟": 1, "陈顾问": 1}, [(("知识库无人负责维护", "Nobody owns the knowledge base"), None, [])]),
    ("method", ("退款需三级审批", "Refunds need three approvals"), 640, "medium", "high", "handling",
     {"王经理": 1}, [(("审批规则多年未复核", "Approval rules not reviewed for years"), None, [])]),
    ("people", ("客服不熟悉新功能", "Agents unfamiliar with the new app features"), 620, "high", "medium", "handling",
     {"王经理": 1, "李敏": 1, "赵工": 1},
     [(("新版本培训未覆盖全部客服", "Release training did not reach every agent"), 420, []),
      (("培训材料晚于上线发布", "Training material published after the release"), 200, [])]),
    ("environment", ("10:00-12:00 排班不足，电话排队超 5 分钟", "10:00-12:00 understaffed; phone queue over 5 minutes"), 560, "high", "medium", "information_gathering",
     {"张伟": 2}, []),
    ("machine", ("机器人无法识别促销类问题", "Bot cannot recognise promotion questions"), 520, "medium", "medium", "information_gathering",
     {"赵工": 2}, []),
    ("material", ("促销规则说明不完整", "Promotion rules incompletely documented"), 410, "medium", "medium", "handling", {"李敏": 1}, []),
    ("method", ("跨部门转接职责不清", "Unclear responsibilities in cross-department transfers"), 380, "medium", "high", "handling",
     {"陈顾问": 1, "张伟": 1}, []),
    ("machine", ("系统卡顿，查询订单慢", "System lag when looking up orders"), 310, "medium", "low", "handling", {"赵工": 1}, []),
    ("environment", ("缺少跨部门协作机制", "No cross-department coordination mechanism"), 240, "low", "high", "follow_up", {}, []),
    ("environment", ("新版本上线未提前通知客服", "Service team not told before the release"), 200, "low", "medium", "information_gathering", {"王经理": 1}, []),
    ("people", ("缺少分层培训", "No tiered agent training"), 180, "low", "medium", "handling", {}, []),
    ("material", ("退款解决方案不完整", "Incomplete refund solutions"), 160, "low", "medium", "handling", {}, []),
    ("method", ("无回访闭环", "No return-visit loop"), 120, "low", "medium", "follow_up", {"陈顾问": 1}, []),
    ("people", ("高峰期临时人员经验不足", "Temporary peak staff lack experience"), 95, "low", "low", "handling", {}, []),
    ("machine", ("工单系统无法按问题类型统计", "Ticket system cannot report by problem type"), None, "low", "low", "follow_up", {}, []),
]


def _children(items: list[Any], category: str, lang: str, prefix: str) -> list[Cause]:
    out = []
    for n, (text, value, grandchildren) in enumerate(items, start=1):
        cid = f"{prefix}_{n}"
        out.append(
            Cause(id=cid, category=category, text=pick(lang, *text), value=value, unit=pick(lang, "工单", "tickets") if value else "",
                  children=_children(grandchildren, category, lang, cid))
        )
    return out


def demo_fishbone(lang: str = "zh") -> Fishbone:
    causes = []
    for n, (category, text, value, freq, impact, stage, votes, children) in enumerate(CAUSES, start=1):
        cid = f"c{n:02d}"
        causes.append(
            Cause(
                id=cid, category=category, text=pick(lang, *text), value=value, unit=pick(lang, "工单", "tickets") if value else "",
                frequency=freq, impact=impact, stage=stage, votes=dict(votes), author="工作坊 / workshop",
                evidence=pick(lang, "8月工单导出，按问题标签统计", "August ticket export, counted by problem tag") if value else "",
                children=_children(children, category, lang, cid),
            )
        )
    causes[0].evidence = pick(lang, "历史未同步导致 40% 的转接；62% 的客户在商品咨询与订单查询间重复提问",
                              "History not synced causes 40% of transfers; 62% of customers repeat their question between product and order inquiry")
    return Fishbone(
        problem=pick(lang, "8月投诉率升至 3.2%，满意度下降 1.2，咨询量环比 +12%", "August complaint rate up to 3.2%, CSAT down 1.2, inquiries +12% month on month"),
        causes=causes,
        confirmed=["c01", "c02", "c03", "c04", "c05", "c06"],
    )


D = dt.date


def demo_measures(lang: str = "zh") -> list[Measure]:
    rows = [
        ("c02", ("按新版本更新知识库并指定负责人", "Update the knowledge base for the release and name an owner"), ("李敏", "Li Min"), ("客服运营", "Service operations"),
         D(2025, 9, 1), D(2025, 9, 20), 5, 5, 1, ("知识库命中率", "Knowledge-base hit rate"), 55, 85,
         ("产品资料滞后", "Product material late"), ("产品经理每周同步一次变更", "Product manager syncs changes weekly")),
        ("c05", ("10:00-12:00 增加 4 名弹性排班", "Add 4 flexible agents for 10:00-12:00"), ("张伟", "Zhang Wei"), ("人力资源", "HR"),
         D(2025, 9, 1), D(2025, 9, 15), 5, 4, 2, ("电话排队时长（分钟）", "Phone queue time (min)"), 5.5, 2.5,
         ("临时人员不足", "Not enough temporary staff"), ("由二线客服支援高峰", "Second-line agents cover the peak")),
        ("c04", ("新功能分层培训与考试", "Tiered training and test on the new features"), ("王经理", "Manager Wang"), ("培训部", "Training"),
         D(2025, 9, 1), D(2025, 9, 28), 4, 4, 2, ("一次解决率（%）", "First-contact resolution (%)"), 76, 85,
         ("培训占用排班", "Training takes agents off the roster"), ("分批在低峰时段培训", "Train in batches in off-peak hours")),
        ("c03", ("退款审批由三级简化为一级（500 元以下）", "Cut refund approval from three levels to one (under 500 yuan)"), ("陈顾问", "Consultant Chen"), ("财务部", "Finance"),
         D(2025, 9, 8), D(2025, 11, 15), 4, 5, 3, ("退款解决时长（小时）", "Refund resolution time (h)"), 5.4, 2.5,
         ("财务风控不同意", "Finance risk control objects"), ("先在小额订单试点", "Pilot on small orders first")),
        ("c06", ("机器人增加促销意图识别", "Add promotion intents to the bot"), ("赵工", "Engineer Zhao"), ("IT 部", "IT"),
         D(2025, 9, 8), D(2025, 11, 30), 3, 4, 3, ("机器人分流准确率（%）", "Bot routing accuracy (%)"), 62, 85,
         ("语料不足", "Too little training data"), ("人工标注 2,000 条历史对话", "Label 2,000 past conversations by hand")),
        ("c01", ("CRM 与工单系统集成，统一客户ID", "Integrate CRM with the ticket system under one customer ID"), ("赵工", "Engineer Zhao"), ("IT 部", "IT"),
         D(2025, 9, 15), D(2026, 2, 28), 4, 5, 5, ("重复描述率（%）", "Repeat-description rate (%)"), 60, 10,
         ("接口开发延期", "Integration late"), ("临时人工同步客户历史", "Temporary manual sync of customer history")),
        ("c01", ("客服工作台显示跨渠道历史（过渡方案）", "Show cross-channel history in the agent desktop (interim)"), ("赵工", "Engineer Zhao"), ("IT 部", "IT"),
         D(2025, 9, 1), D(2025, 10, 20), 4, 4, 3, ("转接率（%）", "Transfer rate (%)"), 18, 10,
         ("数据权限审批慢", "Data-access approval slow"), ("先开放只读视图", "Open a read-only view first")),
    ]
    # yuan: one-off investment, running cost per year, expected yearly savings or retained value
    money = [(8_000, 2_000, 36_000), (0, 96_000, 120_000), (15_000, 0, 40_000), (5_000, 0, 60_000),
             (30_000, 6_000, 80_000), (200_000, 20_000, 180_000), (20_000, 0, 30_000)]
    out = []
    for n, ((cause, title, owner, dept, start, due, urg, imp, cost, metric, mfrom, mto, risk, cont), (once, yearly, benefit)) in enumerate(zip(rows, money), start=1):
        out.append(
            Measure(
                id=f"m{n:02d}", root_cause=cause, title=pick(lang, *title), problem=next(pick(lang, *c[1]) for i, c in enumerate(CAUSES, 1) if f"c{i:02d}" == cause),
                steps=pick(lang, "1. 制定方案 2. 试点 3. 全面推广 4. 复盘", "1. Plan 2. Pilot 3. Roll out 4. Review"),
                owner=pick(lang, *owner), department=pick(lang, *dept), start=start, due=due,
                budget=pick(lang, "按部门预算", "Within department budget"), people=pick(lang, "2 人", "2 people"),
                system_access=pick(lang, "工单系统管理员", "Ticket system admin") if cost >= 3 else "",
                metric=pick(lang, *metric), metric_from=mfrom, metric_to=mto, risk=pick(lang, *risk), contingency=pick(lang, *cont),
                urgency=urg, importance=imp, cost=cost, invest_once=once, invest_yearly=yearly, benefit_yearly=benefit,
            )
        )
    return out


def demo_checkins(lang: str = "zh") -> list[CheckIn]:
    rows = [
        ("m01", D(2025, 9, 5), "on_track", 30, "", "", ""),
        ("m01", D(2025, 9, 12), "on_track", 70, "", "", ""),
        ("m01", D(2025, 9, 19), "done", 100, "", "", ""),
        ("m02", D(2025, 9, 5), "on_track", 50, "", "", ""),
        ("m02", D(2025, 9, 12), "done", 100, "", "", ""),
        ("m03", D(2025, 9, 12), "on_track", 40, "", "", ""),
        ("m03", D(2025, 9, 26), "at_risk", 70, ("两个班组培训未完成", "Two teams not yet trained"), ("国庆排班紧张", "Tight National Day roster"), ("10月第一周补训", "Make-up sessions in the first week of October")),
        ("m07", D(2025, 9, 19), "on_track", 40, "", "", ""),
        ("m07", D(2025, 10, 10), "late", 60, ("集成延迟 3 天", "Integration 3 days late"), ("数据权限审批慢", "Data-access approval slow"), ("先上线只读视图，10月底完成", "Ship the read-only view first, finish by end of October")),
        ("m06", D(2025, 10, 10), "on_track", 15, "", "", ""),
    ]
    out = []
    for n, (measure, day, status, progress, deviation, cause, adjusted) in enumerate(rows, start=1):
        out.append(CheckIn(id=f"k{n:02d}", measure=measure, date=day, status=status, progress=progress,
                           deviation=pick(lang, *deviation) if deviation else "", cause=pick(lang, *cause) if cause else "",
                           adjusted_plan=pick(lang, *adjusted) if adjusted else "", author="王经理"))
    return out


def demo_evaluation(lang: str = "zh") -> EvaluationRecord:
    """Months 1 and 3 after the launch, each value computed from that month's export."""
    return EvaluationRecord(launch=LAUNCH, values=demo_ticket_data(lang)[2])


def demo_answers(lang: str) -> dict[str, Any]:
    def t(zh: str, en: str) -> str:
        return pick(lang, zh, en)

    return {
        "project_name": t("在线商城客服中心流程诊断", "Online shop service centre diagnosis"),
        "problem_statement": t("8月咨询量 9,872 次（环比 +12%），投诉率由 2.5% 升至 3.2%，满意度由 89.7 降至 88.5（百分制）；新版 App 上线当天咨询 1,256 次，一半是“新功能怎么用”。",
                               "August: 9,872 inquiries (+12% on July), complaint rate up from 2.5% to 3.2%, CSAT down from 89.7 to 88.5 (of 100); the new app release drove 1,256 inquiries in a day, half of them 'how do I use this feature'."),
        "metrics": demo_ticket_data(lang)[1],
        "team": [
            {"role": "service_manager", "name": t("王经理", "Manager Wang"), "department": t("客服中心", "Service centre")},
            {"role": "frontline_agent", "name": t("李敏", "Li Min"), "department": t("在线客服组", "Online team")},
            {"role": "frontline_agent", "name": t("张伟", "Zhang Wei"), "department": t("电话客服组", "Phone team")},
            {"role": "process_expert", "name": t("陈顾问", "Consultant Chen"), "department": t("外部顾问", "External consultant")},
            {"role": "it_support", "name": t("赵工", "Engineer Zhao"), "department": t("IT 部", "IT")},
        ],
        "scope_in": ["presales_consultation", "after_sales_complaints", "returns_exchanges"],
        "scope_out": ["billing"],
        "trigger": ["efficiency_bottleneck", "new_system_or_service_line"],
        "channels": ["phone", "wechat", "web_chat", "app"],
        "has_ticket_export": True,
        "process_documents": ["sop", "service_manual"],
        "documents_up_to_date": "partly_outdated",
        "period_start": "2025-07-01",
        "period_end": "2025-08-31",
        "months_covered": 2,
        # the customer the August export shows with two complaints in its last 30 days
        "interviews": [
            {"customer": t("客户 C2387604（两次投诉）", "Customer C2387604 (2 complaints)"), "date": "2025-08-26", "complaints_30d": 2,
             "key_quote": t("每次转接都要重新说一遍订单号", "Every transfer I have to repeat my order number"), "notes": ""},
        ],
        "competitor_benchmark": [
            {"competitor": t("同行 X", "Peer X"), "channel": t("微信", "WeChat"), "response_standard": t("30 秒内响应", "Reply within 30 s"), "notes": ""},
        ],
        "ticket_volume": 9872,
        "agent_count": 14,
        "customers_with_problem": 1200,
        "survey_sample": 420,
        "survey_efficiency": 3,
        "survey_professionalism": 4,
        "survey_attitude": 4,
        "survey_convenience": 3,
        "obstacles": ["complex_systems", "missing_permissions", "slow_cross_department"],
        "obstacles_notes": t("查订单要切换三个系统；退款需找财务确认；新功能资料晚于上线。",
                             "Looking up an order means switching between three systems; refunds need Finance to confirm; feature material arrived after the release."),
        "problem_classification": [
            {"problem": t("客户重复描述问题", "Customers repeat their problem"), "stage": "information_gathering", "frequency": "high", "impact": "high"},
            {"problem": t("退款处理超过 5 小时", "Refunds take over 5 hours"), "stage": "handling", "frequency": "medium", "impact": "high"},
            {"problem": t("新功能问题答复不一致", "Inconsistent answers on new features"), "stage": "handling", "frequency": "high", "impact": "medium"},
            {"problem": t("投诉处理后无回访", "No return visit after complaints"), "stage": "follow_up", "frequency": "low", "impact": "medium"},
        ],
        "pareto_basis": "ticket_count",
        "root_causes_verified": True,
        "checkin_weekday": "fri",
        "resources_confirmed": True,
        "review_notes": t("3个月时首次响应、3 分钟响应率、电话高峰响应、投诉率和退款解决时长均达标；满意度 93.0 未达 96 的目标，需在下一轮聚焦。",
                          "At 3 months first response, the 3-minute response rate, the phone peak, the complaint rate and refund resolution met their targets; CSAT 93.0 missed the target of 96 and is the next cycle's focus."),
        "overall_rating": 4,
        "standardized": ["sop_updated", "knowledge_base_updated"],
        "next_cycle_focus": t("满意度：回访流程与服务话术", "CSAT: return visits and service scripts"),
        "plan_start": "2025-09-01",
        "launch_date": "2025-09-15",
    }


def demo_project(lang: str = "zh") -> Project:
    entry = catalog.get(QUESTIONNAIRE)
    q = entry.questionnaire
    answers = demo_answers(lang)
    created = dt.datetime(2025, 8, 25, 9, 0, tzinfo=dt.timezone.utc)
    return Project(
        meta=Meta(
            id="demo",
            title=pick(lang, "在线商城客服中心流程诊断（2025年8月）", "Online shop service centre diagnosis (August 2025)"),
            organization=pick(lang, "某在线商城客服中心", "An online shop's service centre"),
            language=lang,
            created=created,
            updated=created,
        ),
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, hash=entry.hash),
        answers=answers,
        fishbone=demo_fishbone(lang),
        measures=demo_measures(lang),
        checkins=demo_checkins(lang),
        evaluation=demo_evaluation(lang),
        data=demo_ticket_data(lang)[0],
        metric_definitions=list(PROJECT_DEFINITIONS),
    )
