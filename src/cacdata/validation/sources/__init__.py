"""``cacdata sources check``: fetch each source again, re-check its excerpts, find its archived copies.

A stage of checking, like ``cacdata validate``, but the evidence it re-reads lies outside the package: the
sources' pages. Small modules, one job each: ``fetch`` (polite HTTP), ``extract`` (text of HTML, PDF and
plain text), ``archive`` (the Internet Archive's availability API and Save Page Now), ``cache`` (texts kept
by SHA-256 outside the package), ``table`` (reading and atomically rewriting ``sources.csv``), ``check``
(one source's verdict), ``run`` (every source, politely in parallel) and ``report`` (text, Markdown, JSON).

Needs the optional extra ``sources`` (httpx, trafilatura, pypdf, platformdirs); ``import cacdata`` imports
none of them.
"""
