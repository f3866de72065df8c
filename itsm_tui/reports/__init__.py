"""The KPI report as a printable, self-contained HTML file (and PDF when WeasyPrint is
installed): a front door like ``cli/``, it reads its figures from ``workflow.kpi`` and only
draws them — Jinja2 templates with autoescape, matplotlib's SVG charts inline, CSS inline."""
