"""The documents service's edge cases: file types by content, names, sizes; session topics by name."""
import io
import zipfile

import pytest

from eventapp.services.documents import filetypes
from eventapp.services.documents.documents import clean_filename, human_size
from eventapp.services.errors import ValidationFailed


def archive(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("data,expected", [
    (b"%PDF-1.7\n", "pdf"),
    (b"\x89PNG\r\n\x1a\n....", "png"),
    (b"\xff\xd8\xff\xe0JFIF", "jpg"),
    (b"GIF89a....", "gif"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
    (archive({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}), "xlsx"),
    (archive({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}), "pptx"),
    (archive({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<c/>"}), "odt"),
    (filetypes.OLE2 + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00\x00", "doc"),
    (filetypes.OLE2 + b"\x00" * 100 + "PowerPoint Document".encode("utf-16-le"), "ppt"),
    ("Compte rendu : séance 1\n".encode(), "txt"),
])
def test_accepted_types_are_found_from_their_bytes(data, expected):
    assert filetypes.detect(data).extension == expected


@pytest.mark.parametrize("data", [
    b"<html><body>hi</body></html>",
    b"  \n<?xml version='1.0'?><svg/>",
    archive({"evil.js": "alert(1)"}),  # a plain zip archive
    filetypes.OLE2 + b"\x00" * 64,  # an OLE container that is no Office document
    b"\x7fELF\x02\x01\x01\x00\x00",
    b"PK\x03\x04 not really a zip",
])
def test_markup_archives_and_programs_are_refused(data):
    with pytest.raises(ValidationFailed) as refused:
        filetypes.detect(data)
    assert refused.value.field == "file"


def test_only_pdfs_and_images_open_in_the_browser():
    assert {t.extension for t in filetypes.ALL if t.inline} == {"pdf", "png", "jpg", "gif", "webp"}


def test_file_names_lose_folders_and_take_the_extension_of_their_content():
    assert clean_filename("C:\\Users\\me\\Note conceptuelle é.docx", filetypes.PDF) == "Note conceptuelle é.pdf"
    assert clean_filename('../../etc/"passwd";.txt', filetypes.TEXT) == "passwd.txt"
    assert clean_filename("", filetypes.PNG) == "document.png"
    assert human_size(999) == "999 bytes" and human_size(1500) == "1.5 KB" and human_size(25 * 1024 * 1024) == "26.2 MB"


def test_topics_are_found_by_name_or_slug_and_added_once(app, make_event, make_tag):
    from eventapp.extensions import db
    from eventapp.services.agenda import topics

    event = make_event()
    sdg = make_tag("sdg", "8", "SDG 8: Decent Work and Economic Growth")
    assert topics.split_names(" Remittances ;; remittances; Climate  mobility ") == ["Remittances", "Climate mobility"]
    first = topics.find_or_add(event, "Remittances")
    assert topics.find_or_add(event, "REMITTANCES") is first and first.slug == "topic-remittances"
    assert topics.find_or_add(event, "sdg-8") is sdg and sdg in event.tags
    same_code = topics.find_or_add(event, "Remittances!")  # another name with the same code gets its own
    assert same_code.slug == "topic-remittances-2"
    db.session.commit()
    with pytest.raises(ValidationFailed):
        topics.resolve(event, tag_ids=[9999])
    assert [t.label for t in topics.resolve(event, tag_ids=[first.id], names=["Climate mobility"])] == ["Remittances", "Climate mobility"]
