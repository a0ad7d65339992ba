"""Responsive renditions of article photos, made once with Pillow.

Pillow alone is enough here: three fixed widths of one JPEG per photo, written
next to the upload when a photo is saved. A thumbnailing library (easy-thumbnails,
django-imagekit) would add its own cache tables or generate files lazily on first
page view, which is work in a reader's request; we want none of that.
"""

from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from .models import Photo

RENDITION_WIDTHS = (320, 640, 1200)
JPEG_QUALITY = 82


def rendition_name(source_name, width):
    """Where the ``width`` rendition of the file ``source_name`` is stored."""
    path = PurePosixPath(source_name)
    return str(path.parent / "renditions" / f"{path.stem}-{width}.jpg")


def photo_make_renditions(*, photo: Photo) -> Photo:
    """Write the photo's resized copies and record them on the photo.

    Idempotent: a photo whose renditions already belong to its current file is
    left alone, so re-saving an article does not redo the work. A photo without
    a file gets no renditions. Never upscales: widths beyond the original are
    skipped (the original's width is always offered).
    """
    if not photo.image:
        if photo.renditions:
            Photo.objects.filter(pk=photo.pk).update(renditions={})
            photo.renditions = {}
        return photo
    source = photo.image.name
    prefix = rendition_name(source, "").removesuffix(".jpg")
    current = photo.renditions or {}
    if current and all(name.startswith(prefix) for name in current.values()):
        return photo
    storage = photo.image.storage
    with photo.image.open("rb") as handle:
        image = ImageOps.exif_transpose(Image.open(handle))
        image.load()
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    renditions = {}
    for width in RENDITION_WIDTHS:
        target = min(width, image.width)
        if str(target) in renditions:
            continue
        height = max(1, round(image.height * target / image.width))
        resized = image.resize((target, height), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        resized.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        name = rendition_name(source, target)
        if storage.exists(name):
            storage.delete(name)
        renditions[str(target)] = storage.save(name, ContentFile(buffer.getvalue()))
    with transaction.atomic():
        Photo.objects.filter(pk=photo.pk).update(renditions=renditions)
    photo.renditions = renditions
    return photo
