"""Machine-room inspections: checklists (``spec``, ``templates``), how an answer is judged
(``judging``), rounds and their answers (``rounds``), the incidents failures open
(``failures``), schedules and their slots (``schedules``), and history (``history``).

The plain values the console draws (``views``) hold no database code, so a screen may import
them before the database code is loaded.
"""
