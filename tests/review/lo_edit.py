"""Edit a DOCX in LibreOffice as a reviewer would: tracked changes and comments, saved as DOCX.

Run by the tests with the system Python, which has LibreOffice's UNO bridge (python3-uno):

    /usr/bin/python3 tests/lo_edit.py PLAN.json

PLAN.json: {"input", "output", "profile" (a folder of its own), "author", "resave" (open the
saved file and save it again), "ops": [...]}; each op finds a text in a paragraph (body or table)
and edits it with change tracking on:
    {"op": "insert", "find": "Map the basins.", "at": 4, "text": "glacier-fed "}
    {"op": "delete", "find": "near "}
    {"op": "replace", "find": "a model", "text": "an example"}
    {"op": "comment", "find": "model for the region", "text": "Which law?", "author": "…"}
LibreOffice runs headless, without a window: the document is loaded as a bare model (a view
would need LibreOffice's UI files, which the -nogui packages leave out).
"""

import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.util import DateTime


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def paragraphs(text):
    found = text.createEnumeration()
    while found.hasMoreElements():
        item = found.nextElement()
        if item.supportsService("com.sun.star.text.TextTable"):
            for name in item.getCellNames():
                yield from paragraphs(item.getCellByName(name).getText())
        elif item.supportsService("com.sun.star.text.Paragraph"):
            yield item


def set_user(ctx, author):
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx
    )
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (prop("nodepath", "/org.openoffice.UserProfile/Data"),),
    )
    given, _, family = author.partition(" ")
    access.setPropertyValue("givenname", given)
    access.setPropertyValue("sn", family)
    access.commitChanges()


def main(plan_path):
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    pipe = f"briefgen-review-{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            "-env:UserInstallation=" + uno.systemPathToFileUrl(plan["profile"]),
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(300):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.2)
        if ctx is None:
            raise SystemExit("LibreOffice did not start")
        set_user(ctx, plan.get("author", "A Reviewer"))

        def load(path):
            doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
            doc.load((prop("URL", uno.systemPathToFileUrl(path)), prop("FilterName", "MS Word 2007 XML")))
            return doc

        def save(doc, path):
            doc.storeToURL(uno.systemPathToFileUrl(path), (prop("FilterName", "MS Word 2007 XML"),))

        doc = load(plan["input"])

        def find(wanted):
            for p in paragraphs(doc.getText()):
                at = p.getString().find(wanted)
                if at >= 0:
                    cursor = p.getText().createTextCursorByRange(p.getStart())
                    cursor.goRight(at, False)
                    cursor.goRight(len(wanted), True)
                    return cursor
            raise SystemExit(f"not found in the document: {wanted!r}")

        doc.RecordChanges = True  # as a reviewer works: LibreOffice also records a comment's mark
        for op in plan["ops"]:
            cursor = find(op["find"])
            if op["op"] == "insert":
                cursor.collapseToStart()
                cursor.goRight(op.get("at", 0), False)
                cursor.getText().insertString(cursor, op["text"], False)
            elif op["op"] == "delete":
                cursor.setString("")
            elif op["op"] == "replace":
                cursor.setString(op["text"])
            elif op["op"] == "comment":
                note = doc.createInstance("com.sun.star.text.textfield.Annotation")
                note.Author = op.get("author", plan.get("author", "A Reviewer"))
                note.Content = op["text"]
                when = DateTime()
                when.Year, when.Month, when.Day, when.Hours = 2024, 3, 5, 9
                note.DateTimeValue = when
                cursor.getText().insertTextContent(cursor, note, True)
            else:
                raise SystemExit(f"unknown op {op['op']!r}")
        save(doc, plan["output"])
        doc.close(True)
        if plan.get("resave"):
            doc = load(plan["output"])
            save(doc, plan["output"])
            doc.close(True)
    finally:
        office.terminate()
        try:
            office.wait(60)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()


if __name__ == "__main__":
    main(sys.argv[1])
