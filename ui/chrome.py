"""Streamlit's own interface words in the page's language, and the sidebar's long labels whole.

Streamlit 1.67 has no translation of its widgets' chrome: the uploader's "Upload" and "200MB per
file", the table toolbar ("Add row", "Search", "Download as CSV", "Fullscreen"...), "Help for ..."
and "Remove ..." aria-labels, "Choose an option", "Select all", "Press Ctrl+Enter to apply". One
small script, drawn once per page by `streamlit_app.py` (guest pages too), puts them in Chinese on
Chinese pages: a MutationObserver rewrites the known texts as Streamlit draws them (and puts the
originals back after a switch to English). Text is rewritten only inside Streamlit's own widget
parts (`CHROME`), attributes (aria-label, placeholder, title) anywhere: user text is never touched
except where Streamlit wraps it ("Help for <label>"). The raw `:red[\\*]` of a required question's
label, which Streamlit copies into aria-labels, becomes "（必填）" / " (required)" in both languages.
The same script reloads a page whose main area stays without any text for 3 s while no script runs
(at most once in 10 minutes per address): Streamlit 1.67 now and then drops a page drawn right after
`st.switch_page` (the demo button, a new project), leaving it blank although the server drew it
(reported upstream as streamlit/streamlit#14709 and #14732; drop this part when a release fixes it).
The script also carries `ui.grid_keys.SCRIPT` (keys typed into a table land in the cell the grid shows).
The style makes the sidebar's links wrap instead of being cut ("Step 5: Implementation and
monitorin") and puts their lines flush left.
"""

from __future__ import annotations

import json

import streamlit as st

from ui import grid_keys

KEY = "chrome"
# exact texts (trimmed) and their Chinese
WORDS: dict[str, str] = {
    "Upload": "上传",
    "Browse files": "选择文件",
    "Drag and drop file here": "将文件拖放到此处",
    "Drag and drop files here": "将文件拖放到此处",
    "file upload": "上传文件",
    "Select all": "全选",
    "Clear all": "全部清除",
    "Clear": "清除",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "No results": "无结果",
    "No options to select.": "没有可选项。",
    "Add row": "添加一行",
    "Delete row": "删除行",
    "Delete rows": "删除行",
    "Show/hide columns": "显示/隐藏列",
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Close": "关闭",
    "Collapse sidebar": "收起侧边栏",
    "Expand sidebar": "展开侧边栏",
    "Show password": "显示密码",
    "Hide password": "隐藏密码",
    "Main menu": "主菜单",
    "Running...": "运行中…",
    "Stop": "停止",
    "Copy to clipboard": "复制到剪贴板",
}
# patterns (JavaScript regular expressions) and their Chinese
PATTERNS: list[tuple[str, str]] = [
    (r"^(?:Limit )?(\d+(?:\.\d+)?\s?[KMG]B) per file(.*)$", "每个文件不超过 $1$2"),
    (r"^Press (.+) to apply$", "按 $1 应用"),
    (r"^Press (.+) to submit form$", "按 $1 提交表单"),
    (r"^Help for (.+)$", "$1：说明"),
    (r"^Remove (.+)$", "移除 $1"),
    (r"^(\d+) selected$", "已选 $1 项"),
]
REQUIRED = {"zh": "（必填）", "en": " (required)"}
# where Streamlit draws its own words as text (not only attributes)
CHROME = ", ".join([
    '[data-testid="stFileUploaderDropzone"]', '[data-testid="stFileUploaderFile"]', '[data-testid="InputInstructions"]',
    '[data-baseweb="select"]', '[data-baseweb="popover"]', '[role="listbox"]', '[data-testid="stTooltipContent"]',
    '[data-testid="stStatusWidget"]', '[data-testid="stToolbar"]', '[data-testid="stDataFrameTooltipContent"]',
])

_SCRIPT = """
(() => {
  const cfg = %(cfg)s;
  const w = window;
  w.__pdChrome = cfg;
  if (w.__pdChromeObserver) { w.__pdChromeFix(document.body); return; }
  const patterns = () => w.__pdChrome.patterns.map(([p, r]) => [new RegExp(p), r]);
  let compiled = patterns(), compiledFor = w.__pdChrome;
  const say = (text) => {
    const c = w.__pdChrome;
    if (compiledFor !== c) { compiled = patterns(); compiledFor = c; }
    let out = text.replace(/ ?:red\\[\\\\\\*\\]/g, c.required);
    if (c.lang !== "zh") return out;
    const trimmed = out.trim();
    if (Object.prototype.hasOwnProperty.call(c.words, trimmed)) return out.replace(trimmed, c.words[trimmed]);
    for (const [re, to] of compiled) if (re.test(trimmed)) return out.replace(trimmed, trimmed.replace(re, to));
    return out;
  };
  const ATTRS = ["aria-label", "placeholder", "title"];
  const fixAttr = (el, name) => {
    const now = el.getAttribute(name);
    if (!now) return;
    const kept = el.__pd && el.__pd[name];
    const orig = kept && now === kept.out ? kept.orig : now;
    const out = say(orig);
    (el.__pd = el.__pd || {})[name] = {orig, out};
    if (out !== now) el.setAttribute(name, out);
  };
  const fixText = (node) => {
    const parent = node.parentElement;
    if (!parent || !parent.closest(w.__pdChrome.chrome)) return;
    const now = node.nodeValue;
    const orig = node.__pd && now === node.__pd.out ? node.__pd.orig : now;
    const out = say(orig);
    node.__pd = {orig, out};
    if (out !== now) node.nodeValue = out;
  };
  const fix = (root) => {
    if (!root) return;
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1) return;
    for (const name of ATTRS) if (root.hasAttribute(name)) fixAttr(root, name);
    for (const el of root.querySelectorAll("[aria-label], [placeholder], [title]")) for (const name of ATTRS) fixAttr(el, name);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) fixText(n);
  };
  w.__pdChromeFix = fix;
  w.__pdChromeObserver = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") fixAttr(r.target, r.attributeName);
      else if (r.type === "characterData") fixText(r.target);
      else for (const n of r.addedNodes) fix(n);
    }
  });
  w.__pdChromeObserver.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS});
  fix(document.body);
  // Streamlit 1.67 now and then leaves the main area blank after a page switch (the demo button, a new
  // project): the server drew the page, the browser dropped it. Every page of the app shows some text, so
  // a main area without any for 3 s while no script runs is that: reload the address (once in 10 minutes).
  let blank = 0;
  w.setInterval(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMain"]');
    const idle = app && app.getAttribute("data-test-script-state") === "notRunning";
    blank = idle && main && !main.innerText.trim() ? blank + 1 : 0;
    const key = "pd.reloaded:" + w.location.href;
    const last = Number(w.sessionStorage.getItem(key) || 0);
    if (blank >= 3 && Date.now() - last > 600000) {
      w.sessionStorage.setItem(key, String(Date.now()));
      w.location.reload();
    }
  }, 1000);
})();
"""

_STYLE = """
<style>
.st-key-%(key)s { display: none; }
section[data-testid="stSidebar"] [data-testid="stBaseButton-tertiary"] { justify-content: flex-start; text-align: left; max-width: 100%%; }
section[data-testid="stSidebar"] [data-testid="stBaseButton-tertiary"] * {
  white-space: normal; overflow: visible; text-overflow: clip; text-align: left; justify-content: flex-start; }
</style>
"""


def draw(lang: str) -> None:
    """Put Streamlit's own words in `lang` on this page (and keep the sidebar's labels whole)."""
    cfg = {"lang": lang, "words": WORDS, "patterns": PATTERNS, "required": REQUIRED.get(lang, REQUIRED["en"]), "chrome": CHROME}
    # json.dumps escapes nothing that could end the script but "</": none of the texts above has it
    script = _SCRIPT % {"cfg": json.dumps(cfg, ensure_ascii=False)} + grid_keys.SCRIPT
    with st.container(key=KEY):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
    st.html(_STYLE % {"key": KEY})  # style only: takes no room
