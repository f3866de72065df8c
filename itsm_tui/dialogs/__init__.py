"""Modal dialogs (``ModalScreen[T]``, returning through ``dismiss()``)."""
