"""Delegation members' answers to the event's own questions.

The questions are loaded once for a whole delegation form; each member is asked those of their own
way of taking part (answers.for_mode), checked and stored by answers.save_answers exactly as for
one person. A wrong answer raises MemberAnswersInvalid, which says which member it is about, and
the caller rolls back: no member of the list is registered and no place is taken.
"""
from __future__ import annotations

from . import answers as answer_rules


class MemberAnswersInvalid(answer_rules.AnswersInvalid):
    """A member's answers are wrong; `index` is the member's place among the rows filled in."""

    def __init__(self, errors, index=0):
        super().__init__(errors)
        self.index = index

    def field_errors(self):
        """{"members-N-q<id>": message}, the names the delegation forms' refusals use."""
        return {f"members-{self.index}-q{question_id}": message for question_id, message in self.errors.items()}


def event_questions(event):
    """Every question the event asks now, of either way of taking part (one query, choices included)."""
    return answer_rules.asked_questions(event)


def save_member_answers(registration, raw, questions, *, index=0):
    """Check and store a new member's answers to the questions asked of their way of taking part."""
    try:
        return answer_rules.save_answers(registration, raw or {},
                                         questions=answer_rules.for_mode(questions, registration.mode))
    except answer_rules.AnswersInvalid as exc:
        raise MemberAnswersInvalid(exc.errors, index) from None
