"""The migrant's journey, as one pure step function.

    step(state, event) -> (actions, new state)

See conversation.mmd for the diagram. Rules that hold in every step:
- urgent messages get the emergency numbers first, whatever the consent state;
- commands and the menu work from anywhere; typed text is never a dead end;
- a button from an old message is answered, not obeyed blindly;
- no case without consent.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from bot.domain import HELP_KINDS, OPEN_CASE_STATUSES, PLACES, SMALL_TALK
from bot.flows import payloads, texts
from bot.flows.actions import (
    Action,
    CancelCase,
    Choice,
    CreateCase,
    EraseMe,
    ListCases,
    ListFaq,
    RateCase,
    RelayToStaff,
    Reply,
    SaveClient,
    ShowFaq,
    ShowMyData,
)
from bot.flows.events import (
    Button,
    CaseCancelled,
    CaseCreated,
    CaseRated,
    CasesListed,
    Command,
    DataShown,
    Erased,
    Event,
    FaqListed,
    FaqMissing,
    FaqShown,
    Media,
    Relayed,
    Text,
)
from bot.flows.state import Consent, Draft, State, Step
from bot.flows.typed import typed_choice
from bot.i18n import LOCALES, Translator, normalise_locale, translator
from nlu.api import Parse

# A category the NLU is at least this sure of is confirmed with one question;
# below it, the person picks the kind of help.
CONFIDENT = 0.6
# An FAQ entry this similar to the message is answered at once.
FAQ_CONFIDENT = 0.55
# The person picked the kind of help with a button: it is not asked again.
CHOSEN_BY_PERSON = 1.0

Result = tuple[list[Action], State]


def step(state: State, event: Event, *, default_locale: str = "en") -> Result:
    """Handle one event. ``state`` is not modified; the new state is returned."""
    state = copy.deepcopy(state)
    if state.locale is None or (
        # Until the person picks a language, what they write is the best guess.
        state.step in (Step.NEW, Step.CHOOSE_LANGUAGE) and isinstance(event, Text)
    ):
        state.locale = _suggest_locale(event, state.locale or default_locale)
    handler = _RESULTS.get(type(event))
    if handler is not None:
        return handler(state, event, translator(state.locale))
    if isinstance(event, Command):
        return _command(state, event)
    if isinstance(event, Button):
        return _button(state, event)
    if isinstance(event, Text):
        return _text(state, event)
    if isinstance(event, Media):
        return _media(state, event)
    raise TypeError(f"unknown event {event!r}")


def _suggest_locale(event: Event, current: str) -> str:
    language_code = getattr(event, "language_code", None)
    if isinstance(event, Text) and event.parse.language in LOCALES and len(event.text) > 12:
        return event.parse.language
    return normalise_locale(language_code) or current


def _t(state: State) -> Translator:
    return translator(state.locale or "en")


# Commands --------------------------------------------------------------------------


def _command(state: State, event: Command) -> Result:
    t = _t(state)
    name = event.name.lower().lstrip("/")
    if name == "emergency":
        return [texts.emergency(t)], state
    if name == "language" and state.step != Step.NEW:
        # Only the language changes: whatever was going on goes on after it.
        return [Reply(t._("Which language is easiest for you?"), rows=texts.language_rows())], state
    if state.step == Step.NEW or (
        name in ("start", "language") and state.consent == Consent.UNKNOWN
    ):
        state.step = Step.CHOOSE_LANGUAGE
        return [texts.language_choice(t)], state
    if name in ("start", "menu") and state.draft.words and state.step in _DRAFT_STEPS:
        # Commands never lose work: the request waits, and starting over is a choice.
        return [
            Reply(
                t._("Your request is not sent yet. Let's finish it, or start over."),
                rows=((Choice(t._("Start over"), "restart:yes"),),),
            ),
            *_prompt(state),
        ], state
    if name == "start":
        state.pending = None
        if state.consent == Consent.DECLINED:
            state.step = Step.CONSENT
            return [texts.consent(t)], state
        state.step = Step.DESCRIBE
        return [texts.ask_to_describe(t)], state
    if name == "help":
        return [_help(t)], state
    if name == "menu":
        state.step, state.pending = Step.DESCRIBE, None
        return [texts.ask_to_describe(t)], state
    if name == "cases":
        return [ListCases()], state
    if name == "mydata":
        return [ShowMyData()], state
    if name == "forget":
        state.step = Step.CONFIRM_FORGET
        return [_confirm_forget(t)], state
    return [Reply(t._("I don't know this command."), rows=texts.menu_rows(t)), _help(t)], state


def _help(t: Translator) -> Reply:
    return Reply(
        t._("Write your question in your own words, in Ukrainian, Russian, English or Polish.")
        + "\n\n"
        + t._("/emergency: emergency numbers")
        + "\n"
        + t._("/cases: your requests and their status")
        + "\n"
        + t._("/language: change the language")
        + "\n"
        + t._("/mydata: what we store about you")
        + "\n"
        + t._("/forget: delete your data")
        + "\n"
        + t._("/menu: back to the start"),
        rows=texts.menu_rows(t),
    )


def _confirm_forget(t: Translator) -> Reply:
    return Reply(
        t._(
            "Do you want me to delete everything you wrote here, your requests and your "
            "language choice? Open requests will be cancelled. This cannot be undone."
        ),
        rows=((Choice(t._("Yes, delete"), "forget:yes"), Choice(t._("No, keep"), "forget:no")),),
    )


# Buttons ---------------------------------------------------------------------------

# Buttons valid in any step; the others only in the step that showed them.
_GLOBAL = ("lang", "menu", "faq", "topic", "cancel", "rate", "restart")
# Steps in which a request is being put together: a command must not throw it away.
_DRAFT_STEPS = (
    Step.CONFIRM_CATEGORY,
    Step.CHOOSE_CATEGORY,
    Step.FAQ_FEEDBACK,
    Step.ASK_CITY,
    Step.ASK_DETAILS,
    Step.CONSENT,
)
_EXPECTED = {
    Step.CONSENT: "consent",
    Step.CONFIRM_CATEGORY: "confirm",
    Step.CHOOSE_CATEGORY: "cat",
    Step.FAQ_FEEDBACK: "helped",
    Step.ASK_CITY: "city",
    Step.ASK_DETAILS: "details",
    Step.CONFIRM_FORGET: "forget",
    Step.CONFIRM_CANCEL: "cancelconfirm",
}


def _button(state: State, event: Button) -> Result:
    t = _t(state)
    pressed = payloads.parse(event.payload)
    kind, value = pressed.kind, pressed.value
    if kind not in _GLOBAL and _EXPECTED.get(state.step) != kind:
        return [Reply(t._("That button belongs to an earlier message.")), *_prompt(state)], state
    if kind == "lang":
        return _choose_language(state, value)
    if kind == "restart":
        state.step, state.draft, state.pending = Step.DESCRIBE, Draft(), None
        return [texts.ask_to_describe(t)], state
    if kind == "menu":
        return _menu(state, value)
    if kind == "topic":
        if value not in HELP_KINDS:
            return _prompt(state), state
        return [ListFaq(value, state.locale or "en")], state
    if kind == "faq":
        return [ShowFaq(value, state.locale or "en")], state
    if kind == "rate":
        rating = payloads.parse_rating(value)
        if rating is None:
            return _prompt(state), state
        return [RateCase(rating.reference, rating.stars)], state
    if kind == "cancel":
        state.step, state.pending = Step.CONFIRM_CANCEL, value
        return [
            Reply(
                t._(
                    "Cancel request {reference}? The organisation will be told you no longer need help with it.",
                    reference=value,
                ),
                rows=(
                    (
                        Choice(t._("Yes, cancel it"), "cancelconfirm:yes"),
                        Choice(t._("No"), "cancelconfirm:no"),
                    ),
                ),
            )
        ], state
    if kind == "cancelconfirm":
        to_cancel, state.pending, state.step = state.pending, None, Step.DESCRIBE
        if value == "yes" and to_cancel:
            return [CancelCase(to_cancel)], state
        return [texts.ask_to_describe(t)], state
    if kind == "consent":
        return _consent(state, value == "yes")
    if kind == "confirm":
        if value == "yes" and state.draft.category:
            return _after_category(state)
        state.step = Step.CHOOSE_CATEGORY
        return [Reply(t._("Which kind of help do you need?"), rows=texts.category_rows(t))], state
    if kind == "cat":
        return _choose_category(state, value)
    if kind == "helped":
        if value == "yes":
            state.step, state.draft = Step.DESCRIBE, Draft()
            return [
                Reply(
                    t._("I'm glad it helped. You can write again at any time."),
                    rows=texts.menu_rows(t),
                )
            ], state
        return _after_category(state)
    if kind == "city":
        return _choose_city(state, value)
    if kind == "details":
        return _create_case(state, details=None)
    if kind == "forget":
        if value == "yes":
            return [EraseMe()], state
        state.step = Step.DESCRIBE
        return [Reply(t._("Nothing was deleted."), rows=texts.menu_rows(t))], state
    return _prompt(state), state


def _choose_language(state: State, value: str) -> Result:
    if value not in LOCALES:
        return _prompt(state), state
    state.locale = value
    t = _t(state)
    actions: list[Action] = [SaveClient(language=value)]
    if state.consent == Consent.UNKNOWN:
        state.step = Step.CONSENT
        return [*actions, texts.consent(t)], state
    if state.draft.words and state.step in (Step.CHOOSE_LANGUAGE, Step.NEW):
        return [*actions, *_continue_draft(state)], state
    state.step = Step.DESCRIBE if state.step in (Step.CHOOSE_LANGUAGE, Step.NEW) else state.step
    return [
        *actions,
        Reply(t._("I will write to you in English from now on.")),
        *_prompt(state),
    ], state


def _menu(state: State, value: str) -> Result:
    t = _t(state)
    if value == "faq":
        return [
            Reply(
                t._("Which topic?"),
                rows=(
                    (Choice(t._("Legal help"), "topic:legal"),),
                    (Choice(t._("Psychological support"), "topic:psychological"),),
                    (Choice(t._("Housing, money, health, school"), "topic:social"),),
                ),
            )
        ], state
    if value == "cases":
        return [ListCases()], state
    if value == "emergency":
        return [texts.emergency(t)], state
    if value == "language":
        return [Reply(t._("Which language is easiest for you?"), rows=texts.language_rows())], state
    state.step = Step.DESCRIBE
    return [texts.ask_to_describe(t)], state


def _consent(state: State, given: bool) -> Result:
    t = _t(state)
    state.consent = Consent.GIVEN if given else Consent.DECLINED
    actions: list[Action] = [SaveClient(language=state.locale or "en", consent=given)]
    if not given:
        state.step = Step.DESCRIBE
        declined = Reply(
            t._(
                "All right. I will not pass anything to a person. You can still read answers to "
                "common questions, and agree later with /start."
            ),
            rows=texts.menu_rows(t),
        )
        if state.draft.urgent:  # the numbers stay on screen for a person in danger
            return [*actions, texts.emergency(t, state.draft.urgent_signals), declined], state
        return [*actions, declined], state
    actions.append(Reply(t._("Thank you.")))
    if state.draft.words:
        return [*actions, *_continue_draft(state)], state
    state.step = Step.DESCRIBE
    return [*actions, texts.ask_to_describe(t)], state


def _continue_draft(state: State) -> list[Action]:
    """After language and consent, go on with what the person already wrote."""
    draft = state.draft
    if draft.faq and not draft.urgent:
        state.step = Step.FAQ_FEEDBACK
        return [ShowFaq(draft.faq, state.locale or "en")]
    if draft.category and draft.category != "other":
        return _route_by_confidence(state)
    state.step = Step.CHOOSE_CATEGORY
    t = _t(state)
    return [Reply(t._("Which kind of help do you need?"), rows=texts.category_rows(t))]


def _choose_category(state: State, value: str) -> Result:
    t = _t(state)
    if value == "unsure":
        state.draft.category, state.draft.subcategory = "other", "other_offtopic"
        return _after_category(state)
    if value not in HELP_KINDS:
        return _prompt(state), state
    if state.draft.category != value:
        state.draft.category, state.draft.subcategory = value, f"{value}_other"
    state.draft.confidence = CHOSEN_BY_PERSON
    if not state.draft.words:
        state.step = Step.DESCRIBE
        return [Reply(t._("Please describe your situation in a few words."))], state
    return _after_category(state)


def _after_category(state: State) -> Result:
    """The kind of help is settled: a case needs consent, then the city."""
    t = _t(state)
    if state.consent != Consent.GIVEN:
        state.step = Step.CONSENT
        return [texts.consent(t)], state
    state.step = Step.ASK_CITY
    return [
        Reply(
            t._("Where are you? The organisation closest to you will answer."),
            rows=texts.city_rows(t),
        )
    ], state


def _choose_city(state: State, value: str) -> Result:
    if value not in PLACES:
        return _prompt(state), state
    state.draft.city = value
    state.step = Step.ASK_DETAILS
    return [_details_question(_t(state))], state


def _details_question(t: Translator) -> Reply:
    return Reply(
        t._(
            "Is there anything else the organisation should know to start, for example a deadline "
            "on a letter or how to reach you? Write it, or skip."
        ),
        rows=((Choice(t._("Skip"), "details:skip"),),),
    )


def _create_case(state: State, details: str | None) -> Result:
    draft = state.draft
    words = tuple(draft.words) or ((details,) if details else ())
    return [
        CreateCase(
            category=draft.category or "other",
            subcategory=draft.subcategory or "other_offtopic",
            language=state.locale or "en",
            city=draft.city or "online",
            urgent=draft.urgent,
            urgent_signals=tuple(draft.urgent_signals),
            confidence=draft.confidence,
            words=words,
            details=details if draft.words else None,
        )
    ], state


# Text ------------------------------------------------------------------------------


def _text(state: State, event: Text) -> Result:
    parse = event.parse
    t = _t(state)
    actions: list[Action] = []
    if state.active_case:
        # A reply inside an open case is not a first message: only a named danger
        # (not the model's hunch about ordinary words) brings the numbers back.
        if parse.urgent and parse.urgent_signals:
            actions.append(texts.emergency(t, parse.urgent_signals))
        return [*actions, RelayToStaff(state.active_case, event.text)], state
    if parse.urgent:
        actions.append(texts.emergency(t, parse.urgent_signals))
    if state.step == Step.ASK_DETAILS and not parse.urgent:
        return _create_case(state, details=event.text.strip()[:2000] or None)
    if state.step in _EXPECTED and not parse.urgent:
        pressed = typed_choice(event.text, _choices_on_screen(state))
        if pressed is not None:
            return _button(state, Button(pressed, event.language_code))
    if state.step == Step.ASK_CITY and not parse.urgent and _looks_like_a_place(event):
        return _city_typed(state, event.text)
    if state.step in (Step.NEW, Step.CHOOSE_LANGUAGE) and state.consent == Consent.UNKNOWN:
        _remember(state, parse, event.text)
        first = state.step == Step.NEW
        if parse.urgent:
            # In danger, no language question: the numbers, then straight to consent in
            # the language we guessed (the menu can change it).
            state.draft.urgent = True
            state.step = Step.CONSENT
            return [
                *actions,
                Reply(t._("I will ask a person to look at your message first.")),
                texts.consent(t),
            ], state
        if first and _language_is_clear(event):
            # The text and the phone agree: no question, a button to change it instead.
            state.step = Step.CONSENT
            return [
                SaveClient(language=state.locale or "en"),
                _consent_with_language_button(t),
            ], state
        state.step = Step.CHOOSE_LANGUAGE
        if first:
            return [*actions, texts.language_choice(t)], state
        return [
            *actions,
            Reply(
                t._("Thank you, I have noted your message. First, please choose your language."),
                rows=texts.language_rows(),
            ),
        ], state
    if parse.category == "other" and not parse.urgent:
        if _is_unclear_request(state, parse) or _adds_to_request(state, parse):
            _remember(state, parse, event.text)  # kept as the person's words for a case
        return [*actions, *_small_talk(state, parse)], state
    _remember(state, parse, event.text)
    if parse.urgent:
        state.draft.urgent = True
        actions.append(Reply(t._("I will ask a person to look at your message first.")))
        if state.consent != Consent.GIVEN:
            state.step = Step.CONSENT
            return [*actions, texts.consent(t)], state
        return [*actions, *_route_by_confidence(state)], state
    if parse.faq is not None and parse.faq.score >= FAQ_CONFIDENT:
        state.step = Step.FAQ_FEEDBACK
        return [*actions, ShowFaq(parse.faq.id, state.locale or "en")], state
    return [*actions, *_route_by_confidence(state)], state


def _language_is_clear(event: Text) -> bool:
    phone = normalise_locale(event.language_code)
    return phone is not None and event.parse.language == phone


def _consent_with_language_button(t: Translator) -> Reply:
    consent = texts.consent(t)
    change = (Choice(t._("Change language"), "menu:language"),)
    return Reply(consent.text, rows=(*consent.rows, change))


def _choices_on_screen(state: State) -> list[Choice]:
    """The buttons of the question the current step waits for."""
    if state.step == Step.FAQ_FEEDBACK:
        t = _t(state)
        return [
            Choice(t._("Yes"), "helped:yes"),
            Choice(t._("No, I need a person"), "helped:no"),
        ]
    shown = _prompt(copy.deepcopy(state))
    return [c for reply in shown if isinstance(reply, Reply) for row in reply.rows for c in row]


def _looks_like_a_place(event: Text) -> bool:
    """A city name or a short answer, not a greeting, a question or a story."""
    if _city_from_text(event.text):
        return True
    words = event.text.split()
    small_talk = event.parse.subcategory in SMALL_TALK
    return 0 < len(words) <= 4 and "?" not in event.text and not small_talk


def _city_typed(state: State, text: str) -> Result:
    """A city typed at the city question: one of ours, or any other place (never refused)."""
    city = _city_from_text(text)
    if city is None:
        # Kraków, a village, "near the border": another city, and the person's own words
        # go with the request so staff know where.
        state.draft.add(text)
        city = "other"
    return _choose_city(state, city)


def _adds_to_request(state: State, parse: Parse) -> bool:
    """Words typed at a question that are neither a greeting nor thanks: more of the story."""
    return state.step in _DRAFT_STEPS and parse.subcategory not in SMALL_TALK


def _remember(state: State, parse: Parse, text: str) -> None:
    draft = state.draft
    draft.add(text)
    if parse.faq is not None and parse.faq.score >= FAQ_CONFIDENT:
        draft.faq = parse.faq.id
    if parse.category != "other" or draft.category is None:
        draft.category, draft.subcategory = parse.category, parse.subcategory
        draft.confidence = parse.confidence
    if parse.urgent:
        draft.urgent = True
        draft.urgent_signals = sorted({*draft.urgent_signals, *parse.urgent_signals})


def _route_by_confidence(state: State) -> list[Action]:
    t = _t(state)
    draft = state.draft
    if draft.category in HELP_KINDS and (
        draft.urgent or (draft.confidence or 0) >= CHOSEN_BY_PERSON
    ):
        return _after_category(state)[0]
    if draft.category in HELP_KINDS and (draft.confidence or 0) >= CONFIDENT:
        state.step = Step.CONFIRM_CATEGORY
        return [
            Reply(
                texts.topic(t, draft.subcategory or "") + "\n" + t._("Is that right?"),
                rows=(
                    (
                        Choice(t._("Yes"), "confirm:yes"),
                        Choice(t._("No, something else"), "confirm:no"),
                    ),
                ),
            )
        ]
    state.step = Step.CHOOSE_CATEGORY
    return [
        Reply(
            t._("I am not sure I understood. Which kind of help do you need?"),
            rows=texts.category_rows(t),
        )
    ]


def _is_unclear_request(state: State, parse: Parse) -> bool:
    """Not thanks, not a plain hello: something the person needs that we didn't get."""
    if parse.subcategory == "other_thanks" or state.step in _EXPECTED:
        return False
    return not (parse.subcategory == "other_greeting" and parse.confidence >= CONFIDENT)


def _small_talk(state: State, parse: Parse) -> list[Action]:
    """Greetings, thanks and the unclear: answer kindly, then show where we are."""
    t = _t(state)
    if parse.subcategory == "other_thanks":
        return [
            Reply(t._("You're welcome. Write any time you need help."), rows=texts.menu_rows(t))
        ]
    if state.step in _EXPECTED:  # typed while a question waits for a button
        if _adds_to_request(state, parse):
            return [Reply(t._("I have added this to your request.")), *_prompt(state)]
        return [
            Reply(t._("Please choose one of the options below, or write /menu to start again.")),
            *_prompt(state),
        ]
    if parse.subcategory == "other_greeting" and parse.confidence >= CONFIDENT:
        state.step = Step.DESCRIBE
        return [texts.ask_to_describe(t)]
    state.step = Step.CHOOSE_CATEGORY
    return [
        Reply(
            t._("I am not sure I understood. Which kind of help do you need?"),
            rows=texts.category_rows(t),
        )
    ]


def _city_from_text(text: str) -> str | None:
    from nlu.normalize import skeleton

    shape = skeleton(text)
    for city, forms in _CITY_FORMS.items():
        if any(form in shape for form in forms):
            return city
    return None


_CITY_FORMS = {
    "Warszawa": ("varshav", "varsav", "varsa"),
    "Lublin": ("liublin", "lublin", "liublin"),
    "Poznań": ("poznan", "poznan"),
    "Wrocław": ("vroclav", "vroclav", "vrocl"),
}


def _media(state: State, event: Media) -> Result:
    t = _t(state)
    if event.kind == "unsupported":
        return [
            Reply(
                t._(
                    "I can't read this kind of message. Please write in words, or send a photo or a document."
                )
            )
        ], state
    if state.active_case:
        return [
            RelayToStaff(state.active_case, event.caption or None, event.kind, event.reference)
        ], state
    return [
        Reply(
            t._(
                "I can pass files to a staff member once your request is taken. Please describe your situation in words first."
            )
        )
    ], state


def _prompt(state: State) -> list[Action]:
    """Show again what the current step is waiting for."""
    t = _t(state)
    prompts: dict[Step, Callable[[], Reply]] = {
        Step.CHOOSE_LANGUAGE: lambda: texts.language_choice(t),
        Step.CONSENT: lambda: texts.consent(t),
        Step.CHOOSE_CATEGORY: lambda: Reply(
            t._("Which kind of help do you need?"), rows=texts.category_rows(t)
        ),
        Step.ASK_CITY: lambda: Reply(
            t._("Where are you? The organisation closest to you will answer."),
            rows=texts.city_rows(t),
        ),
        Step.ASK_DETAILS: lambda: _details_question(t),
        Step.CONFIRM_FORGET: lambda: _confirm_forget(t),
    }
    if state.step == Step.CONFIRM_CATEGORY:
        return _route_by_confidence(state)
    if state.step == Step.FAQ_FEEDBACK and state.draft.faq:
        return [ShowFaq(state.draft.faq, state.locale or "en")]
    prompt = prompts.get(state.step)
    if prompt is None:
        state.step = Step.DESCRIBE
        return [texts.ask_to_describe(t)]
    return [prompt()]


# Effect results -----------------------------------------------------------------------


def _faq_shown(state: State, event: FaqShown, t: Translator) -> Result:
    parts = [event.answer]
    if event.language != state.locale:
        parts.append(
            t._(
                "This answer is not yet available in your language, so it is shown in another language."
            )
        )
    note = texts.review_note(t, event.category, unchecked=event.draft or not event.reviewed)
    if note:
        parts.append(note)
    if event.expired:
        parts.append(
            t._("This answer may be out of date. Please check with a partner organisation.")
        )
    reply = Reply(f"{event.question}\n\n" + "\n\n".join(parts), rich=True)
    if state.step == Step.FAQ_FEEDBACK:
        return [
            reply,
            Reply(
                t._("Did this answer help?"),
                rows=(
                    (
                        Choice(t._("Yes"), "helped:yes"),
                        Choice(t._("No, I need a person"), "helped:no"),
                    ),
                ),
            ),
        ], state
    return [
        reply,
        Reply(t._("Anything else? Write your question, or choose below."), rows=texts.menu_rows(t)),
    ], state


def _faq_missing(state: State, event: FaqMissing, t: Translator) -> Result:
    if state.step == Step.FAQ_FEEDBACK:
        return [*_route_by_confidence(state)], state
    return [Reply(t._("This answer is no longer available."), rows=texts.menu_rows(t))], state


def _faq_listed(state: State, event: FaqListed, t: Translator) -> Result:
    if not event.entries:
        return [
            Reply(
                t._(
                    "There are no answers on this topic yet. Write your question and a person will help."
                ),
                rows=texts.menu_rows(t),
            )
        ], state
    rows = tuple(
        (
            Choice(
                texts.button_label(entry.question),
                payloads.button(payloads.ButtonKind.FAQ, entry.slug),
            ),
        )
        for entry in event.entries[:20]
    )
    return [Reply(t._("Choose a question:"), rows=rows)], state


def _case_created(state: State, event: CaseCreated, t: Translator) -> Result:
    state.step, state.draft = Step.DESCRIBE, Draft()
    lines = [
        t._(
            "Your request {reference} has been passed to {partner}.",
            reference=event.reference,
            partner=texts.partner_name(t, event.partner_name, coordinators=event.coordinators),
        )
    ]
    if event.urgent:
        lines.append(t._("It is marked as urgent: a person will look at it first."))
    lines.append(
        t._("A staff member will reply to you here, in this chat. You can follow it with /cases.")
    )
    lines.append(t._("If you are in danger, call 112."))
    return [Reply("\n".join(lines), rows=texts.menu_rows(t))], state


def _cases_listed(state: State, event: CasesListed, t: Translator) -> Result:
    if not event.cases:
        return [
            Reply(t._("You have no requests yet. Tell me what you need."), rows=texts.menu_rows(t))
        ], state
    lines = [t.ngettext("You have {n} request:", "You have {n} requests:", len(event.cases))]
    rows = []
    for case in event.cases:
        lines.append(
            t._(
                "{reference}: {status}, sent on {date}, to {partner}",
                reference=case.reference,
                status=texts.status_name(t, case.status),
                date=t.date(case.created_at),
                partner=texts.partner_name(t, case.partner_name, coordinators=case.coordinators),
            )
        )
        if case.status in OPEN_CASE_STATUSES:
            rows.append(
                (
                    Choice(
                        t._("Cancel {reference}", reference=case.reference),
                        payloads.button(payloads.ButtonKind.CANCEL, case.reference),
                    ),
                )
            )
    return [Reply("\n".join(lines), rows=tuple(rows) + texts.menu_rows(t))], state


def _case_cancelled(state: State, event: CaseCancelled, t: Translator) -> Result:
    if state.active_case == event.reference:
        state.active_case = None
    if event.cancelled:
        text = t._("Request {reference} is cancelled.", reference=event.reference)
    else:
        text = t._("Request {reference} cannot be cancelled any more.", reference=event.reference)
    return [Reply(text, rows=texts.menu_rows(t))], state


def _data_shown(state: State, event: DataShown, t: Translator) -> Result:
    lines = [t._("What we store about you:"), t._("Language: {language}", language=event.language)]
    if event.consent_at:
        lines.append(t._("Consent given on {date}", date=t.date(event.consent_at)))
    else:
        lines.append(t._("No consent given: we pass nothing to a person."))
    lines.append(t.ngettext("{n} request", "{n} requests", event.cases))
    lines.append(t.ngettext("{n} message", "{n} messages", event.messages))
    lines.append(t._("To delete all of it, write /forget."))
    return [Reply("\n".join(lines), rows=texts.menu_rows(t))], state


def _erased(state: State, event: Erased, t: Translator) -> Result:
    # Nothing is kept, not even the language: the next message starts afresh.
    text = t._("Your data has been deleted. If you write again, we will start from the beginning.")
    return [Reply(text)], State()


def _relayed(state: State, event: Relayed, t: Translator) -> Result:
    return [], state


def _rated(state: State, event: CaseRated, t: Translator) -> Result:
    if not event.saved:
        return [Reply(t._("This rating could not be saved."), rows=texts.menu_rows(t))], state
    return [
        Reply(t._("Thank you for your rating. It helps us improve."), rows=texts.menu_rows(t))
    ], state


# Each handler takes its own result type; the dispatch in `step` picks by type.
_RESULTS: dict[type, Callable[..., Result]] = {
    FaqShown: _faq_shown,
    FaqMissing: _faq_missing,
    FaqListed: _faq_listed,
    CaseCreated: _case_created,
    CasesListed: _cases_listed,
    CaseCancelled: _case_cancelled,
    DataShown: _data_shown,
    Erased: _erased,
    Relayed: _relayed,
    CaseRated: _rated,
}
