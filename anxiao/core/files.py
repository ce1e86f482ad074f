"""Uploaded photos and attachments: checked by content, stored under MEDIA_ROOT, served only
through access-checked views.

An app declares a concrete model on :class:`StoredFileBase` (with a foreign key to what the file
belongs to and ``scope_unit_fields``), calls :func:`check_upload` + :func:`store` from its actions,
and serves downloads with :func:`file_response` after ``get_visible_or_404``. Nothing under
MEDIA_ROOT has a public URL.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from .models import AnxiaoModel

IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("png", "image/png"),
                 "WEBP": ("jpg", "image/jpeg"), "BMP": ("jpg", "image/jpeg")}
# Documents recognised by their first bytes (never by the file name).
DOCUMENT_MAGIC = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"PK\x03\x04", "zip", "application/zip"),  # docx/xlsx/pptx are zip containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc", "application/msword"),  # legacy Office
]
MAX_IMAGE_SIDE = 2560
THUMB_SIDE = 320
MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding


@dataclass
class CheckedFile:
    content: bytes
    name: str
    ext: str
    content_type: str
    is_image: bool
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def max_bytes() -> int:
    return int(getattr(settings, "MAX_UPLOAD_MB", 20)) * 1024 * 1024


def _read(upload: Any, limit: int, field: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: [f"文件“{getattr(upload, 'name', '')}”超过 {limit // (1024 * 1024)} MB，不能上传"]})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({field: [f"文件“{getattr(upload, 'name', '')}”超过 {limit // (1024 * 1024)} MB，不能上传"]})
    if not data:
        raise ValidationError({field: [f"文件“{getattr(upload, 'name', '')}”是空文件"]})
    return data


def _check_image(data: bytes, name: str, field: str) -> CheckedFile:
    from PIL import Image, ImageOps, UnidentifiedImageError

    bad = ValidationError({field: [f"文件“{name}”不是有效的图片（只接受 JPEG、PNG、GIF、WebP、BMP 照片）"]})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise bad
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError({field: [f"图片“{name}”像素过大，请压缩后再上传"]})
            probe.verify()
        # verify() leaves the image unusable; decode again to re-encode. Re-encoding drops anything
        # appended to or hidden in the file and strips EXIF (location) data.
        with Image.open(io.BytesIO(data)) as opened:
            fmt = opened.format or ""
            img: Any = ImageOps.exif_transpose(opened)
            img.load()
            ext, ctype = IMAGE_FORMATS[fmt]
            if ext == "jpg":
                img = img.convert("RGB")
            elif img.mode not in ("RGB", "RGBA", "L", "LA"):
                img = img.convert("RGBA")
            img.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            out = io.BytesIO()
            img.save(out, format="JPEG" if ext == "jpg" else "PNG", **({"quality": 85} if ext == "jpg" else {}))
            thumb = img.copy()
            thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
            tout = io.BytesIO()
            thumb.convert("RGB").save(tout, format="JPEG", quality=80)
            width, height = img.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise bad
    stem = Path(name).stem[:80] or "photo"
    return CheckedFile(out.getvalue(), f"{stem}.{ext}", ext, ctype, True, tout.getvalue(), width, height)


def check_upload(upload: Any, *, images_only: bool = True, field: str = "photos", limit: int | None = None) -> CheckedFile:
    """Read an upload and check it by content; raise ValidationError naming ``field`` in Chinese."""
    name = Path(getattr(upload, "name", "") or "file").name
    data = _read(upload, limit or max_bytes(), field)
    for magic, ext, ctype in DOCUMENT_MAGIC:
        if data.startswith(magic):
            if images_only:
                raise ValidationError({field: [f"文件“{name}”不是图片，这里只能上传照片"]})
            stem = Path(name).stem[:80] or "file"
            if ext == "zip":
                ext = Path(name).suffix.lower().lstrip(".") if Path(name).suffix.lower() in (".docx", ".xlsx", ".pptx") else "zip"
            elif ext == "doc" and Path(name).suffix.lower() in (".xls", ".ppt"):
                ext = Path(name).suffix.lower().lstrip(".")
            return CheckedFile(data, f"{stem}.{ext}", ext, ctype, False)
    if not images_only:
        stem = Path(name).stem[:80] or "file"
        if data[4:8] == b"ftyp" and Path(name).suffix.lower() in (".mp4", ".mov", ".m4v"):
            return CheckedFile(data, f"{stem}.mp4", "mp4", "video/mp4", False)
        if Path(name).suffix.lower() == ".txt" and b"\x00" not in data:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return CheckedFile(data, f"{stem}.txt", "txt", "text/plain; charset=utf-8", False)
    return _check_image(data, name, field)


def checked_content(upload: Any, field: str = "attachments") -> Any:
    """For a model's ``FileField``: the upload checked by content and size (``check_upload``, documents too),
    as a Django ``ContentFile`` named by what it really is."""
    from django.core.files.base import ContentFile

    checked = check_upload(upload, images_only=False, field=field)
    return ContentFile(checked.content, name=checked.name)


def field_file_response(file: Any, name: str) -> FileResponse:
    """Stream a ``FileField`` upload as a download. Call only after ``get_visible_or_404`` on its record."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("附件文件不存在")
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def store(checked: CheckedFile, folder: str) -> tuple[str, str]:
    """Write the file (and its thumbnail) under MEDIA_ROOT/<folder>/; return the relative paths."""
    key = uuid.uuid4().hex
    rel = f"{folder}/{key}.{checked.ext}"
    target = _root() / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(checked.content)
    thumb_rel = ""
    if checked.thumbnail is not None:
        thumb_rel = f"{folder}/{key}.thumb.jpg"
        (_root() / thumb_rel).write_bytes(checked.thumbnail)
    return rel, thumb_rel


class StoredFileBase(AnxiaoModel):
    """A checked file on disk. Concrete models add the owner foreign key and ``scope_unit_fields``."""

    path = models.CharField(max_length=255, editable=False)
    thumb_path = models.CharField(max_length=255, blank=True, editable=False)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    is_image = models.BooleanField(default=False)

    audit_exclude = ("created_at", "updated_at", "path", "thumb_path", "sha256")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def as_upload(self) -> Any:
        """The stored file as an upload, to hand it on to another record (a failed item's photo → its hazard)."""
        from django.core.files.base import ContentFile

        return ContentFile((_root() / self.path).read_bytes(), name=self.name)

    @classmethod
    def from_upload(cls, upload: Any, folder: str, *, images_only: bool = True, field: str = "photos",
                    **owner: Any) -> Any:
        """Check, store and build (unsaved) a record for one upload."""
        checked = check_upload(upload, images_only=images_only, field=field)
        return cls.from_checked(checked, folder, **owner)

    @classmethod
    def from_checked(cls, checked: CheckedFile, folder: str, **owner: Any) -> Any:
        rel, thumb = store(checked, folder)
        return cls(path=rel, thumb_path=thumb, name=checked.name[:200], content_type=checked.content_type,
                   size=len(checked.content), sha256=hashlib.sha256(checked.content).hexdigest(),
                   is_image=checked.is_image, **owner)


def file_response(stored: StoredFileBase, thumb: bool = False) -> FileResponse:
    """Stream a stored file. Call only after the record was fetched through ``get_visible_or_404``."""
    rel = stored.thumb_path if thumb and stored.thumb_path else stored.path
    full = (_root() / rel).resolve()
    if not str(full).startswith(str(_root().resolve())) or not full.is_file():
        raise Http404
    ctype = "image/jpeg" if thumb and stored.thumb_path else stored.content_type
    response = FileResponse(full.open("rb"), content_type=ctype, as_attachment=not stored.is_image,
                            filename=stored.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def check_attachment_name(name: str, allowed: tuple[str, ...], field: str = "attachments") -> None:
    """An attachment's file name must end in one of the ``allowed`` extensions (the app's list)."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed:
        raise ValidationError({field: [f"不允许上传此类型的文件（{name}）；可上传：{'、'.join(allowed)}"]})


def checked_attachments(files: Any, allowed: tuple[str, ...], errors: dict[str, list[str]]) -> list[Any]:
    """Each attachment checked by name and content (``checked_content``); what is wrong goes into ``errors`` so
    the action reports it with its other field errors."""
    checked = []
    for f in files:
        try:
            check_attachment_name(getattr(f, "name", ""), allowed)
            checked.append(checked_content(f))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return checked
