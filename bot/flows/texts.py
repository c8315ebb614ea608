"""Messages and keyboards the flows show, built from the catalogs.

Whole sentences live in the catalogs, never concatenated fragments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.flows.actions import Choice, Reply
from bot.i18n import LANGUAGE_NAMES, LOCALES, Translator

# What a phone shows of a button before the app cuts it: two buttons in a row get
# about 20 characters each, a button alone in its row about 32. Labels in the catalogs
# are written to fit (tests/i18n/test_buttons.py).
HALF_WIDTH, FULL_WIDTH = 20, 32


def emergency(t: Translator, kinds: Iterable[str] | None = None) -> Reply:
    """The numbers that fit the danger, 112 first when life may be at risk.

    ``kinds`` are the NLU's urgency kinds (nlu/urgency.yml). None means every number
    (the /emergency command); an empty collection means the model sensed danger
    without naming it, so the general crisis lines are shown."""
    head, *rest = _all_lines(t) if kinds is None else _lines_for(t, tuple(kinds))
    return Reply("\n\n".join([head, "\n".join(rest)]) if rest else head, emergency=True)


def _life(t: Translator) -> str:
    return t._(
        "If you or someone near you is in danger right now, call 112: police, ambulance "
        "and fire brigade. It is free from any phone, and operators often speak English."
    )


def _crisis_adults(t: Translator) -> str:
    return t._(
        "116 123: support for adults in emotional crisis. Free and anonymous, also a chat at 116sos.pl."
    )


def _children(t: Translator) -> str:
    return t._("116 111: helpline for children and young people. Free, anonymous, day and night.")


def _mental_health(t: Translator) -> str:
    return t._("800 70 2222: help in a mental health crisis. Free, day and night.")


def _violence_at_home(t: Translator) -> str:
    return t._(
        "800 120 002: Niebieska Linia, help for people who live with violence at home. Free."
    )


def _trafficking(t: Translator) -> str:
    return t._(
        "+48 22 628 01 20: KCIK, help for people forced to work or trafficked, also when an "
        "employer keeps your passport."
    )


# Which lines fit which danger (the facts our partners gave us). Detention and a night
# without shelter are not helped by a crisis psychologist: they get what does help.
_LINES_BY_KIND: dict[str, tuple[Callable[[Translator], str], ...]] = {
    "suicide_self_harm": (_life, _crisis_adults, _mental_health),
    "violence": (_life, _violence_at_home),
    "child_at_risk": (_life, _children),
    "medical_emergency": (
        lambda t: t._(
            "If someone is badly hurt or very ill, call 112 now (or 999 for an ambulance). "
            "It is free from any phone."
        ),
    ),
    "detention_removal": (
        lambda t: t._(
            "If you are detained or may be sent out of Poland soon, a lawyer of a partner "
            "organisation will look at your message first. Tell us any date or deadline you were given."
        ),
    ),
    "trafficking_forced_labour": (_life, _trafficking),
    "homeless_tonight": (
        lambda t: t._(
            "For a place to sleep tonight: the social welfare centre of your city (MOPS) and the "
            "police know the night shelters. If you are in danger or out in the cold, call 112."
        ),
    ),
}
_GENERAL = (_life, _crisis_adults, _children, _mental_health)


def _lines_for(t: Translator, kinds: tuple[str, ...]) -> list[str]:
    makers = [m for kind in kinds for m in _LINES_BY_KIND.get(kind, ())] or list(_GENERAL)
    if _life in makers:  # 112 first, whatever else fits
        makers.remove(_life)
        makers.insert(0, _life)
    lines: list[str] = []
    for make in makers:
        line = make(t)
        if line not in lines:
            lines.append(line)
    return lines


def _all_lines(t: Translator) -> list[str]:
    return [
        _life(t),
        _crisis_adults(t),
        _children(t),
        _mental_health(t),
        _violence_at_home(t),
        _trafficking(t),
    ]


def language_choice(t: Translator) -> Reply:
    return Reply(
        t._(
            "Hello! I am Razem, the help desk of organisations that help migrants and refugees in Poland."
        )
        + "\n"
        + t._("Which language is easiest for you?"),
        rows=language_rows(),
    )


def language_rows() -> tuple[tuple[Choice, ...], ...]:
    buttons = tuple(Choice(LANGUAGE_NAMES[code], f"lang:{code}") for code in LOCALES)
    return (buttons[:2], buttons[2:])


def consent(t: Translator) -> Reply:
    return Reply(
        t._("Before I pass your request to a person, I need your consent.")
        + "\n\n"
        + t._(
            "I will store what you write here, your language and your city. Only the staff of "
            "the organisation that takes your request will see it. We do not share it with "
            "offices or the police."
        )
        + "\n"
        + t._("You can see your data with /mydata and delete it at any time with /forget.")
        + "\n\n"
        + t._(
            "Without consent you can still read answers to common questions and emergency numbers."
        ),
        rows=((Choice(t._("I agree"), "consent:yes"), Choice(t._("Not now"), "consent:no")),),
    )


def menu_rows(t: Translator) -> tuple[tuple[Choice, ...], ...]:
    return (
        (Choice(t._("Common questions"), "menu:faq"), Choice(t._("My requests"), "menu:cases")),
        (
            Choice(t._("Emergency numbers"), "menu:emergency"),
            Choice(t._("Language"), "menu:language"),
        ),
    )


def ask_to_describe(t: Translator) -> Reply:
    return Reply(
        t._(
            "Tell me in your own words what happened or what you need. You can write in several messages."
        ),
        rows=menu_rows(t),
    )


def category_rows(t: Translator) -> tuple[tuple[Choice, ...], ...]:
    return (
        (Choice(t._("Legal help"), "cat:legal"),),
        (Choice(t._("Psychological support"), "cat:psychological"),),
        (Choice(t._("Housing, money, health, school"), "cat:social"),),
        (Choice(t._("Not sure, connect me to a person"), "cat:unsure"),),
    )


def city_rows(t: Translator) -> tuple[tuple[Choice, ...], ...]:
    names = {
        "Lublin": t._("Lublin"),
        "Poznań": t._("Poznań"),
        "Warszawa": t._("Warsaw"),
        "Wrocław": t._("Wrocław"),
    }
    return (
        (Choice(names["Lublin"], "city:Lublin"), Choice(names["Poznań"], "city:Poznań")),
        (Choice(names["Warszawa"], "city:Warszawa"), Choice(names["Wrocław"], "city:Wrocław")),
        (Choice(t._("Another city"), "city:other"), Choice(t._("Online is fine"), "city:online")),
    )


def topic(t: Translator, subcategory: str) -> str:
    """A plain phrase for what a request is about, for "This sounds like …"."""
    topics = {
        "legal_residence": t._(
            "This sounds like a question about your residence permit or legal stay."
        ),
        "legal_protection": t._(
            "This sounds like a question about international or temporary protection."
        ),
        "legal_work": t._("This sounds like a problem at work or with your work papers."),
        "legal_detention": t._(
            "This sounds like a question about detention, a return decision or deportation."
        ),
        "legal_family": t._("This sounds like a family matter that needs legal advice."),
        "legal_discrimination": t._("This sounds like discrimination or unfair treatment."),
        "legal_other": t._("This sounds like a legal question."),
        "psychological_crisis": t._(
            "It sounds like you are going through something very hard right now."
        ),
        "psychological_trauma": t._("It sounds like you would like to talk to a psychologist."),
        "psychological_grief": t._("It sounds like you have lost someone close and need support."),
        "psychological_children": t._(
            "It sounds like you are worried about how a child is feeling."
        ),
        "psychological_other": t._("It sounds like you would like emotional support."),
        "social_housing": t._("This sounds like a question about housing."),
        "social_benefits": t._("This sounds like a question about money or benefits."),
        "social_job_search": t._("This sounds like you are looking for work."),
        "social_health": t._("This sounds like a question about health care or a doctor."),
        "social_education": t._("This sounds like a question about school or education."),
        "social_language_courses": t._("This sounds like you are looking for a Polish course."),
        "social_material_aid": t._("This sounds like you need food, clothes or other things."),
        "social_other": t._("This sounds like a question about everyday life in Poland."),
    }
    return topics.get(subcategory, t._("I am not sure I understood."))


def status_name(t: Translator, status: str) -> str:
    names = {
        "new": t._("waiting for a staff member"),
        "claimed": t._("a staff member is handling it"),
        "closed": t._("closed"),
        "transferred": t._("passed to another organisation"),
        "cancelled": t._("cancelled"),
    }
    return names.get(status, status)


def button_label(text: str, limit: int = FULL_WIDTH) -> str:
    """A text that was not written as a label (an FAQ question edited in the console),
    shortened at a word boundary with "…" rather than cut mid-word by the app."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,.:;—-") + "…"


def review_note(t: Translator, category: str, *, unchecked: bool) -> str | None:
    """The caveat under an FAQ answer nobody has checked yet. Only legal answers wait for
    a lawyer; social ones for a partner who knows the current rules. Psychological and
    crisis answers get none: their numbers are the same as /emergency, and a doubt under
    them would only make a person in crisis hesitate to call."""
    if not unchecked:
        return None
    if category == "legal":
        return t._(
            "This answer has not yet been checked by a lawyer. Please confirm it with a partner organisation."
        )
    if category == "social":
        return t._(
            "Rules and conditions change. Please confirm them with a partner organisation before you act."
        )
    return None


def partner_name(t: Translator, name: str, *, coordinators: bool) -> str:
    """Partners are named as on their doors and websites (in Polish); the consortium's
    coordinators have no door, so the person reads who they are in their own language,
    and never a "queue", which reads as a long wait."""
    return t._("the consortium's coordinators") if coordinators else name
