from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(text: str) -> str:
    """Search key for a Chinese name: initials and full pinyin, e.g. 新华中学 -> "xhzx xinhuazhongxue"."""
    if not text:
        return ""
    initials = "".join(p[:1] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()
    full = "".join(lazy_pinyin(text, errors="default")).lower()
    return f"{initials} {full}"[:400]
