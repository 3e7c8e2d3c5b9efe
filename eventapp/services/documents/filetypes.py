"""What a file is, found from its first bytes (never from its name): only types that cannot run script."""
import io
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from ..errors import ValidationFailed


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str  #: shown next to the link, e.g. "PDF"
    inline: bool = False  #: safe to show in the browser; everything else downloads


PDF = FileType("application/pdf", "pdf", "PDF", inline=True)
PNG = FileType("image/png", "png", "PNG", inline=True)
JPEG = FileType("image/jpeg", "jpg", "JPEG", inline=True)
GIF = FileType("image/gif", "gif", "GIF", inline=True)
WEBP = FileType("image/webp", "webp", "WebP", inline=True)
TEXT = FileType("text/plain; charset=utf-8", "txt", "TXT")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint")
DOC = FileType("application/msword", "doc", "Word")
XLS = FileType("application/vnd.ms-excel", "xls", "Excel")
PPT = FileType("application/vnd.ms-powerpoint", "ppt", "PowerPoint")
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", "ODT")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS")
ODP = FileType("application/vnd.oasis.opendocument.presentation", "odp", "ODP")

ALL = (PDF, PNG, JPEG, GIF, WEBP, TEXT, DOCX, XLSX, PPTX, DOC, XLS, PPT, ODT, ODS, ODP)
BY_CONTENT_TYPE = {t.content_type: t for t in ALL}

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
ODF_TYPES = {t.content_type.encode(): t for t in (ODT, ODS, ODP)}
OLE2_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS), ("PowerPoint Document", PPT))


def refuse():
    return ValidationFailed(
        _("This type of file is not accepted: upload a PDF, an Office document (Word, Excel, PowerPoint, "
          "OpenDocument), an image (PNG, JPEG, GIF, WebP) or plain text."),
        field="file",
    )


def _zip_type(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            found = ODF_TYPES.get(archive.read("mimetype").strip())
            if found:
                return found
        if "[Content_Types].xml" in names:
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationFailed(_("Documents with macros are not accepted: save the file without macros."), field="file")
            for part, found in OOXML_PARTS:
                if part in names:
                    return found
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError):
        pass
    raise refuse()


def _text_type(data):
    if b"\x00" in data:
        raise refuse()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_("Plain text files must be saved as UTF-8."), field="file") from None
    if text.lstrip()[:1] == "<":  # HTML, SVG or XML: markup that a browser could run
        raise refuse()
    return TEXT


def detect(data):
    """The FileType of these bytes; raises ValidationFailed (field "file") for anything else."""
    head = data[:16]
    if not data:
        raise ValidationFailed(_("The file is empty."), field="file")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if head.startswith(OLE2):
        for stream, found in OLE2_STREAMS:
            if stream.encode("utf-16-le") + b"\x00\x00" in data[:1024 * 1024] or stream.encode("utf-16-le") in data:
                return found
        raise refuse()
    return _text_type(data)
