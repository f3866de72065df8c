"""What each survey question says, per site and per language.

A site chooses which questions are asked (``survey_questions``) and may word each one itself
(``survey_wording``): the hotline reads the words to the caller from the callback screen or
``itsm survey next``, and the self-service page shows them from the link's payload, so all
three say the same. A worded question gives its text in every language the site speaks
(Simplified Chinese and English): a caller may get either, and a half-worded question would
fall back to a wording the site chose not to use. A question the site did not word says the
built-in wording, translated.

The setting, as ``itsm settings set survey_wording`` takes it (JSON)::

    {"overall": {"zh_CN": "您对本次服务总体满意吗？", "en": "How satisfied are you overall?"}}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itsm_tui.common.errors import Invalid
from itsm_tui.common.i18n import LANGUAGES, N_, translator
from itsm_tui.workflow import text_input

#: The questions a survey may ask, in the survey's order; overall is always asked (the
#: scorecards read it).
QUESTIONS = ("overall", "timeliness", "attitude", "solved", "comment")
#: How each question is answered: a score 1–5, yes or no, or free text.
KINDS = {
    "overall": "score",
    "timeliness": "score",
    "attitude": "score",
    "solved": "yes_no",
    "comment": "text",
}
#: The built-in wording, English (the catalogue translates it).
DEFAULT_WORDING = {
    "overall": N_("Overall, how satisfied are you with how your request was handled?"),
    "timeliness": N_("How satisfied are you with how quickly it was handled?"),
    "attitude": N_("How satisfied are you with the attitude of the staff who helped you?"),
    "solved": N_("Was your problem solved?"),
    "comment": N_("Is there anything else you would like to tell us?"),
}
#: The longest wording a site may set (one line on a terminal or a phone screen).
WORDING_MAX = 200
FIELD = "survey_wording"


@dataclass(frozen=True)
class SurveyQuestion:
    """One question as the site asks it: its name (the answer's field), how it is answered,
    and its words in each language (``{"en": …, "zh_CN": …}``)."""

    name: str
    kind: str
    text: dict[str, str]

    def in_language(self, language: str) -> str:
        """The words in ``language`` (English for a language the site does not speak)."""
        return self.text.get(language) or self.text[LANGUAGES[0]]


def validate(value: Any) -> dict[str, dict[str, str]]:
    """The setting checked, each text trimmed; refused naming the question and language."""
    if not isinstance(value, dict):
        raise Invalid(
            N_("survey_wording must map each question to its wording in: {languages}."),
            field=FIELD,
            languages=", ".join(LANGUAGES),
        )
    checked: dict[str, dict[str, str]] = {}
    for question, wording in value.items():
        if question not in QUESTIONS:
            raise Invalid(
                N_("survey_wording names no question {question}; the questions are: {known}."),
                field=FIELD,
                question=question,
                known=", ".join(QUESTIONS),
            )
        if not isinstance(wording, dict):
            raise Invalid(
                N_("survey_wording for {question} must give its wording in: {languages}."),
                field=FIELD,
                question=question,
                languages=", ".join(LANGUAGES),
            )
        for language in wording:
            if language not in LANGUAGES:
                raise Invalid(
                    N_(
                        "survey_wording for {question} names the language {language}; "
                        "the languages are: {languages}."
                    ),
                    field=FIELD,
                    question=question,
                    language=language,
                    languages=", ".join(LANGUAGES),
                )
        checked[question] = {}
        for language in LANGUAGES:
            text = wording.get(language)
            if text is None:
                raise Invalid(
                    N_("survey_wording for {question} has no wording in {language}."),
                    field=FIELD,
                    question=question,
                    language=language,
                )
            if not isinstance(text, str):
                text = ""
            text = text_input.one_line(FIELD, text).strip()
            if not 0 < len(text) <= WORDING_MAX:
                raise Invalid(
                    N_(
                        "survey_wording for {question} in {language} must be 1 to {max} characters."
                    ),
                    field=FIELD,
                    question=question,
                    language=language,
                    max=WORDING_MAX,
                )
            checked[question][language] = text
    return checked


def wording(asked: tuple[str, ...], stored: dict[str, dict[str, str]]) -> list[SurveyQuestion]:
    """The questions ``asked``, each in the site's words (``stored``) or the built-in ones."""
    return [
        SurveyQuestion(
            name=q,
            kind=KINDS[q],
            text=stored.get(q)
            or {lang: translator(lang)(DEFAULT_WORDING[q]) for lang in LANGUAGES},
        )
        for q in asked
    ]
