"""LibreOffice for the tests: convert a Word file to PDF headless, its indexes (the table
of contents) and fields updated first, as Word does when the file opens; and slide decks to PDF
(Impress), several in one start, since a start is the slow part; and workbooks to CSV as Calc
shows them (each cell through its number format).

Each call uses its own profile (`-env:UserInstallation`) holding a one-macro Basic library,
so parallel test workers never share a running office or a lock file.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

MACRO = """Sub UpdateAndExport(inUrl As String, outUrl As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, args())
  REM twice: the first update may move headings to other pages
  For n = 1 To 2
    indexes = doc.getDocumentIndexes()
    For i = 0 To indexes.getCount() - 1
      indexes.getByIndex(i).update()
    Next i
    doc.getTextFields().refresh()
  Next n
  Dim f(0) As New com.sun.star.beans.PropertyValue
  f(0).Name = "FilterName"
  f(0).Value = "writer_pdf_Export"
  doc.storeToURL(outUrl, f())
  doc.close(True)
End Sub
"""
TIMEOUT = 300  # seconds: a cold start on a busy 2-core machine


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed: ./dev test installs libreoffice-writer, -impress and -calc")
    return found


def docx_to_pdf(docx: Path, work: Path) -> Path:
    """`docx` as a PDF next to it, converted by LibreOffice Writer with the TOC updated."""
    program = soffice()
    profile = work / "lo-profile"
    subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--terminate_after_init"],
                   check=True, capture_output=True, timeout=TIMEOUT)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    module.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">'
        f"{escape(MACRO)}</script:module>\n", "utf-8")
    pdf = docx.with_suffix(".pdf")
    call = f'macro:///Standard.Module1.UpdateAndExport("{docx.resolve().as_uri()}","{pdf.resolve().as_uri()}")'
    subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", call], check=True, capture_output=True, timeout=TIMEOUT)
    assert pdf.exists(), "LibreOffice wrote no PDF"
    return pdf


def pptx_to_pdf(decks: list[Path], work: Path) -> list[Path]:
    """Each deck as a PDF (one page a slide) in `work`, converted by LibreOffice Impress in one start."""
    program = soffice()
    profile = work / "lo-profile-impress"
    subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(work),
                    *map(str, decks)], check=True, capture_output=True, timeout=TIMEOUT)
    pdfs = [work / (deck.stem + ".pdf") for deck in decks]
    assert all(pdf.exists() for pdf in pdfs), "LibreOffice wrote no PDF"
    return pdfs


# the CSV filter's options: comma, double quote, UTF-8, from line 1, no column formats, language
# default, quote text: no, detect numbers: yes, save cells as shown: yes, formulas: no, remove
# spaces: no, every sheet to its own file (-1)
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def xlsx_as_shown(workbooks: list[Path], work: Path) -> dict[Path, dict[str, list[list[str]]]]:
    """Each workbook's sheets as LibreOffice Calc shows them (every cell through its number
    format), sheet name -> rows of texts; several workbooks in one start."""
    import csv

    program = soffice()
    profile = work / "lo-profile-calc"
    out = work / "as-shown"
    run = subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", CSV_AS_SHOWN,
                          "--outdir", str(out), *map(str, workbooks)], capture_output=True, text=True, timeout=TIMEOUT)
    if "source file could not be loaded" in run.stdout + run.stderr:
        pytest.skip("LibreOffice Calc is not installed: ./dev test installs libreoffice-calc")
    assert run.returncode == 0, run.stderr
    shown: dict[Path, dict[str, list[list[str]]]] = {}
    for book in workbooks:
        prefix = book.stem + "-"
        shown[book] = {f.stem[len(prefix):]: list(csv.reader(f.open(encoding="utf-8", newline="")))
                       for f in out.glob(f"{book.stem}-*.csv")}
        assert shown[book], f"LibreOffice wrote no sheet of {book.name}"
    return shown
