#!/usr/bin/env python3
# check-screenshots.py README.md DIR — every picture the README shows
# (docs/images/NAME.png) was drawn by this test run into DIR, as a PNG of
# a plausible size.  What can go wrong: a screenshot call removed or
# renamed, a test that stopped before its picture, a window that drew
# nothing (a tiny or empty image); each is named in the failure.
import re
import struct
import sys

readme, outdir = sys.argv[1], sys.argv[2]
with open(readme, encoding="utf-8") as f:
    names = sorted(set(re.findall(r"docs/images/([A-Za-z0-9_.-]+\.png)", f.read())))
if not names:
    sys.exit("no docs/images/*.png in " + readme)
bad = []
for name in names:
    path = outdir + "/" + name
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        bad.append(f"{name}: not drawn by this run ({e.strerror}); the UI test that takes it "
                   "did not reach its screenshot ()")
        continue
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        bad.append(f"{name}: not a PNG")
        continue
    w, h = struct.unpack(">II", data[16:24])
    # a window on the 1280x1024 Xvfb screen: at least 600x400, and a
    # drawn window compresses to more than a few kilobytes
    if w < 600 or h < 400 or len(data) < 10000:
        bad.append(f"{name}: {w}x{h}, {len(data)} bytes: too small for a drawn window")
        continue
    print(f"ok {name} {w}x{h} {len(data)} bytes")
if bad:
    sys.exit("\n".join(bad))
