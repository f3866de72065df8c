"""The Textual console: the app, its start-up, the command palette and the ticket actions.

The screens, widgets and dialogs it shows live beside it in ``itsm_tui/screens``,
``itsm_tui/widgets`` and ``itsm_tui/dialogs``. Nothing here is imported by the CLI or workflow.
"""
