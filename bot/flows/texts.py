"""Messages and keyboards the flows show, built from the catalogs.

Whole sentences live in the catalogs, never concatenated fragments.
"""

from __future__ import annotations

from bot.flows.actions import Choice, Reply
from bot.i18n import LANGUAGE_NAMES, LOCALES, Translator


def emergency(t: Translator) -> Reply:
    return Reply(
        t._(
            "If you or someone near you is in danger right now, call 112: police, ambulance "
            "and fire brigade. It is free from any phone, and operators often speak English."
        )
        + "\n\n"
        + t._(
            "116 123: support for adults in emotional crisis. Free and anonymous, also a chat at 116sos.pl."
        )
        + "\n"
        + t._("116 111: helpline for children and young people. Free, anonymous, day and night.")
        + "\n"
        + t._("800 70 2222: help in a mental health crisis. Free, day and night."),
        emergency=True,
    )


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
            "the organisation that takes your case will see it. We do not share it with "
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
        (Choice(t._("Social help: housing, money, health, school"), "cat:social"),),
        (Choice(t._("I'm not sure, connect me to a person"), "cat:unsure"),),
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
