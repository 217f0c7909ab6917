from messaging.policy.normalize import keyword_view, normalize


def _mapped_back(text: str) -> list[str]:
    normalized = normalize(text)
    return [text[start:end] for start, end in zip(normalized.starts, normalized.ends, strict=True)]


def test_full_width_letters_fold_to_ascii():
    assert normalize("ｌｅｎａ＠ｍａｉｌ．ｃｏｍ").text == "lena@mail.com"


def test_cyrillic_look_alikes_fold_to_latin():
    assert normalize("rоsa@zoһo.cоm").text == "rosa@zoho.com"


def test_invisible_characters_are_removed():
    assert normalize("f\u200berro\u00ad-ki\u2060t\ufeffchen.store").text == "ferro-kitchen.store"


def test_accents_are_stripped_and_case_folded():
    assert normalize("Teléfono MÓVIL").text == "telefono movil"


def test_emoji_with_zero_width_joiner_do_not_break_normalisation():
    assert normalize("Great 👨‍👩‍👧 thanks").text == "great 👨👩👧 thanks"


def test_bracketed_dot_is_undone():
    assert normalize("example[.]com and shop(dot)es").text == "example.com and shop.es"


def test_spoken_at_and_dot_are_undone_in_an_address():
    assert normalize("omar.k AT hotmail DOT com").text == "omar.k@hotmail.com"


def test_spanish_arroba_and_punto_are_undone():
    assert normalize("bea arroba outlook punto es y").text == "bea@outlook.es y"


def test_prose_at_and_dot_are_left_alone():
    assert normalize("I'm at the office; the blue dot is on").text == (
        "i'm at the office; the blue dot is on"
    )


def test_spanish_punto_in_prose_is_left_alone():
    assert normalize("El punto es que no llegó").text == "el punto es que no llego"


def test_spaced_letters_are_collapsed():
    assert normalize("r o s a . l i n @ z o h o . c o m and").text == "rosa.lin@zoho.com and"


def test_spaced_digits_keep_a_following_word():
    assert normalize("al 6 5 0 6 9 6 0 8 6 y marca").text == "al 650696086 y marca"


def test_long_runs_of_number_words_become_digits():
    assert normalize("call seven two zero 555 0119").text == "call 7 2 0 555 0119"


def test_short_runs_of_number_words_stay_words():
    assert normalize("one or two items, five four three").text == (
        "one or two items, five four three"
    )


def test_spanish_number_words_become_digits():
    assert normalize("seis dos uno cero tres dos dos cinco ocho").text == "6 2 1 0 3 2 2 5 8"


def test_letters_standing_for_digits_are_read_as_digits():
    assert normalize("Call 4O8-555-Ol83").text == "call 408-555-0183"


def test_every_normalised_character_maps_to_its_original_character():
    text = "Ｒｏｓａ"

    assert _mapped_back(text) == ["Ｒ", "ｏ", "ｓ", "ａ"]


def test_characters_after_removed_invisibles_map_to_the_right_original():
    text = "a\u200bb\u200dc"
    normalized = normalize(text)

    assert normalized.text == "abc"
    assert normalized.starts == [0, 2, 4]
    assert normalized.ends == [1, 3, 5]


def test_spoken_separator_maps_to_the_spoken_word():
    text = "omar.k AT hotmail"
    normalized = normalize(text)
    at = normalized.text.index("@")

    assert text[normalized.starts[at] : normalized.ends[at]] == " AT "


def test_number_word_maps_to_the_whole_word():
    text = "seven 2 0 5 5 5 0 1 1 9"
    normalized = normalize(text)

    assert text[normalized.starts[0] : normalized.ends[0]] == "seven"


def test_span_of_a_normalised_range_covers_the_original_text():
    text = "x ｐｅｄｒｏ＠ｍａｉｌ．ｅｓ y"
    normalized = normalize(text)
    start = normalized.text.index("pedro")
    end = start + len("pedro@mail.es")

    assert normalized.span(start, end) == (2, 15)


def test_keyword_view_reads_digits_inside_words_as_letters():
    assert keyword_view("wh4tsapp r3view 555 5-star") == "whatsapp review 555 5-star"
