"""The annotation form: prefilled lemma, existing glosses, engine suggestions, save, delete."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from reader.service import ReaderService
from reader.ui.dialogs.annotate import AnnotateDialog, Annotation, AnnotationResult
from tests.ui.conftest import make_app, settle


async def open_form(
    app: App[None], pilot: Pilot[None], annotation: Annotation
) -> tuple[AnnotateDialog, list[AnnotationResult | None]]:
    await settle(pilot)
    results: list[AnnotationResult | None] = []
    dialog = AnnotateDialog(annotation)
    app.push_screen(dialog, results.append)
    await settle(pilot)
    return dialog, results


def field(dialog: AnnotateDialog, name: str) -> Input:
    return dialog.query_one(f"#annotate-{name}", Input)


async def test_a_new_english_term_is_saved_with_its_sentence(service: ReaderService) -> None:
    app = make_app(service)
    article_id = service.list_articles(limit=1)[0].id
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, results = await open_form(
            app,
            pilot,
            Annotation(
                text="Councils",
                lang="en",
                sentence="The councils met on Tuesday.",
                article_id=article_id,
            ),
        )
        assert field(dialog, "lemma").value == "council"
        assert field(dialog, "gloss").has_focus
        await pilot.press(*"의회")
        await pilot.press("enter")
        await settle(pilot)
        assert results and results[0] is not None and results[0].term is not None
        term = service.term(results[0].term.id)
        assert (term.text, term.lemma, term.gloss, term.status) == (
            "Councils",
            "council",
            "의회",
            "1",
        )
        assert term.sentence == "The councils met on Tuesday."
        assert term.article_id == article_id
        assert not isinstance(app.screen, AnnotateDialog)


async def test_existing_glosses_are_offered_and_prefilled(service: ReaderService) -> None:
    service.add_term("council", gloss="의회; 위원회", lang="en")
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, _ = await open_form(app, pilot, Annotation(text="council", lang="en"))
        assert dialog.choices[:2] == ["의회", "위원회"]
        assert field(dialog, "gloss").value == "의회"


async def test_typed_fields_are_not_overwritten_by_late_suggestions(
    service: ReaderService,
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, _ = await open_form(app, pilot, Annotation(text="budget", lang="en"))
        await pilot.press(*"돈")
        dialog._add_choices([("예산", "engine")])  # a translation arriving late
        await pilot.pause()
        assert field(dialog, "gloss").value == "돈"
        assert dialog.choices == ["예산"]
        await pilot.press("tab", "enter")  # the choice replaces the typed gloss
        assert field(dialog, "gloss").value == "예산"


async def test_korean_lemma_and_status_and_tags(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, results = await open_form(
            app,
            pilot,
            Annotation(text="외교를", lang="ko", sentence="실용 외교를 강조했다."),
        )
        assert field(dialog, "lemma").value == "외교"
        field(dialog, "gloss").value = "diplomacy"
        field(dialog, "tags").value = "news, politics"
        dialog.query_one("#annotate-status").value = "3"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = results[0]
        assert saved is not None and saved.term is not None
        term = service.term(saved.term.id)
        assert (term.lemma, term.status, term.tags) == ("외교", "3", ["news", "politics"])
        matches = service.match_terms("정부는 외교는 물론 경제도 챙긴다.", "ko")
        assert [m.term_id for m in matches] == [term.id]


async def test_the_engine_suggests_a_gloss(
    service: ReaderService, installed_tiny_models: Path
) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, _ = await open_form(
            app, pilot, Annotation(text="학교", lang="ko", sentence="오늘 학교에서 친구를 만났다.")
        )
        assert "school" in " ".join(dialog.choices)
        assert field(dialog, "gloss").value == dialog.choices[0]
        assert dialog.annotation.sentence_translation


async def test_edit_and_delete_a_stored_term(service: ReaderService) -> None:
    term = service.add_term("summit", gloss="정상회담", lang="en", status="2").term
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, results = await open_form(app, pilot, Annotation.of_term(term))
        assert field(dialog, "gloss").value == "정상회담"
        field(dialog, "note").value = "G7"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert service.term(term.id).note == "G7"
        dialog, results = await open_form(app, pilot, Annotation.of_term(service.term(term.id)))
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert results == [AnnotationResult(deleted=term.id)]
        assert service.list_terms() == []


async def test_escape_cancels(service: ReaderService) -> None:
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        _, results = await open_form(app, pilot, Annotation(text="budget", lang="en"))
        await pilot.press("escape")
        await settle(pilot)
        assert results == [None]
        assert service.list_terms() == []


async def test_the_form_fits_80x24_and_tab_never_selects_the_term(service: ReaderService) -> None:
    from textual.geometry import Region

    service.add_term("council", gloss="의회", lang="en")
    service.add_term("councils", gloss="지방 의회", lang="en")
    app = make_app(service)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog, results = await open_form(
            app,
            pilot,
            Annotation(
                text="council",
                lang="en",
                sentence="The city council met on Tuesday and approved the new budget for "
                "the schools of the district after a long debate.",
                sentence_translation="시의회는 화요일에 모여 긴 토론 끝에 구의 학교 예산을 승인했다.",
            ),
        )
        screen_region = Region(0, 0, 80, 24)
        hint = dialog.query_one("#annotate-hint")
        for widget in [*dialog.query(Input), hint]:
            assert screen_region.contains_region(widget.region), widget
        note = field(dialog, "note")
        for _ in range(8):
            if note.has_focus:
                break
            await pilot.press("tab")
        assert note.has_focus
        await pilot.press(*"meeting")
        assert note.value == "meeting"
        assert screen_region.contains_region(note.region)
        assert "meeting" in app.export_screenshot(), "what is typed in the note is on screen"
        await pilot.press("tab")
        term = field(dialog, "text")
        assert term.has_focus
        await pilot.press("s")
        assert term.value == "councils", "typing after tab adds to the term, never replaces it"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results and results[0] is not None and results[0].term is not None
        assert results[0].term.note == "meeting"


async def test_dictionary_glosses_are_offered_with_their_dictionary(
    service: ReaderService,
) -> None:
    from tests.dictionary.conftest import FIXTURES

    service.dict_install(FIXTURES / "krdict.xml")
    service.add_term("사람", gloss="man", lang="ko")
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, _ = await open_form(
            app, pilot, Annotation(text="사람이", lang="ko", sentence="사람이 많다.")
        )
        assert dialog.choices[:3] == ["man", "person", "human"], "the glossary's first"
        labels = [
            str(dialog.query_one("#annotate-choices").get_option_at_index(i).prompt)  # type: ignore[attr-defined]
            for i in range(3)
        ]
        assert labels[1].endswith("(krdict)")
        assert field(dialog, "gloss").value == "man"


async def test_an_english_word_is_offered_the_korean_headwords_that_translate_it(
    service: ReaderService,
) -> None:
    from tests.dictionary.conftest import FIXTURES

    service.dict_install(FIXTURES / "krdict.xml")
    app = make_app(service)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog, _ = await open_form(app, pilot, Annotation(text="person", lang="en"))
        assert "사람" in dialog.choices
        assert field(dialog, "gloss").value == dialog.choices[0]
