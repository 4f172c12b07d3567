"""Interface strings in Chinese and English (questionnaire texts come from the YAML).

`t("save.saved_ago", lang, ago="2 秒")` picks a string and fills its fields; a missing key is
a bug and raises KeyError.
"""

from __future__ import annotations

import datetime as dt

from diagnosis.errors import DiagnosisError
from diagnosis.i18n import pick

TEXTS: dict[str, tuple[str, str]] = {
    "nav.report": ("报告", "Report"),
    "nav.history": ("修改历史", "History"),
    "nav.share": ("邀请与建议", "Share"),
    "nav.join": ("参与", "Join"),
    "nav.suggest": ("建议", "Suggest"),
    "sidebar.sign_out": ("退出登录", "Sign out"),
    "app.title": ("流程诊断", "Process diagnosis"),
    "nav.projects": ("项目", "Projects"),
    "nav.step": ("第{n}步", "Step {n}"),
    "sidebar.no_project": ("尚未打开项目", "No project open"),
    "sidebar.untitled": ("未命名项目", "Untitled project"),
    "sidebar.steps": ("六个步骤", "The six steps"),
    "sidebar.progress": ("必填 {done}/{total}", "required {done}/{total}"),
    "sidebar.no_required": ("无必填问题", "no required questions"),
    "sidebar.prev": ("← 上一步", "← Previous"),
    "sidebar.next": ("下一步 →", "Next →"),
    "sidebar.language": ("语言", "Language"),
    "sidebar.author": ("您的姓名（记入修改历史）", "Your name (kept in the history)"),
    "save.saved_ago": ("已保存 {ago}前", "saved {ago} ago"),
    "save.never": ("尚未保存", "not saved yet"),
    "save.conflict": ("项目已被他人修改，已载入最新版本并合并了您的修改。", "Someone else changed the project; the latest version was loaded and your change merged into it."),
    "ago.seconds": ("{n} 秒", "{n} s"),
    "ago.minutes": ("{n} 分钟", "{n} min"),
    "ago.hours": ("{n} 小时", "{n} h"),
    "ago.days": ("{n} 天", "{n} days"),
    "step.no_project": ("请先在“项目”页新建或打开一个项目。", "Create or open a project on the Projects page first."),
    "step.go_projects": ("前往项目页", "Go to Projects"),
    "step.required_mark": (" :red[\\*]", " :red[\\*]"),
    "step.yes": ("是", "Yes"),
    "step.no": ("否", "No"),
    "step.choose": ("请选择", "Choose"),
    "step.draft_hint": ("离开输入框（或按 Ctrl+Enter）即保存；尚未保存的文字由本浏览器保留，重新载入页面后自动恢复并保存。",
                        "Saved when you leave the field (or press Ctrl+Enter); text not saved yet is kept by this browser and restored, then saved, after a reload."),
    "table.row": ("第 {n} 行", "Row {n}"),
    "table.full_text": ("全文（{n} 条较长的文字）", "Long texts in full ({n})"),
    "step.table_hint": ("双击单元格编辑；点击末尾空行或右上角 + 添加一行；选中行首后按 Delete 删除。", "Double-click a cell to edit; click the empty last row or + (top right) to add a row; select rows by their first cell and press Delete to remove them."),
    "step.table_waiting": ("同事刚修改了这张表：您停止编辑片刻后即显示（您的修改照常逐格保存）。", "A colleague just changed this table: it shows once you pause editing (your edits are saved cell by cell as usual)."),
    "projects.title": ("项目", "Projects"),
    "projects.intro": ("新建一次诊断、打开最近的项目或示例项目，或上传项目文件。每次修改都会立即保存。",
                       "Start a diagnosis, open a recent project or the demo, or upload a project file. Every change is saved at once."),
    "projects.current": ("当前项目", "Open project"),
    "projects.download": ("下载项目文件", "Download project file"),
    "projects.continue": ("继续填写", "Continue"),
    "projects.new": ("新建项目", "New project"),
    "projects.new_title": ("项目标题", "Project title"),
    "projects.new_title_placeholder": ("例如：2025年Q4 售后投诉流程优化", "e.g. Q4 2025 after-sales complaints"),
    "projects.questionnaire": ("问卷", "Questionnaire"),
    "projects.create": ("创建项目", "Create project"),
    "projects.custom_questionnaire": ("使用自己的问卷（YAML）", "Use your own questionnaire (YAML)"),
    "projects.upload_questionnaire": ("上传问卷 YAML", "Upload a questionnaire YAML"),
    "projects.questionnaire_errors": ("问卷有错误，请修正后重新上传：", "The questionnaire has problems; fix them and upload it again:"),
    "projects.questionnaire_ok": ("问卷“{title}”检查通过，可以用它创建项目。", "Questionnaire '{title}' is valid; you can create a project from it."),
    "projects.create_custom": ("用上传的问卷创建项目", "Create a project from the uploaded questionnaire"),
    "projects.demo": ("打开示例项目", "Open the demo project"),
    "projects.demo_help": ("在线商城客服中心，2025年8月：六个步骤全部填好的完整示例。", "An online shop's service centre, August 2025: a complete example with all six steps filled in."),
    "projects.recent": ("最近的项目", "Recent projects"),
    "projects.none": ("还没有项目。", "No projects yet."),
    "projects.open": ("打开", "Open"),
    "projects.delete": ("删除", "Delete"),
    "projects.confirm_delete": ("确定删除“{title}”吗？（修改历史会保留在数据库中）", "Delete '{title}'? (its history stays in the database)"),
    "projects.confirm": ("确认删除", "Yes, delete"),
    "projects.cancel": ("取消", "Cancel"),
    "projects.deleted": ("已删除“{title}”。", "Deleted '{title}'."),
    "projects.updated": ("更新于 {when}", "updated {when}"),
    "projects.upload": ("上传项目文件", "Upload a project file"),
    "projects.upload_help": ("*.diagnosis.yaml（或 JSON）。文件检查通过后才会打开，当前项目不受影响。",
                             "*.diagnosis.yaml (or JSON). It opens only once it validates; the open project is untouched otherwise."),
    "projects.upload_errors": ("无法打开“{name}”，当前项目保持不变：", "Cannot open '{name}'; the open project is unchanged:"),
    "projects.upload_ok": ("已打开“{name}”。", "Opened '{name}'."),
    "projects.upload_warnings": ("文件已打开，但有以下提示：", "The file opened, with these notes:"),
    "projects.upload_clash": ("“{name}”的项目编号与已保存的项目“{title}”（第 {revision} 版）相同。已保存的项目尚未改动，请选择如何打开：",
                              "'{name}' has the id of the stored project '{title}' (revision {revision}). The stored project is unchanged; choose how to open the file:"),
    "projects.upload_changes": ("若替换，已保存的项目将有以下变化：", "Replacing would change the stored project as follows:"),
    "projects.upload_moved": ("在此期间项目已被他人修改，上面是最新的变化，请重新选择。",
                              "Someone changed the project meanwhile; the changes above are the latest, choose again."),
    "projects.upload_gone": ("与“{name}”编号相同的已保存项目刚被删除，可以把文件作为新项目打开。",
                             "The stored project with the id of '{name}' was deleted meanwhile; you can open the file as a new project."),
    "projects.upload_as_new": ("作为新项目打开", "Open as a new project"),
    "projects.upload_replace": ("替换已保存的项目（可在修改历史中撤销）", "Replace the stored project (History can undo it)"),
    "projects.upload_cancel": ("取消", "Cancel"),
    "projects.upload_new_ok": ("已将“{name}”作为新项目“{title}”打开，原项目未改动。", "Opened '{name}' as a new project '{title}'; the stored one is unchanged."),
    "projects.upload_replaced": ("已用“{name}”替换项目（新的第 {revision} 版），可在修改历史中撤销。",
                                 "Replaced the project with '{name}' (new revision {revision}); History can undo it."),
    "projects.not_found": ("找不到项目“{id}”（可能已被删除）。", "Project '{id}' was not found (it may have been deleted)."),
}


def t(key: str, lang: str, **fields: object) -> str:
    """The text of `key` in `lang`, its fields made literal (`md`): they are user text or numbers."""
    text = pick(lang, *TEXTS[key])
    return text.format(**{k: md(v) for k, v in fields.items()}) if fields else text


def refusal(exc: DiagnosisError, lang: str) -> str:
    """A refusal of the core in the reader's language, made literal (`md`: it may quote user text)."""
    return md(exc.text(lang))


def ago(when: dt.datetime, lang: str, now: dt.datetime | None = None) -> str:
    """'2 秒' / '2 s': how long ago, in the largest unit that fits."""
    seconds = max(0, int(((now or dt.datetime.now(dt.UTC)) - when).total_seconds()))
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return t(f"ago.{unit}", lang, n=seconds // size)
    return t("ago.seconds", lang, n=seconds)


def md(text: object) -> str:
    """User (or questionnaire) text made literal for st.markdown, captions and labels.

    Markdown would otherwise turn it into links, images fetched from the internet,
    `:material/...:` icons or `:red[...]` colours.
    """
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~:$" else c for c in str(text))

