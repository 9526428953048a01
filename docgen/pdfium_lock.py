"""One lock for every use of pdfium (through pypdfium2) in the process.

pdfium is not thread-safe: two threads opening PDFs at once corrupt its global state, after which
every PDF fails to open ("Data format error") — the archiver and verify build and check packages
in a thread pool, so each pdfium call there and in intake holds this lock.
"""

import threading

PDFIUM_LOCK = threading.RLock()
