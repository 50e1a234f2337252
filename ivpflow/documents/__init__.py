"""Documents: the drafts a process produces (startnotitie, raadsvoorstel, IVP, …), the
Markdown they are written in and its conversion to Word and HTML, the content they carry, and
the sandboxed Jinja2 templates of documents, mails and the report."""
