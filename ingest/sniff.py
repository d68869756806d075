"""What a file is, from its bytes rather than its name.

Files are renamed, mislabelled and cut short: a ".pdf" may be a web page, a ".txt"
a PDF. Magic numbers settle the binary formats, markup at the start settles HTML,
and everything else is left to the text decoder to accept or refuse.
"""

from __future__ import annotations

import io
import re
import zipfile
from enum import Enum


class Kind(Enum):
    PDF = "PDF"
    DOCX = "Word文档"
    HTML = "网页"
    TEXT = "文本"
    ZIP = "压缩包"  # a zip that is not a readable .docx: .xlsx, .pptx, an archive, a damaged .docx
    WORD_97 = "Word 97–2003文档"  # .doc, and WPS Writer's .wps, which is the same binary format
    ODT = "OpenDocument文档"
    RTF = "RTF文档"
    OFD = "OFD文件"  # GB/T 33190, the e-government systems' fixed layout
    OLE = "旧版Office文件"  # .xls, .ppt (Office 97-2003) and other compound files
    LOCKED_OFFICE = "加密的Office文件"  # Office encrypts a .docx into an OLE container
    IMAGE = "图片"


_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024  # the PDF spec lets the header start anywhere in the first 1024 bytes
_ZIP_MAGIC = b"PK\x03\x04"
_DOCX_PART = "word/document.xml"
_OFD_ENTRY = "OFD.xml"  # GB/T 33190 §7.3: the package's entry file, at its root
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"  # the "mimetype" part, first and stored
_RTF_MAGIC = b"{\\rtf"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # OLE directory entries are named in UTF-16
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")  # PNG JPEG GIF TIFF
_HEAD_BYTES = 4096
# A page starts with markup: an XML declaration or comments, then a doctype or one of these elements.
_HTML_START = re.compile(
    r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|article)\b",
    re.IGNORECASE | re.DOTALL,
)


def sniff(data: bytes) -> Kind:
    """The kind of file `data` is; TEXT for anything not recognised otherwise."""
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return Kind.PDF
    if data.startswith(_ZIP_MAGIC):
        return _package_kind(data)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            return Kind.LOCKED_OFFICE
        return Kind.WORD_97 if _WORD_STREAM in data else Kind.OLE
    if data.startswith(_RTF_MAGIC):
        return Kind.RTF
    if data.startswith(_IMAGE_MAGIC):
        return Kind.IMAGE
    return Kind.HTML if _HTML_START.match(_head(data).lstrip()) else Kind.TEXT


def _package_kind(data: bytes) -> Kind:
    """DOCX, ODT or OFD by the parts a zip holds; ZIP for any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):  # a damaged or truncated archive
        return Kind.ZIP
    if _DOCX_PART in names:
        return Kind.DOCX
    if _OFD_ENTRY in names:
        return Kind.OFD
    # OpenDocument stores "mimetype" first and uncompressed, so its content follows the 38-byte header.
    return Kind.ODT if data[30:38] == b"mimetype" and data[38:].startswith(_ODT_MIMETYPE) else Kind.ZIP


def _head(data: bytes) -> str:
    """The start of the file, decoded just well enough to see ASCII markup."""
    head = data[:_HEAD_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
