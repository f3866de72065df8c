"""The knowledge base: articles (``articles``), their search in Chinese (``search``), and what
the call form suggests from it and from known errors (``suggest``)."""
