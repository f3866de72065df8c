"""Service quality: satisfaction surveys (``surveys``), complaints (``complaints``) and the
weighted staff scorecards built from them (``scheme``, ``scorecards``).

Every figure a scorecard shows can be taken apart into the tickets, surveys and complaints
behind it (``scorecards.explain``): a score drives pay and promotion, so a wrong one is a
grievance and must be traceable.
"""
